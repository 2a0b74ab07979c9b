/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "net.h"
#include "numa-place.h"
#include "tsc-clock.h"
#include "phase-stats.h"
#include "plan-shard.h"
#include "run-workers.h"

#define STEER_RING_SIZE 4096
#define TABLE_MAX (4u << 20) /* connections per worker: about 1 GiB of state */

uint16_t run_workers_count(void)
{
	return (uint16_t)(rte_lcore_count() - 1);
}

static void split_phases(struct run_workers *rw, const struct plan *p)
{
	struct client_phase *all = rw->phases;

	for (uint16_t i = 0; i < rw->n; i++) {
		struct client_phase *mine = &all[(size_t)i * p->n_phases];
		plan_client_phases(p, mine);
		for (uint32_t k = 0; k < p->n_phases; k++) {
			bool whole = mine[k].model == CLIENT_CLOSED;
			/* a worker's share of the level, as a shard's (plan-shard.h) */
			mine[k].from = plan_share(mine[k].from, rw->n, i, whole);
			mine[k].to = plan_share(mine[k].to, rw->n, i, whole);
			if (mine[k].max_conns)
				mine[k].max_conns = (uint32_t)ceil((double)mine[k].max_conns / rw->n);
		}
	}
}

/* The 4-tuples worker i of n may use: the shard's addresses (plan-shard.c
 * cut them, or the ports, from the campaign's), and of the shard's ports
 * those with port % n == i, which RSS steers back to it (lib/net/steer.h). */
static void worker_tuples(const struct plan *p, uint16_t i, uint16_t n, struct tcp_params *tp)
{
	tp->local_addr = p->local_ip;
	tp->n_local_addrs = (uint16_t)p->n_local_ips;
	tp->port_min = p->port_min;
	tp->port_max = p->port_max;
	tp->port_step = n;
	tp->port_offset = (uint16_t)((i + n - p->port_min % n) % n);
}

static struct client *make_client(const struct plan *p, struct worker *w, uint16_t i,
				  uint16_t n)
{
	struct tcp_params tp;
	struct client_conf cc = {
		.daddr = p->daddr,
		.dport = p->dport,
		.tpls = p->tpls,
		.n_tpls = p->n_tpls,
		.max_pipeline = p->max_pipeline,
		.request_timeout_us = p->request_timeout_us,
		.rate_max_conns = (p->rate_max_conns + n - 1) / n,
		/* shards on the same lcore ids draw different sequences */
		.seed = 0x64726e63u ^ w->lcore_id ^ (p->shard << 16),
		.lcore = w->lcore_id,
	};

	tcp_params_default(&tp);
	worker_tuples(p, i, n, &tp);
	tp.mss = (uint16_t)(p->mtu - 40);
	tp.tw_policy = p->time_wait;
	/* every one of its (address, port) pairs: connections in TIME_WAIT hold theirs */
	uint64_t pairs = (uint64_t)(p->port_max - p->port_min + 1) / n * p->n_local_ips;
	if (p->max_conns > pairs * n) {
		fprintf(stderr, "drench run: %u connections exceed the %" PRIu64 " ports of %u "
				"local address%s\n", p->max_conns, pairs * n, p->n_local_ips,
			p->n_local_ips == 1 ? "" : "es");
		return NULL;
	}
	tp.max_conns = (uint32_t)(pairs < TABLE_MAX ? pairs : TABLE_MAX);
	if (tcp_params_randomize(&tp) < 0 || tcp_params_host_clock(&tp, tsc_now_us()) < 0) {
		/* fresh ISN key and first port per run; timestamps from boot time */
		fprintf(stderr, "drench run: no random source or boot clock\n");
		return NULL;
	}
	return client_create(&cc, &tp, lcore_tx, &w->lc);
}

static int make_rings(struct run_workers *rw, int socket)
{
	char name[RTE_RING_NAMESIZE];

	for (uint16_t i = 0; i < rw->n && rw->n > 1; i++) {
		snprintf(name, sizeof(name), "drench_steer%u", i);
		rw->rings[i] = rte_ring_create(name, STEER_RING_SIZE, socket,
					       RING_F_SC_DEQ);
		if (!rw->rings[i])
			return -ENOMEM;
	}
	return 0;
}

