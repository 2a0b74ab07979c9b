/* SPDX-License-Identifier: BSD-3-Clause */
/* Collector state shared by collector*.c; not part of the API. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "telemetry/collector.h"
#include "telemetry/detector.h"

#define COLLECTOR_MAX_CONNS 32
#define COLLECTOR_MAX_AGENTS 64
#define COLLECTOR_HELLO_TIMEOUT_S 5.0
#define COLLECTOR_TX_CAP (1u << 20)
#define COLLECTOR_MAX_PROFILES 16
#define COLLECTOR_MAX_PROFILE_BYTES (64u << 20)

struct conn {
	int fd;
	char peer[64];
	double opened;
	uint8_t nonce[TP_NONCE_LEN];
	int agent; /* index in agents[], -1 before HELLO */
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
	uint64_t last_seq; /* highest sample seq accepted (contiguous or after a gap) */
	uint64_t dropped;  /* as the agent last reported */
	int conn;	   /* index in conns[], -1 when disconnected */
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
};

struct collector {
	const struct telemetry_config *cfg;
	struct tp_key key;
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
};

double collector_now(void);
void collector_target_restarted(struct collector *c, struct target_state *t, int old_pid,
				int new_pid);
void collector_conn_close(struct collector *c, int i, const char *why);
int collector_conn_send(struct collector *c, int i, enum tp_type type, uint64_t seq,
			const void *payload, size_t len);
int collector_conn_send_json(struct collector *c, int i, enum tp_type type, json_t *obj);

/* collector-frames.c */
void collector_handle_frame(struct collector *c, int i, const struct tp_frame *f);
void collector_send_acks(struct collector *c);
struct target_state *collector_target(struct collector *c, const char *name);
void collector_ask_profile(struct collector *c, struct target_state *t, const char *tag);

/* collector-report.c */
void collector_live_lines(struct collector *c);
