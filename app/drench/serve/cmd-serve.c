/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench serve: the built-in HTTP/1.1 responder on a DPDK port, so that two
 * drench processes (or two ports) can be looped back to calibrate a rig and
 * measure the generator without a kernel server in the way. Start the EAL
 * and the port, build the responder from the options, serve on the main
 * lcore with a line per second, then print a summary (and write report.json
 * when asked). Ctrl-C (or the duration) ends it with the lcore loop's
 * shutdown: connections get a FIN, time for the slowest to close, then a
 * RST. The options come from the flags here, or from
 * a campaign with role: responder (run-responder.c); both run serve_execute().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "commands.h"
#include "console.h"
#include "eal-start.h"
#include "host-clock.h"
#include "numa-place.h"
#include "port.h"
#include "serve-opts.h"
#include "serve-report.h"
#include "serve-worker.h"
#include "stop-signal.h"
#include "tsc-clock.h"

static struct responder *make_responder(const struct serve_opts *o, struct serve_worker *w)
{
	struct tcp_params tp;
	struct responder_conf rc = {
		.port = o->port,
		.status = o->status,
		.body_size = o->body_size,
		.chunked = o->chunked,
		.keepalive_requests = o->keepalive_requests,
		.delay_us = o->delay_us,
	};

	tcp_params_default(&tp);
	tp.local_addr = o->local_ip;
	tp.ip6 = o->has_ip6;
	memcpy(&tp.local_ip6, &o->local_ip6, sizeof(tp.local_ip6));
	tp.mss = (uint16_t)(o->mtu - 40);
	tp.port_min = tp.port_max = 0; /* server only: the table is not bounded by ports */
	tp.max_conns = o->max_conns;
	tp.tw_policy = o->tw_policy;
	if (tcp_params_randomize(&tp) < 0 || tcp_params_host_clock(&tp, tsc_now_us()) < 0)
		return NULL;
	return responder_create(&rc, &tp, lcore_tx, &w->lc);
}

static void print_start(const struct net_port *port, const struct serve_opts *o,
			const struct serve_worker *w)
{
	struct tcp_stack *s = responder_tcp(w->resp);

	printf("drench serve: port %s (%s, socket %d), %s checksums, %u.%u.%u.%u:%u, lcore %u, "
	       "%u queue%s\n",
	       port->name, port->driver, port->socket_id,
	       port->ofl.tx_tcp_cksum ? "hardware" : "software", o->local_ip >> 24,
	       (o->local_ip >> 16) & 255, (o->local_ip >> 8) & 255, o->local_ip & 255, o->port,
	       rte_lcore_id(), o->n_queues, o->n_queues == 1 ? "" : "s (reply to port P on P % n)");
	printf("drench serve: %u %s, %" PRIu64 " body bytes (%s), response %" PRIu64
	       " bytes, keep-alive %s, table %u connections, %zu bytes per connection\n",
	       o->status, o->status == 200 ? "OK" : "", o->body_size,
	       o->chunked ? "chunked" : "content-length", responder_response_len(w->resp),
	       o->keepalive_requests ? "limited" : "unlimited", tcp_stack_capacity(s),
	       tcp_stack_mem_per_conn(s));
	if (o->has_ip6) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &o->local_ip6, a, sizeof(a));
		printf("drench serve: also %s/%u: neighbour discovery and ping6 only, no TCP over "
		       "IPv6 yet\n", a, o->prefix6);
	}
	fflush(stdout);
}

