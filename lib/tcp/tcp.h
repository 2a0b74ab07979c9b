/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore TCP stack, client and server roles.
 *
 * The stack knows nothing of DPDK: lib/net parses headers into a struct tcp_seg
 * and calls tcp_input(); the stack emits segments through ops->tx() as a
 * struct tcp_seg_out, and lib/net builds the packet. Payload is never buffered
 * for sending: a segment names a range of the connection's send stream
 * (stream_off, len) and the caller regenerates those bytes from its template
 * (TRex's pull model), so retransmissions cost no memory.
 *
 * Received in-order payload is handed to ops->on_recv() at once and is not
 * kept, so the advertised receive window stays constant. Out-of-order payload
 * is copied into a bounded per-stack queue.
 *
 * Time is whatever the caller passes as `now` in microseconds (TSC-derived in
 * the worker, a virtual clock in tests). Nothing in here reads a clock.
 *
 * All functions returning int return 0 or a negative errno.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp-t.h"

struct tcp_stack;
struct tcp_conn;

struct tcp_ops {
	/* Send one segment. Return 0, or -ENOBUFS when it could not be queued;
	 * the stack treats a failed send like a lost segment. */
	int (*tx)(void *ctx, const struct tcp_seg_out *seg);
	/* Handshake completed: client, our SYN was answered; server (passive,
	 * tcp_conn_passive(c) is true), our SYN-ACK was acknowledged. A passive
	 * connection is the application's from here: half-open ones are the
	 * stack's own and never reach a callback. */
	void (*on_established)(void *ctx, struct tcp_conn *c);
	/* In-order payload; data is only valid during the call. */
	void (*on_recv)(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len);
	/* Bytes of the send stream acknowledged by the peer (cumulative count). */
	void (*on_acked)(void *ctx, struct tcp_conn *c, uint64_t acked_total);
	/* The peer sent FIN; the application may still send then tcp_close(). */
	void (*on_peer_fin)(void *ctx, struct tcp_conn *c);
	/* The connection is gone (or in TIME_WAIT); c must not be used after.
	 * Called exactly once for every connection tcp_connect() opened and
	 * for every passive connection that reached on_established.
	 * Choice for TIME_WAIT (policy TCP_TW_2MSL): on_closed(NORMAL) is called
	 * when the connection enters TIME_WAIT; the slot (and its local port) stays
	 * busy, counted by tcp_stack_active(), until 2 * msl_us have passed, and
	 * then it is freed without a second call. With TCP_TW_RESET the slot is
	 * free when on_closed runs. on_closed may call tcp_connect(). */
	void (*on_closed)(void *ctx, struct tcp_conn *c, enum tcp_close_reason why);
};

/* Callbacks may call tcp_send/tcp_close/tcp_abort/tcp_connect on any
 * connection, but must not call tcp_input() or tcp_timers_run(). */

/** Fill p with defaults: MSS 1460, 1 MiB window with wscale 7, RTO 1 s
 * initial, 200 ms..60 s, 8 retries, 5 SYN retries, delayed ACK 40 ms, MSL 30 s,
 * TIME_WAIT reuse after 1 s (2MSL without timestamps), timestamps offered, 1024 out-of-order segments, 1 ms ticks, ports 1024..65535,
 * 16384 connections, 4096 half-open, 5 SYN-ACK retries. The caller still sets
 * local_addr. */
void tcp_params_default(struct tcp_params *p);

/** Fresh per-run values: a random ISN key and first port slot. Call once per
 * stack (each worker then starts elsewhere in its range). 0, or -1 when
 * libsodium cannot initialise. */
int tcp_params_randomize(struct tcp_params *p);

/** Make TSval (now / 1000 + ts_offset_ms) the host's milliseconds since boot,
 * given the caller's clock reading now_us: monotone across runs. 0 or -1. */
int tcp_params_host_clock(struct tcp_params *p, uint64_t now_us);

/** Create a stack; NULL with errno set (EINVAL, ENOMEM). */
struct tcp_stack *tcp_stack_create(const struct tcp_params *p, const struct tcp_ops *ops,
				   void *ctx);
void tcp_stack_destroy(struct tcp_stack *s);

/** Open a connection from one of the stack's addresses to daddr:dport; the
 * stack picks a free (address, port) pair (oldest freed first; consecutive
 * connections take consecutive addresses). -EADDRINUSE when none is free. The
 * SYN is sent before this returns. The table holds
 * min(max_conns, ports in the range * n_local_addrs) connections. */
int tcp_connect(struct tcp_stack *s, uint32_t daddr, uint16_t dport, uint64_t now,
		struct tcp_conn **out);

/** tcp_connect to an IPv6 peer, from local_ip6 + k; -EAFNOSUPPORT when the
 * stack was made without params.ip6. */
int tcp_connect6(struct tcp_stack *s, const struct net_ip6 *daddr, uint16_t dport, uint64_t now,
		 struct tcp_conn **out);

/** Append len bytes to the send stream (the caller supplies the bytes on tx).
 * Allowed in SYN_SENT (sent after the handshake), ESTABLISHED and CLOSE_WAIT;
 * -EPIPE after tcp_close(), -ENOTCONN in other states, -ENOBUFS if more than
 * 1 GiB would be queued unacknowledged. */
int tcp_send(struct tcp_stack *s, struct tcp_conn *c, uint32_t len, uint64_t now);

/** Accept connections on the stack's local_addr:port (passive open). SYNs
 * get a SYN-ACK with our MSS (and window scale when the SYN offers it); the
 * connection is handed to the application through on_established when the
 * handshake completes. At most params.max_half_open connections wait in
 * SYN_RCVD; SYNs beyond are dropped and counted. One listening port per
 * stack; it must lie outside the client port range. 0, -EINVAL (port 0 or
 * inside the client range), -EBUSY (already listening on another port),
 * -ENOMEM. With params.port_max == 0 the stack is server-only: its table
 * holds max_conns connections and tcp_connect() returns -EOPNOTSUPP. */
int tcp_listen(struct tcp_stack *s, uint16_t port);

/** Graceful close: FIN after the queued bytes. In SYN_SENT the FIN follows the
 * handshake. -EALREADY if already closing, -ENOTCONN when closed. */
int tcp_close(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);

/** tcp_send() then tcp_close() in one call: the FIN rides on the last data
 * segment (one frame fewer than the two calls). Errors as tcp_send(); on an
 * error nothing is queued. */
int tcp_send_close(struct tcp_stack *s, struct tcp_conn *c, uint32_t len, uint64_t now);

/** Abortive close: send RST, free the connection, on_closed(TCP_CLOSE_ABORTED).
 * In SYN_SENT the RST has no ACK (seq after our SYN). A half-open passive connection (SYN_RCVD) gets a RST
 * and is freed without on_closed. On a TIME_WAIT connection it just frees the slot (its
 * on_closed was already delivered). No-op on a closed slot. */
void tcp_abort(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);

/** One received segment addressed to this stack. */
void tcp_input(struct tcp_stack *s, const struct tcp_seg *seg, uint64_t now);

/** Fire due timers (retransmission, persist, delayed ACK, TIME_WAIT). */
void tcp_timers_run(struct tcp_stack *s, uint64_t now);

/* Accessors */
uint32_t tcp_conn_id(const struct tcp_conn *c); /* dense, < max_conns */
struct tcp_conn *tcp_conn_by_id(struct tcp_stack *s, uint32_t id); /* NULL if free */
enum tcp_state tcp_conn_state(const struct tcp_conn *c);
uint16_t tcp_conn_local_port(const struct tcp_conn *c);
uint32_t tcp_conn_local_addr(const struct tcp_stack *s, const struct tcp_conn *c); /* host order */
bool tcp_conn_passive(const struct tcp_conn *c);        /* opened by tcp_listen() */
uint32_t tcp_conn_remote_addr(const struct tcp_conn *c); /* host order */
uint16_t tcp_conn_remote_port(const struct tcp_conn *c);
/* an IPv6 connection's full addresses; NULL for an IPv4 one */
const struct net_ip6_pair *tcp_seg_out_ip6(const struct tcp_stack *s, const struct tcp_seg_out *o);
const struct net_ip6 *tcp_conn_local_addr6(const struct tcp_stack *s, const struct tcp_conn *c);
const struct net_ip6 *tcp_conn_remote_addr6(const struct tcp_stack *s, const struct tcp_conn *c);
const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *s);
/* out += b - a, field by field; and the (key, offset, help) of every counter */
void tcp_stats_add_diff(struct tcp_stats *out, const struct tcp_stats *a,
			const struct tcp_stats *b);
