/* SPDX-License-Identifier: BSD-3-Clause */
/* responder: what the built-in responder answers (role: responder), the
 * campaign form of `drench serve`'s flags; and what the rig may hold for it:
 * one responder polls one port's queue on one lcore and prints its own line
 * per second, so one port, one worker lcore, no telemetry lcore, and one
 * address to listen on. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"

#define BODY_MAX (64ull << 20) /* as drench serve --body-size */
#define CONNS_MAX (16u << 20)
#define QUEUES_MAX 8 /* as drench serve --queues */

static const char *const responder_keys[] = {
	"port", "status", "body_size", "chunked", "keepalive_requests", "delay",
	"max_connections", "queues", "time_wait", "duration", "local_ip6", NULL,
};
static const char *const tw_names[] = {"2msl", "reset", NULL};

static void set_defaults(struct campaign_responder *r)
{
	r->port = 80;
	r->status = 200;
	r->body_size = 1;
	r->max_connections = 65536;
	r->queues = 1;
	r->time_wait_reset = true; /* a client reusing its ports never meets an old 4-tuple */
}

/* responder.time_wait, else rig.time_wait, else reset; not both */
static void parse_time_wait(struct section_ctx *s, const struct yaml_node *n,
			    const struct yaml_node *rig_node)
{
	const struct yaml_node *mine = config_yaml_map_get(n, "time_wait");
	const struct yaml_node *rig = config_yaml_map_get(rig_node, "time_wait");
	unsigned tw;

	if (mine && rig) {
		config_error_at(s->e, &mine->mark, mine->path, "time_wait in one place",
				"time_wait is also given in rig.time_wait");
		return;
	}
	if (!mine && rig) /* read by the rig section */
		s->c->responder.time_wait_reset = s->c->rig.time_wait == CAMPAIGN_TW_RESET;
	else if (cfg_get_enum(mine, s->e, tw_names, &tw) > 0)
		s->c->responder.time_wait_reset = tw == 1;
}

static void parse_numbers(struct section_ctx *s, const struct yaml_node *n,
			  struct campaign_responder *r)
{
	int64_t v;
	uint64_t u;

	if (cfg_get_int(config_yaml_map_get(n, "port"), s->e, 1, 65535, &v) > 0)
		r->port = (uint16_t)v;
	if (cfg_get_int(config_yaml_map_get(n, "status"), s->e, 200, 599, &v) > 0)
		r->status = (uint16_t)v;
	cfg_get_size(config_yaml_map_get(n, "body_size"), s->e, 0, BODY_MAX, &r->body_size);
	if (cfg_get_int(config_yaml_map_get(n, "keepalive_requests"), s->e, 0, UINT32_MAX, &v) > 0)
		r->keepalive_requests = (uint32_t)v;
	if (cfg_get_count(config_yaml_map_get(n, "max_connections"), s->e, 1, CONNS_MAX, &u) > 0)
		r->max_connections = (uint32_t)u;
	if (cfg_get_int(config_yaml_map_get(n, "queues"), s->e, 1, QUEUES_MAX, &v) > 0)
		r->queues = (uint16_t)v;
	cfg_get_duration(config_yaml_map_get(n, "delay"), s->e, 0, &r->delay_us);
	cfg_get_duration(config_yaml_map_get(n, "duration"), s->e, 1000, &r->duration_us);
}

/* local_ip6: "ADDR" or "ADDR/LEN" (LEN 1..128, default 64), as --local-ip6 */
static void parse_local_ip6(struct section_ctx *s, const struct yaml_node *n,
			    struct campaign_responder *r)
{
	static const char expected[] = "an IPv6 address with an optional prefix length, such as "
				       "fd00::2/64";
	const char *v;
	char buf[INET6_ADDRSTRLEN + 4], *slash, *end;
	long len = 64;

	if (cfg_get_string(n, s->e, &v) <= 0)
		return;
	snprintf(buf, sizeof(buf), "%s", v);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		len = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || len < 1 || len > 128)
			len = -1;
	}
	if (strlen(v) >= sizeof(buf) || len < 0 || inet_pton(AF_INET6, buf, &r->local_ip6) != 1) {
		config_error_at(s->e, &n->mark, n->path, expected, "bad IPv6 address \"%s\"", v);
		return;
	}
	r->has_ip6 = true;
	r->prefix6 = (uint8_t)len;
}

/* the rig as one responder can use it; the rig section checked the rest */
static void check_rig(struct section_ctx *s, const struct yaml_node *rig_node)
{
	const struct campaign_rig *rig = &s->c->rig;
	const struct yaml_node *lcores = config_yaml_map_get(rig_node, "lcores");
	const struct yaml_node *n;

	n = config_yaml_map_get(rig_node, "ports");
	if (n && rig->n_ports > 1)
		config_error_at(s->e, &n->mark, n->path, "one port",
				"a responder serves one port, not %zu", rig->n_ports);
	n = config_yaml_map_get(lcores, "workers");
	if (n && rig->n_worker_lcores > 1)
		config_error_at(s->e, &n->mark, n->path, "one worker lcore",
				"a responder polls on one lcore, not %zu", rig->n_worker_lcores);
	n = config_yaml_map_get(lcores, "telemetry");
	if (n)
		config_error_at(s->e, &n->mark, n->path, "lcores.workers only",
				"a responder has no telemetry lcore: its worker prints the "
				"line per second");
	n = config_yaml_map_get(rig_node, "local_ips");
	if (n && rig->n_local_addresses > 1)
		config_error_at(s->e, &n->mark, n->path, "one address",
				"a responder listens on one address, not %u",
				rig->n_local_addresses);
}

void section_responder(struct section_ctx *s, const struct yaml_node *n,
		       const struct yaml_node *rig_node)
{
	struct campaign_responder *r = &s->c->responder;

	set_defaults(r);
	r->where = campaign_where_of(s, n);
	check_rig(s, rig_node);
	if (n && !cfg_mapping_strict(n, s->e, responder_keys))
		return;
	parse_numbers(s, n, r);
	cfg_get_bool(config_yaml_map_get(n, "chunked"), s->e, &r->chunked);
	parse_time_wait(s, n, rig_node);
	parse_local_ip6(s, config_yaml_map_get(n, "local_ip6"), r);
	s->c->total_duration_us = r->duration_us;
}
