/* SPDX-License-Identifier: BSD-3-Clause */
/* The lcore poll loop shared by the client and the responder (lcore.h). */
#include <errno.h>
#include <string.h>

#include "lcore.h"
#include "tsc-clock.h"

#define SECOND_US (1000 * 1000)
#define CLOSE_GRACE_US (1000 * 1000)
#define CLOSE_WINDOW_MAX_US (4 * 1000 * 1000)
#define RST_LINGER_MIN_US (50 * 1000)
#define RST_LINGER_MAX_US (1000 * 1000)

/* One queue answers the turn, so a client's single queue needs no division. */
static struct net_iface *queue_of(struct lcore *l, uint16_t port)
{
	return l->n_ifc == 1 ? l->ifc : &l->ifc[port % l->n_ifc];
}

/* An IPv6 segment: the neighbour to solicit again is its next hop. */
static int tx6(struct lcore *l, struct net_iface *ifc, const struct tcp_seg_out *seg)
{
	const struct net_ip6_pair *a = tcp_seg_out_ip6(l->ops->tcp(l->role), seg);
	int rc = net_tcp6_tx(ifc, &a->src, &a->dst, seg, l->ops->fill, l->role);

	if (rc == -EHOSTUNREACH) {
		struct net_ip6 hop;
		l->arp_unresolved++;
		net_ip6_next_hop(ifc, &a->dst, &hop);
		net_nd_solicit(ifc, &hop);
	}
	return rc;
}

int lcore_tx(void *ctx, const struct tcp_seg_out *seg)
{
	struct lcore *l = ctx;
	struct net_iface *ifc = queue_of(l, seg->dport);
	if (seg->ip6_slot)
		return tx6(l, ifc, seg);
	int rc = net_tcp_tx(ifc, seg, l->ops->fill, l->role);

	if (rc == -EHOSTUNREACH) {
		/* the entry went away: ask again, TCP retransmits meanwhile */
		l->arp_unresolved++;
		net_arp_request(ifc, net_next_hop(ifc, seg->daddr));
	}
	return rc;
}

void lcore_net_stats(const struct lcore *l, struct net_stats *sum)
{
	static const struct net_stats zero;

	*sum = zero;
	for (uint16_t q = 0; q < l->n_ifc; q++)
		net_stats_add_diff(sum, &zero, &l->ifc[q].stats);
}

/* One ARP table for all queues: what one queue learned, every queue knows.
 * The IPv6 neighbour table likewise. */
static void share_arp(struct lcore *l, uint16_t from)
{
	for (uint16_t q = 0; q < l->n_ifc; q++)
		if (q != from)
			memcpy(l->ifc[q].arp, l->ifc[from].arp, sizeof(l->ifc[q].arp));
}

static void share_nd(struct lcore *l, uint16_t from)
{
	for (uint16_t q = 0; q < l->n_ifc; q++)
		if (q != from)
			memcpy(l->ifc[q].nd, l->ifc[from].nd, sizeof(l->ifc[q].nd));
}

void lcore_take_ip6(struct lcore *l)
{
	for (uint16_t q = 0; q < l->n_ifc; q++)
		l->ifc[q].on_tcp6 = l->ops->input;
}

static uint16_t rx_all(struct lcore *l, uint64_t now)
{
	uint16_t rx = 0;

	for (uint16_t q = 0; q < l->n_ifc; q++) {
		uint64_t arp = l->ifc[q].stats.rx_arp, nd = l->ifc[q].stats.rx_nd;
		rx += net_rx(&l->ifc[q], now, l->ops->input, l->role);
		if (l->ifc[q].stats.rx_arp != arp && l->n_ifc > 1)
			share_arp(l, q);
		if (l->ifc[q].stats.rx_nd != nd && l->n_ifc > 1)
			share_nd(l, q);
	}
	return rx;
}

/* Did anything wait in a transmit batch? */
static bool flush_all(struct lcore *l)
{
	bool queued = false;

	for (uint16_t q = 0; q < l->n_ifc; q++) {
		queued |= l->ifc[q].tx_len > 0;
		net_tx_flush(&l->ifc[q]);
	}
	return queued;
}

