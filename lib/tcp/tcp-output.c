/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output: everything that builds a struct tcp_seg_out.
 *
 * tcp_output() sends what min(peer window, cwnd) allows, then the FIN, and
 * keeps the retransmission or persist timer armed. Segments name ranges of the
 * send stream; a range below snd_max is a retransmission. There is no send
 * buffer, so a retransmission is just the same range named again.
 */
#include <errno.h>

#include "tcp-priv.h"

static uint16_t wnd_field(const struct tcp_stack *s, const struct tcp_conn *c)
{
	/* never scaled in a SYN (RFC 7323 2.2) */
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD)
		return (uint16_t)umin32(s->p.rcv_wnd, 65535);
	return (uint16_t)(rcv_window(s, c) >> c->rcv_wscale);
}

static uint64_t stream_off(const struct tcp_conn *c, uint32_t seq)
{
	return c->acked + (uint32_t)(seq - c->snd_una);
}

/* A duplicate just received first (RFC 2883 D-SACK: the sender learns that
 * its retransmission was spurious, undoes its window cut and widens its
 * reordering allowance), then the out-of-order ranges (RFC 2018). */
static uint8_t sack_blocks(struct tcp_stack *s, const struct tcp_conn *c, uint32_t (*out)[2])
{
	uint8_t n = 0;
	if (s->dsack_set) {
		out[0][0] = s->dsack[0];
		out[0][1] = s->dsack[1];
		n = 1;
		s->dsack_set = false;
	}
	if (c->ooo_head != TCP_NONE)
		n += tcp_ooo_sack_blocks(&s->ooo, c->ooo_head, s->sack_recent, out + n,
				     (uint8_t)(TCP_MAX_SACK - n));
	return n;
}

static void emit(struct tcp_stack *s, struct tcp_conn *c, uint32_t seq, uint8_t flags,
		 uint32_t len, uint64_t now)
{
	struct tcp_seg_out o = {
		.conn = c,
		.saddr = conn_local_addr(s, c),
		.daddr = c->daddr,
		.sport = c->lport,
		.dport = c->dport,
		.seq = seq,
		.ack = (flags & TCP_F_ACK) ? c->rcv_nxt : 0,
		.flags = flags,
		.wnd = wnd_field(s, c),
		.wscale = -1,
		.ts = c->ts_ok,
		.tsval = ts_now(s, now),
		.tsecr = c->ts_recent,
		.stream_off = len ? stream_off(c, seq) : 0,
		.len = len,
		.ip6_slot = conn_ip6_slot(s, c),
	};
	if (len && SEQ_LT(seq, c->snd_max))
		s->st.retrans_bytes += len;
	if (len && !c->rtt_timing && SEQ_GEQ(seq, c->snd_max)) {
		c->rtt_timing = 1;
		c->rtt_seq = seq;
		c->rtt_start_us = (uint32_t)now;
	}
	/* most pure ACKs have nothing to report: no call for them */
	if ((flags & TCP_F_ACK) && len == 0 && (s->dsack_set || c->ooo_head != TCP_NONE) &&
	    c->sack_ok && !(flags & TCP_F_RST)) {
		o.n_sack = sack_blocks(s, c, o.sack);
		s->st.sack_acks += o.n_sack > 0;
	}
	if (flags & TCP_F_ACK) {
		c->ack_now = 0;
		c->unacked_segs = 0;
		if (c->dack_on)
			tcp_timer_dack_stop(s, c);
	}
	s->st.tx_segs++;
	s->st.tx_bytes += len;
	if (s->ops.tx(s->ctx, &o) < 0)
		s->st.tx_fail++;
}

