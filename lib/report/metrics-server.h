/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tiny HTTP/1.1 server for GET /metrics, driven from the caller's loop
 * (no thread of its own, never blocks beyond the timeout it is given).
 *
 * Each connection sends one request and gets one answer, then is closed
 * ("Connection: close"): 200 with the text of render() for GET or HEAD of
 * /metrics (a query string is ignored), 404 for other paths, 405 for other
 * methods, 400 for a malformed head, 431 for a head over 4 KiB, 503 when
 * render() returns NULL.
 *
 * Bounds: at most METRICS_SERVER_MAX_CONNS connections; when one more comes,
 * one is closed to make room (the oldest already answered, else the oldest
 * still sending its request, else the oldest being written to), so clients
 * that send nothing cannot lock a scraper out. A connection lives at most its
 * timeout (5 s unless set) from accept to close, whatever it does. Bytes
 * after a request head are read and dropped, never parsed.
 *
 * It binds exactly the address it is given, and nothing else.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define METRICS_SERVER_MAX_CONNS 16
#define METRICS_SERVER_MAX_HEAD 4096

struct metrics_server;

/* What the answer's body is: the current text and its length. NULL: 503. */
typedef const char *(*metrics_render_fn)(void *ctx, size_t *len);

struct metrics_server_stats {
	uint64_t accepted;
	uint64_t served;    /* 200 answers */
	uint64_t not_found; /* 404 */
	uint64_t rejected;  /* 400, 405, 431, 503 */
	uint64_t timed_out; /* closed when their time was up */
	uint64_t evicted;   /* closed to make room for a newer one */
};

/** Listen on "IPv4:PORT" or "[IPv6]:PORT" (numeric; port 0 takes an
 * ephemeral one, see metrics_server_port()). NULL with errno: EINVAL (bad
 * address), ENOMEM, or the error of socket(), bind() or listen()
 * (EADDRINUSE...). */
struct metrics_server *metrics_server_create(const char *addr_port);
void metrics_server_free(struct metrics_server *m);

/** A descriptor that polls readable when the server has work (a new
 * connection, bytes from a client, room to write): add it to the caller's
 * poll()/epoll set and call metrics_server_poll(m, 0, ...) when it fires,
 * and at least once a second so that stale connections are closed. */
int metrics_server_fd(const struct metrics_server *m);

/** The port it listens on (host order). */
uint16_t metrics_server_port(const struct metrics_server *m);

/** Time a connection may live, from accept to close (default 5000 ms). */
void metrics_server_set_timeout(struct metrics_server *m, int timeout_ms);

/** Wait up to timeout_ms (0: do not wait; -1: until something happens) for
 * work, then do all that is ready: accept, read, answer, close. render is
 * called once per complete /metrics request. Returns the number of answers
 * finished (written whole), or a negative errno if waiting failed (EINTR
 * is not a failure: 0). */
int metrics_server_poll(struct metrics_server *m, int timeout_ms, metrics_render_fn render,
			void *ctx);

void metrics_server_get_stats(const struct metrics_server *m, struct metrics_server_stats *out);
