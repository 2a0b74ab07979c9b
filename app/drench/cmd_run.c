/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench run (flag form): EAL and port setup, one worker lcore driving a
 * closed-loop client, the main lcore printing a line per second and writing
 * the report. Ctrl-C stops the load; the worker drains and closes before the
 * summary and report are written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "commands.h"
#include "console.h"
#include "http/template.h"
#include "http/url.h"
#include "net/port.h"
#include "run-opts.h"
#include "run-report.h"
#include "worker.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double unix_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int eal_start(const struct run_opts *o)
{
	bool vdev = strcmp(net_port_eal_flag(o->dev), "--vdev") == 0;
	/* with a vdev, keep the EAL away from the host's PCI NICs */
	char *args[] = {
		"drench", "-l", (char *)o->lcores, "--in-memory", "--log-level=lib.eal:error",
		(char *)net_port_eal_flag(o->dev), (char *)o->dev, vdev ? "--no-pci" : NULL, NULL,
	};
	int n = vdev ? 8 : 7;

	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "drench run: EAL init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int parse_ip(const char *what, const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "drench run: %s: '%s' is not an IPv4 address\n", what, s);
		return -EINVAL;
	}
	*out = ntohl(a.s_addr);
	return 0;
}

struct run_setup {
	struct http_url url;
	struct http_template *tpl;
	uint32_t local_ip, netmask, gateway, daddr;
};

static int prepare(const struct run_opts *o, struct run_setup *s)
{
	memset(s, 0, sizeof(*s));
	if (http_url_parse(o->url, &s->url) < 0) {
		fprintf(stderr, "drench run: --url: cannot parse '%s' (expected http://IPv4[:port]/path)\n",
			o->url);
		return -EINVAL;
	}
	if (!s->url.host_is_ipv4) {
		fprintf(stderr, "drench run: --url: the host must be an IPv4 address (got '%s')\n",
			s->url.host);
		return -EINVAL;
	}
	s->daddr = s->url.ipv4;
	if (parse_ip("--local-ip", o->local_ip, &s->local_ip) < 0 ||
	    (o->gateway && parse_ip("--gateway", o->gateway, &s->gateway) < 0))
		return -EINVAL;
	s->netmask = o->prefix_len == 0 ? 0 : ~0u << (32 - o->prefix_len);
	struct http_template_spec spec = {
		.method = "GET",
		.path = s->url.path,
		.host = s->url.host,
		.port = s->url.port,
	};
	s->tpl = http_template_create(&spec);
	if (!s->tpl) {
		fprintf(stderr, "drench run: cannot build the request template\n");
		return -EINVAL;
	}
	return 0;
}

static struct client *make_client(const struct run_opts *o, const struct run_setup *s,
				  struct worker *w)
{
	struct tcp_params tp;
	struct client_conf cc = {
		.daddr = s->daddr,
		.dport = s->url.port,
		.tpl = s->tpl,
		.connections = o->connections,
		.request_timeout_us = o->timeout_us,
		.requests_per_conn = o->requests_per_conn,
	};
	tcp_params_default(&tp);
	tp.local_addr = s->local_ip;
	tp.mss = (uint16_t)(o->mtu - 40);
	tp.port_min = 10000;
	tp.port_max = 65535;
	tp.max_conns = tp.port_max - tp.port_min + 1;
	if (o->connections > tp.max_conns) {
		fprintf(stderr, "drench run: --connections %u exceeds the %u local ports of one IP\n",
			o->connections, tp.max_conns);
		return NULL;
	}
	return client_create(&cc, &tp, worker_tx, w);
}

static void take_snapshot(const struct worker *w, struct run_snapshot *s)
{
	s->client = *client_counters(w->client);
	s->tcp = *tcp_stack_stats(client_tcp(w->client));
	s->net = w->ifc.stats;
	s->open_conns = client_open_conns(w->client);
}

