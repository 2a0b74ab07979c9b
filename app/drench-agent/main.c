/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drench-agent: runs beside the servers under test, samples their memory
 * every interval and streams the samples to drench's collector, which tells
 * it what to watch (docs/agent-protocol.md).
 *
 *   drench-agent --collector HOST:PORT --key-file FILE --id NAME
 *                [--buffer N] [--profile-dir DIR] [--run-for SECONDS]
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "proto.h"
#include "session.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An NTP step of the wall clock must not stop the schedule or the retries. */
double agent_now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

double agent_wall(void)
{
	return clock_s(CLOCK_REALTIME);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: drench-agent --collector HOST:PORT --key-file FILE --id NAME\n"
		"                    [--buffer SAMPLES] [--profile-dir DIR] [--run-for SECONDS]\n"
		"                    [--encrypt]\n"
		"       drench-agent --derive-key --key-file MASTER --id NAME > NAME.key\n"
		"  --key-file     this agent's key (64 hex digits), as --derive-key prints it\n"
		"                 from the campaign's master key_file\n"
		"  --buffer       samples kept while the collector is unreachable (default: the\n"
		"                 campaign's telemetry.agent_buffer; 3600 until it is known)\n"
		"  --profile-dir  where pprof captures are written, a directory of ours with mode\n"
		"                 0700 (created so; default $XDG_RUNTIME_DIR/drench-agent, else\n"
		"                 $HOME/.drench-agent)\n"
		"  --encrypt      encrypt the link (the campaign must say telemetry.encrypt: "
		"true)\n"
		"  --run-for      exit after this many seconds (default: until SIGINT/SIGTERM)\n");
}

/* --derive-key: print this id's key, derived from the master key file, as
 * the collector derives it. Exit code: 0, or 2 for a bad id or key file. */
static int derive_key(const char *master_file, const char *id)
{
	struct tp_key file;
	uint8_t master[TP_KEY_LEN], key[TP_KEY_LEN];
	char hex[2 * TP_KEY_LEN + 1];
	int rc = tp_key_load(master_file, &file);

	if (rc < 0 || sodium_init() < 0) {
		fprintf(stderr, "drench-agent: master key file %s: %s\n", master_file,
			rc == -EINVAL ? "must hold 16 to 256 bytes" : strerror(-rc));
		return 2;
	}
	tp_master_key(&file, master);
	rc = tp_agent_key(master, id, key);
	if (rc == 0) {
		sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
		printf("%s\n", hex);
	} else {
		fprintf(stderr, "drench-agent: bad --id %s\n", id);
	}
	sodium_memzero(&file, sizeof(file));
	sodium_memzero(master, sizeof(master));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return rc == 0 ? 0 : 2;
}

/* Per user and outside /tmp, where another local user could plant it first. */
static int default_profile_dir(struct agent *a)
{
	static char path[4096];
	const char *run = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");

	if (run && run[0] == '/')
		snprintf(path, sizeof(path), "%s/drench-agent", run);
	else if (home && home[0] == '/')
		snprintf(path, sizeof(path), "%s/.drench-agent", home);
	else
		return -ENOENT;
	a->profile_dir = path;
	return 0;
}

static int parse_hostport(struct agent *a, const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || colon == s)
		return -EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port <= 0 || port > 65535)
		return -EINVAL;
	a->collector_host = strndup(s, (size_t)(colon - s));
	a->collector_port = (uint16_t)port;
	return 0;
}

