/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Input: one received segment.
 *
 * tcp_input() -> tcp_conn_lookup() (by destination port, then the 4-tuple), or
 *   tcp_listen_input() for a new connection to the listening port (tcp-listen.c)
 *   -> state_input[state]():
 *        input_syn_sent()      RFC 793 "SYN-SENT STATE" (client handshake)
 *        tcp_input_synchronized()  RFC 793 "Otherwise": first check sequence,
 *            second RST, fourth SYN, fifth ACK (-> tcp-cc.c, state effects),
 *            seventh payload (-> tcp-ooo.c on a gap), eighth FIN
 *   -> input_finish(): tcp_output() then an ACK if one is owed.
 * The connection is held for the whole call so that a close from a callback
 * only frees its slot when tcp_input returns.
 */
#include <errno.h>

#include "tcp-priv.h"

/* The part of a segment still to be processed after trimming. */
struct rx {
	uint32_t seq;
	const uint8_t *data;
	uint32_t len;
	uint8_t flags;
};

static uint32_t seg_space(const struct rx *r)
{
	return r->len + !!(r->flags & TCP_F_SYN) + !!(r->flags & TCP_F_FIN);
}

/* ---- SYN_SENT ---- */

void tcp_negotiate(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	uint16_t peer_mss = seg->mss ? seg->mss : TCP_DEFAULT_MSS;
	c->mss = (uint16_t)umax32(umin32(conn_our_mss(s, c), peer_mss), TCP_MIN_MSS);
	if (seg->wscale >= 0) { /* RFC 7323 2.2: both sides must offer it */
		c->snd_wscale = (uint8_t)umin32((uint32_t)seg->wscale, TCP_MAX_WSCALE);
		c->rcv_wscale = s->p.wscale;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	c->sack_ok = s->p.sack && seg->sack_ok;
	c->ts_ok = s->p.timestamps && seg->ts;
	if (c->ts_ok) { /* every segment then carries 12 bytes of option */
		c->ts_recent = seg->tsval;
		c->mss = (uint16_t)umax32(c->mss - TCP_TS_OPT_LEN, TCP_MIN_MSS);
	}
}

/* RFC 6298: a sample from the SYN unless it was retransmitted (Karn); after
 * a SYN timeout, RTO restarts at 3 s (5.7). */
void tcp_syn_rtt(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (c->rtt_timing && !c->syn_rtx)
		tcp_rtt_sample(s, c, (uint32_t)now - c->rtt_start_us);
	else if (c->syn_rtx)
		c->rto_us = umax32(umin32(TCP_SYN_RTO_FLOOR_US, s->p.rto_max_us), s->p.rto_min_us);
	c->rtt_timing = 0;
}

static void establish(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
		      uint64_t now)
{
	c->rcv_nxt = seg->seq + 1;
	c->snd_una = c->snd_nxt = seg->ack;
	tcp_negotiate(s, c, seg);
	c->snd_wnd = seg->wnd; /* never scaled in a SYN */
	c->snd_wl1 = seg->seq;
	tcp_cc_init(c);
	tcp_syn_rtt(s, c, now);
	c->retries = 0;
	tcp_timer_rtx_stop(s, c);
	c->state = c->fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED;
	c->ack_now = 1;
	s->st.conn_established++;
	if (s->ops.on_established)
		s->ops.on_established(s->ctx, c);
}

/* A bare ACK to our SYN is the peer's old state for this 4-tuple: a
 * TIME_WAIT that our ISN and TSval do not pass (a kernel client from this
 * address left it, its timestamps on an offset of its own), or a connection
 * whose RST was lost. The RST just sent frees it, so the SYN goes again at
 * once rather than after its RTO; once per attempt, and not after a timeout.
 * A SYN-ACK with a wrong ACK is an old duplicate: the answer to our SYN may
 * still come. */
static void syn_again(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
		      uint64_t now)
{
	if ((seg->flags & (TCP_F_RST | TCP_F_SYN)) || c->syn_again || c->syn_rtx)
		return;
	c->syn_again = 1;
	s->st.syn_again++;
	tcp_out_syn(s, c, now); /* times this SYN: the first one was answered */
}

static void input_syn_sent(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			   uint64_t now)
{
	/* first, check the ACK */
	if ((seg->flags & TCP_F_ACK) && seg->ack != c->snd_max) {
		s->st.drop_bad_ack++;
		tcp_out_rst_reply(s, seg);
		syn_again(s, c, seg, now);
		return;
	}
	/* second, the RST: only with an acceptable ACK */
	if (seg->flags & TCP_F_RST) {
		if (seg->flags & TCP_F_ACK)
			tcp_conn_close(s, c, TCP_CLOSE_REFUSED);
		else
			s->st.drop_bad_rst++;
		return;
	}
	/* fourth, the SYN; simultaneous open (SYN without ACK) is not supported.
	 * Data in the SYN-ACK is not accepted: only the SYN is acknowledged. */
	if ((seg->flags & (TCP_F_SYN | TCP_F_ACK)) != (TCP_F_SYN | TCP_F_ACK)) {
		s->st.drop_bad_flags++;
		return;
	}
	establish(s, c, seg, now);
}

/* ---- synchronized states: first, check sequence number ---- */

static bool seq_acceptable(const struct tcp_stack *s, const struct tcp_conn *c, const struct rx *r)
{
	uint32_t wnd = rcv_window(s, c), space = seg_space(r);
	uint32_t lo = c->rcv_nxt, hi = c->rcv_nxt + wnd;
	if (space == 0)
		return wnd == 0 ? r->seq == lo : SEQ_IN(r->seq, lo, hi);
	if (wnd == 0)
		return false;
	return SEQ_IN(r->seq, lo, hi) || SEQ_IN(r->seq + space - 1, lo, hi);
}

static void set_dsack(struct tcp_stack *s, uint32_t left, uint32_t right)
{
	s->dsack[0] = left;
	s->dsack[1] = right;
	s->dsack_set = true;
}

/* The data of r was received before: report it in the ACK it is owed. */
static void note_dsack(struct tcp_stack *s, const struct rx *r)
{
	if (r->len > 0)
		set_dsack(s, r->seq, r->seq + r->len);
}

/* RFC 2883 4.2: a segment that was partly received before (a retransmission
 * spanning a late segment and new data) reports the duplicate part, at once:
 * the new part alone might wait for a delayed ACK, and the report with it. */
static void note_partial_dsack(struct tcp_stack *s, struct tcp_conn *c, uint32_t left,
			       uint32_t right)
{
	set_dsack(s, left, right);
	c->ack_now = 1;
}

static void reject_unacceptable(struct tcp_stack *s, struct tcp_conn *c, const struct rx *r,
				uint64_t now)
{
	if (r->flags & TCP_F_RST) { /* never answer a RST */
		s->st.drop_bad_rst++;
		return;
	}
	uint32_t space = seg_space(r);
	if (space > 0 && SEQ_LEQ(r->seq + space, c->rcv_nxt)) {
		s->st.drop_dup_data++;
		note_dsack(s, r);
	} else
		s->st.drop_bad_seq++;
	if (c->state == TCP_TIME_WAIT && (r->flags & TCP_F_FIN)) /* FIN again: restart 2MSL */
		tcp_timer_rtx_set(s, c, now, tcp_time_wait_hold_us(s, c));
	c->ack_now = 1;
}

/* Cut what was already received and what lies beyond the window. */
static void trim(const struct tcp_stack *s, const struct tcp_conn *c, struct rx *r)
{
	if (SEQ_LT(r->seq, c->rcv_nxt)) {
		uint32_t d = umin32(c->rcv_nxt - r->seq, r->len);
		r->data += d;
		r->len -= d;
		r->seq = c->rcv_nxt;
	}
	uint32_t limit = c->rcv_nxt + rcv_window(s, c);
	if (SEQ_GT(r->seq + r->len, limit))
		r->len = limit - r->seq;
	if ((r->flags & TCP_F_FIN) && SEQ_GEQ(r->seq + r->len, limit))
		r->flags &= (uint8_t)~TCP_F_FIN;
}

/* ---- fifth, check the ACK field ---- */

static bool is_dupack(const struct tcp_conn *c, const struct tcp_seg *seg, uint32_t wnd)
{
	return seg->ack == c->snd_una && seg->len == 0 &&
	       !(seg->flags & (TCP_F_SYN | TCP_F_FIN)) && wnd == c->snd_wnd &&
	       c->snd_max != c->snd_una;
}

/* RFC 5961 7: at most challenge_acks_per_s challenge ACKs per second and
 * stack, so that forged segments cannot make us flood the peer. */
void tcp_challenge_ack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t second = (uint32_t)(now / 1000000);
	if (second != s->chal_second) {
		s->chal_second = second;
		s->chal_sent = 0;
	}
	if (s->p.challenge_acks_per_s && s->chal_sent >= s->p.challenge_acks_per_s) {
		s->st.challenge_acks_limited++;
		return;
	}
	s->chal_sent++;
	s->st.challenge_acks++;
	c->ack_now = 1;
}

