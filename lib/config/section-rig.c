/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rig: ports, lcores per role, NUMA, local addresses, MTU; and the checks
 * against the machine (lcores that exist, NICs on the lcores' socket).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign-priv.h"
#include "config-errors.h"

#define MAX_LCORES 1024
#define PCI_EXPECTED "a PCI address such as 0000:01:00.0 or a vdev such as net_af_xdp0,iface=gen0"
#define LCORES_EXPECTED "lcore ids: 1, [1, 2], or \"1-3,5\""
#define IPS_EXPECTED "an IPv4 address, a range 198.18.0.2-198.18.0.9, or a prefix 198.18.0.0/24"
#define IP6_EXPECTED "one IPv6 address with its prefix, fd00::2/64"

static const char *const rig_keys[] = {
	"ports", "lcores", "numa_socket", "allow_remote_numa", "local_ips", "gateway", "gateway6",
	"mtu", "time_wait", NULL,
};
static const char *const lcore_keys[] = {"workers", "telemetry", NULL};

/* DDDD:BB:DD.F or BB:DD.F, hex digits */
static bool is_pci_address(const char *s)
{
	const char *shape = strlen(s) == 12 ? "xxxx:xx:xx.x" : "xx:xx.x";
	if (strlen(s) != strlen(shape))
		return false;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	return true;
}

static void parse_ports(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_rig *rig = &s->c->rig;
	bool one = n->kind == YAML_KIND_SCALAR;
	size_t count = one ? 1 : config_yaml_len(n);

	if (!one && !cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return;
	if (count == 0) {
		config_error_at(s->e, &n->mark, n->path, PCI_EXPECTED, "no ports");
		return;
	}
	rig->ports = section_alloc(s, count * sizeof(*rig->ports));
	if (!rig->ports)
		return;
	for (size_t i = 0; i < count; i++) {
		const struct yaml_node *item = one ? n : config_yaml_seq_at(n, i);
		const char *name;
		if (cfg_get_string(item, s->e, &name) < 0)
			continue;
		struct campaign_port *p = &rig->ports[rig->n_ports++];
		p->name = section_strdup(s, name);
		p->is_vdev = !strncmp(name, "net_", 4);
		p->numa_node = -1;
		if (!p->is_vdev && strchr(name, '='))
			/* [net_af_xdp0,iface=gen0] is two items in YAML */
			config_error_at(s->e, &item->mark, item->path, PCI_EXPECTED,
					"bad port \"%s\": quote a vdev with options inside [ ]",
					name);
		else if (!p->is_vdev && !is_pci_address(name))
			config_error_at(s->e, &item->mark, item->path, PCI_EXPECTED,
					"bad port \"%s\"", name);
		else if (!p->is_vdev)
			p->numa_node = s->host->pci_node(name, s->host->ctx);
	}
}

struct lcore_list {
	unsigned ids[MAX_LCORES];
	const struct yaml_node *at[MAX_LCORES];
	size_t n;
};

/* "1-3,5" */
static bool parse_lcore_text(const char *t, const struct yaml_node *at, struct lcore_list *l)
{
	while (*t) {
		char *end;
		unsigned long a = strtoul(t, &end, 10), b = a;
		if (end == t || !isdigit((unsigned char)*t))
			return false;
		if (*end == '-') {
			t = end + 1;
			if (!isdigit((unsigned char)*t))
				return false;
			b = strtoul(t, &end, 10);
		}
		if (b < a || b >= MAX_LCORES || l->n + (b - a + 1) > MAX_LCORES)
			return false;
		for (unsigned long i = a; i <= b; i++) {
			l->at[l->n] = at;
			l->ids[l->n++] = (unsigned)i;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return false;
		t = end;
	}
	return true;
}

static bool parse_lcore_list(struct section_ctx *s, const struct yaml_node *n,
			     struct lcore_list *l)
{
	bool one = n->kind == YAML_KIND_SCALAR;
	size_t count = one ? 1 : config_yaml_len(n);
	bool ok = true;

	if (!one && !cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return false;
	for (size_t i = 0; i < count; i++) {
		const struct yaml_node *item = one ? n : config_yaml_seq_at(n, i);
		const char *t;
		if (cfg_get_string(item, s->e, &t) < 0) {
			ok = false;
		} else if (!parse_lcore_text(t, item, l)) {
			config_error_at(s->e, &item->mark, item->path, LCORES_EXPECTED,
					"bad lcore list \"%s\"", t);
			ok = false;
		}
	}
	if (ok && l->n == 0) {
		config_error_at(s->e, &n->mark, n->path, LCORES_EXPECTED, "no lcores");
		ok = false;
	}
	return ok;
}

/* each id exists and appears once; the count fits the machine */
static bool check_lcores_exist(struct section_ctx *s, const struct yaml_node *n,
			       const struct lcore_list *l)
{
	unsigned cpus = s->host->n_cpus;
	char expected[96];
	bool ok = true;

	snprintf(expected, sizeof(expected), "at most %u lcores, ids 0 to %u on this machine",
		 cpus, cpus - 1);
	if (l->n > cpus) {
		config_error_at(s->e, &n->mark, n->path, expected,
				"%zu lcores requested but this machine has %u", l->n, cpus);
		return false;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->ids[i] >= cpus) {
			config_error_at(s->e, &l->at[i]->mark, l->at[i]->path, expected,
					"lcore %u does not exist", l->ids[i]);
			ok = false;
		}
		for (size_t j = 0; j < i; j++) {
			if (l->ids[j] == l->ids[i]) {
				config_error_at(s->e, &l->at[i]->mark, l->at[i]->path,
						"each lcore once", "lcore %u is listed twice",
						l->ids[i]);
				ok = false;
			}
		}
	}
	return ok;
}

static void parse_lcores(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_rig *rig = &s->c->rig;
	struct lcore_list workers; /* 12 KiB */
	const struct yaml_node *w = n ? config_yaml_map_get(n, "workers") : NULL;
	int64_t tel = -1;

	memset(&workers, 0, sizeof(workers));
	if (n && !cfg_mapping_strict(n, s->e, lcore_keys))
		return;
	if (w) {
		if (!parse_lcore_list(s, w, &workers) || !check_lcores_exist(s, w, &workers))
			return;
	} else {
		/* lcore 0 for the telemetry (main) lcore, the next one works */
		workers.ids[0] = s->host->n_cpus > 1 ? 1 : 0;
		workers.n = 1;
	}
	const struct yaml_node *t = n ? config_yaml_map_get(n, "telemetry") : NULL;
	if (cfg_get_int(t, s->e, 0, (int64_t)s->host->n_cpus - 1, &tel) > 0) {
		for (size_t i = 0; i < workers.n; i++)
			if (workers.ids[i] == (unsigned)tel)
				config_error_at(s->e, &t->mark, t->path,
						"an lcore that is not a worker",
						"lcore %lld is also a worker", (long long)tel);
	}
	rig->telemetry_lcore = (int)tel;
	rig->worker_lcores = section_alloc(s, workers.n * sizeof(unsigned));
	if (!rig->worker_lcores)
		return;
	memcpy(rig->worker_lcores, workers.ids, workers.n * sizeof(unsigned));
	rig->n_worker_lcores = workers.n;
}

/* prefix length to first..last; host bits of the base must be zero */
static bool parse_prefix(const char *t, const char *slash, struct campaign_ip_range *r)
{
	char addr[32];
	char *end;
	unsigned long bits = strtoul(slash + 1, &end, 10);
	size_t len = (size_t)(slash - t);

	if (*end || end == slash + 1 || bits < 8 || bits > 32 || len >= sizeof(addr))
		return false;
	memcpy(addr, t, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, &r->first) != 1)
		return false;
	uint32_t base = ntohl(r->first.s_addr);
	uint32_t host_mask = bits == 32 ? 0 : (UINT32_C(1) << (32 - bits)) - 1;
	if (base & host_mask)
		return false;
	r->last.s_addr = htonl(base | host_mask);
	return true;
}

static bool parse_ip_range(const char *t, struct campaign_ip_range *r)
{
	char a[32];
	const char *dash = strchr(t, '-'), *slash = strchr(t, '/');

	if (slash)
		return parse_prefix(t, slash, r);
	if (!dash)
		return inet_pton(AF_INET, t, &r->first) == 1 &&
		       (r->last = r->first, true);
	if ((size_t)(dash - t) >= sizeof(a))
		return false;
	memcpy(a, t, (size_t)(dash - t));
	a[dash - t] = '\0';
	return inet_pton(AF_INET, a, &r->first) == 1 && inet_pton(AF_INET, dash + 1, &r->last) == 1;
}

static uint32_t range_size(const struct campaign_ip_range *r)
{
	return ntohl(r->last.s_addr) - ntohl(r->first.s_addr) + 1;
}

static bool ranges_overlap(const struct campaign_ip_range *a, const struct campaign_ip_range *b)
{
	return ntohl(a->first.s_addr) <= ntohl(b->last.s_addr) &&
	       ntohl(b->first.s_addr) <= ntohl(a->last.s_addr);
}

/* A range read backwards is refused rather than swapped: it is more often a
 * typo in one address than a list written in reverse. */
static bool range_in_order(struct section_ctx *s, const struct yaml_node *item,
			   const struct campaign_ip_range *r)
{
	char first[INET_ADDRSTRLEN], last[INET_ADDRSTRLEN];

	if (ntohl(r->first.s_addr) <= ntohl(r->last.s_addr))
		return true;
	inet_ntop(AF_INET, &r->first, first, sizeof(first));
	inet_ntop(AF_INET, &r->last, last, sizeof(last));
	config_error_at(s->e, &item->mark, item->path, "the first address at or before the last",
			"range starts at %s, after its last address %s", first, last);
	return false;
}

/* An address listed twice would be used by two connections with the same
 * 4-tuple table slot, so ranges must not share any address. */
static bool range_apart(struct section_ctx *s, const struct yaml_node *item,
			const struct campaign_ip_range *r)
{
	const struct campaign_rig *rig = &s->c->rig;

	for (size_t k = 0; k < rig->n_local_ips; k++) {
		if (!ranges_overlap(&rig->local_ips[k], r))
			continue;
		config_error_at(s->e, &item->mark, item->path, "ranges that share no address",
				"overlaps local_ips[%zu]", k);
		return false;
	}
	return true;
}

/* "ADDR" or "ADDR/LEN": the generator's one IPv6 address and its prefix.
 * A range is refused: lib/net owns one IPv6 address per port here, and a
 * range mixing the families is no range at all. */
static void parse_local_ip6(struct section_ctx *s, const struct yaml_node *item, const char *t)
{
	struct campaign_rig *rig = &s->c->rig;
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(t, '/');
	size_t alen = slash ? (size_t)(slash - t) : strlen(t);
	char *end = NULL;
	long len = slash ? strtol(slash + 1, &end, 10) : 64;

	if (rig->has_local_ip6) {
		config_error_at(s->e, &item->mark, item->path, IP6_EXPECTED,
				"a second IPv6 entry \"%s\"", t);
		return;
	}
	if (strchr(t, '-') || alen >= sizeof(buf) || (slash && (*end != '\0' || len < 1 || len > 128))) {
		config_error_at(s->e, &item->mark, item->path, IP6_EXPECTED,
				"bad IPv6 entry \"%s\"", t);
		return;
	}
	memcpy(buf, t, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, &rig->local_ip6) != 1) {
		config_error_at(s->e, &item->mark, item->path, IP6_EXPECTED,
				"bad IPv6 address \"%s\"", buf);
		return;
	}
	rig->prefix6 = (uint8_t)len;
	rig->has_local_ip6 = true;
}

static void parse_local_ips(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_rig *rig = &s->c->rig;
	bool one = n->kind == YAML_KIND_SCALAR;
	size_t count = one ? 1 : config_yaml_len(n);

	if (!one && !cfg_expect_kind(n, s->e, YAML_KIND_SEQUENCE))
		return;
	rig->local_ips = section_alloc(s, (count ? count : 1) * sizeof(*rig->local_ips));
	if (!rig->local_ips)
		return;
	for (size_t i = 0; i < count; i++) {
		const struct yaml_node *item = one ? n : config_yaml_seq_at(n, i);
		struct campaign_ip_range r;
		const char *t;
		if (cfg_get_string(item, s->e, &t) < 0)
			continue;
		if (strchr(t, ':')) {
			parse_local_ip6(s, item, t);
			continue;
		}
		if (!parse_ip_range(t, &r)) {
			config_error_at(s->e, &item->mark, item->path, IPS_EXPECTED,
					"bad address range \"%s\"", t);
			continue;
		}
		if (!range_in_order(s, item, &r) || !range_apart(s, item, &r))
			continue;
		rig->local_ips[rig->n_local_ips++] = r;
		uint64_t total = (uint64_t)rig->n_local_addresses + range_size(&r);
		rig->n_local_addresses = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	}
	if (count == 0)
		config_error_at(s->e, &n->mark, n->path, IPS_EXPECTED, "no local addresses");
}

static void parse_gateway6(struct section_ctx *s, const struct yaml_node *n)
{
	const char *t;

	if (!n || cfg_get_string(n, s->e, &t) < 0)
		return;
	if (inet_pton(AF_INET6, t, &s->c->rig.gateway6) != 1)
		config_error_at(s->e, &n->mark, n->path, "an IPv6 address", "bad IPv6 address \"%s\"",
				t);
}

/* A set of worker lcores: all of them, or the block one port gets. */
struct lcore_set {
	unsigned ids[MAX_LCORES];
	size_t n;
};

static int by_id(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* The worker lcores drench run polls port k with: block k of n_ports of
 * them in ascending lcore order, the order the EAL hands them out
 * (app/drench/plan-ports.h cuts the same blocks). */
static void port_lcores(const struct campaign_rig *rig, size_t k, struct lcore_set *out)
{
	unsigned sorted[MAX_LCORES];
	size_t w = rig->n_worker_lcores < MAX_LCORES ? rig->n_worker_lcores : MAX_LCORES;
	size_t first = w * k / rig->n_ports, end = w * (k + 1) / rig->n_ports;

	memcpy(sorted, rig->worker_lcores, w * sizeof(sorted[0]));
	qsort(sorted, w, sizeof(sorted[0]), by_id);
	out->n = end - first;
	memcpy(out->ids, sorted + first, out->n * sizeof(sorted[0]));
}

static void all_lcores(const struct campaign_rig *rig, struct lcore_set *out)
{
	out->n = rig->n_worker_lcores < MAX_LCORES ? rig->n_worker_lcores : MAX_LCORES;
	memcpy(out->ids, rig->worker_lcores, out->n * sizeof(out->ids[0]));
}

/* "worker lcores 2, 3" */
static void list_lcores_off(char *buf, size_t len, const struct lcore_set *set,
			    const struct campaign_host *h, int node)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < set->n && used < len; i++) {
		unsigned id = set->ids[i];
		if (h->cpu_node(id, h->ctx) != node)
			used += (size_t)snprintf(buf + used, len - used, "%s%u", used ? ", " : "", id);
	}
}