static int parse_args(struct agent *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"collector", required_argument, NULL, 'c'},
		{"key-file", required_argument, NULL, 'k'},
		{"id", required_argument, NULL, 'i'},
		{"buffer", required_argument, NULL, 'b'},
		{"profile-dir", required_argument, NULL, 'p'},
		{"run-for", required_argument, NULL, 'r'},
		{"derive-key", no_argument, NULL, 'd'},
		{"encrypt", no_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *key_file = NULL;
	bool derive = false;
	int o, rc;

	a->buffer_cap = 3600;
	a->interval_ms = 1000;
	while ((o = getopt_long(argc, argv, "c:k:i:b:p:r:deh", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			derive = true;
			break;
		case 'e':
			a->encrypt = true;
			break;
		case 'c':
			if (parse_hostport(a, optarg) < 0) {
				fprintf(stderr, "drench-agent: bad --collector %s (HOST:PORT)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'i':
			a->id = optarg;
			break;
		case 'b':
			a->buffer_cap = strtoul(optarg, NULL, 10);
			a->buffer_from_cli = true;
			break;
		case 'p':
			a->profile_dir = optarg;
			break;
		case 'r':
			a->run_for_s = strtod(optarg, NULL);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (derive && key_file && a->id && optind == argc)
		exit(derive_key(key_file, a->id));
	if (a->collector_host == NULL || key_file == NULL || a->id == NULL || a->buffer_cap == 0 ||
	    optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (a->profile_dir == NULL && default_profile_dir(a) < 0) {
		fprintf(stderr, "drench-agent: no $XDG_RUNTIME_DIR or $HOME: give --profile-dir\n");
		return -EINVAL;
	}
	if (!tp_id_valid(a->id)) {
		fprintf(stderr, "drench-agent: bad --id (1 to %d of A-Z a-z 0-9 . - _)\n",
			TP_MAX_ID_LEN);
		return -EINVAL;
	}
	rc = tp_agent_key_load(key_file, a->key);
	if (rc < 0) {
		fprintf(stderr, "drench-agent: key file %s: %s\n", key_file,
			rc == -EINVAL ? "must hold this agent's key, 64 hex digits "
					"(drench-agent --derive-key)"
				      : strerror(-rc));
		return rc;
	}
	return 0;
}

static void run(struct agent *a)
{
	double start = agent_now(), next = start;

	while (!stop && (a->run_for_s <= 0 || agent_now() - start < a->run_for_s)) {
		double now = agent_now();
		struct pollfd p = {.fd = -1};
		int wait_ms;

		if (now >= next) {
			targets_sample(a);
			/* stay on the grid; skip beats lost to a stall */
			next += a->interval_ms / 1000.0 *
				(1 + floor((now - next) * 1000 / a->interval_ms));
		}
		link_tick(a, now);
		p.fd = link_pollfd(a, &p.events);
		wait_ms = (int)ceil((next - agent_now()) * 1000);
		if (a->link == LINK_DOWN && a->retry_at - now < wait_ms / 1000.0)
			wait_ms = (int)ceil((a->retry_at - now) * 1000);
		if (poll(&p, p.fd >= 0, wait_ms > 0 ? wait_ms : 0) > 0)
			link_io(a, p.revents);
	}
}

int main(int argc, char **argv)
{
	struct agent a = {0};
	uint8_t boot[16];

	a.profile_dirfd = -1;
	if (parse_args(&a, argc, argv) < 0 || profile_dir_open(&a) < 0)
		return 2;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    link_init(&a) < 0) {
		fprintf(stderr, "drench-agent: cannot initialise\n");
		return 3;
	}
	randombytes_buf(boot, sizeof(boot));
	sodium_bin2hex(a.boot, sizeof(a.boot), boot, sizeof(boot));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "drench-agent: %s (boot %s) -> %s:%u, buffer %zu samples\n", a.id, a.boot,
		a.collector_host, a.collector_port, a.buffer_cap);
	run(&a);
	fprintf(stderr,
		"drench-agent: stopping: %llu samples taken, %zu unacknowledged, %llu dropped\n",
		(unsigned long long)(a.next_seq - 1), a.ring_len, (unsigned long long)a.dropped);
	targets_free(&a);
	profiles_free(&a);
	link_free(&a);
	free(a.collector_host);
	curl_global_cleanup();
	return 0;
}