/* One turn; did it do work? A frame received, or one queued to send (a
 * request, an ACK, a timer's retransmission or probe). A timer that only
 * frees state (TIME_WAIT's end) sends nothing and is not counted: it is
 * cheap, and lib/tcp does not say per turn how many fired. */
static bool poll_once(struct lcore *l, uint64_t now)
{
	uint16_t rx;

	l->now_us = now;
	rx = rx_all(l, now);
	if (now - l->last_poll_us >= l->poll_every_us) {
		l->ops->poll(l->role, now);
		l->last_poll_us = now;
	}
	if (now >= l->next_arp_us) {
		net_arp_refresh(&l->ifc[0], now);
		l->next_arp_us = now + SECOND_US;
	}
	return flush_all(l) || rx > 0;
}

/* Run until `until`, or until done() holds; without done, until *stop is
 * set. One TSC read per turn gives the turn's time and ends the previous
 * turn's cycles. */
static void poll_until(struct lcore *l, uint64_t until, bool (*done)(const struct lcore *))
{
	uint64_t tsc = tsc_now(), now = tsc_us_of(tsc);

	while (now < until && !(done && done(l))) {
		uint64_t turn_tsc = tsc;
		bool worked;

		if (!done && *l->stop)
			return;
		worked = poll_once(l, now);
		tsc = tsc_now();
		now = tsc_us_of(tsc);
		busy_account(&l->busy, turn_tsc, tsc, worked);
	}
}

void lcore_run_until(struct lcore *l, uint64_t until_us)
{
	poll_until(l, until_us, NULL);
}

static bool drained(const struct lcore *l)
{
	return l->ops->outstanding(l->role) == 0;
}

static bool all_closed(const struct lcore *l)
{
	return l->ops->open_conns(l->role) == 0;
}

static bool never(const struct lcore *l)
{
	(void)l;
	return false;
}

static uint64_t clamp_us(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* How long to wait for the next connection to close: at least the grace,
 * and long enough for the slowest connection's next retransmission of its
 * FIN (a lost SYN alone sets a 3 s RTO). */
static uint64_t close_window_us(const struct lcore *l)
{
	uint64_t rto = tcp_stack_rtt_bound(l->ops->tcp(l->role)).rto_us;
	return clamp_us(rto + rto / 2, CLOSE_GRACE_US, CLOSE_WINDOW_MAX_US);
}

/* Stop issuing and wait for what is outstanding (a client's requests). */
static void drain(struct lcore *l)
{
	if (!l->ops->stop)
		return;
	l->ops->stop(l->role, tsc_now_us());
	poll_until(l, tsc_now_us() + l->drain_us, drained);
}

/* FIN every connection; the window starts again as long as connections
 * keep closing (a million take a few seconds, paced by the role). */
static void close_paced(struct lcore *l)
{
	l->ops->close_all(l->role, tsc_now_us());
	for (uint32_t left = UINT32_MAX; l->ops->open_conns(l->role) < left;) {
		left = l->ops->open_conns(l->role);
		poll_until(l, tsc_now_us() + close_window_us(l), all_closed);
	}
}

/* Reset what is left, then keep answering for a few round trips. A peer
 * that missed our FIN or last data expects a lower sequence number than our
 * RST carries, takes it for a blind attack and sends a challenge ACK (RFC
 * 5961); the stack answers that with an exact RST, but only while this
 * lcore still polls. A lost RST is likewise answered when the peer
 * retransmits. */
static void abort_and_linger(struct lcore *l)
{
	uint32_t srtt = tcp_stack_rtt_bound(l->ops->tcp(l->role)).srtt_us;

	l->ops->abort_all(l->role, tsc_now_us());
	poll_until(l, tsc_now_us() + clamp_us(4ull * srtt, RST_LINGER_MIN_US, RST_LINGER_MAX_US),
		   never);
}

void lcore_shut_down(struct lcore *l)
{
	drain(l);
	close_paced(l);
	if (l->ops->open_conns(l->role) > 0)
		abort_and_linger(l);
	flush_all(l);
}
