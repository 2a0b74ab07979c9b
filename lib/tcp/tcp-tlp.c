/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tail loss probe (the TLP of RFC 8985, without RACK). A lost segment at the
 * end of a flight (a lone request, the tail of a response) is followed by
 * nothing that could bring duplicate ACKs, so only the RTO, 200 ms at least,
 * would find it. When the flight's tail has gone unacknowledged for the
 * probe timeout, one segment goes out: new data if some waits and the
 * peer's window takes it, else the last MSS of data again. Its ACK ends the
 * wait; if the probe is lost too, the RTO fires an RTO after the probe was
 * armed, as it would have without it. (Without RACK or a SACK scoreboard,
 * the one duplicate ACK a new-data probe brings starts no recovery.)
 *
 * Called where the retransmission timer is armed for data in flight
 * (tcp_output, a new ACK) and from the timer (tcp-timers.c).
 */
#include "tcp-priv.h"

/* RFC 8985 7.2: 2 SRTT, and for a single segment the peer's delayed ACK on
 * top (the RFC's WCDelAckT); for more, two ticks of our clock. */
static uint32_t probe_timeout(const struct tcp_stack *s, const struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint64_t pto = 2ull * c->srtt_us;
	pto += flight <= c->mss + 1u ? s->p.tlp_ack_delay_us : 2ull * s->p.tick_us;
	return pto < UINT32_MAX ? (uint32_t)pto : UINT32_MAX;
}

/* One probe per flight, none during recovery or after an RTO, none while
 * the timer is the persist timer (an RTO's go-back-N may leave data in
 * flight behind a zero window), and none before an RTT sample (the RFC's
 * 1 s would not beat the RTO either). */
static bool may_probe(const struct tcp_stack *s, const struct tcp_conn *c)
{
	return s->p.tlp && !c->tlp_sent && !c->in_recovery && c->retries == 0 && !c->persist &&
	       c->srtt_us != 0 && c->snd_una != c->snd_max;
}

/* tlp_on is set here and cleared when the timer stops or fires; the other
 * uses of the timer (SYN, persist, FIN_WAIT_2, TIME_WAIT) come with it clear
 * (tcp_timer_rtx_stop, or the probe fired) or are told apart before it. */
void tcp_timer_flight_set(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t delay = c->rto_us;
	c->tlp_on = 0;
	if (may_probe(s, c)) {
		uint32_t pto = probe_timeout(s, c);
		if (pto < delay) {
			delay = pto;
			c->tlp_on = 1;
		}
	}
	tcp_timer_rtx_set(s, c, now, delay);
}

/* The RTO is due when it would have been had no probe been armed, but no
 * sooner than an SRTT after the probe, so that the probe's answer can come. */
void tcp_tlp_fire(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	uint32_t pto = probe_timeout(s, c);
	uint32_t rest = c->rto_us > pto ? c->rto_us - pto : 0;

	c->tlp_on = 0;
	if (c->snd_una == c->snd_max)
		return;
	c->tlp_sent = 1;
	s->st.tlp_probes++;
	tcp_out_tail_probe(s, c, now);
	tcp_timer_rtx_set(s, c, now, umax32(rest, c->srtt_us + s->p.tick_us));
}