/* RFC 5961 5.2: acceptable ACKs lie in [snd_una - MAX.SND.WND, snd_max].
 * MAX.SND.WND is not kept: the largest window the peer's scale can express
 * stands for it, which never refuses a valid ACK. */
static bool ack_in_range(const struct tcp_conn *c, uint32_t ack)
{
	uint32_t max_wnd = umax32(c->snd_wnd, 65535u << c->snd_wscale);
	return SEQ_LEQ(ack, c->snd_max) && SEQ_GEQ(ack, c->snd_una - max_wnd);
}

/* Returns the send-stream bytes newly acknowledged (the FIN is not data). */
static uint32_t ack_new(struct tcp_stack *s, struct tcp_conn *c, uint32_t ack, uint64_t now)
{
	uint32_t acked = ack - c->snd_una, stream = 0;
	if (SEQ_LT(c->snd_una, c->snd_lim))
		stream = SEQ_MIN(ack, c->snd_lim) - c->snd_una;
	if (c->rtt_timing && SEQ_GT(ack, c->rtt_seq)) {
		c->rtt_timing = 0;
		tcp_rtt_sample(s, c, (uint32_t)now - c->rtt_start_us);
	}
	c->snd_una = ack;
	if (SEQ_LT(c->snd_nxt, ack))
		c->snd_nxt = ack;
	c->acked += stream;
	c->retries = 0;
	c->tlp_sent = 0;
	tcp_cc_on_new_ack(s, c, acked, now);
	if (c->snd_una == c->snd_max) /* RFC 6298 5.2 and 5.3 */
		tcp_timer_rtx_stop(s, c);
	else
		tcp_timer_flight_set(s, c, now);
	return stream;
}

