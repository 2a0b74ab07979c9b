/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <string.h>

#include "campaign.h"
#include "plan-targets.h"

static void error_at(struct config_errors *e, const struct campaign_where *w, const char *what)
{
	config_error_add(e, w->file, w->line, w->col, w->path, NULL, "%s", what);
}

/* The server of campaign target ti, added on first use; -1 when full. */
static int dest_of(struct plan_targets *t, const struct campaign *c, size_t ti)
{
	const struct campaign_target *ct = &c->targets[ti];

	for (uint8_t d = 0; d < t->n_dests; d++)
		if (t->dest_names[d] == ct->name)
			return d;
	if (t->n_dests == CLIENT_MAX_DESTS)
		return -1;
	t->dests[t->n_dests] = (struct client_dest){.daddr = ntohl(ct->address.s_addr),
						    .dport = ct->port};
	t->dest_names[t->n_dests] = ct->name;
	return t->n_dests++;
}

/* A route for campaign target ti: its members (or itself) as servers. */
static int add_route(struct plan_targets *t, const struct campaign *c, size_t ti)
{
	const struct campaign_target *ct = &c->targets[ti];
	struct client_route *r = &t->routes[t->n_routes];

	memset(r, 0, sizeof(*r));
	if (ct->n_members == 0) {
		int d = dest_of(t, c, ti);
		if (d < 0)
			return -1;
		r->member[0] = (uint8_t)d;
		r->weight[0] = 1;
		r->n_members = 1;
	}
	for (size_t m = 0; m < ct->n_members; m++) {
		int d = dest_of(t, c, ct->members[m].target);
		if (d < 0 || m == CLIENT_MAX_DESTS)
			return -1;
		r->member[m] = (uint8_t)d;
		r->weight[m] = ct->balance == CAMPAIGN_BALANCE_WEIGHTED ? ct->members[m].weight : 1;
		r->n_members = (uint8_t)(m + 1);
	}
	t->route_names[t->n_routes] = ct->name;
	t->route_target[t->n_routes] = ti;
	return t->n_routes++;
}

static int route_of_target(struct plan_targets *t, const struct campaign *c, size_t ti)
{
	for (uint8_t r = 0; r < t->n_routes; r++)
		if (t->route_target[r] == ti)
			return r;
	if (t->n_routes == CLIENT_MAX_ROUTES)
		return -1;
	return add_route(t, c, ti);
}

void plan_targets_build(struct plan_targets *t, const struct campaign *c, uint8_t *route_of,
			struct config_errors *e)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < c->n_requests; i++) {
		int r = route_of_target(t, c, c->requests[i].target);
		if (r < 0) {
			error_at(e, &c->requests[i].where, "more than 16 targets or 16 servers "
							   "in one run");
			r = 0;
		}
		route_of[i] = (uint8_t)r;
	}
	for (size_t i = 0; c->has_expect && i < c->expect.n_targets; i++) {
		const struct campaign_target_expect *x = &c->expect.targets[i];
		if (t->n_gates == sizeof(t->gates) / sizeof(t->gates[0])) {
			error_at(e, &x->expect.where, "more gates on targets than targets");
			break;
		}
		t->gate_names[t->n_gates] = c->targets[x->target].name;
		t->gates[t->n_gates++] = &x->expect;
	}
}

int plan_targets_dest(const struct plan_targets *t, const char *name)
{
	for (uint8_t d = 0; d < t->n_dests; d++)
		if (!strcmp(t->dest_names[d], name))
			return d;
	return -1;
}

int plan_targets_route(const struct plan_targets *t, const char *name)
{
	for (uint8_t r = 0; r < t->n_routes; r++)
		if (!strcmp(t->route_names[r], name))
			return r;
	return -1;
}
