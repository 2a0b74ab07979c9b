/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection table, port allocation, lifecycle (connect, close, abort, the end
 * of a connection), accessors and name tables.
 *
 * The table is a dense array indexed by conn id. With n local addresses, a
 * client connection's address is local_addr + id % n and its port
 * port_first + (id / n) * port_step (dperf's address x port index), so an
 * incoming segment finds its connection from its destination address and
 * port alone, then the 4-tuple is verified.
 * Passive (server) connections all share the listening port: they are found
 * through the remote (address, port) table of tcp-hash.c instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp-priv.h"

#define WHEEL_SLOTS 4096

void tcp_params_default(struct tcp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->max_conns = 16384;
	p->port_min = 1024;
	p->port_max = 65535;
	p->port_step = 1;
	p->mss = 1460;
	/* costs nothing (no receive buffer) and holds a 256 KiB response and its
	 * headers in one round trip, where a kernel client's window grows to MBs */
	p->rcv_wnd = 1024 * 1024;
	p->wscale = 7;
	p->rto_init_us = 1000000;
	p->rto_min_us = 200000;
	p->rto_max_us = 60000000;
	p->max_retries = 8;
	p->syn_retries = 5;
	p->delack_us = 40000;
	p->msl_us = 30000000;
	p->tw_policy = TCP_TW_REUSE;
	p->tw_reuse_us = 1000000;
	p->ooo_max_segs = 1024;
	p->ooo_max_per_conn = 256; /* a 256 KiB response in 1460-byte segments is 180 */
	p->tick_us = 1000;
	p->timestamps = true;
	p->sack = true;
	p->tlp = true;
	/* the peer's delayed ACK of a lone segment: when Linux delays one it
	 * waits 40 ms at least (TCP_DELACK_MIN), and a lone request is answered
	 * by its response; the RFC's 200 ms would leave no probe before a
	 * 200 ms RTO (docs/tcp.md) */
	p->tlp_ack_delay_us = 50000;
	p->max_half_open = 4096;
	p->synack_retries = 5;
	p->challenge_acks_per_s = 1000;
}

static bool params_valid(const struct tcp_params *p)
{
	uint32_t step = p->port_step ? p->port_step : 1;
	return p->max_conns > 0 && p->max_conns < TW_MAX_IDS && p->port_min <= p->port_max &&
	       (uint32_t)p->port_min + p->port_offset <= p->port_max && step > 0 &&
	       p->mss >= TCP_MIN_MSS + (p->ip6 ? TCP_IP6_HDR_EXTRA : 0) && p->rcv_wnd > 0 && p->wscale <= TCP_MAX_WSCALE &&
	       p->tick_us > 0 && p->rto_min_us > 0 && p->rto_min_us <= p->rto_max_us &&
	       p->rto_init_us > 0 && p->rto_max_us < (1u << 31) &&
	       p->msl_us <= 1000000000u && p->tw_reuse_us <= 1000000000u &&
	       p->delack_us < (1u << 31) && p->tlp_ack_delay_us < (1u << 30) &&
	       (uint64_t)p->local_addr + (p->n_local_addrs ? p->n_local_addrs : 1) <= 1ull << 32;
}

static uint32_t port_capacity(const struct tcp_params *p)
{
	if (p->port_max == 0) /* server only: no client ports bound the table */
		return p->max_conns;
	uint32_t step = p->port_step ? p->port_step : 1;
	uint32_t first = (uint32_t)p->port_min + p->port_offset;
	uint32_t nports = (p->port_max - first) / step + 1;
	uint64_t slots = (uint64_t)nports * (p->n_local_addrs ? p->n_local_addrs : 1);
	return slots < p->max_conns ? (uint32_t)slots : p->max_conns;
}

static int stack_alloc(struct tcp_stack *s)
{
	s->conns = calloc(s->cap, sizeof(*s->conns));
	s->freeq = malloc((size_t)s->cap * sizeof(*s->freeq));
	s->wheel = tcp_tw_create(WHEEL_SLOTS, s->cap, 0);
	if (s->conns == NULL || s->freeq == NULL || s->wheel == NULL)
		return -ENOMEM;
	uint32_t seg_max = umax32(s->p.mss, 1);
	return tcp_ooo_pool_init(&s->ooo, s->p.ooo_max_segs, (uint16_t)umin32(seg_max, 65535));
}

struct tcp_stack *tcp_stack_create(const struct tcp_params *p, const struct tcp_ops *ops,
				   void *ctx)
{
	if (p == NULL || ops == NULL || ops->tx == NULL || !params_valid(p)) {
		errno = EINVAL;
		return NULL;
	}
	struct tcp_stack *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->p = *p;
	s->ops = *ops;
	s->ctx = ctx;
	s->port_step = p->port_step ? p->port_step : 1;
	s->port_first = (uint16_t)(p->port_min + p->port_offset);
	s->n_addrs = p->n_local_addrs ? p->n_local_addrs : 1;
	s->cap = port_capacity(p);
	s->client_ports = p->port_max != 0;
	s->max_half_open = p->max_half_open ? umin32(p->max_half_open, s->cap) : s->cap;
	s->held = TCP_NONE;
	int rc = stack_alloc(s);
	if (rc == 0)
		rc = tcp_addr6_init(s);
	if (rc < 0) {
		tcp_stack_destroy(s);
		errno = -rc;
		return NULL;
	}
	for (uint32_t i = 0; i < s->cap; i++) {
		s->conns[i].ooo_head = TCP_NONE;
		s->conns[i].id = i;
		s->freeq[i] = (uint32_t)(((uint64_t)p->first_slot + i) % s->cap);
	}
	s->fq_count = s->cap;
	return s;
}

void tcp_stack_destroy(struct tcp_stack *s)
{
	if (s == NULL)
		return;
	tcp_ooo_pool_fini(&s->ooo);
	tcp_hash_fini(&s->hash);
	tcp_addr6_fini(s);
	tcp_tw_destroy(s->wheel);
	free(s->freeq);
	free(s->conns);
	free(s);
}


static void freeq_push(struct tcp_stack *s, uint32_t id)
{
	s->freeq[(s->fq_head + s->fq_count) % s->cap] = id;
	s->fq_count++;
}

static uint32_t freeq_pop(struct tcp_stack *s)
{
	uint32_t id = s->freeq[s->fq_head];
	s->fq_head = (s->fq_head + 1) % s->cap;
	s->fq_count--;
	return id;
}

bool tcp_freeq_pop_id(struct tcp_stack *s, uint32_t *id)
{
	if (s->fq_count == 0)
		return false;
	*id = freeq_pop(s);
	return true;
}

/* The slot's last connection left TIME_WAIT after tw_reuse_us (its rtx_at
 * still holds that deadline), and its 2MSL has not passed yet. */
static bool tw_reused_early(const struct tcp_stack *s, const struct tcp_conn *c, uint64_t now)
{
	if (!c->tw_cut)
		return false;
	uint32_t cut = s->p.tw_reuse_us / s->p.tick_us, full = 2 * (s->p.msl_us / s->p.tick_us);
	return full > cut && SEQ_LT(tcp_tick_of(s, now), c->rtx_at - cut + full);
}

/* daddr6: an IPv6 peer (daddr is its low 32 bits), NULL for IPv4 */
static void conn_init(struct tcp_stack *s, struct tcp_conn *c, const struct net_ip6 *daddr6,
		      uint32_t daddr, uint16_t dport, uint64_t now)
{
	uint32_t id = conn_id(s, c);
	uint16_t lport = (uint16_t)(s->port_first + id / s->n_addrs * s->port_step);
	uint32_t laddr = s->p.local_addr + id % s->n_addrs, raddr = daddr;
	if (tw_reused_early(s, c, now))
		s->st.time_wait_reused++;
	memset(c, 0, sizeof(*c));
	c->id = id;
	if (s->addr6)
		s->addr6[id].v6 = false;
	if (daddr6) {
		tcp_addr6_client(s, c, daddr6);
		laddr = tcp_addr6_fold(&s->addr6[id].a.src);
		raddr = tcp_addr6_fold(daddr6);
	}
	uint32_t iss = tcp_isn_rfc6528(s, laddr, lport, raddr, dport, now);
	c->daddr = daddr;
	c->dport = dport;
	c->lport = lport;
	c->snd_una = c->snd_nxt = c->snd_max = iss;
	c->snd_lim = iss + 1; /* the SYN */
	c->recover = iss;
	c->rto_us = umin32(umax32(s->p.rto_init_us, s->p.rto_min_us), s->p.rto_max_us);
	c->mss = conn_our_mss(s, c);
	c->ooo_head = TCP_NONE;
	c->state = TCP_SYN_SENT;
}

/* static, so that tcp_connect's IPv4 open is this one inlined */
static int conn_open(struct tcp_stack *s, const struct net_ip6 *daddr6, uint32_t daddr,
		     uint16_t dport, uint64_t now, struct tcp_conn **out)
{
	if (!s->client_ports)
		return -EOPNOTSUPP;
	if (s->fq_count == 0)
		return -EADDRINUSE;
	tcp_clock_start(s, now);
	struct tcp_conn *c = &s->conns[freeq_pop(s)];
	conn_init(s, c, daddr6, daddr, dport, now);
	s->active++;
	s->st.conn_attempts++;
	tcp_out_syn(s, c, now);
	tcp_timer_rtx_set(s, c, now, c->rto_us);
	*out = c;
	return 0;
}

int tcp_connect(struct tcp_stack *s, uint32_t daddr, uint16_t dport, uint64_t now,
		struct tcp_conn **out)
{
	return conn_open(s, NULL, daddr, dport, now, out);
}

int tcp_conn_open(struct tcp_stack *s, const struct net_ip6 *daddr6, uint32_t daddr,
		  uint16_t dport, uint64_t now, struct tcp_conn **out)
{
	return conn_open(s, daddr6, daddr, dport, now, out);
}

/* The state change of a close; the FIN goes out behind the queued bytes. */
int tcp_conn_queue_fin(struct tcp_conn *c)
{
	if (c->fin_queued && c->state != TCP_CLOSED)
		return -EALREADY;
	switch (c->state) {
	case TCP_SYN_SENT: /* the FIN follows the handshake */
		break;
	case TCP_ESTABLISHED:
		c->state = TCP_FIN_WAIT_1;
		break;
	case TCP_CLOSE_WAIT:
		c->state = TCP_LAST_ACK;
		break;
	default:
		return -ENOTCONN;
	}
	c->fin_queued = 1;
	return 0;
}

int tcp_close(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	int rc = tcp_conn_queue_fin(c);
	if (rc == 0)
		tcp_output(s, c, now); /* nothing in SYN_SENT */
	return rc;
}

void tcp_abort(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (conn_gone(c))
		return;
	if (c->state == TCP_TIME_WAIT) { /* on_closed already delivered */
		tcp_conn_close(s, c, TCP_CLOSE_ABORTED);
		return;
	}
	if (c->state == TCP_SYN_RCVD) { /* never the application's: no on_closed */
		tcp_out_rst(s, c, now);
		tcp_conn_drop_half_open(s, c);
		return;
	}
	/* in SYN_SENT too: the peer may hold a half-open connection whose
	 * SYN-ACK was lost, and would keep it through all its retransmissions */
	tcp_out_rst(s, c, now);
	tcp_conn_close(s, c, TCP_CLOSE_ABORTED);
}

static void count_close(struct tcp_stats *st, enum tcp_close_reason why)
{
	st->conn_closed++;
	switch (why) {
	case TCP_CLOSE_RESET: st->conn_reset_rx++; break;
	case TCP_CLOSE_REFUSED: st->conn_refused++; break;
	case TCP_CLOSE_TIMEOUT: st->conn_timeout++; break;
	case TCP_CLOSE_SYN_TIMEOUT: st->conn_syn_timeout++; break;
	case TCP_CLOSE_ABORTED: st->conn_aborted++; break;
	default: break;
	}
}

static void conn_release(struct tcp_stack *s, struct tcp_conn *c)
{
	if (conn_id(s, c) == s->held)
		s->held_closed = true;
	else
		freeq_push(s, conn_id(s, c));
}

/* The end of a connection: free its slot, then tell the application (so that
 * on_closed may open a new connection at once). A TIME_WAIT connection had its
 * on_closed when it entered TIME_WAIT. */
void tcp_conn_close(struct tcp_stack *s, struct tcp_conn *c, enum tcp_close_reason why)
{
	if (conn_gone(c))
		return;
	bool notify = c->state != TCP_TIME_WAIT;
	tcp_timer_stop_all(s, c);
	if (c->passive)
		tcp_hash_remove(s, c);
	tcp_ooo_free_all(&s->ooo, &c->ooo_head);
	c->state = TCP_CLOSED;
	s->active--;
	if (notify)
		count_close(&s->st, why);
	conn_release(s, c);
	if (notify && s->ops.on_closed)
		s->ops.on_closed(s->ctx, c, why);
}

void tcp_conn_drop_half_open(struct tcp_stack *s, struct tcp_conn *c)
{
	tcp_timer_stop_all(s, c);
	tcp_hash_remove(s, c);
	c->state = TCP_CLOSED;
	s->active--;
	s->half_open--;
	conn_release(s, c);
}

uint32_t tcp_time_wait_hold_us(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return c->tw_cut ? s->p.tw_reuse_us : 2 * s->p.msl_us;
}

/* TCP_TW_RESET after our last ACK to a peer in LAST_ACK: nothing more to
 * send, the slot is free at once. */
void tcp_conn_skip_time_wait(struct tcp_stack *s, struct tcp_conn *c)
{
	s->st.time_wait_reset++;
	tcp_conn_close(s, c, TCP_CLOSE_NORMAL);
}

void tcp_conn_enter_time_wait(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (s->p.tw_policy == TCP_TW_RESET) {
		s->st.time_wait_reset++;
		tcp_out_rst(s, c, now);
		tcp_conn_close(s, c, TCP_CLOSE_NORMAL);
		return;
	}
	s->st.time_wait_entered++;
	c->state = TCP_TIME_WAIT;
	c->persist = 0;
	tcp_timer_dack_stop(s, c);
	tcp_ooo_free_all(&s->ooo, &c->ooo_head);
	c->tw_cut = s->p.tw_policy == TCP_TW_REUSE && c->ts_ok && !c->passive &&
		    s->p.tw_reuse_us < 2 * s->p.msl_us;
	tcp_timer_rtx_set(s, c, now, tcp_time_wait_hold_us(s, c));
	count_close(&s->st, TCP_CLOSE_NORMAL);
	if (s->ops.on_closed)
		s->ops.on_closed(s->ctx, c, TCP_CLOSE_NORMAL);
}

void tcp_conn_hold(struct tcp_stack *s, struct tcp_conn *c)
{
	s->held = conn_id(s, c);
	s->held_closed = false;
}

void tcp_conn_unhold(struct tcp_stack *s)
{
	if (s->held_closed)
		freeq_push(s, s->held);
	s->held = TCP_NONE;
	s->held_closed = false;
}

struct tcp_conn *tcp_conn_lookup(struct tcp_stack *s, const struct tcp_seg *seg)
{
	if (seg->ip6)
		return tcp_addr6_lookup(s, seg);
	uint32_t addr = seg->daddr - s->p.local_addr; /* wraps when below */
	if (addr == 0 && seg->dport == s->listen_port && s->listen_port != 0)
		return tcp_hash_find(s, seg);
	if (addr >= s->n_addrs || !s->client_ports || seg->dport < s->port_first)
		return NULL;
	uint32_t off = seg->dport - s->port_first;
	if (off % s->port_step != 0)
		return NULL;
	uint64_t id = (uint64_t)(off / s->port_step) * s->n_addrs + addr;
	if (id >= s->cap)
		return NULL;
	struct tcp_conn *c = &s->conns[id];
	if (conn_gone(c) || c->passive || c->daddr != seg->saddr || c->dport != seg->sport ||
	    conn_is_ip6(s, c))
		return NULL;
	return c;
}

uint32_t tcp_conn_local_addr(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return conn_local_addr(s, c);
}

uint32_t tcp_conn_id(const struct tcp_conn *c)
{
	return c->id;
}

struct tcp_conn *tcp_conn_by_id(struct tcp_stack *s, uint32_t id)
{
	if (id >= s->cap || conn_gone(&s->conns[id]))
		return NULL;
	return &s->conns[id];
}

enum tcp_state tcp_conn_state(const struct tcp_conn *c)
{
	return (enum tcp_state)c->state;
}

uint16_t tcp_conn_local_port(const struct tcp_conn *c)
{
	return c->lport;
}

bool tcp_conn_passive(const struct tcp_conn *c)
{
	return c->passive;
}

uint32_t tcp_conn_remote_addr(const struct tcp_conn *c)
{
	return c->daddr;
}

uint16_t tcp_conn_remote_port(const struct tcp_conn *c)
{
	return c->dport;
}

void tcp_conn_info(const struct tcp_stack *s, const struct tcp_conn *c, struct tcp_conn_info *out)
{
	memset(out, 0, sizeof(*out));
	out->state = (enum tcp_state)c->state;
	out->snd_una = c->snd_una;
	out->snd_nxt = c->snd_nxt;
	out->snd_max = c->snd_max;
	out->rcv_nxt = c->rcv_nxt;
	out->snd_wnd = c->snd_wnd;
	out->cwnd = c->cwnd;
	out->ssthresh = c->ssthresh;
	out->srtt_us = c->srtt_us;
	out->rttvar_us = c->rttvar_us;
	out->rto_us = c->rto_us;
	out->mss = c->mss;
	out->snd_wscale = c->snd_wscale;
	out->rcv_wscale = c->rcv_wscale;
	out->retries = c->retries;
	out->dupacks = c->dupacks;
	out->in_recovery = c->in_recovery;
	out->persist = c->persist;
	out->fin_queued = c->fin_queued;
	out->timestamps = c->ts_ok;
	out->sack = c->sack_ok;
	out->acked = c->acked;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD)
		out->queued = c->snd_lim - c->snd_una - 1;
	else
		out->queued = c->acked + (SEQ_GT(c->snd_lim, c->snd_una) ? c->snd_lim - c->snd_una : 0);
	out->ooo_segs = tcp_ooo_count(&s->ooo, c->ooo_head);
}

