/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>

#include "plan-shard.h"

double plan_share(double total, uint32_t n, uint32_t i, bool whole)
{
	if (n <= 1)
		return total;
	if (!whole)
		return total / n;
	double base = floor(total / n);
	return base + ((double)i < total - base * n ? 1 : 0);
}

/* A capacity, not a level: enough for the largest part. */
static uint32_t cap_share(uint32_t total, uint32_t n)
{
	return total ? (uint32_t)(((uint64_t)total + n - 1) / n) : 0;
}

static void shard_levels(struct plan *p)
{
	for (uint32_t k = 0; k < p->n_phases; k++) {
		struct client_phase *c = &p->phases[k].client;
		bool whole = c->model == CLIENT_CLOSED;

		c->from = plan_share(c->from, p->n_shards, p->shard, whole);
		c->to = plan_share(c->to, p->n_shards, p->shard, whole);
		c->max_conns = cap_share(c->max_conns, p->n_shards);
	}
	p->max_conns = cap_share(p->max_conns, p->n_shards);
	p->rate_max_conns = cap_share(p->rate_max_conns, p->n_shards);
}

/* Addresses when each shard can have one of its own (on separate hosts the
 * shards must not answer ARP for the same address); else every shard shares
 * the addresses and takes its own block of ports. */
static void shard_tuples(struct plan *p)
{
	uint32_t n = p->n_shards, i = p->shard;

	if (p->n_local_ips >= n) {
		uint32_t first = 0;
		for (uint32_t k = 0; k < i; k++)
			first += (uint32_t)plan_share(p->n_local_ips, n, k, true);
		p->local_ip += first;
		p->n_local_ips = (uint32_t)plan_share(p->n_local_ips, n, i, true);
		p->shard_by_port = false;
		return;
	}
	uint32_t span = (uint32_t)p->port_max - p->port_min + 1, first = p->port_min;
	for (uint32_t k = 0; k < i; k++)
		first += (uint32_t)plan_share(span, n, k, true);
	p->port_min = (uint16_t)first;
	p->port_max = (uint16_t)(first + (uint32_t)plan_share(span, n, i, true) - 1);
	p->shard_by_port = true;
}

void plan_apply_shard(struct plan *p)
{
	for (uint32_t k = 0; k < p->n_phases; k++) {
		p->given[k].from = p->phases[k].client.from;
		p->given[k].to = p->phases[k].client.to;
	}
	if (p->n_shards <= 1)
		return;
	shard_levels(p);
	shard_tuples(p);
}

static const char *model_name(enum client_model m)
{
	switch (m) {
	case CLIENT_CLOSED: return "connections";
	case CLIENT_RATE: return "rate";
	case CLIENT_CPS: return "cps";
	default: return "idle";
	}
}

static json_t *ipv4_json(uint32_t a)
{
	return json_sprintf("%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

json_t *plan_shard_json(const struct plan *p)
{
	json_t *phases = json_array();

	for (uint32_t k = 0; k < p->n_phases; k++) {
		const struct client_phase *c = &p->phases[k].client;
		json_array_append_new(phases, json_pack("{ss ss sf sf sf sf sI}", "name",
			p->phases[k].name, "model", model_name(c->model), "campaign_from",
			p->given[k].from, "campaign_to", p->given[k].to, "from", c->from, "to", c->to,
			"max_connections", (json_int_t)c->max_conns));
	}
	return json_pack("{sI sI ss s{so sI} s{sI sI} so}", "index", (json_int_t)p->shard,
		"count", (json_int_t)(p->n_shards ? p->n_shards : 1), "split",
		p->shard_by_port ? "ports" : "addresses", "local_addresses", "first",
		ipv4_json(p->local_ip), "count", (json_int_t)p->n_local_ips, "ports", "min",
		(json_int_t)p->port_min, "max", (json_int_t)p->port_max, "phases", phases);
}
