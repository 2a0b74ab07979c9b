/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where connections go. A template names a route: one server, or a group of
 * them. A connection is given its route and its server when it is opened,
 * and keeps both: every request it carries is drawn from the phase's mix
 * restricted to its route, so the Host and the server always agree.
 *  - the route: drawn at random by the weight its templates have in the mix;
 *  - the server of a group: smooth weighted round robin over the members
 *    (each member's credit grows by its weight, the highest is taken and
 *    pays the total), which with equal weights is plain round robin and
 *    with any weights keeps every prefix of choices close to the weights;
 *  - with several servers, one whose connection was refused or whose SYNs
 *    went unanswered waits before it is tried again (10 ms, doubling to
 *    1 s), with one connection until that one is established, and a group
 *    passes over it meanwhile.
 * With one route and one server (the common run) nothing is drawn.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client-priv.h"
#include "hist.h"

/* xorshift64: cheap, and repeatable from the seed */
uint64_t client_rand(struct client *cl)
{
	cl->rng ^= cl->rng << 13;
	cl->rng ^= cl->rng >> 7;
	cl->rng ^= cl->rng << 17;
	return cl->rng;
}

static int check_routes(const struct client_conf *c)
{
	if (c->n_dests > CLIENT_MAX_DESTS || c->n_routes > CLIENT_MAX_ROUTES ||
	    (c->n_dests && !c->dests) || (c->n_routes && (!c->routes || !c->n_dests)))
		return -EINVAL;
	for (uint8_t r = 0; r < c->n_routes; r++) {
		if (c->routes[r].n_members == 0 || c->routes[r].n_members > CLIENT_MAX_DESTS)
			return -EINVAL;
		for (uint8_t m = 0; m < c->routes[r].n_members; m++)
			if (c->routes[r].member[m] >= c->n_dests || c->routes[r].weight[m] == 0)
				return -EINVAL;
	}
	for (uint16_t t = 0; t < c->n_tpls; t++)
		if (c->tpls[t].route >= (c->n_routes ? c->n_routes : 1))
			return -EINVAL;
	return 0;
}

/* The conf's servers and routes, or daddr:dport as the one of each. */
int client_routes_init(struct client *cl)
{
	const struct client_conf *c = &cl->conf;

	if (check_routes(c) < 0)
		return -EINVAL;
	if (c->n_dests == 0) {
		cl->dests[0] = (struct client_dest){.daddr = c->daddr, .dport = c->dport,
						    .daddr6 = c->daddr6};
		cl->n_dests = 1;
	} else {
		memcpy(cl->dests, c->dests, c->n_dests * sizeof(*c->dests));
		cl->n_dests = c->n_dests;
	}
	if (c->n_routes == 0) {
		cl->routes[0] = (struct client_route){.n_members = 1, .weight = {1}};
		cl->n_routes = 1;
	} else {
		memcpy(cl->routes, c->routes, c->n_routes * sizeof(*c->routes));
		cl->n_routes = c->n_routes;
	}
	for (uint8_t r = 0; r < CLIENT_MAX_ROUTES; r++) {
		for (uint8_t d = 0; d < CLIENT_MAX_DESTS; d++)
			cl->idle_head[r][d] = CLIENT_IDLE_END;
		cl->due_dest[r] = -1;
	}
	if (cl->n_dests > 1) {
		cl->tlat = calloc(cl->n_dests, sizeof(*cl->tlat));
		if (!cl->tlat)
			return -ENOMEM;
		for (uint8_t d = 0; d < cl->n_dests; d++)
			hist_init(&cl->tlat[d]);
	}
	return 0;
}

void client_routes_fini(struct client *cl)
{
	free(cl->tlat);
	cl->tlat = NULL;
}

/* Split the phase's mix by route; a route without templates in the mix
 * gets no connections in this phase. No mix: template 0 alone. */
void client_routes_set_mix(struct client *cl, const struct client_phase *ph)
{
	static const uint16_t tpl0 = 0;
	static const uint32_t cum1 = 1;
	const uint16_t *tpl = ph->n_mix ? ph->mix_tpl : &tpl0;
	const uint32_t *cum = ph->n_mix ? ph->mix_cum : &cum1;
	uint16_t n = ph->n_mix ? ph->n_mix : 1;
	uint32_t prev = 0, w[CLIENT_MAX_ROUTES] = {0};

	memset(cl->rmix_n, 0, sizeof(cl->rmix_n));
	for (uint16_t i = 0; i < n; i++) {
		uint8_t r = tpl[i] < cl->conf.n_tpls ? cl->conf.tpls[tpl[i]].route : 0;
		uint16_t k = cl->rmix_n[r]++;
		w[r] += cum[i] - prev;
		prev = cum[i];
		cl->rmix_tpl[r][k] = tpl[i];
		cl->rmix_cum[r][k] = w[r];
	}
	for (uint8_t r = 0; r < cl->n_routes; r++)
		cl->route_cum[r] = (r ? cl->route_cum[r - 1] : 0) + w[r];
}