const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *s)
{
	return &s->st;
}

uint32_t tcp_stack_active(const struct tcp_stack *s)
{
	return s->active;
}

uint32_t tcp_stack_capacity(const struct tcp_stack *s)
{
	return s->cap;
}

uint32_t tcp_stack_half_open(const struct tcp_stack *s)
{
	return s->half_open;
}

uint32_t tcp_stack_ooo_free(const struct tcp_stack *s)
{
	return s->ooo.nfree;
}

/* Every byte the stack spends per table entry: the entry, its timer node, its
 * free-queue cell, once listening its two slots of the remote-address
 * table, and with IPv6 its full addresses. The out-of-order pool is per stack, not per entry. */
size_t tcp_stack_mem_per_conn(const struct tcp_stack *s)
{
	size_t table = (size_t)s->cap * (sizeof(struct tcp_conn) + tw_bytes_per_id() +
					 sizeof(*s->freeq));
	table += (size_t)s->hash.size * sizeof(*s->hash.slots);
	if (s->addr6)
		table += (size_t)(s->cap + 1) * sizeof(*s->addr6);
	return table / s->cap;
}

static const char *const state_names[TCP_STATE_COUNT] = {
	[TCP_CLOSED] = "CLOSED",
	[TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RCVD] = "SYN_RCVD",
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_CLOSING] = "CLOSING",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_TIME_WAIT] = "TIME_WAIT",
};