static void print_summary(const struct serve_worker *w)
{
	const struct responder_counters *c = responder_counters(w->resp);
	const struct tcp_stats *t = tcp_stack_stats(responder_tcp(w->resp));
	struct net_stats sum;
	const struct net_stats *n = &sum;
	double secs = (double)(w->end_us - w->start_us) / 1e6;

	lcore_net_stats(&w->lc, &sum);
	if (secs <= 0)
		secs = 1e-6;
	printf("summary: %.1f s, requests %" PRIu64 " (%.0f/s), responses %" PRIu64
	       ", body bytes %" PRIu64 ", parse errors %" PRIu64 "\n",
	       secs, c->requests, (double)c->requests / secs, c->responses, c->body_bytes,
	       c->parse_errors);
	printf("connections: accepted %" PRIu64 " (%.0f/s), closed %" PRIu64 ", reset %" PRIu64
	       ", keep-alive closes %" PRIu64 ", syn dropped %" PRIu64 " (backlog) %" PRIu64
	       " (table full), half-open timeouts %" PRIu64 "\n",
	       c->conn_accepted, (double)c->conn_accepted / secs, c->conn_closed, c->conn_reset,
	       c->keepalive_closes, t->syn_drop_backlog, t->syn_drop_full, t->synack_timeout);
	printf("tcp: rx %" PRIu64 " tx %" PRIu64 " segs, retrans rto %" PRIu64 " fast %" PRIu64
	       " synack %" PRIu64 ", tail loss probes %" PRIu64 ", rst tx %" PRIu64
	       ", dropped no-conn %" PRIu64 "\n",
	       t->rx_segs, t->tx_segs, t->retrans_rto, t->retrans_fast, t->retrans_synack,
	       t->tlp_probes, t->rst_tx, t->drop_no_conn);
	printf("port: rx %" PRIu64 " tx %" PRIu64 " pkts (%.3f / %.3f Mpps), tx full %" PRIu64
	       ", no mbuf %" PRIu64 ", bad checksum %" PRIu64 ", arp unresolved %" PRIu64 "\n",
	       n->rx_pkts, n->tx_pkts, (double)n->rx_pkts / secs / 1e6,
	       (double)n->tx_pkts / secs / 1e6, n->tx_full, n->tx_nombuf,
	       n->drop_ip_cksum + n->drop_tcp_cksum, w->lc.arp_unresolved);
	if (n->rx_ip6)
		printf("ipv6: rx %" PRIu64 " pkts, neighbour discovery rx %" PRIu64
		       " advertisements tx %" PRIu64 ", echo replies %" PRIu64 ", bad icmp6 checksum %" PRIu64
		       ", tcp dropped %" PRIu64 " (no TCP over IPv6 yet)\n",
		       n->rx_ip6, n->rx_nd, n->nd_adverts_tx, n->icmp6_echo_replies,
		       n->drop_icmp6_cksum, n->drop_tcp6_no_stack);
	console_nonzero(stdout, "tcp drops:", &tcp_stats_table, t, "drop_");
	console_nonzero(stdout, "net drops:", &net_stats_table, n, "drop_");
	fflush(stdout);
}

static int write_report(const struct serve_opts *o, const struct serve_worker *w,
			const struct serve_outcome *out)
{
	int rc;

	if (!o->output)
		return DRENCH_EXIT_PASS;
	rc = serve_report_write(o, w, out);
	if (rc < 0) {
		fprintf(stderr, "drench serve: cannot write %s/report.json: %s\n", o->output,
			strerror(-rc));
		return DRENCH_EXIT_RUNTIME;
	}
	printf("report: %s/report.json\n", o->output);
	fflush(stdout);
	return DRENCH_EXIT_PASS;
}

static int serve_on_port(const struct serve_opts *o, struct net_port *port)
{
	static struct serve_worker w;
	struct serve_outcome out;
	int rc;

	serve_worker_bind(&w, o->n_queues, &stop_asked);
	for (uint16_t q = 0; q < o->n_queues; q++) {
		net_iface_init(&w.ifc[q], port, q, o->local_ip, o->netmask, o->gateway);
		if (o->has_ip6)
			net_iface_set_ip6(&w.ifc[q], (const struct net_ip6 *)&o->local_ip6, o->prefix6);
	}
	w.duration_us = o->duration_us;
	w.quiet = o->quiet;
	if (o->has_ip6)
		lcore_take_ip6(&w.lc);
	bool placed = numa_place_begin(port->socket_id);
	w.resp = make_responder(o, &w);
	if (placed)
		numa_place_end();
	if (!w.resp) {
		fprintf(stderr, "drench serve: cannot build the responder: %s\n", strerror(errno));
		return DRENCH_EXIT_USAGE;
	}
	print_start(port, o, &w);
	out.start = unix_now();
	serve_loop(&w);
	out.end = unix_now();
	out.interrupted = o->duration_us && stop_asked;
	print_summary(&w);
	rc = write_report(o, &w, &out);
	responder_destroy(w.resp);
	return rc;
}

int serve_execute(const struct serve_opts *o)
{
	struct net_port port;
	int rc;

	if (eal_start("serve", o->lcores, &o->dev, 1) < 0)
		return DRENCH_EXIT_RUNTIME;
	if (rte_lcore_count() > 1)
		fprintf(stderr, "drench serve: one lcore serves (lcore %u); the others idle\n",
			rte_lcore_id());
	stop_signal_install();
	struct net_port_conf pc = {
		.dev = o->dev, .n_queues = o->n_queues, .rx_desc = 1024, .tx_desc = 1024,
		.mtu = o->mtu, .n_mbufs = o->n_mbufs,
	};
	if (net_port_open(&pc, &port) < 0) {
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		rc = serve_on_port(o, &port);
		net_port_close(&port);
	}
	rte_eal_cleanup();
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o;
	int rc = serve_opts_parse(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? DRENCH_EXIT_PASS : DRENCH_EXIT_USAGE;
	return serve_execute(&o);
}