/* RFC 793: SND.WL1/WL2 keep old segments from shrinking the window. WL2 is
 * not kept: it is the ACK of an earlier update, so WL2 <= SND.UNA <= SEG.ACK
 * always holds once SEG.ACK >= SND.UNA, and RFC 793's test needs only WL1. */
static void window_update(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			  uint32_t wnd)
{
	if (SEQ_LT(seg->ack, c->snd_una) || SEQ_LT(seg->seq, c->snd_wl1))
		return;
	c->snd_wnd = wnd;
	c->snd_wl1 = seg->seq;
	if (wnd > 0 && c->persist) { /* the window opened: leave persist */
		tcp_timer_rtx_stop(s, c);
		c->retries = 0;
	}
}

/* What an ACK of our FIN does in each closing state. False: stop here. */
static bool fin_ack_effects(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (!fin_acked(c))
		return true;
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		c->state = TCP_FIN_WAIT_2;
		tcp_timer_rtx_set(s, c, now, 2 * s->p.msl_us); /* idle limit */
		return true;
	case TCP_CLOSING:
		tcp_conn_enter_time_wait(s, c, now);
		return false;
	case TCP_LAST_ACK:
		tcp_conn_close(s, c, TCP_CLOSE_NORMAL);
		return false;
	default:
		return true;
	}
}