/* Route r's share of the phase's level (open loop). */
double client_route_share(const struct client *cl, uint8_t r)
{
	uint32_t total = cl->route_cum[cl->n_routes - 1];
	uint32_t w = cl->route_cum[r] - (r ? cl->route_cum[r - 1] : 0);

	return total ? (double)w / total : 0;
}

uint8_t client_pick_route(struct client *cl)
{
	uint32_t total = cl->n_routes ? cl->route_cum[cl->n_routes - 1] : 0;
	uint8_t r = 0;

	if (cl->n_routes <= 1 || total == 0)
		return 0;
	uint32_t x = (uint32_t)(client_rand(cl) % total);
	while (x >= cl->route_cum[r])
		r++;
	return r;
}

static uint8_t next_member(struct client *cl, uint8_t route, int64_t *credit)
{
	const struct client_route *rt = &cl->routes[route];
	int64_t total = 0;
	uint8_t best = 0;

	for (uint8_t m = 0; m < rt->n_members; m++) {
		credit[m] += rt->weight[m];
		total += rt->weight[m];
		if (credit[m] > credit[best])
			best = m;
	}
	credit[best] -= total;
	return best;
}

/* A server that failed is tried again, once its wait is over, with one
 * connection at a time until one is established. */
static bool waiting(const struct client *cl, uint8_t d)
{
	return cl->retry_at[d] > cl->now || (cl->retry_wait[d] && cl->dest_connecting[d]);
}

/* The server for a new connection of route, or -1 when every member waits
 * after failed connections: one server refusing in a tight loop would
 * otherwise spend the lcore on SYNs and RSTs. A group passes over a waiting
 * member to the next one in its order. */
static int pick(struct client *cl, uint8_t route, int64_t *credit)
{
	const struct client_route *rt = &cl->routes[route];

	if (rt->n_members == 1)
		return waiting(cl, rt->member[0]) ? -1 : rt->member[0];
	for (uint8_t tries = 0; tries < rt->n_members; tries++) {
		uint8_t d = rt->member[next_member(cl, route, credit)];
		if (!waiting(cl, d))
			return d;
	}
	return -1;
}

int client_pick_dest(struct client *cl, uint8_t route)
{
	return pick(cl, route, cl->wrr[route]);
}

/* Open loop: a group's requests follow its weights, not whichever of its
 * connections happen to be idle. */
int client_due_dest(struct client *cl, uint8_t route)
{
	int16_t d = cl->due_dest[route];

	if (d < 0 || waiting(cl, (uint8_t)d))
		d = (int16_t)pick(cl, route, cl->wrr_req[route]);
	cl->due_dest[route] = d;
	return d;
}

#define RETRY_FIRST_US 10000
#define RETRY_MAX_US 1000000

void client_dest_failed(struct client *cl, uint8_t d)
{
	/* with one server there is no other load to protect: as before, the
	 * load model opens again at once; SYNs of one try failing together
	 * are one failure */
	if (cl->n_dests == 1 || cl->retry_at[d] > cl->now)
		return;
	uint64_t w = cl->retry_wait[d] ? cl->retry_wait[d] * 2 : RETRY_FIRST_US;

	cl->retry_wait[d] = w < RETRY_MAX_US ? w : RETRY_MAX_US;
	cl->retry_at[d] = cl->now + cl->retry_wait[d];
}

void client_dest_answered(struct client *cl, uint8_t d)
{
	cl->retry_wait[d] = 0;
	cl->retry_at[d] = 0;
}

uint16_t client_pick_template(struct client *cl, uint8_t route)
{
	uint16_t n = cl->rmix_n[route];
	const uint32_t *cum = cl->rmix_cum[route];

	if (n <= 1)
		return n ? cl->rmix_tpl[route][0] : 0;
	uint32_t x = (uint32_t)(client_rand(cl) % cum[n - 1]);
	uint16_t i = 0;
	while (x >= cum[i])
		i++;
	return cl->rmix_tpl[route][i];
}

struct client_target_counters *client_tc(struct client *cl, const struct client_conn *cc)
{
	return &cl->tcnt[cc->dest];
}

/* Forget every idle listing; the flags go too, so connections list again. */
void client_idle_clear(struct client *cl)
{
	for (uint8_t r = 0; r < cl->n_routes; r++)
		for (uint8_t d = 0; d < cl->n_dests; d++) {
			for (uint32_t id = cl->idle_head[r][d]; id != CLIENT_IDLE_END;) {
				struct client_conn *cc = &cl->conns[id];
				id = cc->idle_next;
				cc->idle_listed = 0;
			}
			cl->idle_head[r][d] = CLIENT_IDLE_END;
		}
	cl->n_idle = 0;
}
