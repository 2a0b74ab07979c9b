/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wire-impair: forward Ethernet frames between two interfaces, losing and
 * reordering some of them, like tc netem on a wire. The rig's kernel has no
 * qdiscs (CONFIG_NET_SCHED is off), so the rig puts this between the
 * generator and the server when it is asked to impair the path: neither TCP
 * stack knows a frame was lost or held, exactly as with a real lossy link.
 *
 *   wire-impair IF_A IF_B [--loss PCT] [--reorder PCT] [--duration S] [--seed N]
 *
 * Reordering holds a frame and sends it right after the next frame going the
 * same way (or after 5 ms when none comes). Stops after --duration (600 s by
 * default) or on SIGTERM/SIGINT, and prints its counts.
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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 9216
#define HOLD_MS 5

struct direction {
	int in, out;
	uint8_t held[FRAME_MAX];
	ssize_t held_len; /* 0: nothing held */
	uint64_t held_at_ms;
	uint64_t forwarded, dropped, reordered;
};

static volatile sig_atomic_t stopping;
static uint64_t rng_state = 0x853c49e6748fea9bull;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* true with probability pct / 100 */
static bool chance(double pct)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state % 1000000) < pct * 10000.0;
}

static int open_raw(const char *ifname)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	int one = 1;
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
	return fd;
}

static void send_frame(struct direction *d, const uint8_t *buf, ssize_t len)
{
	if (send(d->out, buf, (size_t)len, 0) == len)
		d->forwarded++;
	else
		d->dropped++; /* the other side's queue was full */
}

static void release_held(struct direction *d)
{
	if (d->held_len > 0) {
		send_frame(d, d->held, d->held_len);
		d->held_len = 0;
	}
}

/* Returns false when nothing was waiting. */
static bool forward_one(struct direction *d, double loss, double reorder)
{
	uint8_t buf[FRAME_MAX];
	ssize_t n = recv(d->in, buf, sizeof(buf), MSG_DONTWAIT);

	if (n <= 0)
		return false;
	if (chance(loss)) {
		d->dropped++;
		return true;
	}
	if (d->held_len == 0 && chance(reorder)) {
		memcpy(d->held, buf, (size_t)n);
		d->held_len = n;
		d->held_at_ms = now_ms();
		d->reordered++;
		return true;
	}
	send_frame(d, buf, n);
	release_held(d); /* the held frame goes after this one */
	return true;
}

static void forward_burst(struct direction *d, double loss, double reorder)
{
	for (int i = 0; i < 64 && forward_one(d, loss, reorder); i++)
		;
}

static void usage(void)
{
	fprintf(stderr, "usage: wire-impair IF_A IF_B [--loss PCT] [--reorder PCT] "
			"[--duration S] [--seed N]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"loss", required_argument, NULL, 'l'},   {"reorder", required_argument, NULL, 'r'},
		{"duration", required_argument, NULL, 'd'}, {"seed", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	double loss = 0, reorder = 0, duration = 600;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l': loss = atof(optarg); break;
		case 'r': reorder = atof(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 's': rng_state = strtoull(optarg, NULL, 0) | 1; break;
		default: usage(); return 2;
		}
	}
	if (argc - optind != 2 || loss < 0 || loss > 100 || reorder < 0 || reorder > 100) {
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
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	uint64_t end = now_ms() + (uint64_t)(duration * 1000);
	struct pollfd pfd[2] = {{.fd = ab.in, .events = POLLIN}, {.fd = ba.in, .events = POLLIN}};
	while (!stopping && now_ms() < end) {
		if (poll(pfd, 2, HOLD_MS) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			forward_burst(&ab, loss, reorder);
		if (pfd[1].revents & POLLIN)
			forward_burst(&ba, loss, reorder);
		uint64_t t = now_ms();
		if (ab.held_len && t - ab.held_at_ms >= HOLD_MS)
			release_held(&ab);
		if (ba.held_len && t - ba.held_at_ms >= HOLD_MS)
			release_held(&ba);
	}
	fprintf(stderr, "wire-impair: %s->%s forwarded %lu dropped %lu reordered %lu; "
			"%s->%s forwarded %lu dropped %lu reordered %lu\n",
		argv[optind], argv[optind + 1], (unsigned long)ab.forwarded,
		(unsigned long)ab.dropped, (unsigned long)ab.reordered, argv[optind + 1],
		argv[optind], (unsigned long)ba.forwarded, (unsigned long)ba.dropped,
		(unsigned long)ba.reordered);
	return 0;
}
