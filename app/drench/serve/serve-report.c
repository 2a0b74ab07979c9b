/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The responder's report.json. The contract keys (schema, verdict, phases,
 * targets) are there so the tools that read a client's report read this one;
 * phases and targets stay empty: a responder has no load phases and watches
 * no server; the verdict is always "pass" (a responder has no gates).
 * Its figures sit beside them under "responder", "tcp", "net" and "port",
 * so a loopback test can set them against the client's.
 */
#include "serve-report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "out-file.h"
#include "report.h"
#include "report-counters.h"
#include "port.h"

#define J(x) ((json_int_t)(x))

static json_t *options_json(const struct serve_opts *o, const struct serve_worker *w)
{
	char listen[32];

	snprintf(listen, sizeof(listen), "%u.%u.%u.%u:%u", o->local_ip >> 24,
		 (o->local_ip >> 16) & 255, (o->local_ip >> 8) & 255, o->local_ip & 255, o->port);
	return json_pack("{ss sI sI sb sI sI sI ss sI}", "listen", listen, "status", J(o->status),
			 "body_size", J(o->body_size), "chunked", o->chunked,
			 "keepalive_requests", J(o->keepalive_requests), "delay_us", J(o->delay_us),
			 "max_connections", J(o->max_conns), "time_wait",
			 o->tw_policy == TCP_TW_RESET ? "reset" : "2msl", "response_bytes",
			 J(responder_response_len(w->resp)));
}

/* requests answered, connections, and what went wrong, in one object */
static json_t *responder_json(const struct responder_counters *c, const struct tcp_stats *t,
			      const struct serve_worker *w, double secs)
{
	return json_pack("{sI sI sI sI sf s{sI sI sI sI sI} s{sI sI sI} s{sI sI sI sI}}",
		"requests", J(c->requests), "responses", J(c->responses),
		"body_bytes", J(c->body_bytes), "delayed", J(c->delayed),
		"rps", secs > 0 ? (double)c->responses / secs : 0.0,
		"connections", "accepted", J(c->conn_accepted), "closed", J(c->conn_closed),
		"reset", J(c->conn_reset), "keepalive_closes", J(c->keepalive_closes),
		"open_at_end", J(responder_open_conns(w->resp)),
		"errors", "parse", J(c->parse_errors), "pipeline_overflow", J(c->pipeline_overflow),
		"ignored_bytes", J(c->ignored_bytes),
		"drops", "syn_backlog", J(t->syn_drop_backlog), "syn_table_full", J(t->syn_drop_full),
		"synack_timeout", J(t->synack_timeout), "arp_unresolved", J(w->lc.arp_unresolved));
}

/* with --local-ip6: what the IPv6 path answered and dropped */
static json_t *ipv6_json(const struct serve_opts *o, const struct net_stats *n)
{
	char a[INET6_ADDRSTRLEN + 4];

	inet_ntop(AF_INET6, &o->local_ip6, a, INET6_ADDRSTRLEN);
	snprintf(a + strlen(a), 5, "/%u", o->prefix6);
	return json_pack("{ss sI sI sI sI sI sI sI}", "address", a, "rx_packets", J(n->rx_ip6),
		"rx_nd", J(n->rx_nd), "nd_adverts_tx", J(n->nd_adverts_tx),
		"echo_replies", J(n->icmp6_echo_replies), "drop_icmp6_cksum", J(n->drop_icmp6_cksum),
		"drop_nd_invalid", J(n->drop_nd_invalid), "drop_tcp_no_stack",
		J(n->drop_tcp6_no_stack));
}

static void add_port(json_t *rep, uint16_t port_id)
{
	struct net_port_stats st;

	if (net_port_stats_read(port_id, &st) == 0)
		json_object_set_new(rep, "port", report_counters_json(&net_port_stats_table, &st));
}

static void fill(json_t *rep, const struct serve_opts *o, const struct serve_worker *w,
		 const struct serve_outcome *out)
{
	struct tcp_stack *s = responder_tcp(w->resp);
	const struct tcp_stats *t = tcp_stack_stats(s);
	double secs = (double)(w->end_us - w->start_us) / 1e6;

	json_object_set_new(rep, "role", json_string("responder"));
	json_object_set_new(rep, "campaign", o->campaign ? json_string(o->campaign) : json_null());
	json_object_set_new(rep, "start", json_real(out->start));
	json_object_set_new(rep, "end", json_real(out->end));
	json_object_set_new(rep, "seconds", json_real(secs));
	json_object_set_new(rep, "interrupted", json_boolean(out->interrupted));
	json_object_set_new(rep, "options", options_json(o, w));
	json_object_set_new(rep, "responder",
			    responder_json(responder_counters(w->resp), t, w, secs));
	json_object_set_new(rep, "bytes_per_connection", json_integer(J(tcp_stack_mem_per_conn(s))));
	json_object_set_new(rep, "tcp", report_counters_json(&tcp_stats_table, t));
	struct net_stats n;

	lcore_net_stats(&w->lc, &n);
	json_object_set_new(rep, "net", report_counters_json(&net_stats_table, &n));
	if (o->has_ip6)
		json_object_set_new(rep, "ipv6", ipv6_json(o, &n));
	add_port(rep, w->ifc[0].port_id);
}

int serve_report_write(const struct serve_opts *o, const struct serve_worker *w,
		       const struct serve_outcome *out)
{
	char path[PATH_MAX];
	json_t *rep = report_new();
	int rc;

	if (!rep)
		return -ENOMEM;
	rc = out_dir_make(o->output);
	if (rc == 0) {
		fill(rep, o, w, out);
		report_set_verdict(rep, true); /* a responder has no gates */
		snprintf(path, sizeof(path), "%s/report.json", o->output);
		rc = report_write(rep, path);
	}
	json_decref(rep);
	return rc;
}
