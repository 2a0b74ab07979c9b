/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The servers of a run and the routes its requests name, from the
 * campaign's targets: a server for each target with an address that some
 * request reaches (by name or through a group), a route for each target a
 * request names. Flags give none: the client then has daddr:dport alone.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "client-t.h"

struct campaign;
struct campaign_expect;
struct config_errors;

struct plan_targets {
	struct client_dest dests[CLIENT_MAX_DESTS];
	const char *dest_names[CLIENT_MAX_DESTS];
	uint8_t n_dests;
	struct client_route routes[CLIENT_MAX_ROUTES];
	const char *route_names[CLIENT_MAX_ROUTES];
	size_t route_target[CLIENT_MAX_ROUTES]; /* index in the campaign's targets[] */
	uint8_t n_routes;
	/* expect.targets: the target each gate names, and the gate */
	const char *gate_names[CLIENT_MAX_ROUTES + CLIENT_MAX_DESTS];
	const struct campaign_expect *gates[CLIENT_MAX_ROUTES + CLIENT_MAX_DESTS];
	uint8_t n_gates;
};

/** Fill t from c; template i gets its request's route in route_of[i].
 * Errors (too many servers or routes) go to e at the request's line. */
void plan_targets_build(struct plan_targets *t, const struct campaign *c, uint8_t *route_of,
			struct config_errors *e);

/** Index of the server or route called name, or -1. */
int plan_targets_dest(const struct plan_targets *t, const char *name);
int plan_targets_route(const struct plan_targets *t, const char *name);
