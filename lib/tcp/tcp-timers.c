/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timers. Each connection owns one wheel node, armed at the earlier of two
 * deadlines: rtx_at (whose meaning follows the state: SYN retry, RTO, persist,
 * FIN_WAIT_2 idle, 2MSL) and dack_at (delayed ACK).
 *
 * tcp_timers_run() -> tcp_tw_advance() -> conn_timer_fire() -> one handler.
 * RTO arithmetic follows RFC 6298.
 */
#include "tcp-priv.h"

uint32_t tcp_tick_of(const struct tcp_stack *s, uint64_t now_us)
{
	return (uint32_t)(now_us / s->p.tick_us);
}

/* 32-bit ticks of a TSC-derived clock may be anywhere (and wrap): start the
 * wheel just before the first `now` the stack sees. */
void tcp_clock_start(struct tcp_stack *s, uint64_t now)
{
	if (s->clock_started)
		return;
	s->clock_started = true;
	s->wheel->cur = tcp_tick_of(s, now) - 1;
}

/* Round up: a timer never fires early. */
static uint32_t deadline(const struct tcp_stack *s, uint64_t now, uint32_t delay_us)
{
	return (uint32_t)((now + delay_us + s->p.tick_us - 1) / s->p.tick_us);
}

/* Lazy, as in Linux: the node moves only when a deadline comes earlier than
 * where it is armed. A node armed too early (the ACK came, the deadline moved
 * on) fires once, finds nothing due and is armed again, or left idle; every
 * segment of a busy connection would otherwise move it twice. */
static void timer_sync(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t id = conn_id(s, c), want;

	if (!c->rtx_on && !c->dack_on)
		return;
	if (c->rtx_on && c->dack_on)
		want = SEQ_MIN(c->rtx_at, c->dack_at);
	else
		want = c->rtx_on ? c->rtx_at : c->dack_at;
	if (!tw_armed(s->wheel, id) || SEQ_GT(tw_expiry(s->wheel, id), want))
		tcp_tw_arm(s->wheel, id, want);
}

void tcp_timer_rtx_set(struct tcp_stack *s, struct tcp_conn *c, uint64_t now, uint32_t delay_us)
{
	c->rtx_on = 1;
	c->rtx_at = deadline(s, now, delay_us);
	timer_sync(s, c);
}

void tcp_timer_rtx_stop(struct tcp_stack *s, struct tcp_conn *c)
{
	c->rtx_on = 0;
	c->persist = 0;
	c->tlp_on = 0;
	timer_sync(s, c);
}

void tcp_timer_dack_set(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	c->dack_on = 1;
	c->dack_at = deadline(s, now, s->p.delack_us);
	timer_sync(s, c);
}

void tcp_timer_dack_stop(struct tcp_stack *s, struct tcp_conn *c)
{
	c->dack_on = 0;
	timer_sync(s, c);
}

void tcp_timer_stop_all(struct tcp_stack *s, struct tcp_conn *c)
{
	c->rtx_on = c->dack_on = c->persist = c->tlp_on = 0;
	tcp_tw_cancel(s->wheel, conn_id(s, c));
}

static uint32_t rto_clamp(const struct tcp_stack *s, uint64_t rto)
{
	if (rto < s->p.rto_min_us)
		return s->p.rto_min_us;
	if (rto > s->p.rto_max_us)
		return s->p.rto_max_us;
	return (uint32_t)rto;
}

uint32_t tcp_rto_backoff(const struct tcp_stack *s, uint32_t rto_us, unsigned shift)
{
	if (shift > 31)
		shift = 31;
	return rto_clamp(s, (uint64_t)rto_us << shift);
}

/* RFC 6298 section 2, with G = the tick. */
void tcp_rtt_sample(struct tcp_stack *s, struct tcp_conn *c, uint32_t r)
{
	s->st.rtt_samples++;
	if (c->srtt_us == 0) {
		c->srtt_us = r ? r : 1;
		c->rttvar_us = r / 2;
	} else {
		uint32_t err = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = (uint32_t)(((uint64_t)3 * c->rttvar_us + err) / 4);
		c->srtt_us = (uint32_t)(((uint64_t)7 * c->srtt_us + r) / 8);
		if (c->srtt_us == 0)
			c->srtt_us = 1;
	}
	uint64_t k = (uint64_t)4 * c->rttvar_us;
	c->rto_us = rto_clamp(s, c->srtt_us + (k > s->p.tick_us ? k : s->p.tick_us));
}