void tcp_out_syn(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	struct tcp_seg_out o = {
		.conn = c,
		.saddr = conn_local_addr(s, c),
		.daddr = c->daddr,
		.sport = c->lport,
		.dport = c->dport,
		.seq = c->snd_una,
		.flags = TCP_F_SYN,
		.wnd = wnd_field(s, c),
		.mss = conn_our_mss(s, c),
		.wscale = (int8_t)s->p.wscale,
		.ts = s->p.timestamps,
		.tsval = ts_now(s, now),
		.sack_ok = s->p.sack,
		.ip6_slot = conn_ip6_slot(s, c),
	};
	if (!c->syn_rtx) { /* Karn: time only the first SYN */
		c->rtt_timing = 1;
		c->rtt_seq = c->snd_una;
		c->rtt_start_us = (uint32_t)now;
	}
	c->snd_nxt = c->snd_max = c->snd_una + 1;
	s->st.tx_segs++;
	if (s->ops.tx(s->ctx, &o) < 0)
		s->st.tx_fail++;
}

/* SYN-ACK of a passive open: our MSS, and our window scale only when the
 * peer's SYN offered one (RFC 7323 2.2). */
void tcp_out_synack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	struct tcp_seg_out o = {
		.conn = c,
		.saddr = conn_local_addr(s, c),
		.daddr = c->daddr,
		.sport = c->lport,
		.dport = c->dport,
		.seq = c->snd_una,
		.ack = c->rcv_nxt,
		.flags = TCP_F_SYN | TCP_F_ACK,
		.wnd = wnd_field(s, c),
		.mss = conn_our_mss(s, c),
		.wscale = c->wscale_ok ? (int8_t)s->p.wscale : -1,
		.ts = c->ts_ok,
		.tsval = ts_now(s, now),
		.tsecr = c->ts_recent,
		.sack_ok = c->sack_ok,
		.ip6_slot = conn_ip6_slot(s, c),
	};
	if (!c->syn_rtx) { /* Karn: time only the first SYN-ACK */
		c->rtt_timing = 1;
		c->rtt_seq = c->snd_una;
		c->rtt_start_us = (uint32_t)now;
	}
	c->ack_now = 0;
	s->st.tx_segs++;
	if (s->ops.tx(s->ctx, &o) < 0)
		s->st.tx_fail++;
}

void tcp_out_ack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	emit(s, c, c->snd_nxt, TCP_F_ACK, 0, now);
}

/* At snd_max: after a go-back-N snd_nxt is back at snd_una, but the peer may
 * have everything we sent, and a RST below its window is ignored. */
/* A RST built by its caller, outside emit(): no timestamps, window or ACK
 * bookkeeping. */
static void send_rst(struct tcp_stack *s, const struct tcp_seg_out *o)
{
	s->st.rst_tx++;
	s->st.tx_segs++;
	if (s->ops.tx(s->ctx, o) < 0)
		s->st.tx_fail++;
}

/* In SYN_SENT we know nothing the peer sent, so no ACK: a peer in SYN_RCVD
 * accepts the RST by its sequence number alone. It does not go through
 * emit(), whose every caller sets ACK (a caller without it cost every
 * segment about 14 instructions, callgrind on loopback_bench), and it is
 * out of line so that tcp_out_rst() stays a tail call. */
static void __attribute__((noinline)) rst_before_handshake(struct tcp_stack *s,
							   struct tcp_conn *c)
{
	struct tcp_seg_out o = {
		.conn = c,
		.saddr = conn_local_addr(s, c),
		.daddr = c->daddr,
		.sport = c->lport,
		.dport = c->dport,
		.seq = c->snd_max,
		.flags = TCP_F_RST,
		.wscale = -1,
		.ip6_slot = conn_ip6_slot(s, c),
	};
	send_rst(s, &o);
}

void tcp_out_rst(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (c->state == TCP_SYN_SENT) {
		rst_before_handshake(s, c);
		return;
	}
	s->st.rst_tx++;
	emit(s, c, c->snd_max, TCP_F_RST | TCP_F_ACK, 0, now);
}