extern const struct counter_table tcp_stats_table;
uint32_t tcp_stack_active(const struct tcp_stack *s); /* not CLOSED (TIME_WAIT counts) */
/* table bytes / capacity, counting each entry's timer node and free-queue cell */
size_t tcp_stack_mem_per_conn(const struct tcp_stack *s);
const char *tcp_state_name(enum tcp_state st);
const char *tcp_close_reason_name(enum tcp_close_reason r);

/* Introspection: a connection's state, the table's fill */
void tcp_conn_info(const struct tcp_stack *s, const struct tcp_conn *c,
		   struct tcp_conn_info *out);
/* The longest retransmission timeout and smoothed round trip among the
 * connections still open (TIME_WAIT excluded; 0 when none): how long a
 * close may still take to be retransmitted, and how long a peer takes to
 * answer. A walk over the table: for shutdown, not for every turn. */
struct tcp_rtt_bound {
	uint32_t rto_us, srtt_us;
};
struct tcp_rtt_bound tcp_stack_rtt_bound(struct tcp_stack *s);
uint32_t tcp_stack_capacity(const struct tcp_stack *s); /* table entries */
uint32_t tcp_stack_ooo_free(const struct tcp_stack *s); /* free out-of-order entries */
uint32_t tcp_stack_half_open(const struct tcp_stack *s); /* connections in SYN_RCVD */
