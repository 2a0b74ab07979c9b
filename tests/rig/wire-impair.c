/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wire-impair: forward Ethernet frames between two interfaces and do to them
 * what a bad wire does, like tc netem. The rig's kernel has no qdiscs
 * (CONFIG_NET_SCHED is off), so the rig puts this between the generator and
 * the server when it is asked to impair the path: neither TCP stack knows a
 * frame was lost, doubled, damaged or held, exactly as with a real link.
 *
 *   wire-impair IF_A IF_B [--loss PCT] [--duplicate PCT] [--corrupt PCT]
 *       [--delay MS] [--jitter MS] [--reorder PCT] [--reorder-gap MS]
 *       [--rate RATE] [--limit FRAMES] [--duration S] [--seed N]
 *
 * Each direction has its own timed queue (wire-queue.h): a frame is due at
 * arrival + its time on the link (at --rate) + delay +- jitter, plus
 * --reorder-gap for the --reorder share, and leaves when due. Jitter alone
 * reorders too, as with netem. A full queue (--limit frames, counting the
 * delayed ones) drops at the tail. Faults (wire-faults.h) apply both ways.
 * Stops after --duration (600 s by default) or on SIGTERM/SIGINT, and
 * prints its counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire-faults.h"
#include "wire-queue.h"

#define POLL_MAX_NS (100 * 1000 * 1000ull) /* how late a stop is noticed */
#define BURST 64

struct direction {
	int in, out;
	struct wire_queue q;
	struct wire_link link;
	uint64_t received, forwarded, lost, duplicated, corrupted, reordered, tail_dropped,
		send_failed;
};

struct wire_conf {
	struct wire_faults faults;
	uint64_t rate_bps;
	uint32_t limit;
	double duration_s;
	uint64_t seed;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int open_raw(const char *ifname)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	int one = 1, rcvbuf = 4 << 20;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};

	if (fd < 0)
		return -1;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	/* frames we send out of this interface must not come back to us */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	/* a delayed or rate-limited wire holds frames here, not in the kernel */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

/* Put one copy on the wire: it waits its turn on the link, then its delay. */
static void enqueue(struct direction *d, const struct wire_conf *cf, uint64_t *rng,
		    const uint8_t *buf, size_t len, bool reordered, uint64_t now)
{
	if (d->q.n == d->q.limit) {
		d->tail_dropped++;
		return;
	}
	uint64_t due = wire_link_depart(&d->link, now, len) +
		       wire_delay(&cf->faults, rng, reordered);
	if (wire_queue_push(&d->q, buf, len, due) < 0)
		d->tail_dropped++;
}

static void impair_one(struct direction *d, const struct wire_conf *cf, uint64_t *rng,
		       uint8_t *buf, size_t len, uint64_t now)
{
	unsigned v = wire_judge(&cf->faults, rng);

	d->received++;
	if ((v & WIRE_DROP) || (cf->faults.lose_fin && wire_is_tcp_fin(buf, len))) {
		d->lost++;
		return;
	}
	if ((v & WIRE_CORRUPT) && wire_is_ip(buf, len) && wire_corrupt(buf, len, rng) >= 0)
		d->corrupted++;
	d->reordered += !!(v & WIRE_REORDER);
	enqueue(d, cf, rng, buf, len, v & WIRE_REORDER, now);
	if (v & WIRE_DUPLICATE) {
		d->duplicated++;
		enqueue(d, cf, rng, buf, len, false, now);
	}
}

static void receive_burst(struct direction *d, const struct wire_conf *cf, uint64_t *rng)
{
	static uint8_t buf[WIRE_FRAME_MAX];

	for (int i = 0; i < BURST; i++) {
		ssize_t n = recv(d->in, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return;
		impair_one(d, cf, rng, buf, (size_t)n, now_ns());
	}
}

static void release_due(struct direction *d, uint64_t now)
{
	const struct wire_frame *f;

	while ((f = wire_queue_due(&d->q, now))) {
		if (send(d->out, f->data, f->len, 0) == (ssize_t)f->len)
			d->forwarded++;
		else
			d->send_failed++; /* the other side's queue was full */
		wire_queue_pop(&d->q);
	}
}

static struct timespec poll_timeout(const struct direction *a, const struct direction *b,
				    uint64_t now)
{
	uint64_t due = wire_queue_next_due(&a->q), t = POLL_MAX_NS;

	if (wire_queue_next_due(&b->q) < due)
		due = wire_queue_next_due(&b->q);
	if (due != UINT64_MAX)
		t = due > now ? (due - now < t ? due - now : t) : 0;
	return (struct timespec){.tv_sec = (time_t)(t / 1000000000ull),
				 .tv_nsec = (long)(t % 1000000000ull)};
}

static void print_counts(const char *from, const char *to, const struct direction *d)
{
	fprintf(stderr,
		"wire-impair: %s->%s received %lu forwarded %lu lost %lu duplicated %lu "
		"corrupted %lu reordered %lu tail_dropped %lu send_failed %lu\n",
		from, to, (unsigned long)d->received, (unsigned long)d->forwarded,
		(unsigned long)d->lost, (unsigned long)d->duplicated, (unsigned long)d->corrupted,
		(unsigned long)d->reordered, (unsigned long)d->tail_dropped,
		(unsigned long)d->send_failed);
}

static void run(struct direction *ab, struct direction *ba, const struct wire_conf *cf)
{
	uint64_t rng = cf->seed | 1;
	uint64_t end = now_ns() + (uint64_t)(cf->duration_s * 1e9);
	struct pollfd pfd[2] = {{.fd = ab->in, .events = POLLIN}, {.fd = ba->in, .events = POLLIN}};

	for (uint64_t now = now_ns(); !stopping && now < end; now = now_ns()) {
		struct timespec ts = poll_timeout(ab, ba, now);
		if (ppoll(pfd, 2, &ts, NULL) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			receive_burst(ab, cf, &rng);
		if (pfd[1].revents & POLLIN)
			receive_burst(ba, cf, &rng);
		now = now_ns();
		release_due(ab, now);
		release_due(ba, now);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: wire-impair IF_A IF_B [--loss PCT] [--duplicate PCT] [--corrupt PCT]\n"
		"         [--delay MS] [--jitter MS] [--reorder PCT] [--reorder-gap MS]\n"
		"         [--rate RATE(bit|kbit|mbit|gbit)] [--limit FRAMES] [--duration S] "
		"[--seed N]\n"
		"         [--lose-fin]\n");
}

/* A number in [lo, hi], whole string; false on anything else. */
static bool parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_rate(const char *s, uint64_t *bps)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {{"bit", 1}, {"kbit", 1e3}, {"mbit", 1e6}, {"gbit", 1e9}};
	char *end;
	double v = strtod(s, &end);

	for (size_t i = 0; end != s && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit) == 0 && v * units[i].mult >= 1000) {
			*bps = (uint64_t)(v * units[i].mult);
			return true;
		}
	}
	return false;
}