/* RFC 793 "Reset Generation" for a segment no connection owns. */
void tcp_out_rst_reply(struct tcp_stack *s, const struct tcp_seg *seg)
{
	if (seg->flags & TCP_F_RST)
		return;
	struct tcp_seg_out o = {
		.saddr = seg->daddr,
		.daddr = seg->saddr,
		.sport = seg->dport,
		.dport = seg->sport,
		.wscale = -1,
	};
	if (seg->flags & TCP_F_ACK) {
		o.seq = seg->ack;
		o.flags = TCP_F_RST;
	} else {
		uint32_t seg_len = seg->len + !!(seg->flags & TCP_F_SYN) + !!(seg->flags & TCP_F_FIN);
		o.ack = seg->seq + seg_len;
		o.flags = TCP_F_RST | TCP_F_ACK;
	}
	if (seg->ip6) {
		if (!s->addr6) /* lib/net hands IPv6 only to a stack made for it */
			return;
		tcp_addr6_reply(s, seg, &o);
	}
	send_rst(s, &o);
}

/* Zero-window probe: an old sequence number with no data makes the peer
 * answer with an ACK that carries its current window (the Linux way; the
 * RFC 1122 alternative of one byte beyond the window needs snd_max games). */
void tcp_out_window_probe(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	s->st.persist_probes++;
	c->probe_acked = 0;
	emit(s, c, c->snd_una - 1, TCP_F_ACK, 0, now);
}

/* Send the segment starting at snd_una again (fast retransmit, partial ACK):
 * only bytes sent before (below snd_max) and inside the peer's window. */
void tcp_out_retransmit_una(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t seq = c->snd_una, data_end = SEQ_MIN(c->snd_max, c->snd_lim);
	uint32_t len = SEQ_LT(seq, data_end) ? umin32(data_end - seq, c->mss) : 0;
	len = umin32(len, c->snd_wnd);
	uint8_t flags = TCP_F_ACK;
	if (c->fin_queued && seq + len == c->snd_lim && SEQ_GT(c->snd_max, c->snd_lim))
		flags |= TCP_F_FIN;
	if (len == 0 && !(flags & TCP_F_FIN))
		return;
	c->rtt_timing = 0; /* Karn */
	emit(s, c, seq, flags | (len ? TCP_F_PSH : 0), len, now);
}

static bool may_send_fin(const struct tcp_conn *c)
{
	return c->fin_queued && c->snd_nxt == c->snd_lim &&
	       (c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING || c->state == TCP_LAST_ACK);
}