/* on_acked runs once the window is updated, so that a tcp_send() from it
 * sees the peer's new window, and before a close caused by the same ACK. */
static bool process_ack(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			uint64_t now)
{
	if (!ack_in_range(c, seg->ack)) { /* not yet sent, or older than a window */
		s->st.drop_bad_ack++;
		tcp_challenge_ack(s, c, now);
		return false;
	}
	uint32_t wnd = (uint32_t)seg->wnd << c->snd_wscale, stream = 0;
	if (c->persist) { /* the peer answers: count unanswered probes afresh */
		c->probe_acked = 1;
		c->retries = 0;
	}
	if (is_dupack(c, seg, wnd))
		tcp_cc_on_dupack(s, c, now);
	else if (SEQ_GT(seg->ack, c->snd_una))
		stream = ack_new(s, c, seg->ack, now);
	window_update(s, c, seg, wnd);
	if (stream && s->ops.on_acked) {
		s->ops.on_acked(s->ctx, c, c->acked);
		if (conn_gone(c))
			return false;
	}
	return fin_ack_effects(s, c, now);
}

/* ---- seventh, segment text; eighth, FIN ---- */

/* RFC 5681 4.2: ACK at least every second segment, else within delack_us. */
static void delay_ack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (s->p.delack_us == 0 || c->unacked_segs >= 1) {
		c->ack_now = 1;
		return;
	}
	c->unacked_segs++;
	if (!c->dack_on)
		tcp_timer_dack_set(s, c, now);
}

/* The peer's FIN. In ESTABLISHED its ACK waits as a data segment's would:
 * the application's close, which usually follows at once, then carries it
 * on our FIN (one frame instead of two). The peer's RTO (200 ms at least)
 * and a tail loss probe's delayed-ACK allowance are longer than delack_us.
 * In FIN_WAIT_2 the peer is in LAST_ACK: with TCP_TW_RESET it gets the ACK
 * it needs and the slot is freed, no RST. */
static void handle_fin(struct tcp_stack *s, struct tcp_conn *c, bool bare, uint64_t now)
{
	c->rcv_nxt++;
	switch (c->state) {
	case TCP_ESTABLISHED:
		c->state = TCP_CLOSE_WAIT;
		/* a bare FIN is no full-sized segment (RFC 5681 4.2): it joins the
		 * ACK a segment before it is waiting for (its timer runs) */
		if (!bare || !s->p.delack_us || c->unacked_segs != 1)
			delay_ack(s, c, now);
		if (s->ops.on_peer_fin)
			s->ops.on_peer_fin(s->ctx, c);
		break;
	case TCP_FIN_WAIT_1: /* our FIN is not acked yet */
		c->ack_now = 1;
		c->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		tcp_out_ack(s, c, now);
		if (s->p.tw_policy == TCP_TW_RESET)
			tcp_conn_skip_time_wait(s, c);
		else
			tcp_conn_enter_time_wait(s, c, now);
		break;
	default:
		c->ack_now = 1;
		break;
	}
}

static void queue_ooo(struct tcp_stack *s, struct tcp_conn *c, const struct rx *r)
{
	uint32_t dup[2];
	bool partial = r->len && tcp_ooo_overlap(&s->ooo, c->ooo_head, r->seq, r->seq + r->len, dup);
	int rc = tcp_ooo_insert(&s->ooo, &c->ooo_head, r->seq, r->data, r->len,
				r->flags & TCP_F_FIN, s->p.ooo_max_per_conn);
	s->sack_recent = r->seq;
	if (rc == 0) {
		s->st.ooo_queued++;
		if (partial)
			set_dsack(s, dup[0], dup[1]);
	} else if (rc == -EEXIST) {
		s->st.ooo_drop_dup++;
		note_dsack(s, r);
	}
	else if (rc == -EDQUOT)
		s->st.ooo_drop_conn++;
	else
		s->st.ooo_drop_full++;
	c->ack_now = 1; /* immediate duplicate ACK (RFC 5681 4.2) */
}

