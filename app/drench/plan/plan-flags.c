/* SPDX-License-Identifier: BSD-3-Clause */
/* The flag form of `drench run`: one closed-loop phase on one URL. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "template.h"
#include "url.h"
#include "plan-flags.h"
#include "plan-id.h"

static int plan_target(struct plan *p, const struct run_opts *o)
{
	static struct http_url url; /* the template keeps pointers into it */

	if (http_url_parse(o->url, &url) < 0) {
		fprintf(stderr, "drench run: --url: cannot parse '%s' (expected http://IPv4[:port]/path or http://[IPv6][:port]/path)\n",
			o->url);
		return -EINVAL;
	}
	if (url.host_is_ipv6 && !o->has_ip6) {
		fprintf(stderr, "drench run: --url: %s is IPv6: give the generator an IPv6 address "
				"(--local-ip6 fd00::2/64)\n", url.host);
		return -EINVAL;
	}
	if (!url.host_is_ipv4 && !url.host_is_ipv6) {
		fprintf(stderr, "drench run: --url: the host must be an IPv4 address or an IPv6 "
				"literal (got '%s')\n", url.host);
		return -EINVAL;
	}
	p->target_ip6 = url.host_is_ipv6;
	memcpy(p->daddr6.b, url.ipv6, 16);
	p->daddr = url.host_is_ipv6 ? net_ip6_low32(&p->daddr6) : url.ipv4;
	p->dport = url.port;
	struct http_template_spec spec = {
		.method = "GET", .path = url.path, .host = url.host, .port = url.port,
	};
	p->tpls[0].tpl = http_template_create(&spec);
	if (!p->tpls[0].tpl) {
		fprintf(stderr, "drench run: cannot build the request template\n");
		return -EINVAL;
	}
	/* as a campaign request does by default: 2xx and 3xx pass */
	p->tpls[0].status_classes = 1u << 2 | 1u << 3;
	p->n_tpls = 1;
	return 0;
}

static void plan_phase(struct plan *p, const struct run_opts *o)
{
	struct plan_phase *ph = &p->phases[0];

	ph->name = "main";
	ph->client = (struct client_phase){
		.model = CLIENT_CLOSED,
		.from = o->connections,
		.to = o->connections,
		.duration_us = o->duration_us,
		.pipeline = 1,
		.think_us = o->think_us,
		.requests_per_conn = o->requests_per_conn,
		.n_mix = 1,
	};
	/* open loop and connection rate: --connections caps the pool */
	if (o->rate > 0 || o->cps > 0) {
		ph->client.model = o->rate > 0 ? CLIENT_RATE : CLIENT_CPS;
		ph->client.from = ph->client.to = o->rate > 0 ? o->rate : o->cps;
		ph->client.max_conns = o->connections;
		if (o->cps > 0 && o->requests_per_conn == 0)
			ph->client.requests_per_conn = 1;
	}
	ph->mix_tpl[0] = 0;
	ph->mix_cum[0] = 1;
	p->n_phases = 1;
}

int plan_from_flags(const struct run_opts *o, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < o->n_devs; i++)
		p->devs[i] = o->devs[i];
	p->n_ports = (uint16_t)o->n_devs;
	if (p->n_ports == 0 && o->dev) /* options built without the parser */
		p->devs[p->n_ports++] = o->dev;
	snprintf(p->lcores, sizeof(p->lcores), "%s", o->lcores);
	p->local_ip = o->local_ip;
	p->has_ip6 = o->has_ip6;
	memcpy(p->local_ip6.b, &o->local_ip6, 16);
	memcpy(p->gateway6.b, &o->gateway6, 16);
	p->prefix6 = o->prefix6;
	p->n_local_ips = o->n_local_ips;
	p->netmask = o->netmask;
	p->gateway = o->gateway;
	p->mtu = o->mtu;
	p->time_wait = o->time_wait;
	p->max_pipeline = 1;
	p->max_conns = o->connections;
	p->rate_max_conns = o->connections;
	p->request_timeout_us = o->timeout_us;
	p->drain_us = o->drain_us;
	p->output = o->output;
	p->quiet = o->quiet;
	p->tui = o->tui;
	p->formats = o->formats;
	p->metrics_listen = o->metrics_listen;
	p->port_min = PLAN_PORT_MIN;
	p->port_max = PLAN_PORT_MAX;
	p->shard = o->shard;
	p->n_shards = o->n_shards;
	p->start_at = o->start_at;
	p->campaign_name = "flags";
	plan_id_flags(o, p->campaign_digest);
	if (plan_target(p, o) < 0)
		return -EINVAL;
	if (p->target_ip6) /* one IPv6 address per port: its connections use it alone */
		p->n_local_ips = 1;
	plan_phase(p, o);
	return 0;
}
