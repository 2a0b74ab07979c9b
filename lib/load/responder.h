/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in HTTP/1.1 responder of one worker lcore: the server role of
 * lib/tcp, answering every request with a response made from one template
 * (status, headers, body size, chunked or not, keep-alive limit, delay).
 *
 * Pull model, as the client's requests: a connection's send stream is its
 * responses back to back, each regenerated from (template, offset) by
 * responder_fill(); nothing is copied into a send buffer.
 *
 * Call order per poll-loop turn: responder_input() for every received TCP
 * segment, then responder_poll(). TCP callbacks only parse and queue what
 * to send or close; the actions run once the stack has returned.
 *
 * DPDK-free: the caller supplies the transmit function.
 */
#pragma once

#include <stdint.h>

#include "responder-t.h"
#include "tcp.h"

struct responder;

typedef int (*responder_tx_fn)(void *ctx, const struct tcp_seg_out *seg);

/** Listen on tp->local_addr:conf->port. NULL with errno: EINVAL (bad status,
 * reason or header, port inside the client range), ENOMEM. */
struct responder *responder_create(const struct responder_conf *conf,
				   const struct tcp_params *tp, responder_tx_fn tx, void *tx_ctx);
void responder_destroy(struct responder *r);

void responder_input(struct responder *r, const struct tcp_seg *seg, uint64_t now_us);
/** Timers, delayed responses, queued actions. */
void responder_poll(struct responder *r, uint64_t now_us);

/** Copy bytes [off, off + len) of a connection's send stream into dst. */
void responder_fill(struct responder *r, struct tcp_conn *c, uint64_t off, uint32_t len,
		    uint8_t *dst);

/** Close every connection once its queued responses are out (FIN). */
void responder_close_all(struct responder *r, uint64_t now_us);
/** Abort (RST) every connection. */
void responder_abort_all(struct responder *r, uint64_t now_us);

uint32_t responder_open_conns(const struct responder *r);
const struct responder_counters *responder_counters(const struct responder *r);
struct tcp_stack *responder_tcp(struct responder *r);
/** Bytes of one GET response (head and body), for reports and tests. */
uint64_t responder_response_len(const struct responder *r);
