/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Server role: passive open.
 *
 * tcp_input() -> tcp_conn_lookup() finds nothing for the listening port
 *   -> tcp_listen_input()      RFC 793 "LISTEN STATE": RST ignored, ACK answered
 *                          with RST, SYN -> a half-open connection in SYN_RCVD
 *                          (bounded by max_half_open) and a SYN-ACK
 * tcp_input() -> tcp_input_syn_rcvd()   RFC 793 "SYN-RECEIVED": duplicate SYN
 *                          -> SYN-ACK again; RST -> dropped; the ACK of our
 *                          SYN-ACK -> ESTABLISHED, on_established(), then the
 *                          rest of the segment as in any synchronized state
 * tcp_timers_run() -> tcp_fire_synack()   SYN-ACK retransmission with backoff
 *
 * Half-open connections belong to the stack: they never reach a callback, and
 * dropping one (RST, SYN-ACK retries exhausted, abort) calls no on_closed.
 * No SYN cookies: beyond max_half_open, SYNs are dropped and counted.
 */
#include <errno.h>
#include <string.h>

#include "tcp-priv.h"

int tcp_listen(struct tcp_stack *s, uint16_t port)
{
	if (port == 0 || (s->client_ports && port >= s->p.port_min && port <= s->p.port_max))
		return -EINVAL;
	if (s->listen_port != 0)
		return s->listen_port == port ? 0 : -EBUSY;
	if (s->hash.slots == NULL) {
		int rc = tcp_hash_init(&s->hash, s->cap);
		if (rc < 0)
			return rc;
	}
	s->listen_port = port;
	return 0;
}

static void passive_init(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			 uint64_t now)
{
	uint32_t id = conn_id(s, c);
	uint32_t laddr = seg->ip6 ? tcp_addr6_fold(&seg->ip6->dst) : seg->daddr;
	uint32_t raddr = seg->ip6 ? tcp_addr6_fold(&seg->ip6->src) : seg->saddr;
	uint32_t iss = tcp_isn_rfc6528(s, laddr, seg->dport, raddr, seg->sport, now);

	memset(c, 0, sizeof(*c));
	c->id = id;
	if (s->addr6)
		tcp_addr6_passive(s, c, seg);
	c->daddr = seg->saddr;
	c->dport = seg->sport;
	c->lport = s->listen_port;
	c->passive = 1;
	c->snd_una = iss;
	c->snd_nxt = c->snd_max = c->snd_lim = iss + 1; /* the SYN-ACK */
	c->recover = iss;
	c->rcv_nxt = seg->seq + 1; /* payload in a SYN is not taken: the peer sends it again */
	c->rto_us = umin32(umax32(s->p.rto_init_us, s->p.rto_min_us), s->p.rto_max_us);
	tcp_negotiate(s, c, seg);
	c->wscale_ok = seg->wscale >= 0;
	c->snd_wnd = seg->wnd; /* never scaled in a SYN */
	c->snd_wl1 = seg->seq;
	c->ooo_head = TCP_NONE;
	c->state = TCP_SYN_RCVD;
}

void tcp_listen_input(struct tcp_stack *s, const struct tcp_seg *seg, uint64_t now)
{
	uint32_t id;

	if (seg->flags & TCP_F_RST) { /* first, check for an RST */
		s->st.drop_no_conn++;
		return;
	}
	if (seg->flags & TCP_F_ACK) { /* second, an ACK: nothing of ours to acknowledge */
		s->st.drop_no_conn++;
		tcp_out_rst_reply(s, seg);
		return;
	}
	if (!(seg->flags & TCP_F_SYN)) { /* third, the SYN */
		s->st.drop_bad_flags++;
		return;
	}
	if (s->half_open >= s->max_half_open) {
		s->st.syn_drop_backlog++;
		return;
	}
	if (!tcp_freeq_pop_id(s, &id)) {
		s->st.syn_drop_full++;
		return;
	}
	struct tcp_conn *c = &s->conns[id];
	passive_init(s, c, seg, now);
	tcp_hash_insert(s, c);
	s->active++;
	s->half_open++;
	s->st.syn_rx++;
	tcp_out_synack(s, c, now);
	tcp_timer_rtx_set(s, c, now, c->rto_us);
}

/* Our SYN-ACK is acknowledged: the connection becomes the application's. */
static void establish_passive(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			      uint64_t now)
{
	c->snd_una = seg->ack;
	c->snd_wnd = (uint32_t)seg->wnd << c->snd_wscale;
	c->snd_wl1 = seg->seq;
	tcp_cc_init(c);
	tcp_syn_rtt(s, c, now);
	c->retries = 0;
	tcp_timer_rtx_stop(s, c);
	c->state = TCP_ESTABLISHED;
	s->half_open--;
	s->st.conn_established++;
	s->st.conn_accepted++;
	if (s->ops.on_established)
		s->ops.on_established(s->ctx, c);
}

static bool seq_in_window(const struct tcp_stack *s, const struct tcp_conn *c, uint32_t seq)
{
	return SEQ_IN(seq, c->rcv_nxt, c->rcv_nxt + umax32(rcv_window(s, c), 1));
}

void tcp_input_syn_rcvd(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
			uint64_t now)
{
	uint8_t f = seg->flags;

	if ((f & (TCP_F_SYN | TCP_F_ACK | TCP_F_RST)) == TCP_F_SYN && seg->seq == c->rcv_nxt - 1) {
		s->st.retrans_synack++; /* our SYN-ACK was lost: the peer sent its SYN again */
		tcp_out_synack(s, c, now);
		return;
	}
	if (!seq_in_window(s, c, seg->seq)) { /* first, check sequence number */
		if (f & TCP_F_RST) {
			s->st.drop_bad_rst++;
			return;
		}
		s->st.drop_bad_seq++;
		c->ack_now = 1;
		return;
	}
	if (f & TCP_F_RST) { /* second: back to LISTEN, i.e. forget it */
		s->st.half_open_reset++;
		tcp_conn_drop_half_open(s, c);
		return;
	}
	if (f & TCP_F_SYN) { /* fourth: challenge ACK (RFC 5961 4.2) */
		s->st.drop_bad_flags++;
		tcp_challenge_ack(s, c, now);
		return;
	}
	if (!(f & TCP_F_ACK)) { /* fifth */
		s->st.drop_bad_flags++;
		return;
	}
	if (seg->ack != c->snd_max) {
		s->st.drop_bad_ack++;
		tcp_out_rst_reply(s, seg);
		return;
	}
	establish_passive(s, c, seg, now);
	if (!conn_gone(c))
		tcp_input_after_handshake(s, c, seg, now); /* payload and FIN of the same segment */
}

void tcp_fire_synack(struct tcp_stack *s, struct tcp_conn *c, uint64_t now)
{
	if (c->retries >= s->p.synack_retries) {
		s->st.synack_timeout++;
		tcp_conn_drop_half_open(s, c);
		return;
	}
	c->retries++;
	c->syn_rtx = 1;
	c->rtt_timing = 0;
	s->st.retrans_synack++;
	c->rto_us = tcp_rto_backoff(s, c->rto_us, 1);
	tcp_out_synack(s, c, now);
	tcp_timer_rtx_set(s, c, now, c->rto_us);
}