/* The main lcore: a line per second until the worker finishes. */
static void watch(struct worker *w, const struct run_opts *o, double t0)
{
	struct run_snapshot prev = {0}, cur;
	double last = t0;

	while (!w->finished) {
		usleep(50 * 1000);
		if (interrupted && !w->stop) {
			fprintf(stderr, "\ndrench: interrupted, draining\n");
			w->stop = true;
		}
		double now = unix_now();
		if (now - last < 1.0)
			continue;
		take_snapshot(w, &cur);
		if (!o->quiet)
			console_line(stdout, now - t0, &prev, &cur, now - last);
		prev = cur;
		last = now;
	}
}

static int finish(struct worker *w, const struct run_opts *o, double t0, double t1)
{
	struct run_result r = {
		.phase_name = "main",
		.start = t0,
		.end = t1,
		.load_s = (double)(w->end_us - w->start_us) / 1e6,
		.lat = client_latency(w->client),
		.mem_per_conn = tcp_stack_mem_per_conn(client_tcp(w->client)),
	};

	take_snapshot(w, &r.snap);
	console_summary(stdout, &r.snap, r.lat, r.load_s);
	if (run_report_write(o->output, &r) < 0) {
		fprintf(stderr, "drench run: cannot write %s/report.json\n", o->output);
		return DRENCH_EXIT_RUNTIME;
	}
	printf("report: %s/report.json\n", o->output);
	return run_result_pass(&r) ? DRENCH_EXIT_PASS : DRENCH_EXIT_FAIL;
}

static int launch(struct worker *w, const struct run_opts *o)
{
	unsigned lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	double t0 = unix_now();

	if (lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "drench run: --lcores needs a worker lcore besides the main one\n");
		return DRENCH_EXIT_USAGE;
	}
	w->lcore_id = lcore;
	if (rte_eal_remote_launch(worker_main, w, lcore) < 0)
		return DRENCH_EXIT_RUNTIME;
	watch(w, o, t0);
	rte_eal_wait_lcore(lcore);
	return finish(w, o, t0, unix_now());
}

static int run_with_port(const struct run_opts *o, struct run_setup *s, struct net_port *port)
{
	static struct worker w;
	int rc;

	net_iface_init(&w.ifc, port, 0, s->local_ip, s->netmask, s->gateway);
	w.run_us = o->duration_us;
	w.drain_us = o->drain_us;
	w.client = make_client(o, s, &w);
	if (!w.client)
		return DRENCH_EXIT_USAGE;
	printf("drench: port %s (%s), %s checksums, %u connections to %s:%u for %.1f s\n",
	       port->name, port->driver, port->ofl.tx_tcp_cksum ? "hardware" : "software",
	       o->connections, s->url.host, s->url.port, (double)o->duration_us / 1e6);
	if (worker_resolve(&w, s->daddr, 5 * 1000 * 1000) < 0) {
		fprintf(stderr, "drench run: no ARP answer from %s\n", s->url.host);
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		rc = launch(&w, o);
	}
	client_destroy(w.client);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct run_setup s;
	struct net_port port;
	int rc = run_opts_parse(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? DRENCH_EXIT_PASS : DRENCH_EXIT_USAGE;
	if (prepare(&o, &s) < 0)
		return DRENCH_EXIT_USAGE;
	if (eal_start(&o) < 0)
		return DRENCH_EXIT_RUNTIME;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	struct net_port_conf pc = {
		.dev = o.dev, .n_queues = 1, .rx_desc = 1024, .tx_desc = 1024,
		.mtu = o.mtu, .n_mbufs = 16383,
	};
	if (net_port_open(&pc, &port) < 0) {
		rc = DRENCH_EXIT_RUNTIME;
	} else {
		rc = run_with_port(&o, &s, &port);
		net_port_close(&port);
	}
	http_template_free(s.tpl);
	rte_eal_cleanup();
	return rc;
}
