/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `telemetry:` section of a campaign (docs/campaign-telemetry.md): where
 * the collector listens, the agents' key, the detector's parameters and the
 * targets to watch. Types and defaults only, so lib/config can fill it
 * without linking lib/telemetry: config/section-telemetry.h parses, resets
 * and frees it (its strings are malloc'd).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detector-t.h"

#define TELEMETRY_DEFAULT_LISTEN "127.0.0.1:7411"
#define TELEMETRY_DEFAULT_PORT 7411

/* How an agent finds the process(es) of a target. */
enum telemetry_watch {
	TELEMETRY_WATCH_PID,	 /* a fixed pid */
	TELEMETRY_WATCH_PROCESS, /* a process name (comm), re-resolved after restarts */
	TELEMETRY_WATCH_CGROUP,	 /* a cgroup v2 directory: memory.current, and its first pid */
};

struct telemetry_target {
	char *name;
	char *agent; /* id of the agent that watches it */
	enum telemetry_watch watch;
	int pid;	   /* TELEMETRY_WATCH_PID */
	char *process;	   /* TELEMETRY_WATCH_PROCESS */
	char *cgroup;	   /* TELEMETRY_WATCH_CGROUP, or alongside the others */
	char *metrics_url; /* Prometheus text endpoint, NULL if none */
	char *pprof_url;   /* base of /debug/pprof, NULL if none */
	char **metrics;	   /* extra Prometheus series to sample */
	size_t n_metrics;
	char **judge; /* metrics that decide the verdict; none: defaults */
	size_t n_judge;
	char *requests_metric; /* counter of requests served, for bytes/request */
	char *endpoint;	       /* drench run: request name whose counts feed it */
	uint64_t memory_limit; /* bytes; 0: the section's */
};

struct telemetry_config {
	char *listen;	       /* "address:port" the collector binds */
	char *key_file;	       /* master key: agent keys are derived from it */
	char *agent_key_dir;   /* or NULL; else DIR/ID.key holds each agent's key */
	uint64_t interval_us;  /* agents' sampling interval */
	uint32_t agent_buffer; /* samples an agent keeps while disconnected */
	uint64_t duration_us;  /* drench monitor: how long to watch; 0 = until signal */
	uint64_t memory_limit; /* bytes, for time-to-limit; 0 = none */
	bool profiles;	       /* capture pprof heap/goroutine profiles */
	bool forced_gc;	       /* checkpoints through /debug/pprof/heap?gc=1 (Go targets with pprof) */
	uint64_t gc_probe_us;  /* GC probes of heaps whose GC goal is pinned; 0 = none */
	bool allow_insufficient; /* an insufficient judged target does not fail the gate */
	bool encrypt;	       /* agents must encrypt the link (HELLO "encrypt") */
	struct detector_params detector;
	struct telemetry_target *targets;
	size_t n_targets;
};

/* Detector defaults (docs/leak-detection.md). */
static inline void telemetry_detector_defaults(struct detector_params *p)
{
	*p = (struct detector_params){
		.warmup_s = 30,
		.floor_window_s = 10,
		.min_window_s = 60,
		.min_points = 8,
		.max_points = 256,
		.alpha = 0.01,
		.suspect_alpha = 0.05,
		.noise_floor = 0.05,
		.persist_ratio = 0.3,
		.spike_k = 2.0,
		.spike_window = 60,
		.recovery_s = 30,
		.recovery_ratio = 0.5,
		.min_gc_cycles = 3,
		.load_idle_s = 5,
		.leak_confirm = 3,
		.min_exact_points = 4,
		.recovery_gcs = 2,
	};
}

/* Metrics that decide a Go target's verdict when `judge` is not given. */
#define TELEMETRY_GO_JUDGED TELEMETRY_LIVE_HEAP, "go_goroutines"
/* The live heap after each GC, derived by the collector (docs/leak-detection.md). */
#define TELEMETRY_LIVE_HEAP "go_heap_live_bytes"
/* Judged instead when the live heap cannot be derived (no next_gc, or the
 * heap is below Go's minimum GC goal so next_gc is pinned). */
#define TELEMETRY_GO_FALLBACK "go_memstats_heap_inuse_bytes"
/* ... and a target without a metrics endpoint's. */
#define TELEMETRY_PROC_JUDGED "pss_bytes", "anon_bytes", "fds"
