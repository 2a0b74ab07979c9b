/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop of a worker lcore: receive a burst, hand TCP segments to the
 * client, run timers and queued actions, flush the transmit batch.
 * Shutdown order: stop issuing requests -> wait for outstanding responses
 * (drain_us) -> FIN every connection -> RST what is left -> answer the
 * peers' replies to those RSTs for a few round trips -> finished.
 */
#include <errno.h>

#include <rte_lcore.h>

#include "net.h"
#include "hist.h"
#include "tsc-clock.h"
#include "worker.h"

#define CLOSE_GRACE_US (1000 * 1000)
#define CLOSE_WINDOW_MAX_US (4 * 1000 * 1000)
#define RST_LINGER_MIN_US (50 * 1000)
#define RST_LINGER_MAX_US (1000 * 1000)

/* One clock read per poll turn: rdtsc is slow under a hypervisor. */
static void on_tcp(void *ctx, const struct tcp_seg *seg)
{
	struct worker *w = ctx;
	client_input(w->client, seg, w->now_us);
}

static void fill(void *ctx, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	struct worker *w = ctx;
	client_fill(w->client, c, off, len, dst);
}

int worker_tx(void *ctx, const struct tcp_seg_out *seg)
{
	struct worker *w = ctx;
	int rc = net_tcp_tx(&w->ifc, seg, fill, w);

	if (rc == -EHOSTUNREACH) {
		/* the entry went away: ask again, TCP retransmits meanwhile */
		w->arp_unresolved++;
		net_arp_request(&w->ifc, net_next_hop(&w->ifc, seg->daddr));
	}
	return rc;
}

/* One turn; did it do work? A frame received, or one queued to send (a
 * request, an ACK, a timer's retransmission or probe). A timer that only
 * frees state (TIME_WAIT's end) sends nothing and is not counted: it is
 * cheap, and lib/tcp does not say per turn how many fired. */
static bool poll_once(struct worker *w, uint64_t now)
{
	uint16_t rx;
	bool queued;

	w->now_us = now;
	rx = net_rx(&w->ifc, now, on_tcp, w);
	client_poll(w->client, now);
	queued = w->ifc.tx_len > 0;
	net_tx_flush(&w->ifc);
	return rx > 0 || queued;
}

/* Run until `until` or until stop is asked or done() holds. One TSC read
 * per turn gives the turn's time and ends the previous turn's cycles. */
static void poll_until(struct worker *w, uint64_t until, bool (*done)(struct worker *))
{
	uint64_t tsc = tsc_now(), now = tsc_us_of(tsc), next_arp = now + 1000 * 1000;

	while (now < until && !(done && done(w))) {
		uint64_t turn_tsc = tsc;
		bool worked;

		if (!done && w->stop)
			return;
		worked = poll_once(w, now);
		if (now > next_arp) {
			net_arp_refresh(&w->ifc, now);
			next_arp = now + 1000 * 1000;
		}
		tsc = tsc_now();
		now = tsc_us_of(tsc);
		busy_account(&w->busy, turn_tsc, tsc, worked);
	}
}

static bool drained(struct worker *w)
{
	return client_outstanding(w->client) == 0;
}

static bool all_closed(struct worker *w)
{
	return client_open_conns(w->client) == 0;
}

static void phase_begin(struct worker *w, uint32_t p)
{
	struct worker_phase_result *r = &w->results[p];

	w->phase = p;
	r->start_us = tsc_now_us();
	r->start = *client_counters(w->client);
	r->tcp_start = *tcp_stack_stats(client_tcp(w->client));
	/* the results are calloc'd: an all-zero histogram has min 0, not empty */
	hist_init(&r->lat);
	hist_init(&r->lat_uncorrected);
	client_set_phase(w->client, &w->phases[p], &r->lat, &r->lat_uncorrected, r->start_us);
}

static void phase_end(struct worker *w, uint32_t p, uint64_t load_end_us)
{
	struct worker_phase_result *r = &w->results[p];

	r->end_us = load_end_us;
	r->end = *client_counters(w->client);
	r->tcp_end = *tcp_stack_stats(client_tcp(w->client));
}

static bool never(struct worker *w)
{
	(void)w;
	return false;
}

static uint64_t clamp_us(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* How long to wait for the next connection to close: at least the grace,
 * and long enough for the slowest connection's next retransmission of its
 * FIN (a lost SYN alone sets a 3 s RTO). */
static uint64_t close_window_us(const struct worker *w)
{
	uint64_t rto = client_open_rtt_bound(w->client).rto_us;
	return clamp_us(rto + rto / 2, CLOSE_GRACE_US, CLOSE_WINDOW_MAX_US);
}

/* Reset what is left, then keep answering for a few round trips. A peer
 * that missed our FIN or last data expects a lower sequence number than our
 * RST carries, takes it for a blind attack and sends a challenge ACK (RFC
 * 5961); the stack answers that with an exact RST, but only while this
 * lcore still polls. A lost RST is likewise answered when the peer
 * retransmits. */
static void abort_and_linger(struct worker *w)
{
	uint32_t srtt = client_open_rtt_bound(w->client).srtt_us;

	client_abort_all(w->client, tsc_now_us());
	poll_until(w, tsc_now_us() + clamp_us(4ull * srtt, RST_LINGER_MIN_US, RST_LINGER_MAX_US),
		   never);
}

/* Stop issuing, wait for what is outstanding, close, reset what is left. */
static void shut_down(struct worker *w)
{
	client_stop(w->client, tsc_now_us());
	poll_until(w, tsc_now_us() + w->drain_us, drained);
	client_close_all(w->client, tsc_now_us());
	/* the window starts again as long as connections keep closing (a
	 * million take a few seconds, paced by the client) */
	for (uint32_t left = UINT32_MAX; client_open_conns(w->client) < left;) {
		left = client_open_conns(w->client);
		poll_until(w, tsc_now_us() + close_window_us(w), all_closed);
	}
	if (client_open_conns(w->client) > 0)
		abort_and_linger(w);
	net_tx_flush(&w->ifc);
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	uint32_t p;

	w->start_us = tsc_now_us();
	for (p = 0; p < w->n_phases && !w->stop; p++) {
		phase_begin(w, p);
		poll_until(w, w->results[p].start_us + w->phases[p].duration_us, NULL);
		if (p + 1 < w->n_phases && !w->stop)
			phase_end(w, p, tsc_now_us());
	}
	w->end_us = tsc_now_us();
	shut_down(w);
	/* what the drain settled belongs to the last phase that ran, but its
	 * time (and so its rate) ends with the load */
	if (p > 0)
		phase_end(w, p - 1, w->end_us);
	w->finished = true;
	return 0;
}