/* A worker on another socket than its port crosses the interconnect for
 * every packet; the campaign check refuses it unless allow_remote_numa, and
 * here it is said aloud either way. */
static void check_numa(const struct net_port *port, unsigned lcore)
{
	int lsock = (int)rte_lcore_to_socket_id(lcore);

	if (port->socket_id >= 0 && lsock != port->socket_id)
		fprintf(stderr, "drench run: warning: worker lcore %u is on socket %d, port %s on "
				"socket %d: every packet crosses sockets\n",
			lcore, lsock, port->name, port->socket_id);
}

static int setup_one(struct run_workers *rw, const struct plan *p, const struct net_port *port,
		     uint16_t i, unsigned lcore)
{
	struct worker *w = &rw->w[i];

	check_numa(port, lcore);

	w->lcore_id = lcore;
	net_iface_init(&w->ifc, port, i, p->local_ip, p->netmask, p->gateway);
	w->ifc.n_ips = p->n_local_ips;
	rw->steer[i] = (struct steer){.mode = rw->mode, .n_workers = rw->n, .self = i};
	memcpy(rw->steer[i].rings, rw->rings, sizeof(rw->rings));
	w->ifc.steer = &rw->steer[i];
	w->phases = &rw->phases[(size_t)i * p->n_phases];
	w->n_phases = p->n_phases;
	worker_bind(w, p->drain_us);
	bool placed = numa_place_begin(port->socket_id);
	w->results = calloc(p->n_phases, sizeof(*w->results));
	w->client = w->results ? make_client(p, w, i, rw->n) : NULL;
	if (placed)
		numa_place_end();
	return w->client ? 0 : -EINVAL;
}

int run_workers_setup(struct run_workers *rw, const struct plan *p, const struct net_port *port)
{
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);

	memset(rw, 0, sizeof(*rw));
	rw->n = run_workers_count();
	if (rw->n == 0 || rw->n > STEER_MAX_WORKERS) {
		fprintf(stderr, "drench run: the lcore list needs 1 to %d worker lcores besides "
				"the main one\n", STEER_MAX_WORKERS);
		return -EINVAL;
	}
	rw->w = calloc(rw->n, sizeof(*rw->w));
	rw->steer = calloc(rw->n, sizeof(*rw->steer));
	rw->phases = calloc((size_t)rw->n * p->n_phases, sizeof(*rw->phases));
	if (!rw->w || !rw->steer || !rw->phases || make_rings(rw, port->socket_id >= 0 ? port->socket_id : (int)rte_socket_id()) < 0)
		return -ENOMEM;
	split_phases(rw, p);
	for (uint16_t i = 0; i < rw->n; i++, lcore = rte_get_next_lcore(lcore, 1, 0))
		if (setup_one(rw, p, port, i, lcore) < 0)
			return -EINVAL;
	return 0;
}

/* RSS steering is taken only when the software Toeplitz hash, with our key
 * and RETA, sends the reply of every connection the run can open to its
 * owner's queue; else frames are redirected, and it is said why. */
static bool rss_holds(const struct plan *p, uint16_t reta, uint16_t n)
{
	uint32_t bad = steer_rss_misplaced(p->daddr, p->dport, p->local_ip, p->n_local_ips,
					   p->port_min, p->port_max, reta, n);

	if (bad)
		printf("drench: RSS would deliver %u of the replies to another worker: "
		       "software redirect instead\n", bad);
	return bad == 0;
}

void run_workers_steer(struct run_workers *rw, const struct net_port *port, const struct plan *p)
{
	uint16_t reta = 0;

	if (rw->n == 1)
		rw->mode = STEER_SINGLE;
	else if (steer_rss_program(port->port_id, rw->n, &reta) == 0 && rss_holds(p, reta, rw->n))
		rw->mode = STEER_RSS;
	else
		rw->mode = STEER_REDIRECT;
	for (uint16_t i = 0; i < rw->n && rw->steer; i++)
		rw->steer[i].mode = rw->mode;
	printf("drench: %u worker(s), steering: %s", rw->n, steer_mode_name(rw->mode));
	if (rw->mode == STEER_RSS)
		printf(" over a RETA of %u", reta);
	printf("\n");
}