static bool lcores_all_on(const struct lcore_set *set, const struct campaign_host *h, int node)
{
	for (size_t i = 0; i < set->n; i++) {
		int n = h->cpu_node(set->ids[i], h->ctx);
		if (n >= 0 && n != node)
			return false;
	}
	return true;
}

/* a NIC on one socket and its lcores on another cost a QPI/UPI hop per
 * packet: each port is checked against the lcores that will poll it */
static void check_numa(struct section_ctx *s, const struct yaml_node *rig_node)
{
	const struct campaign_rig *rig = &s->c->rig;
	const struct yaml_node *ports = config_yaml_map_get(rig_node, "ports");
	static struct lcore_set set;
	char off[256], expected[96];

	if (rig->allow_remote_numa)
		return;
	for (size_t i = 0; i < rig->n_ports && rig->n_ports <= rig->n_worker_lcores; i++) {
		int node = rig->ports[i].numa_node;
		port_lcores(rig, i, &set);
		if (node < 0 || lcores_all_on(&set, s->host, node))
			continue;
		const struct yaml_node *at =
			ports->kind == YAML_KIND_SCALAR ? ports : config_yaml_seq_at(ports, i);
		list_lcores_off(off, sizeof(off), &set, s->host, node);
		snprintf(expected, sizeof(expected),
			 "worker lcores on socket %d, or allow_remote_numa: true", node);
		config_error_at(s->e, &at->mark, at->path, expected,
				"NIC %s is on NUMA socket %d, worker lcores elsewhere: %s",
				rig->ports[i].name, node, off);
	}
	const struct yaml_node *sock = config_yaml_map_get(rig_node, "numa_socket");
	all_lcores(rig, &set);
	if (rig->numa_socket >= 0 && !lcores_all_on(&set, s->host, rig->numa_socket)) {
		list_lcores_off(off, sizeof(off), &set, s->host, rig->numa_socket);
		snprintf(expected, sizeof(expected),
			 "worker lcores on socket %d, or allow_remote_numa: true", rig->numa_socket);
		config_error_at(s->e, &sock->mark, sock->path, expected,
				"worker lcores not on NUMA socket %d: %s", rig->numa_socket, off);
	}
}