static bool parse_pct(const char *s, double *pct) { return parse_num(s, 0, 100, pct); }

static bool parse_ms(const char *s, uint64_t *ns)
{
	double ms;

	if (!parse_num(s, 0, 60000, &ms))
		return false;
	*ns = (uint64_t)(ms * 1e6);
	return true;
}

static const char *option_name(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

/* 0 on success, else the option that was wrong */
static int parse_args(int argc, char **argv, struct wire_conf *cf)
{
	static const struct option opts[] = {
		{"loss", required_argument, NULL, 'l'},	     {"duplicate", required_argument, NULL, 'u'},
		{"corrupt", required_argument, NULL, 'c'},   {"delay", required_argument, NULL, 'D'},
		{"jitter", required_argument, NULL, 'j'},    {"reorder", required_argument, NULL, 'r'},
		{"reorder-gap", required_argument, NULL, 'g'}, {"rate", required_argument, NULL, 'R'},
		{"limit", required_argument, NULL, 'L'},     {"duration", required_argument, NULL, 'd'},
		{"seed", required_argument, NULL, 's'},	     {"lose-fin", no_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	struct wire_faults *f = &cf->faults;
	double v;
	bool ok = true;
	int o;

	while (ok && (o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l': ok = parse_pct(optarg, &f->loss_pct); break;
		case 'u': ok = parse_pct(optarg, &f->duplicate_pct); break;
		case 'c': ok = parse_pct(optarg, &f->corrupt_pct); break;
		case 'r': ok = parse_pct(optarg, &f->reorder_pct); break;
		case 'D': ok = parse_ms(optarg, &f->delay_ns); break;
		case 'j': ok = parse_ms(optarg, &f->jitter_ns); break;
		case 'g': ok = parse_ms(optarg, &f->reorder_gap_ns); break;
		case 'R': ok = parse_rate(optarg, &cf->rate_bps); break;
		case 'L': ok = parse_num(optarg, 1, 1000000, &v) && (cf->limit = (uint32_t)v); break;
		case 'd': ok = parse_num(optarg, 0.001, 86400, &cf->duration_s); break;
		case 's': cf->seed = strtoull(optarg, NULL, 0); break;
		case 'F': f->lose_fin = true; break;
		default: return '?';
		}
		if (!ok) {
			fprintf(stderr, "wire-impair: bad value for --%s: '%s'\n", option_name(opts, o),
				optarg);
			return o;
		}
	}
	return argc - optind == 2 ? 0 : '?';
}

int main(int argc, char **argv)
{
	struct wire_conf cf = {
		.faults.reorder_gap_ns = 2 * 1000 * 1000,
		.limit = 1000,
		.duration_s = 600,
		.seed = 0x853c49e6748fea9bull,
	};

	if (parse_args(argc, argv, &cf)) {
		usage();
		return 2;
	}
	struct direction ab = {.in = open_raw(argv[optind]), .out = open_raw(argv[optind + 1])};
	struct direction ba = {.in = ab.out, .out = ab.in};
	if (ab.in < 0 || ab.out < 0) {
		fprintf(stderr, "wire-impair: cannot open %s and %s: %s\n", argv[optind],
			argv[optind + 1], strerror(errno));
		return 1;
	}
	if (wire_queue_init(&ab.q, cf.limit) || wire_queue_init(&ba.q, cf.limit)) {
		fprintf(stderr, "wire-impair: no memory for %u frames\n", cf.limit);
		return 1;
	}
	ab.link.rate_bps = ba.link.rate_bps = cf.rate_bps;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	run(&ab, &ba, &cf);
	print_counts(argv[optind], argv[optind + 1], &ab);
	print_counts(argv[optind + 1], argv[optind], &ba);
	wire_queue_fini(&ab.q);
	wire_queue_fini(&ba.q);
	return 0;
}
