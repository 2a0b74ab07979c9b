/* SPDX-License-Identifier: BSD-3-Clause */
/* Before the load starts, each port learns the link address of an IPv6
 * target (or of its gateway6) by neighbour discovery, as ARP does for IPv4. */
#include <errno.h>
#include <string.h>

#include "net.h"
#include "run-workers.h"
#include "tsc-clock.h"
#include "worker.h"

#define RESOLVE_TIMEOUT_US (5 * 1000 * 1000)
#define SOLICIT_EVERY_US (200 * 1000)

static void ignore_tcp(void *ctx, const struct tcp_seg *seg)
{
	(void)ctx;
	(void)seg;
}

static int resolved_on(const struct run_workers *rw, const struct run_port *rp,
		       const struct net_ip6 *hop)
{
	struct rte_ether_addr mac;

	for (uint16_t i = rp->first; i < rp->first + rp->n; i++)
		if (net_nd_lookup(&rw->w[i].ifc, hop, &mac) == 0)
			return i;
	return -1;
}

/* The advertisement may come to any of the port's queues: all are polled. */
static int resolve_port(struct run_workers *rw, const struct run_port *rp,
			const struct net_ip6 *daddr)
{
	struct net_iface *first = &rw->w[rp->first].ifc;
	struct net_ip6 hop;
	uint64_t start = tsc_now_us(), last = 0;
	int who;

	net_ip6_next_hop(first, daddr, &hop);
	while ((who = resolved_on(rw, rp, &hop)) < 0) {
		uint64_t now = tsc_now_us();
		if (now - start > RESOLVE_TIMEOUT_US)
			return -ETIMEDOUT;
		if (now - last > SOLICIT_EVERY_US) {
			net_nd_solicit(first, &hop);
			net_tx_flush(first);
			last = now;
		}
		for (uint16_t i = rp->first; i < rp->first + rp->n; i++)
			net_rx(&rw->w[i].ifc, now, ignore_tcp, NULL);
	}
	for (uint16_t i = rp->first; i < rp->first + rp->n; i++)
		if (i != who)
			memcpy(rw->w[i].ifc.nd, rw->w[who].ifc.nd, sizeof(rw->w[i].ifc.nd));
	return 0;
}

int run_workers_resolve6(struct run_workers *rw, const struct net_ip6 *daddr, uint16_t *port)
{
	for (uint16_t k = 0; k < rw->n_ports; k++)
		if (resolve_port(rw, &rw->ports[k], daddr) < 0) {
			*port = k;
			return -ETIMEDOUT;
		}
	return 0;
}
