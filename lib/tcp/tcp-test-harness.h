/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test harness for lib/tcp, in the style of lwIP's TCP unit tests: a virtual
 * clock, a fake interface that records every segment the stack sends, a
 * builder for the segments the peer sends, helpers that drive a connection
 * into a state, and a teardown that checks nothing leaked.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp.h"

#define H_MAX_TX 8192
#define H_MAX_CONNS 64
#define H_RX_MAX (1u << 20)
#define H_LOCAL 0xc6120001u /* 198.18.0.1 */
#define H_PEER 0xc6130001u  /* 198.19.0.1 */
#define H_PEER_PORT 80
#define H_PEER_ISS 0xfffff000u /* close to the wrap on purpose */
#define H_T0 1000000000ull     /* the virtual clock starts at 1000 s */

struct h_conn {
	unsigned opened, closed;
	enum tcp_close_reason why;
	bool established, peer_fin;
	uint64_t acked;
	uint32_t iss;          /* ours, from the SYN */
	uint32_t peer_iss;
	uint32_t peer_nxt;     /* next sequence number the peer will send */
	uint32_t rx_len;       /* bytes delivered by on_recv */
	uint8_t *rx;
};

struct harness {
	struct tcp_stack *s;
	struct tcp_params p;
	uint64_t now;
	struct tcp_seg_out tx[H_MAX_TX];
	uint64_t tx_at[H_MAX_TX]; /* virtual time of each capture */
	unsigned ntx;
	int tx_rc;
	struct h_conn conn[H_MAX_CONNS];
	struct tcp_conn *accepted; /* the last passive connection established */
	/* optional hooks run from the callbacks */
	void (*on_recv_hook)(struct harness *h, struct tcp_conn *c);
	void (*on_closed_hook)(struct harness *h, struct tcp_conn *c);
	void (*on_established_hook)(struct harness *h, struct tcp_conn *c);
};

/* Peer payload: byte k of the peer's stream. */
uint8_t h_peer_byte(uint64_t k);

struct harness *h_new(void (*tune)(struct tcp_params *p));
void h_teardown(struct harness *h);
int h_setup(void **state);    /* cmocka fixture with defaults */
int h_teardown_fixture(void **state);

struct h_conn *h_of(struct harness *h, const struct tcp_conn *c);

/* Connect and return the conn; the SYN is the last captured segment. */
struct tcp_conn *h_connect(struct harness *h);
/* Connect and answer with a SYN-ACK carrying mss/wscale (0/-1 = absent). */
struct tcp_conn *h_establish_opts(struct harness *h, uint16_t mss, int8_t wscale, uint16_t wnd);
struct tcp_conn *h_establish(struct harness *h); /* MSS 1460, wscale 7, window 65535<<7 */

/* Server role: listen on H_LISTEN_PORT; the peer opens from H_PEER:sport. */
#define H_LISTEN_PORT 80
void h_listen(struct harness *h);
uint32_t h_peer_iss_for(uint16_t sport);
/* The peer's SYN (mss/wscale: 0/-1 = absent); returns what the stack sent last
 * (the SYN-ACK), or NULL when it sent nothing. */
const struct tcp_seg_out *h_syn(struct harness *h, uint16_t sport, uint16_t mss, int8_t wscale);
/* SYN, then the ACK of the SYN-ACK with raw window wnd: an accepted connection. */
struct tcp_conn *h_accept_opts(struct harness *h, uint16_t sport, uint16_t mss, int8_t wscale,
			       uint16_t wnd);
struct tcp_conn *h_accept(struct harness *h, uint16_t sport); /* MSS 1460, wscale 7 */

/* Segments from the peer */
struct tcp_seg h_seg(struct harness *h, struct tcp_conn *c, uint8_t flags, uint32_t seq,
		     uint32_t ack, uint32_t len);
void h_in(struct harness *h, const struct tcp_seg *seg);
/* Peer data at its stream offset off; ack = what we sent so far. */
void h_peer_data(struct harness *h, struct tcp_conn *c, uint32_t off, uint32_t len,
		 uint8_t extra_flags);
/* Pure ACK of our stream up to stream offset `acked` with a raw window field. */
void h_peer_ack(struct harness *h, struct tcp_conn *c, uint64_t acked, uint16_t wnd);
void h_peer_ack_seq(struct harness *h, struct tcp_conn *c, uint32_t ack, uint16_t wnd);
void h_peer_fin(struct harness *h, struct tcp_conn *c);

/* Clock */
void h_advance(struct harness *h, uint64_t us);

/* Captured segments */
const struct tcp_seg_out *h_last(struct harness *h);
void h_clear_tx(struct harness *h);
unsigned h_count(struct harness *h, uint8_t mask, uint8_t flags);
unsigned h_data_segs(struct harness *h);
uint64_t h_data_bytes(struct harness *h);
struct tcp_conn_info h_info(struct harness *h, struct tcp_conn *c);
uint32_t h_seq_of(struct harness *h, struct tcp_conn *c, uint64_t stream_off);
