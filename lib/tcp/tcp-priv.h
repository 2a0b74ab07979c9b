/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the lib/tcp source files; not for callers.
 *
 * Files and call order:
 *   tcp_input()            tcp-input.c: lookup, then one handler per state
 *     -> input_syn_sent()  handshake, or
 *     -> tcp_input_synchronized(): RFC 793 steps: sequence check, RST, SYN, ACK
 *          (tcp-cc.c for cwnd), payload (tcp-ooo.c for gaps), FIN
 *     -> tcp_output()      tcp-output.c: send what the windows allow, ACK
 *   tcp_timers_run()       tcp-timers.c: wheel -> conn_timer_fire() -> RTO,
 *                          tail loss probe (tcp-tlp.c), SYN retry, persist,
 *                          delayed ACK, FIN_WAIT_2, 2MSL
 *   tcp_connect/close/abort, table, names   tcp-conn.c
 *   tcp_listen(), SYN -> SYN_RCVD -> ESTABLISHED   tcp-listen.c (server role),
 *   passive connections found by remote (address, port)   tcp-hash.c
 *
 * Invariants:
 *   - A slot is in the free queue iff its state is CLOSED and no call is
 *     working on it (s->held).
 *   - Every connection not CLOSED and not TIME_WAIT still owes exactly one
 *     on_closed(); TIME_WAIT connections have had theirs.
 *   - snd_una <= snd_nxt <= snd_max <= snd_lim + 1 (the +1 is our FIN).
 *   - While rtx_on or dack_on, the wheel holds the connection's node no
 *     later than the earlier deadline; it may also hold it (stale) when
 *     neither is on or earlier than due: it then fires and finds nothing
 *     (lazy timers, tcp-timers.c).
 *   - After any callback, code re-checks c->state != TCP_CLOSED before
 *     touching c again (the application may have aborted it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "seq.h"
#include "tcp.h"
#include "timer-wheel.h"

#define TCP_NONE UINT32_MAX
#define TCP_DEFAULT_MSS 536   /* RFC 1122 when the peer sends no MSS option */
#define TCP_MIN_MSS 64
#define TCP_MAX_WSCALE 14
#define TCP_SYN_RTO_FLOOR_US 3000000u /* RFC 6298 5.7 */
#define TCP_MAX_QUEUED (1u << 30)      /* send stream ahead of snd_una */
#define TCP_TS_OPT_LEN 12              /* NOP, NOP, timestamps: what it costs the MSS */

struct tcp_conn {
	uint64_t acked;            /* send-stream bytes acked (stream_off of snd_una) */
	uint32_t id;               /* index in the table */
	uint32_t daddr;
	uint16_t dport, lport;
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_lim;          /* sequence number just after the queued stream */
	uint32_t snd_wnd, snd_wl1;
	uint32_t ts_recent;        /* the peer's TSval to echo (RFC 7323), when ts_ok */
	uint32_t cwnd, ssthresh, recover;
	uint32_t rcv_nxt;
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t rtt_seq, rtt_start_us; /* timed segment; low 32 bits of now */
	uint32_t rtx_at, dack_at;  /* wheel ticks */
	uint32_t ooo_head;         /* pool index, TCP_NONE when empty */
	uint16_t mss;
	uint8_t retries;           /* RTO/SYN retries; in persist, probes unanswered in a row */
	uint8_t backoff : 5;       /* persist: probes sent (the interval's exponent) */
	uint8_t sack_ok : 1;       /* both SYNs carry SACK-permitted (RFC 2018) */
	uint8_t syn_rtx : 1;       /* SYN was retransmitted (Karn) */
	uint8_t tlp_sent : 1;      /* a tail loss probe went out since snd_una last moved */
	uint8_t state : 4;
	uint8_t dupacks : 4;       /* saturates at 15 */
	uint8_t snd_wscale : 4, rcv_wscale : 4;
	uint8_t rtx_on : 1;        /* retransmit/persist/SYN/2MSL timer armed */
	uint8_t dack_on : 1;       /* delayed ACK armed */
	uint8_t persist : 1;       /* rtx timer is the persist timer */
	/* rtx timer is the tail loss probe's (tcp-tlp.c); beside persist, so
	 * that stopping the timer clears both at once */
	uint8_t tlp_on : 1;
	uint8_t probe_acked : 1;   /* an ACK came since the last window probe */
	uint8_t rtt_timing : 1;
	uint8_t fin_queued : 1;
	uint8_t in_recovery : 1;
	uint8_t ack_now : 1;       /* send an ACK before returning */
	uint8_t unacked_segs : 2;  /* in-order segments not yet ACKed */
	uint8_t passive : 1;       /* opened by a SYN to the listening port */
	uint8_t wscale_ok : 1;     /* both SYNs carry window scale (RFC 7323 2.2) */
	uint8_t ts_ok : 1;         /* both SYNs carry timestamps (RFC 7323 3.2) */
	uint8_t tw_cut : 1;        /* TIME_WAIT held tw_reuse_us only; read by the next conn_init */
	uint8_t syn_again : 1;     /* SYN sent again after resetting the peer's old state */
};

/* The full addresses of an IPv6 connection; daddr in its tcp_conn holds the
 * remote one's low 32 bits. A side array, so IPv4 entries stay their size
 * (their flag bits are all taken: one more would cost 8 bytes each). */
struct tcp_addr6 {
	struct net_ip6_pair a; /* src: ours, dst: the peer's (a segment out's order) */
	bool v6;               /* this id's connection is an IPv6 one */
};

/* Passive connections by (remote address, remote port): open addressing with
 * linear probing over 2 slots per table entry, deletion by backward shift (no
 * tombstones). Only allocated by tcp_listen(); client stacks pay nothing. */
struct tcp_hash {
	uint32_t *slots; /* conn id, or TCP_NONE */
	uint32_t size;
};

struct tcp_ooo_pool {
	uint8_t *mem;
	uint32_t stride;   /* bytes per entry */
	uint32_t cap;      /* entries */
	uint32_t nfree;
	uint32_t free_head;
	uint16_t data_max; /* payload bytes per entry */
};

struct tcp_stack {
	struct tcp_params p;
	struct tcp_ops ops;
	void *ctx;
	struct tcp_conn *conns;
	uint32_t cap;
	uint16_t port_first, port_step;
	uint16_t n_addrs;  /* client addresses: id % n_addrs picks one */
	uint32_t *freeq;   /* FIFO ring of free ids: spreads port reuse */
	uint32_t fq_head, fq_count;
	uint32_t active;
	uint32_t held;     /* id a call is working on: its release is deferred */
	bool clock_started; /* the wheel's origin is the first `now` seen */
	bool held_closed;
	struct timer_wheel *wheel;
	struct tcp_ooo_pool ooo;
	struct tcp_hash hash;
	struct tcp_addr6 *addr6; /* per conn id, and one for a RST's reply; only when p.ip6 */
	uint32_t local6_low;     /* p.local_ip6's low 32 bits, host order */
	uint16_t listen_port; /* 0: not listening */
	bool client_ports;    /* false: a server-only stack (port_max == 0) */
	uint32_t half_open;   /* connections in SYN_RCVD */
	uint32_t max_half_open;
	uint32_t chal_second, chal_sent; /* challenge ACKs sent in this second */
	uint32_t sack_recent; /* start of the latest out-of-order segment: first SACK block */
	/* RFC 2883: the duplicate data the segment in hand carried, the first
	 * SACK block of the ACK it is owed; valid for that tcp_input call only */
	uint32_t dsack[2];
	bool dsack_set;
	struct tcp_stats st;
};

static inline uint32_t conn_id(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return (uint32_t)(c - s->conns);
}

static inline bool conn_gone(const struct tcp_conn *c)
{
	return c->state == TCP_CLOSED;
}

/* An IPv4-only stack has no side array: one test of a pointer. */
static inline bool conn_is_ip6(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return s->addr6 && s->addr6[c->id].v6;
}

/* The segment's remote address is the connection's, family included:
 * after a 32-bit match, IPv4 pays one test of a pointer. */
static inline bool tcp_addr6_same_remote(const struct tcp_stack *s, const struct tcp_conn *c,
					 const struct tcp_seg *seg)
{
	if (!seg->ip6)
		return !conn_is_ip6(s, c);
	return conn_is_ip6(s, c) && memcmp(&s->addr6[c->id].a.dst, &seg->ip6->src, 16) == 0;
}

/* Segments out of an IPv6 connection name its slot of addresses. */
static inline uint32_t conn_ip6_slot(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return conn_is_ip6(s, c) ? c->id + 1 : 0;
}

/* p.mss is IPv4's (MTU - 40); an IPv6 header is 20 bytes longer. */
#define TCP_IP6_HDR_EXTRA 20
static inline uint16_t conn_our_mss(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return conn_is_ip6(s, c) ? (uint16_t)(s->p.mss - TCP_IP6_HDR_EXTRA) : s->p.mss;
}

/* A client connection's address is local_addr + id % n_addrs (ids interleave
 * the addresses, so any number of connections spreads over all of them);
 * passive ones answer on local_addr. */
static inline uint32_t conn_local_addr(const struct tcp_stack *s, const struct tcp_conn *c)
{
	if (s->n_addrs == 1 || c->passive)
		return s->p.local_addr;
	return s->p.local_addr + c->id % s->n_addrs;
}

static inline uint32_t umin32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t umax32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Receive window as advertised (and used for acceptance checks). */
static inline uint32_t rcv_window(const struct tcp_stack *s, const struct tcp_conn *c)
{
	uint32_t field = umin32(s->p.rcv_wnd >> c->rcv_wscale, 65535);
	return field << c->rcv_wscale;
}

/* Our timestamp clock: milliseconds (RFC 7323 5.4 asks 1 ms..1 s per tick). */
static inline uint32_t ts_now(const struct tcp_stack *s, uint64_t now)
{
	return (uint32_t)(now / 1000) + s->p.ts_offset_ms;
}

/* Bytes queued but not yet sent (0 once everything is out). */
static inline uint32_t snd_pending(const struct tcp_conn *c)
{
	return SEQ_LT(c->snd_nxt, c->snd_lim) ? c->snd_lim - c->snd_nxt : 0;
}

static inline bool fin_acked(const struct tcp_conn *c)
{
	return c->fin_queued && SEQ_GT(c->snd_una, c->snd_lim);
}

/* tcp-conn.c */
void tcp_conn_close(struct tcp_stack *s, struct tcp_conn *c, enum tcp_close_reason why);
int tcp_conn_queue_fin(struct tcp_conn *c);
void tcp_conn_skip_time_wait(struct tcp_stack *s, struct tcp_conn *c);
void tcp_conn_enter_time_wait(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
/* how long a connection entering (or restarting) TIME_WAIT holds it */
uint32_t tcp_time_wait_hold_us(const struct tcp_stack *s, const struct tcp_conn *c);
void tcp_conn_hold(struct tcp_stack *s, struct tcp_conn *c);
void tcp_conn_unhold(struct tcp_stack *s);

/* tcp-output.c */
void tcp_output(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_out_syn(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_out_ack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_out_rst(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_out_rst_reply(struct tcp_stack *s, const struct tcp_seg *seg);
void tcp_out_window_probe(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_out_retransmit_una(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_out_tail_probe(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);

/* tcp-timers.c */
void tcp_clock_start(struct tcp_stack *s, uint64_t now);
uint32_t tcp_tick_of(const struct tcp_stack *s, uint64_t now_us);
void tcp_timer_rtx_set(struct tcp_stack *s, struct tcp_conn *c, uint64_t now, uint32_t delay_us);
void tcp_timer_rtx_stop(struct tcp_stack *s, struct tcp_conn *c);
void tcp_timer_dack_set(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_timer_dack_stop(struct tcp_stack *s, struct tcp_conn *c);
void tcp_timer_stop_all(struct tcp_stack *s, struct tcp_conn *c);
void tcp_rtt_sample(struct tcp_stack *s, struct tcp_conn *c, uint32_t rtt_us);
uint32_t tcp_rto_backoff(const struct tcp_stack *s, uint32_t rto_us, unsigned shift);

/* tcp-tlp.c: data in flight arms the tail loss probe when it would come
 * before the RTO, else the RTO; the probe, when it fires */
void tcp_timer_flight_set(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_tlp_fire(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);

/* tcp-cc.c */
void tcp_cc_init(struct tcp_conn *c);
void tcp_cc_on_new_ack(struct tcp_stack *s, struct tcp_conn *c, uint32_t acked, uint64_t now);
void tcp_cc_on_dupack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_cc_on_rto(struct tcp_conn *c);

/* tcp-ooo.c */
int tcp_ooo_pool_init(struct tcp_ooo_pool *pool, uint32_t cap, uint16_t data_max);
void tcp_ooo_pool_fini(struct tcp_ooo_pool *pool);
/* 0 queued, -EEXIST already covered, -ENOBUFS pool empty, -EDQUOT the
 * connection holds max_entries (0: no cap); on the last two, a head part
 * may have been kept */
int tcp_ooo_insert(struct tcp_ooo_pool *pool, uint32_t *head, uint32_t seq, const uint8_t *data,
		   uint32_t len, bool fin, uint32_t max_entries);
void tcp_ooo_free_all(struct tcp_ooo_pool *pool, uint32_t *head);
uint32_t tcp_ooo_count(const struct tcp_ooo_pool *pool, uint32_t head);
/* Up to max [left, right) ranges of queued data, the one holding `recent`
 * first (RFC 2018 4), then in sequence order; returns how many. */
uint8_t tcp_ooo_sack_blocks(const struct tcp_ooo_pool *pool, uint32_t head, uint32_t recent,
			    uint32_t (*out)[2], uint8_t max);
/* The first part of [seq, end) that queued data holds already (RFC 2883: a
 * partial duplicate); false when none does. */
bool tcp_ooo_overlap(const struct tcp_ooo_pool *pool, uint32_t head, uint32_t seq, uint32_t end,
		     uint32_t out[2]);
/* Deliver queued data now in order; returns true if a queued FIN is reached. */
bool tcp_ooo_deliver(struct tcp_stack *s, struct tcp_conn *c);

/* tcp-conn.c: NULL unless the segment matches a live connection's 4-tuple */
struct tcp_conn *tcp_conn_lookup(struct tcp_stack *s, const struct tcp_seg *seg);
/* tcp_connect, IPv4 (daddr6 NULL) or IPv6 (daddr = its low 32 bits) */
int tcp_conn_open(struct tcp_stack *s, const struct net_ip6 *daddr6, uint32_t daddr,
		  uint16_t dport, uint64_t now, struct tcp_conn **out);

/* tcp-addr6.c: IPv6 connections' full addresses, beside the 32-bit fields */
int tcp_addr6_init(struct tcp_stack *s);
void tcp_addr6_fini(struct tcp_stack *s);
struct tcp_conn *tcp_addr6_lookup(struct tcp_stack *s, const struct tcp_seg *seg);
void tcp_addr6_client(struct tcp_stack *s, struct tcp_conn *c, const struct net_ip6 *daddr);
void tcp_addr6_passive(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg);
void tcp_addr6_reply(struct tcp_stack *s, const struct tcp_seg *seg, struct tcp_seg_out *o);
uint32_t tcp_addr6_fold(const struct net_ip6 *ip);
bool tcp_freeq_pop_id(struct tcp_stack *s, uint32_t *id);
/* free a half-open connection: it was never the application's, so no on_closed */
void tcp_conn_drop_half_open(struct tcp_stack *s, struct tcp_conn *c);

/* tcp-isn.c: RFC 6528 initial sequence number (addresses host order) */
uint32_t tcp_isn_rfc6528(const struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
			 uint16_t rport, uint64_t now);

/* tcp-hash.c */
int tcp_hash_init(struct tcp_hash *h, uint32_t entries);
void tcp_hash_fini(struct tcp_hash *h);
struct tcp_conn *tcp_hash_find(struct tcp_stack *s, const struct tcp_seg *seg);
void tcp_hash_insert(struct tcp_stack *s, struct tcp_conn *c);
void tcp_hash_remove(struct tcp_stack *s, struct tcp_conn *c);

/* tcp-listen.c */
void tcp_listen_input(struct tcp_stack *s, const struct tcp_seg *seg, uint64_t now);
void tcp_input_syn_rcvd(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			uint64_t now);
void tcp_fire_synack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
/* A SYN beyond what a passive TIME_WAIT connection received may start a new
 * connection on the same 4-tuple (RFC 1122 4.2.2.13, the check RFC 6191
 * refines with timestamps). */
static inline bool syn_reuses_time_wait(const struct tcp_conn *c, const struct tcp_seg *seg)
{
	return c->passive && c->state == TCP_TIME_WAIT &&
	       (seg->flags & (TCP_F_SYN | TCP_F_ACK | TCP_F_RST)) == TCP_F_SYN &&
	       SEQ_GT(seg->seq, c->rcv_nxt);
}

/* tcp-input.c: what input_syn_sent and tcp_input_syn_rcvd share */
void tcp_negotiate(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg);
void tcp_syn_rtt(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_input_synchronized(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			    uint64_t now);
void tcp_challenge_ack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
void tcp_input_after_handshake(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			       uint64_t now);

/* tcp-output.c */
void tcp_out_synack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now);