/* each port needs at least one worker lcore polling its queue */
static void check_ports_have_lcores(struct section_ctx *s, const struct yaml_node *ports)
{
	const struct campaign_rig *rig = &s->c->rig;
	if (!ports || rig->n_worker_lcores == 0 || rig->n_ports <= rig->n_worker_lcores)
		return;
	config_error_at(s->e, &ports->mark, ports->path,
			"at most as many ports as worker lcores, one lcore polls one port",
			"%zu ports but %zu worker lcore%s", rig->n_ports, rig->n_worker_lcores,
			rig->n_worker_lcores == 1 ? "" : "s");
}

void section_rig(struct section_ctx *s, const struct yaml_node *n)
{
	struct campaign_rig *rig = &s->c->rig;
	int64_t v;

	rig->telemetry_lcore = -1;
	rig->numa_socket = -1;
	rig->mtu = 1500;
	rig->time_wait = CAMPAIGN_TW_REUSE;
	if (!cfg_mapping_strict(n, s->e, rig_keys))
		return;
	rig->where = campaign_where_of(s, n);
	const struct yaml_node *ports = cfg_require(n, "ports", s->e, PCI_EXPECTED);
	if (ports)
		parse_ports(s, ports);
	parse_lcores(s, config_yaml_map_get(n, "lcores"));
	if (cfg_get_int(config_yaml_map_get(n, "numa_socket"), s->e, 0, 63, &v) > 0)
		rig->numa_socket = (int)v;
	cfg_get_bool(config_yaml_map_get(n, "allow_remote_numa"), s->e, &rig->allow_remote_numa);
	const struct yaml_node *ips = cfg_require(n, "local_ips", s->e, IPS_EXPECTED);
	if (ips)
		parse_local_ips(s, ips);
	rig->has_gateway = cfg_get_ipv4(config_yaml_map_get(n, "gateway"), s->e, &rig->gateway) > 0;
	parse_gateway6(s, config_yaml_map_get(n, "gateway6"));
	static const char *const tw_names[] = {"2msl", "reset", "reuse", NULL};
	unsigned tw;
	if (cfg_get_enum(config_yaml_map_get(n, "time_wait"), s->e, tw_names, &tw) > 0)
		rig->time_wait = (enum campaign_time_wait)tw;
	if (cfg_get_int(config_yaml_map_get(n, "mtu"), s->e, 576, 9216, &v) > 0)
		rig->mtu = (uint16_t)v;
	check_numa(s, n);
	check_ports_have_lcores(s, ports);
}
