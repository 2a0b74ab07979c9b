/* SPDX-License-Identifier: BSD-3-Clause */
/* drench-agent state shared by its files. */
#pragma once

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto-t.h"
#include "session.h"

#define AGENT_MAX_TARGETS 32
#define AGENT_MAX_METRICS 32

struct agent_target {
	char *name;
	int pid;       /* fixed pid, or the one last resolved */
	char *process; /* re-resolve by name when set */
	char *cgroup;  /* configured cgroup dir, or NULL (derived from the pid) */
	char *metrics_url, *pprof_url;
	char *metrics[AGENT_MAX_METRICS];
	size_t n_metrics;
	unsigned restarts;
	bool gone_reported;
	CURL *curl;
};

/* A sample or event waiting for the collector's ACK (one numbering). */
struct pending {
	uint64_t seq;
	enum tp_type type;
	char *payload;
};

#define AGENT_MAX_PROFILES 96 /* captures kept until the collector confirms them */

/* A captured profile file, resent whole after each reconnect until the
 * collector's ACK names it (chunks in flight when a link is cut are lost). */
struct profile_out {
	bool used, sent;
	uint32_t grant;
	int fd;
	uint64_t size, off;
	char target[TP_MAX_ID_LEN + 1];
	char file[256];
	char sha[65];
};

enum link_state {
	LINK_DOWN,	 /* retry at retry_at */
	LINK_CONNECTING, /* TCP connect in progress */
	LINK_CHALLENGED, /* connected, waiting for the CHALLENGE (until retry_at) */
	LINK_HELLO_SENT, /* waiting for CONFIG, the collector's proof of the key */
	LINK_READY,	 /* the collector authenticated: samples flow */
};

struct agent {
	/* command line */
	char *collector_host;
	uint16_t collector_port;
	uint8_t key[TP_KEY_LEN]; /* this agent's own key */
	char *id;
	char *profile_dir;
	int profile_dirfd; /* private (ours, 0700), opened without following links */
	struct profile_out profiles[AGENT_MAX_PROFILES];
	uint64_t profiles_dropped;
	uint64_t probes_failed; /* GC probes without a HeapAlloc reading */
	char boot[33];
	unsigned interval_ms;
	size_t buffer_cap;
	bool buffer_from_cli; /* --buffer given: the campaign's agent_buffer does not apply */
	double run_for_s;     /* 0: forever */
	bool encrypt;	      /* --encrypt: ask for an encrypted link */
	/* targets from the collector's CONFIG */
	char *config_text;
	struct agent_target targets[AGENT_MAX_TARGETS];
	size_t n_targets;
	/* ring of unacknowledged samples */
	struct pending *ring;
	size_t ring_head, ring_len;
	uint64_t next_seq;
	uint64_t acked;
	uint64_t sent_upto; /* highest seq written on this connection */
	uint64_t dropped;
	/* connection */
	enum link_state link;
	int fd;
	double retry_at;
	uint8_t nc[TP_NONCE_LEN], na[TP_NONCE_LEN]; /* collector's and our nonce */
	struct tp_session s;
	uint8_t *rx, *tx;
	size_t rx_len, tx_len;
};

double agent_now(void);	 /* monotonic: schedules and deadlines */
double agent_wall(void); /* wall clock: sample times */

/* link.c */
int link_init(struct agent *a);
void link_free(struct agent *a);
void link_tick(struct agent *a, double now);
int link_pollfd(const struct agent *a, short *events);
void link_io(struct agent *a, short revents);
void link_flush_ring(struct agent *a);
int link_send(struct agent *a, enum tp_type type, const void *payload, size_t len);
void link_on_frame(struct agent *a, const struct tp_frame *f);
void ring_ack(struct agent *a, uint64_t upto);
void ring_push(struct agent *a, enum tp_type type, char *payload);
int ring_resize(struct agent *a, size_t cap);

/* sample.c */
void targets_sample(struct agent *a);
int targets_configure(struct agent *a, const char *text, size_t len);
void targets_sample_checkpoint(struct agent *a, struct agent_target *t, const char *tag);
/* Adds to a sample's metrics m; false: nothing added. */
typedef bool (*sample_probe_fn)(struct agent *a, struct agent_target *t, json_t *m);
void targets_sample_probe(struct agent *a, struct agent_target *t, const char *tag,
			  sample_probe_fn probe);

/* profiles.c */
int profile_dir_open(struct agent *a);
void targets_profile(struct agent *a, const char *target, const char *tag, uint32_t grant,
		     uint32_t flags);
/* What a GC probe reads from pprof's debug=1 heap text: HeapAlloc and
 * TotalAlloc of the MemStats block, NAN where absent. */
struct probe_reading {
	double heap_alloc, total_alloc;
};
struct probe_reading agent_probe_parse(const char *text, size_t len);
void profiles_pump(struct agent *a);
void profiles_rewind(struct agent *a);
void profiles_confirmed(struct agent *a, const char *file);
void profiles_free(struct agent *a);
void targets_free(struct agent *a);
void agent_curl_restrict(CURL *h);
void agent_event(struct agent *a, const char *target, const char *event, const char *detail);