static const char *const reason_names[TCP_CLOSE_REASON_COUNT] = {
	[TCP_CLOSE_NORMAL] = "normal",
	[TCP_CLOSE_RESET] = "reset",
	[TCP_CLOSE_REFUSED] = "refused",
	[TCP_CLOSE_TIMEOUT] = "timeout",
	[TCP_CLOSE_SYN_TIMEOUT] = "syn-timeout",
	[TCP_CLOSE_ABORTED] = "aborted",
};

const char *tcp_state_name(enum tcp_state st)
{
	if ((unsigned)st >= TCP_STATE_COUNT)
		return "?";
	return state_names[st];
}

const char *tcp_close_reason_name(enum tcp_close_reason r)
{
	if ((unsigned)r >= TCP_CLOSE_REASON_COUNT)
		return "?";
	return reason_names[r];
}

_Static_assert(sizeof(struct tcp_conn) + sizeof(struct tw_node) + sizeof(uint32_t) +
			       2 * sizeof(uint32_t) <= 128,
	       "a connection must cost at most 128 bytes, server role included");

struct tcp_rtt_bound tcp_stack_rtt_bound(struct tcp_stack *s)
{
	struct tcp_rtt_bound b = {0, 0};

	for (uint32_t id = 0; id < s->cap; id++) {
		const struct tcp_conn *c = &s->conns[id];
		if (conn_gone(c) || c->state == TCP_TIME_WAIT)
			continue;
		b.rto_us = c->rto_us > b.rto_us ? c->rto_us : b.rto_us;
		b.srtt_us = c->srtt_us > b.srtt_us ? c->srtt_us : b.srtt_us;
	}
	return b;
}
