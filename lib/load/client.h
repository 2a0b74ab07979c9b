/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/1.1 client of one worker lcore, driving one of the load models of
 * client_phase (closed loop, open-loop rate, connection rate) over lib/tcp.
 *
 * Call order per poll-loop turn: client_input() for every received TCP
 * segment, then client_poll(). TCP callbacks never act on a connection
 * directly: they queue the action (send, close, abort) and client_input()
 * / client_poll() carry it out once the stack has returned, so the stack
 * is never re-entered from its own callbacks.
 *
 * DPDK-free: the caller supplies the transmit function.
 */
#pragma once

#include <stdint.h>

#include "client-t.h"
#include "tcp.h"

struct client;

typedef int (*client_tx_fn)(void *ctx, const struct tcp_seg_out *seg);

/** NULL with errno set (EINVAL, ENOMEM). */
struct client *client_create(const struct client_conf *conf, const struct tcp_params *tp,
			     client_tx_fn tx, void *tx_ctx);
void client_destroy(struct client *cl);

/** Enter a phase: its model, level and mix apply from now on. Latencies go to
 * lat (timed from the intended send time) and lat_uncorrected (from the real
 * send time); both may be the same histogram. */
void client_set_phase(struct client *cl, const struct client_phase *ph, struct hist *lat,
		      struct hist *lat_uncorrected, uint64_t now_us);

/** Stop issuing requests; connections close once their responses arrived. */
void client_stop(struct client *cl, uint64_t now_us);
/** Close every connection (FIN); outstanding requests count as timeouts. */
void client_close_all(struct client *cl, uint64_t now_us);
/** Abort (RST) what is still open. */
void client_abort_all(struct client *cl, uint64_t now_us);

void client_input(struct client *cl, const struct tcp_seg *seg, uint64_t now_us);
void client_poll(struct client *cl, uint64_t now_us);

/** Copy bytes [off, off + len) of a connection's send stream. */
void client_fill(struct client *cl, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst);

uint32_t client_outstanding(const struct client *cl); /* requests awaiting a response */
uint32_t client_open_conns(const struct client *cl);  /* connections not yet closed */
uint32_t client_established_peak(const struct client *cl); /* most established at once */
const struct client_counters *client_counters(const struct client *cl);
/* out += b - a, field by field; and the (key, group, offset, help) of each scalar */
void client_counters_add_diff(struct client_counters *out, const struct client_counters *a,
			      const struct client_counters *b);
extern const struct counter_table client_counters_table;
const struct hist *client_latency(const struct client *cl); /* this phase's, corrected */
struct tcp_stack *client_tcp(struct client *cl);

/** Body pattern i of template tpl on this client: responses that matched it and
 * responses that broke it. -ENOENT when the template has no such pattern. */
int client_pattern_counts(const struct client *cl, uint16_t tpl, size_t i, uint64_t *matched,
			  uint64_t *failed);