static bool accepts_data(const struct tcp_conn *c)
{
	return c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
	       c->state == TCP_FIN_WAIT_2;
}

static void process_text(struct tcp_stack *s, struct tcp_conn *c, const struct rx *r,
			 uint64_t now)
{
	bool fin = r->flags & TCP_F_FIN;
	if (r->len == 0 && !fin)
		return;
	if (!accepts_data(c)) { /* the peer already sent its FIN */
		s->st.drop_after_fin++;
		c->ack_now = 1;
		return;
	}
	if (r->seq != c->rcv_nxt) {
		queue_ooo(s, c, r);
		return;
	}
	if (r->len) {
		c->rcv_nxt += r->len;
		s->st.rx_bytes += r->len;
		if (s->ops.on_recv)
			s->ops.on_recv(s->ctx, c, r->data, r->len);
		if (conn_gone(c))
			return;
	}
	if (fin) {
		handle_fin(s, c, r->len == 0, now);
	} else if (c->ooo_head != TCP_NONE) { /* filled a hole: ACK at once */
		uint32_t dup[2];
		if (tcp_ooo_overlap(&s->ooo, c->ooo_head, r->seq, r->seq + r->len, dup))
			set_dsack(s, dup[0], dup[1]); /* and ran into data queued already */
		c->ack_now = 1;
		if (tcp_ooo_deliver(s, c))
			handle_fin(s, c, false, now);
	} else {
		delay_ack(s, c, now);
	}
}

/* RFC 7323 5.3: a segment whose timestamp is older than the last one taken
 * is an old duplicate (of this or an earlier incarnation of the 4-tuple):
 * drop it and ACK, unless it is a RST. Under reordering it is most often
 * the late original of a fast retransmission: the part below rcv_nxt goes
 * into that ACK as a D-SACK (RFC 2883), or the sender never learns its
 * retransmission was spurious and keeps its window cut. */
static bool paws_reject(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (!c->ts_ok || !seg->ts || (seg->flags & TCP_F_RST) || SEQ_GEQ(seg->tsval, c->ts_recent))
		return false;
	s->st.drop_paws++;
	if (seg->len > 0 && SEQ_LT(seg->seq, c->rcv_nxt))
		set_dsack(s, seg->seq, SEQ_MIN(seg->seq + seg->len, c->rcv_nxt));
	c->ack_now = 1;
	return true;
}

/* RFC 7323 4.3: remember the newest TSval of a segment that covers the left
 * edge of the window (rcv_nxt stands for Last.ACK.sent). */
static void ts_take(struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (c->ts_ok && seg->ts && SEQ_GEQ(seg->tsval, c->ts_recent) &&
	    SEQ_LEQ(seg->seq, c->rcv_nxt))
		c->ts_recent = seg->tsval;
}

