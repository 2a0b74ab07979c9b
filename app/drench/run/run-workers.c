/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "net.h"
#include "numa-place.h"
#include "tsc-clock.h"
#include "phase-stats.h"
#include "plan-ports.h"
#include "plan-shard.h"
#include "run-workers.h"

#define STEER_RING_SIZE 4096
#define TABLE_MAX (4u << 20) /* connections per worker: about 1 GiB of state */

uint16_t run_workers_count(void)
{
	return (uint16_t)(rte_lcore_count() - 1);
}

uint16_t run_workers_queues(uint16_t n_ports, uint16_t k)
{
	struct plan_port_span s;

	plan_port_span(run_workers_count(), n_ports, k, PLAN_PORT_MIN, PLAN_PORT_MAX, &s);
	return s.n_workers;
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

/* The 4-tuples worker i of the n on port rp may use: the shard's addresses
 * (plan-shard.c cut them, or the ports, from the campaign's), and of the
 * port's block of the shard's ports those with port % n == i, which RSS
 * steers back to it (lib/net/steer.h). */
static void worker_tuples(const struct plan *p, const struct run_port *rp, uint16_t i,
			  struct tcp_params *tp)
{
	uint16_t n = rp->n;

	tp->local_addr = p->local_ip;
	tp->n_local_addrs = (uint16_t)p->n_local_ips;
	tp->port_min = rp->port_min;
	tp->port_max = rp->port_max;
	tp->port_step = n;
	tp->port_offset = (uint16_t)((i + n - rp->port_min % n) % n);
}

/* Worker i of port rp; n workers in the run share the load. */
static struct client *make_client(const struct plan *p, struct worker *w,
				  const struct run_port *rp, uint16_t i, uint16_t n)
{
	struct tcp_params tp;
	struct client_conf cc = {
		.daddr = p->daddr,
		.daddr6 = p->target_ip6 ? &p->daddr6 : NULL,
		.dport = p->dport,
		.dests = p->targets.n_dests ? p->targets.dests : NULL,
		.n_dests = p->targets.n_dests,
		.routes = p->targets.n_routes ? p->targets.routes : NULL,
		.n_routes = p->targets.n_routes,
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
	worker_tuples(p, rp, i, &tp);
	tp.mss = (uint16_t)(p->mtu - 40);
	tp.ip6 = p->target_ip6; /* its connections open from local_ip6 */
	tp.local_ip6 = p->local_ip6;
	tp.tw_policy = p->time_wait;
	/* every one of its (address, port) pairs: connections in TIME_WAIT hold theirs */
	uint64_t pairs = (uint64_t)(rp->port_max - rp->port_min + 1) / rp->n * p->n_local_ips;
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

/* The inbound rings of port k's workers, on the port's socket; named by
 * (port, queue), as ring names are one namespace per process. */
static int make_rings(struct run_port *rp, uint16_t k)
{
	char name[RTE_RING_NAMESIZE];
	int socket = rp->port->socket_id >= 0 ? rp->port->socket_id : (int)rte_socket_id();

	for (uint16_t i = 0; i < rp->n && rp->n > 1; i++) {
		snprintf(name, sizeof(name), "drench_steer%u_%u", k, i);
		rp->rings[i] = rte_ring_create(name, STEER_RING_SIZE, socket, RING_F_SC_DEQ);
		if (!rp->rings[i]) {
			fprintf(stderr, "drench run: cannot create the steering ring %s: %s\n",
				name, rte_strerror(rte_errno));
			return -ENOMEM;
		}
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

/* Worker g of the run, queue i of port k. */
static int setup_one(struct run_workers *rw, const struct plan *p, uint16_t k, uint16_t g,
		     unsigned lcore)
{
	struct run_port *rp = &rw->ports[k];
	const struct net_port *port = rp->port;
	struct worker *w = &rw->w[g];
	uint16_t i = (uint16_t)(g - rp->first);

	check_numa(port, lcore);

	w->lcore_id = lcore;
	rw->port_of[g] = k;
	net_iface_init(&w->ifc, port, i, p->local_ip, p->netmask, p->gateway);
	w->ifc.n_ips = p->n_local_ips;
	if (p->has_ip6) {
		net_iface_set_ip6(&w->ifc, &p->local_ip6, p->prefix6);
		w->ifc.gateway6 = p->gateway6;
	}
	rw->steer[g] = (struct steer){.mode = rp->mode, .n_workers = rp->n, .self = i};
	memcpy(rw->steer[g].rings, rp->rings, sizeof(rp->rings));
	w->ifc.steer = &rw->steer[g];
	w->phases = &rw->phases[(size_t)g * p->n_phases];
	w->n_phases = p->n_phases;
	worker_bind(w, p->drain_us);
	bool placed = numa_place_begin(port->socket_id);
	w->results = calloc(p->n_phases, sizeof(*w->results));
	w->client = w->results ? make_client(p, w, rp, i, rw->n) : NULL;
	if (placed)
		numa_place_end();
	return w->client ? 0 : -EINVAL;
}

/* Each port's block of workers and of local ports, and its rings. */
static int split_ports(struct run_workers *rw, const struct plan *p, const struct net_port *ports)
{
	rw->n_ports = p->n_ports;
	for (uint16_t k = 0; k < rw->n_ports; k++) {
		struct run_port *rp = &rw->ports[k];
		struct plan_port_span s;
		plan_port_span(rw->n, rw->n_ports, k, p->port_min, p->port_max, &s);
		*rp = (struct run_port){.port = &ports[k], .first = s.first_worker,
					.n = s.n_workers, .port_min = s.port_min,
					.port_max = s.port_max};
		if (make_rings(rp, k) < 0)
			return -ENOMEM;
	}
	return 0;
}

int run_workers_setup(struct run_workers *rw, const struct plan *p, const struct net_port *ports)
{
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);

	memset(rw, 0, sizeof(*rw));
	rw->n = run_workers_count();
	if (rw->n == 0 || rw->n > STEER_MAX_WORKERS) {
		fprintf(stderr, "drench run: the lcore list needs 1 to %d worker lcores besides "
				"the main one\n", STEER_MAX_WORKERS);
		return -EINVAL;
	}
	if (p->n_ports == 0 || p->n_ports > rw->n) {
		fprintf(stderr, "drench run: %u ports but %u worker lcore%s: one lcore polls one "
				"port\n", p->n_ports, rw->n, rw->n == 1 ? "" : "s");
		return -EINVAL;
	}
	rw->w = calloc(rw->n, sizeof(*rw->w));
	rw->steer = calloc(rw->n, sizeof(*rw->steer));
	rw->port_of = calloc(rw->n, sizeof(*rw->port_of));
	rw->phases = calloc((size_t)rw->n * p->n_phases, sizeof(*rw->phases));
	if (!rw->w || !rw->steer || !rw->port_of || !rw->phases || split_ports(rw, p, ports) < 0)
		return -ENOMEM;
	split_phases(rw, p);
	for (uint16_t k = 0; k < rw->n_ports; k++)
		for (uint16_t g = rw->ports[k].first; g < rw->ports[k].first + rw->ports[k].n;
		     g++, lcore = rte_get_next_lcore(lcore, 1, 0))
			if (setup_one(rw, p, k, g, lcore) < 0)
				return -EINVAL;
	return 0;
}

/* RSS steering is taken only when the software Toeplitz hash, with our key
 * and RETA, sends the reply of every connection the run can open to its
 * owner's queue; else frames are redirected, and it is said why. */
static bool rss_holds(const struct plan *p, const struct run_port *rp, uint16_t reta)
{
	if (p->target_ip6) {
		/* the near-zero key picks bits of an IPv4 tuple's port; an IPv6
		 * tuple puts the port elsewhere in the hash input */
		printf("drench: IPv6 target: software redirect (RSS steers IPv4 tuples only)\n");
		return false;
	}
	uint32_t bad = steer_rss_misplaced(p->daddr, p->dport, p->local_ip, p->n_local_ips,
					   rp->port_min, rp->port_max, reta, rp->n);

	/* every server of the run: each has its own 4-tuples */
	for (uint8_t d = 1; d < p->targets.n_dests; d++)
		bad += steer_rss_misplaced(p->targets.dests[d].daddr, p->targets.dests[d].dport,
					   p->local_ip, p->n_local_ips, rp->port_min,
					   rp->port_max, reta, rp->n);

	if (bad)
		printf("drench: RSS would deliver %u of the replies to another worker: "
		       "software redirect instead\n", bad);
	return bad == 0;
}

static void steer_port(struct run_workers *rw, const struct plan *p, struct run_port *rp)
{
	uint16_t reta = 0;

	if (rp->n == 1)
		rp->mode = STEER_SINGLE;
	else if (steer_rss_program(rp->port->port_id, rp->n, &reta) == 0 && rss_holds(p, rp, reta))
		rp->mode = STEER_RSS;
	else
		rp->mode = STEER_REDIRECT;
	rp->reta = rp->mode == STEER_RSS ? reta : 0;
	for (uint16_t g = rp->first; g < rp->first + rp->n && rw->steer; g++)
		rw->steer[g].mode = rp->mode;
}

void run_workers_steer(struct run_workers *rw, const struct plan *p)
{
	for (uint16_t k = 0; k < rw->n_ports; k++) {
		const struct run_port *rp = &rw->ports[k];
		steer_port(rw, p, &rw->ports[k]);
		if (rw->n_ports > 1)
			printf("drench: port %s: ", rp->port->name);
		else
			printf("drench: ");
		printf("%u worker(s), steering: %s", rp->n, steer_mode_name(rp->mode));
		if (rp->mode == STEER_RSS)
			printf(" over a RETA of %u", rp->reta);
		printf("\n");
	}
}

void run_workers_free(struct run_workers *rw)
{
	for (uint16_t i = 0; rw->w && i < rw->n; i++) {
		client_destroy(rw->w[i].client);
		free(rw->w[i].results);
	}
	for (uint16_t k = 0; k < rw->n_ports; k++)
		for (uint16_t i = 0; i < STEER_MAX_WORKERS; i++)
			rte_ring_free(rw->ports[k].rings[i]);
	free(rw->w);
	free(rw->steer);
	free(rw->port_of);
	free(rw->phases);
	memset(rw, 0, sizeof(*rw));
}

static void ignore_tcp(void *ctx, const struct tcp_seg *seg)
{
	(void)ctx;
	(void)seg;
}

/* Who answered: the first of the workers [first, first + n) whose table has
 * the next hop, or -1. */
static int resolved_on(const struct run_workers *rw, uint16_t first, uint16_t n, uint32_t hop)
{
	struct rte_ether_addr mac;

	for (uint16_t i = first; i < first + n; i++)
		if (net_arp_lookup((struct net_iface *)&rw->w[i].ifc, hop, &mac) == 0)
			return i;
	return -1;
}

/* The answer may come to any of the port's queues: every one is polled. */
static int resolve_port(struct run_workers *rw, const struct run_port *rp, uint32_t daddr)
{
	struct net_iface *first = &rw->w[rp->first].ifc;
	uint32_t hop = net_next_hop(first, daddr);
	uint64_t start = tsc_now_us(), last = 0;
	int who;

	while ((who = resolved_on(rw, rp->first, rp->n, hop)) < 0) {
		uint64_t now = tsc_now_us();
		if (now - start > 5 * 1000 * 1000)
			return -ETIMEDOUT;
		if (now - last > 200 * 1000) {
			net_arp_request(first, hop);
			net_tx_flush(first);
			last = now;
		}
		for (uint16_t i = rp->first; i < rp->first + rp->n; i++)
			net_rx(&rw->w[i].ifc, now, ignore_tcp, NULL);
	}
	for (uint16_t i = rp->first; i < rp->first + rp->n; i++)
		if (i != who)
			memcpy(rw->w[i].ifc.arp, rw->w[who].ifc.arp, sizeof(rw->w[i].ifc.arp));
	return 0;
}

int run_workers_resolve(struct run_workers *rw, uint32_t daddr, uint16_t *port)
{
	for (uint16_t k = 0; k < rw->n_ports; k++)
		if (resolve_port(rw, &rw->ports[k], daddr) < 0) {
			*port = k;
			return -ETIMEDOUT;
		}
	return 0;
}

int run_workers_launch(struct run_workers *rw)
{
	for (uint16_t i = 0; i < rw->n; i++)
		if (rw->w[i].ifc.n_ip6) /* after resolving: its rx hands IPv6 TCP to the client */
			lcore_take_ip6(&rw->w[i].lc);
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
		client_counters_add_diff(&s->client, &zc, client_counters(w->client));
		tcp_stats_add_diff(&s->tcp, &zt, tcp_stack_stats(client_tcp(w->client)));
		s->open_conns += client_open_conns(w->client);
		if (i < RUN_SNAPSHOT_WORKERS)
			s->busy[s->n_workers++] = w->lc.busy;
	}
}

void run_workers_target(const struct run_workers *rw, uint8_t d,
			struct client_target_counters *out)
{
	static const struct client_target_counters zero;

	*out = zero;
	for (uint16_t i = 0; i < rw->n; i++) {
		const struct client_target_counters *c = client_target_counters(rw->w[i].client, d);
		if (c)
			client_target_counters_add_diff(out, &zero, c);
	}
}
