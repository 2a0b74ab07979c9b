/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control: RFC 5681 slow start and congestion avoidance, initial
 * window per RFC 6928, fast retransmit and NewReno fast recovery (RFC 6582).
 *
 * Called from the ACK step of tcp_input (tcp_cc_on_new_ack, tcp_cc_on_dupack) and
 * from the RTO handler (tcp_cc_on_rto).
 */
#include "tcp-priv.h"

#define CWND_MAX (1u << 30)

/* RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)) */
void tcp_cc_init(struct tcp_conn *c)
{
	c->cwnd = umin32(10u * c->mss, umax32(2u * c->mss, 14600));
	c->ssthresh = CWND_MAX;
	c->dupacks = 0;
	c->in_recovery = 0;
}

static uint32_t flight_size(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

/* RFC 5681 eq. (4) */
static uint32_t half_flight(const struct tcp_conn *c)
{
	return umax32(flight_size(c) / 2, 2u * c->mss);
}

static void grow(struct tcp_conn *c, uint32_t acked)
{
	uint32_t inc;
	if (c->cwnd < c->ssthresh) /* slow start, L = 1 SMSS (RFC 5681 eq. 2) */
		inc = umin32(acked, c->mss);
	else /* congestion avoidance (RFC 5681 eq. 3) */
		inc = umax32((uint32_t)((uint64_t)c->mss * c->mss / c->cwnd), 1);
	c->cwnd = umin32(c->cwnd + inc, CWND_MAX);
}

/* RFC 6582 3.2 steps 5 and 6. snd_una already moved past the acked bytes. */
static void recovery_ack(struct tcp_stack *s, struct tcp_conn *c, uint32_t acked, uint64_t now)
{
	if (SEQ_GEQ(c->snd_una, c->recover)) { /* full ACK: leave recovery */
		c->cwnd = umin32(c->ssthresh, umax32(flight_size(c), c->mss) + c->mss);
		c->in_recovery = 0;
		return;
	}
	/* partial ACK: retransmit the next hole, deflate by what was acked */
	s->st.retrans_fast++;
	tcp_out_retransmit_una(s, c, now);
	c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
	if (acked >= c->mss)
		c->cwnd += c->mss;
	c->cwnd = umax32(c->cwnd, c->mss);
}

void tcp_cc_on_new_ack(struct tcp_stack *s, struct tcp_conn *c, uint32_t acked, uint64_t now)
{
	c->dupacks = 0;
	if (c->in_recovery)
		recovery_ack(s, c, acked, now);
	else
		grow(c, acked);
}

/* RFC 5681 3.2 / RFC 6582 3.2 steps 2-4 */
void tcp_cc_on_dupack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	s->st.dup_acks++;
	if (c->dupacks < 15)
		c->dupacks++;
	if (c->in_recovery) {
		c->cwnd = umin32(c->cwnd + c->mss, CWND_MAX);
		return;
	}
	if (c->dupacks != 3 || !SEQ_GT(c->snd_una, c->recover))
		return;
	c->ssthresh = half_flight(c);
	c->recover = c->snd_max;
	c->in_recovery = 1;
	s->st.retrans_fast++;
	tcp_out_retransmit_una(s, c, now);
	c->cwnd = c->ssthresh + 3u * c->mss;
}

/* RFC 5681 eq. (4) then LW = 1 SMSS; RFC 6582 4: recover = highest sent. */
void tcp_cc_on_rto(struct tcp_conn *c)
{
	c->ssthresh = half_flight(c);
	c->cwnd = c->mss;
	c->recover = c->snd_max;
	c->in_recovery = 0;
	c->dupacks = 0;
}
