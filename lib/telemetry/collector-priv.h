/* SPDX-License-Identifier: BSD-3-Clause */
/* Collector state shared by collector*.c; not part of the API. */
#pragma once

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "collector.h"
#include "detector.h"
#include "session.h"

#define COLLECTOR_MAX_AGENTS 64
/* Connections that have not authenticated yet get slots of their own, so a
 * flood of idle sockets can neither take an agent's slot nor keep a new
 * agent out: past these bounds the oldest unauthenticated socket goes. */
#define COLLECTOR_UNAUTH_SLOTS 16
#define COLLECTOR_UNAUTH_PER_SOURCE 8
#define COLLECTOR_MAX_CONNS (COLLECTOR_MAX_AGENTS + COLLECTOR_UNAUTH_SLOTS)
#define COLLECTOR_HELLO_TIMEOUT_S 1.0
#define COLLECTOR_TX_CAP (1u << 20)
#define COLLECTOR_MAX_PROFILES 128
#define COLLECTOR_MAX_PROFILE_BYTES (64u << 20)
/* what one agent may write under profiles/ in a run, every file counted */
#define COLLECTOR_AGENT_PROFILE_FILES 1024
#define COLLECTOR_AGENT_PROFILE_BYTES (512ull << 20)
#define COLLECTOR_MAX_GRANTS 128
#define COLLECTOR_GRANT_FILES 3 /* heap, goroutine, goroutine text */
#define COLLECTOR_NAME_MAX 200

struct conn {
	int fd;
	char peer[64];
	uint32_t src;  /* IPv4 source address, for the per-source bound */
	double opened; /* monotonic */
	uint8_t nonce[TP_NONCE_LEN];
	struct tp_session s; /* keys and counters, valid once agent >= 0 */
	int agent;	     /* index in agents[], -1 before an authenticated HELLO */
	uint8_t *rx;
	size_t rx_len;
	uint8_t *tx;
	size_t tx_len;
	bool closing;
	bool got_samples; /* since the last ACK */
};

struct agent_state {
	char *id;
	char *boot;
	uint64_t last_seq;	/* highest sample seq accepted (contiguous or after a gap) */
	uint64_t dropped;	/* as the agent last reported */
	int conn;		/* index in conns[], -1 when disconnected */
	unsigned profile_files; /* created under profiles/, verified or not */
	uint64_t profile_bytes; /* written under profiles/ */
	double last_t;		/* latest sample time, on the re-timed line */
	double clock_offset;	/* added to its host's times since its clock stepped back */
};

struct target_state {
	const struct telemetry_target *cfg;
	struct detector *det;
	int agent; /* -1 until its agent says hello */
	double first_t, last_t;
	uint64_t samples;
	int pid;
	unsigned restarts;
	bool baseline_asked, leak_asked;
	enum leak_verdict verdict;
	bool leaked_before_restart; /* latched: a leak verdict, then the pid changed */
	double leak_since;	    /* sample time of the current leak verdict, NAN */
	char *profiles[COLLECTOR_MAX_PROFILES];
	size_t n_profiles;
	json_t *last_m; /* last sample's metrics, for the live line */
	json_t *phases; /* collector_judge_phase() results, for the report */
	double last_gc;		 /* go_memstats_last_gc_time_seconds last seen; NAN */
	const char *live_source; /* how the live heap is derived, NULL if it is not */
	unsigned long live_gcs, pinned_gcs; /* GCs that gave a live point / had next_gc pinned */
	bool live_fallback;	 /* judged on heap_inuse minima instead of the live heap */
	unsigned checkpoints;	 /* forced-GC checkpoints asked */
	bool goal_pinned;	 /* the last GC seen had next_gc at Go's minimum goal */
	double live_point_ts;	 /* sample time of the last live-heap point; NAN */
	double sample_ts;	 /* sample time of the last sample with Go metrics; NAN */
	double next_probe;	 /* collector_mono() time of the next GC probe */
	unsigned long probes_asked, probe_points; /* GC probes sent / readings received */
	double probe_alloc;	 /* bytes the GC probes allocated in the target so far */
	bool after_capture;	 /* the last sample followed a profile capture */
	double clock_offset;	 /* its agent's, for the host times in its metrics */
};

/* A file a grant created; fd >= 0 while chunks still come. */
struct grant_file {
	char name[COLLECTOR_NAME_MAX];
	int fd;
	uint64_t size, written;
	crypto_hash_sha256_state hash;
};

/* Permission, issued with a PROFILE_REQ, to write one capture's files. */
struct grant {
	uint32_t id; /* 0: free */
	struct target_state *target;
	char tag[80];
	unsigned retries;
	struct grant_file files[COLLECTOR_GRANT_FILES];
};

struct collector {
	const struct telemetry_config *cfg;
	uint8_t master[TP_KEY_LEN];
	struct collector_options opts;
	FILE *log;
	int lfd;
	uint16_t port;
	struct conn conns[COLLECTOR_MAX_CONNS];
	struct agent_state agents[COLLECTOR_MAX_AGENTS];
	size_t n_agents;
	struct target_state *targets;
	size_t n_targets;
	FILE *samples_out;
	double next_eval;
	double started;
	struct collector_stats st;
	unsigned long checkpoint_samples; /* samples flagged with a checkpoint tag */
	int profiles_fd; /* OUTDIR/profiles, 0700 */
	struct grant grants[COLLECTOR_MAX_GRANTS];
	uint32_t last_grant;
};

double collector_now(void);
double collector_mono(void);
void collector_target_restarted(struct collector *c, struct target_state *t, int old_pid,
				int new_pid);
void collector_conn_close(struct collector *c, int i, const char *why);
int collector_conn_send(struct collector *c, int i, enum tp_type type, const void *payload,
			size_t len);
int collector_conn_send_json(struct collector *c, int i, enum tp_type type, json_t *obj);

/* collector-hello.c */
int collector_hello(struct collector *c, int i, const uint8_t *buf, const struct tp_frame *f);

/* collector-frames.c */
void collector_handle_frame(struct collector *c, int i, const struct tp_frame *f);
void collector_bind_agent(struct collector *c, int i, const char *id, const char *boot,
			  json_t *hello);
void collector_send_acks(struct collector *c);
struct target_state *collector_target(struct collector *c, const char *name);
/* the agent's index, added when new; -ENOSPC, -ENOMEM */
int collector_agent_index(struct collector *c, const char *id);
bool collector_take_sample(struct collector *c, struct agent_state *a, struct target_state *t,
			   uint64_t n, json_t *msg);
bool collector_ask_profile(struct collector *c, struct target_state *t, const char *tag);
bool collector_ask_gc_probe(struct collector *c, struct target_state *t);
#define COLLECTOR_PROBE_SOURCE                                                                   \
	"GC probes: HeapAlloc right after a forced GC (pprof heap?gc=1&debug=1), while "         \
	"next_gc is pinned at Go's minimum goal"

/* collector-live.c */
bool collector_live_metric(const char *name);
void collector_live_heap(struct target_state *t, double ts, json_t *m, const char *checkpoint);
void collector_gc_probes(struct collector *c, double now);
void collector_choose_judged(const struct collector *c, struct target_state *t);
const char *collector_live_note(const struct target_state *t);

/* collector-profiles.c */
int collector_profiles_open(struct collector *c);
void collector_grants_free(struct collector *c);
uint32_t collector_grant_open(struct collector *c, struct target_state *t, const char *tag);
void collector_on_chunk(struct collector *c, int i, const struct tp_frame *f);

/* collector-report.c */
void collector_live_lines(struct collector *c);