void tcp_input_synchronized(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			    uint64_t now)
{
	struct rx r = {.seq = seg->seq, .data = seg->payload, .len = seg->len, .flags = seg->flags};
	if (paws_reject(s, c, seg))
		return;
	if (!seq_acceptable(s, c, &r)) { /* first */
		reject_unacceptable(s, c, &r, now);
		return;
	}
	ts_take(c, seg);
	if (r.flags & TCP_F_RST) { /* second: RFC 5961 3.2, only an exact one resets */
		if (r.seq != c->rcv_nxt) {
			s->st.drop_bad_rst++;
			tcp_challenge_ack(s, c, now);
			return;
		}
		tcp_conn_close(s, c,
			       c->state == TCP_TIME_WAIT ? TCP_CLOSE_NORMAL : TCP_CLOSE_RESET);
		return;
	}
	if (r.flags & TCP_F_SYN) { /* fourth: challenge ACK (RFC 5961 4.2) */
		s->st.drop_bad_flags++;
		tcp_challenge_ack(s, c, now);
		return;
	}
	if (!(r.flags & TCP_F_ACK)) { /* fifth */
		s->st.drop_bad_flags++;
		return;
	}
	if (r.len && SEQ_LT(r.seq, c->rcv_nxt)) /* the rest is new: the sequence check passed */
		note_partial_dsack(s, c, r.seq, SEQ_MIN(r.seq + r.len, c->rcv_nxt));
	trim(s, c, &r);
	if (!process_ack(s, c, seg, now))
		return;
	if (c->state == TCP_FIN_WAIT_2)
		tcp_timer_rtx_set(s, c, now, 2 * s->p.msl_us);
	process_text(s, c, &r, now);
}

/* The rest of the segment whose ACK completed a passive open: its ACK was
 * taken by establish_passive (and the application may have sent since, so
 * taking it again would count a duplicate ACK); payload and FIN remain. */
void tcp_input_after_handshake(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			       uint64_t now)
{
	struct rx r = {.seq = seg->seq, .data = seg->payload, .len = seg->len, .flags = seg->flags};
	ts_take(c, seg);
	trim(s, c, &r);
	process_text(s, c, &r, now);
}

static void input_unexpected(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			     uint64_t now)
{
	(void)c;
	(void)seg;
	(void)now;
	s->st.drop_bad_flags++;
}

typedef void (*state_input_fn)(struct tcp_stack *s, struct tcp_conn *c,
			       const struct tcp_seg *seg, uint64_t now);

static const state_input_fn state_input[TCP_STATE_COUNT] = {
	[TCP_CLOSED] = input_unexpected,
	[TCP_LISTEN] = input_unexpected, /* listening is not a connection: tcp_listen_input() */
	[TCP_SYN_SENT] = input_syn_sent,
	[TCP_SYN_RCVD] = tcp_input_syn_rcvd,
	[TCP_ESTABLISHED] = tcp_input_synchronized,
	[TCP_FIN_WAIT_1] = tcp_input_synchronized,
	[TCP_FIN_WAIT_2] = tcp_input_synchronized,
	[TCP_CLOSE_WAIT] = tcp_input_synchronized,
	[TCP_CLOSING] = tcp_input_synchronized,
	[TCP_LAST_ACK] = tcp_input_synchronized,
	[TCP_TIME_WAIT] = tcp_input_synchronized,
};

static void input_finish(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (conn_gone(c))
		return;
	tcp_output(s, c, now);
	if (!conn_gone(c) && c->ack_now)
		tcp_out_ack(s, c, now);
}

void tcp_input(struct tcp_stack *s, const struct tcp_seg *seg, uint64_t now)
{
	s->st.rx_segs++;
	tcp_clock_start(s, now);
	struct tcp_conn *c = tcp_conn_lookup(s, seg);
	if (c != NULL && syn_reuses_time_wait(c, seg)) {
		s->st.syn_tw_reuse++;
		tcp_conn_close(s, c, TCP_CLOSE_NORMAL); /* its on_closed was delivered */
		c = NULL;
	}
	if (c == NULL) {
		if (seg->dport == s->listen_port && s->listen_port != 0 &&
		    (seg->ip6 ? s->addr6 != NULL : seg->daddr == s->p.local_addr)) {
			tcp_listen_input(s, seg, now);
			return;
		}
		s->st.drop_no_conn++;
		tcp_out_rst_reply(s, seg);
		return;
	}
	tcp_conn_hold(s, c);
	state_input[c->state](s, c, seg, now);
	input_finish(s, c, now);
	s->dsack_set = false; /* not owed to a later ACK: the data segment sent carried the ACK */
	tcp_conn_unhold(s);
}