void run_workers_free(struct run_workers *rw)
{
	for (uint16_t i = 0; rw->w && i < rw->n; i++) {
		client_destroy(rw->w[i].client);
		free(rw->w[i].results);
	}
	for (uint16_t i = 0; i < STEER_MAX_WORKERS; i++)
		rte_ring_free(rw->rings[i]);
	free(rw->w);
	free(rw->steer);
	free(rw->phases);
	memset(rw, 0, sizeof(*rw));
}

static void ignore_tcp(void *ctx, const struct tcp_seg *seg)
{
	(void)ctx;
	(void)seg;
}

/* Who answered: the first worker whose table has the next hop, or -1. */
static int resolved_on(const struct run_workers *rw, uint32_t hop)
{
	struct rte_ether_addr mac;

	for (uint16_t i = 0; i < rw->n; i++)
		if (net_arp_lookup((struct net_iface *)&rw->w[i].ifc, hop, &mac) == 0)
			return i;
	return -1;
}

/* The answer may come to any queue: every worker's is polled. */
int run_workers_resolve(struct run_workers *rw, uint32_t daddr)
{
	uint32_t hop = net_next_hop(&rw->w[0].ifc, daddr);
	uint64_t start = tsc_now_us(), last = 0;
	int who;

	while ((who = resolved_on(rw, hop)) < 0) {
		uint64_t now = tsc_now_us();
		if (now - start > 5 * 1000 * 1000)
			return -ETIMEDOUT;
		if (now - last > 200 * 1000) {
			net_arp_request(&rw->w[0].ifc, hop);
			net_tx_flush(&rw->w[0].ifc);
			last = now;
		}
		for (uint16_t i = 0; i < rw->n; i++)
			net_rx(&rw->w[i].ifc, now, ignore_tcp, NULL);
	}
	for (uint16_t i = 0; i < rw->n; i++)
		if (i != who)
			memcpy(rw->w[i].ifc.arp, rw->w[who].ifc.arp, sizeof(rw->w[i].ifc.arp));
	return 0;
}

int run_workers_launch(struct run_workers *rw)
{
	for (uint16_t i = 0; i < rw->n; i++)
		if (rte_eal_remote_launch(worker_main, &rw->w[i], rw->w[i].lcore_id) < 0)
			return -EBUSY;
	return 0;
}

bool run_workers_finished(const struct run_workers *rw)
{
	for (uint16_t i = 0; i < rw->n; i++)
		if (!rw->w[i].finished)
			return false;
	return true;
}

void run_workers_stop(struct run_workers *rw)
{
	for (uint16_t i = 0; i < rw->n; i++)
		rw->w[i].stop = true;
}

bool run_workers_stopped(const struct run_workers *rw)
{
	return rw->n && rw->w[0].stop;
}

void run_workers_wait(struct run_workers *rw)
{
	rte_eal_mp_wait_lcore();
	(void)rw;
}

uint32_t run_workers_phase(const struct run_workers *rw)
{
	uint32_t ph = rw->w[0].phase;

	for (uint16_t i = 1; i < rw->n; i++)
		if (rw->w[i].phase < ph)
			ph = rw->w[i].phase;
	return ph;
}

void run_workers_snapshot(const struct run_workers *rw, struct run_snapshot *s)
{
	static const struct client_counters zc;
	static const struct tcp_stats zt;

	memset(s, 0, sizeof(*s));
	for (uint16_t i = 0; i < rw->n; i++) {
		const struct worker *w = &rw->w[i];
		counters_add_diff(&s->client, &zc, client_counters(w->client));
		tcp_stats_add_diff(&s->tcp, &zt, tcp_stack_stats(client_tcp(w->client)));
		s->open_conns += client_open_conns(w->client);
		if (i < RUN_SNAPSHOT_WORKERS)
			s->busy[s->n_workers++] = w->lc.busy;
	}
}