static void fire_syn(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (c->retries >= s->p.syn_retries) {
		tcp_conn_close(s, c, TCP_CLOSE_SYN_TIMEOUT);
		return;
	}
	c->retries++;
	c->syn_rtx = 1;
	c->rtt_timing = 0;
	s->st.retrans_syn++;
	c->rto_us = tcp_rto_backoff(s, c->rto_us, 1);
	tcp_out_syn(s, c, now);
	tcp_timer_rtx_set(s, c, now, c->rto_us);
}

/* RFC 6298 5.4-5.6, RFC 5681 3.1 (loss window), go-back-N from snd_una. */
static void fire_rto(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (c->retries >= s->p.max_retries) {
		tcp_out_rst(s, c, now);
		tcp_conn_close(s, c, TCP_CLOSE_TIMEOUT);
		return;
	}
	c->retries++;
	s->st.retrans_rto++;
	tcp_cc_on_rto(c);
	c->rto_us = tcp_rto_backoff(s, c->rto_us, 1);
	c->rtt_timing = 0;
	c->snd_nxt = c->snd_una;
	tcp_output(s, c, now);
	if (!c->rtx_on)
		tcp_timer_rtx_set(s, c, now, c->rto_us);
}

/* RFC 1122 4.2.2.17: probe while the peer answers; give up after
 * max_retries probes in a row went unanswered (an ACK sets retries back to
 * 0, tcp-input.c). The interval backs off with every probe sent. */
static void fire_persist(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (!c->probe_acked && c->retries >= s->p.max_retries) {
		tcp_out_rst(s, c, now);
		tcp_conn_close(s, c, TCP_CLOSE_TIMEOUT);
		return;
	}
	c->retries++;
	if (c->backoff < 31)
		c->backoff++;
	tcp_out_window_probe(s, c, now);
	c->persist = 1;
	tcp_timer_rtx_set(s, c, now, tcp_rto_backoff(s, c->rto_us, c->backoff));
}

static void fire_rtx(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	switch (c->state) {
	case TCP_SYN_SENT:
		fire_syn(s, c, now);
		break;
	case TCP_SYN_RCVD:
		tcp_fire_synack(s, c, now);
		break;
	case TCP_TIME_WAIT:
		tcp_conn_close(s, c, TCP_CLOSE_NORMAL);
		break;
	case TCP_FIN_WAIT_2:
		s->st.fin_wait_2_timeout++;
		tcp_out_rst(s, c, now);
		tcp_conn_close(s, c, TCP_CLOSE_TIMEOUT);
		break;
	default:
		if (c->persist)
			fire_persist(s, c, now);
		else if (c->tlp_on)
			tcp_tlp_fire(s, c, now);
		else if (c->snd_una != c->snd_max)
			fire_rto(s, c, now);
		break;
	}
}

struct fire_ctx {
	struct tcp_stack *s;
	uint64_t now;
	uint32_t tick;
};

static void conn_timer_fire(void *arg, uint32_t id)
{
	struct fire_ctx *f = arg;
	struct tcp_stack *s = f->s;
	struct tcp_conn *c = &s->conns[id];
	tcp_conn_hold(s, c);
	if (c->dack_on && SEQ_LEQ(c->dack_at, f->tick)) {
		c->dack_on = 0;
		s->st.delayed_acks++;
		tcp_out_ack(s, c, f->now);
	}
	if (c->rtx_on && SEQ_LEQ(c->rtx_at, f->tick)) {
		c->rtx_on = 0;
		fire_rtx(s, c, f->now);
	}
	if (!conn_gone(c))
		timer_sync(s, c);
	tcp_conn_unhold(s);
}

void tcp_timers_run(struct tcp_stack *s, uint64_t now)
{
	tcp_clock_start(s, now);
	struct fire_ctx f = {.s = s, .now = now, .tick = tcp_tick_of(s, now)};
	tcp_tw_advance(s->wheel, f.tick, conn_timer_fire, &f);
}