/* len new bytes at snd_nxt; the FIN rides on the last of the queued data */
static inline __attribute__((always_inline)) void send_new(struct tcp_stack *s,
							   struct tcp_conn *c, uint32_t len,
							   uint32_t pending, uint64_t now)
{
	uint8_t flags = TCP_F_ACK;
	if (len == pending) {
		flags |= TCP_F_PSH;
		if (c->fin_queued && c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
			flags |= TCP_F_FIN;
	}
	emit(s, c, c->snd_nxt, flags, len, now);
	c->snd_nxt += len + !!(flags & TCP_F_FIN);
}

/* One data segment if the windows allow it; false when nothing was sent. */
static bool send_one(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t pending = snd_pending(c);
	if (pending == 0) {
		if (!may_send_fin(c))
			return false;
		emit(s, c, c->snd_nxt, TCP_F_ACK | TCP_F_FIN, 0, now);
		c->snd_nxt++;
		return true;
	}
	uint32_t flight = c->snd_nxt - c->snd_una;
	uint32_t wnd = umin32(c->snd_wnd, c->cwnd);
	uint32_t avail = wnd > flight ? wnd - flight : 0;
	uint32_t len = umin32(umin32(pending, c->mss), avail);
	if (len == 0)
		return false;
	/* sender-side silly window avoidance (RFC 1122 4.2.3.4), no Nagle */
	if (len < c->mss && len < pending && flight > 0)
		return false;
	send_new(s, c, len, pending, now);
	return true;
}

/* The last MSS of data sent and the FIN if it went: it holds the last
 * segment whatever its size (no segment boundaries are kept). Only if the
 * peer's window still holds it. */
static void resend_last(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t data_end = SEQ_MIN(c->snd_max, c->snd_lim);
	uint32_t len = SEQ_GT(data_end, c->snd_una) ? umin32(data_end - c->snd_una, c->mss) : 0;
	uint32_t seq = data_end - len;
	uint8_t flags = TCP_F_ACK | (len ? TCP_F_PSH : 0);
	if (c->fin_queued && SEQ_GT(c->snd_max, c->snd_lim))
		flags |= TCP_F_FIN;
	if (SEQ_GT(data_end, c->snd_una + c->snd_wnd))
		return; /* the window shrank: the RTO will see to it */
	c->rtt_timing = 0; /* Karn */
	emit(s, c, seq, flags, len, now);
}

/* Tail loss probe (tcp-tlp.c): one new segment if data waits and the peer's
 * window takes it (cwnd aside: the probe is one segment, RFC 8985 7.3),
 * else the last MSS of data again. */
void tcp_out_tail_probe(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t pending = snd_pending(c), wnd_end = c->snd_una + c->snd_wnd;
	uint32_t room = SEQ_GT(wnd_end, c->snd_nxt) ? wnd_end - c->snd_nxt : 0;
	uint32_t len = umin32(umin32(pending, c->mss), room);
	if (len == 0 || c->snd_nxt != c->snd_max) {
		resend_last(s, c, now);
		return;
	}
	send_new(s, c, len, pending, now);
	c->snd_max = c->snd_nxt;
}

/* A tail loss probe is armed afresh for the newest tail (RFC 8985 7.2);
 * an RTO keeps running from the oldest unacknowledged segment. */
static void output_timers(struct tcp_stack *s, struct tcp_conn *c, bool sent_new, uint64_t now)
{
	if (c->snd_nxt != c->snd_una) {
		if (!c->rtx_on || c->persist || (c->tlp_on && sent_new)) {
			c->persist = 0;
			tcp_timer_flight_set(s, c, now);
		}
	} else if (snd_pending(c) && c->snd_wnd == 0 && !c->rtx_on) {
		c->persist = 1;
		c->retries = 0;
		c->backoff = 0;
		c->probe_acked = 1;
		tcp_timer_rtx_set(s, c, now, c->rto_us);
	}
}

void tcp_output(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD || c->state == TCP_TIME_WAIT ||
	    conn_gone(c))
		return;
	while (send_one(s, c, now))
		;
	bool sent_new = SEQ_GT(c->snd_nxt, c->snd_max);
	if (sent_new)
		c->snd_max = c->snd_nxt;
	output_timers(s, c, sent_new, now);
}

static int queue_bytes(struct tcp_conn *c, uint32_t len)
{
	if (c->fin_queued && !conn_gone(c))
		return -EPIPE;
	if (c->state != TCP_SYN_SENT && c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return -ENOTCONN;
	if ((uint64_t)(c->snd_lim - c->snd_una) + len > TCP_MAX_QUEUED)
		return -ENOBUFS;
	c->snd_lim += len;
	return 0;
}

int tcp_send(struct tcp_stack *s, struct tcp_conn *c, uint32_t len, uint64_t now)
{
	int rc = queue_bytes(c, len);
	if (rc == 0)
		tcp_output(s, c, now);
	return rc;
}

/* Bytes and FIN queued before one output pass: the FIN rides on the last
 * data segment instead of a frame of its own. */
int tcp_send_close(struct tcp_stack *s, struct tcp_conn *c, uint32_t len, uint64_t now)
{
	int rc = queue_bytes(c, len);
	if (rc < 0)
		return rc;
	tcp_conn_queue_fin(c); /* cannot fail: queue_bytes checked the same states */
	tcp_output(s, c, now);
	return 0;
}
