/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry collector: accepts agents over TCP (docs/agent-protocol.md),
 * feeds their samples to one leak detector per target, asks for profiles at
 * the end of warm-up and on a target's first leak verdict, and fills
 * report.json. It owns no thread and no main(): the caller drives it with
 * collector_poll(), which waits on its sockets (poll(2)), never spins.
 *
 *   struct collector *c = collector_create(&cfg, &key, &opts);
 *   while (running)
 *           collector_poll(c, 200);
 *   collector_report_targets(c, report);
 *   collector_destroy(c);
 */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "detector-t.h"
#include "proto-t.h"
#include "telemetry-config.h"

struct collector;

struct collector_options {
	const char *outdir; /* samples.jsonl and profiles/ go here; must exist */
	FILE *live;	    /* a live line per target per interval; NULL: none */
	FILE *log;	    /* rejections, connections, profiles; NULL: stderr */
	bool replay;	    /* no listener and no samples.jsonl, key may be NULL:
			     * collector_replay() feeds recorded samples */
};

/* Counters since creation (also written to report.json "telemetry"). */
struct collector_stats {
	uint64_t connections;	     /* accepted */
	uint64_t frames;	     /* authenticated frames handled */
	uint64_t samples;	     /* new samples fed to detectors */
	uint64_t duplicates;	     /* samples already seen (resent), dropped */
	uint64_t lost;		     /* gaps in sample sequence numbers */
	uint64_t agent_dropped;	     /* samples agents report they discarded (buffer full) */
	uint64_t rejected_auth;	     /* frames whose tag did not verify */
	uint64_t rejected_malformed; /* bad header, JSON or protocol order */
	uint64_t rejected_oversize;  /* declared payload above TP_MAX_PAYLOAD */
	uint64_t rejected_conns;     /* connections evicted (too many) or timed out before HELLO */
	uint64_t rejected_replay;    /* authenticated frames out of sequence (replayed, dropped) */
	uint64_t rejected_values;    /* samples with a time or value out of range */
	uint64_t clock_steps;	     /* an agent's clock stepped back: its samples re-timed */
	uint64_t profiles;	     /* profile files received and verified */
};

/** Listen on cfg->listen. cfg must outlive the collector. NULL with errno
 * (EINVAL bad address or config, EADDRINUSE, ENOMEM, ...). */
struct collector *collector_create(const struct telemetry_config *cfg, const struct tp_key *key,
				   const struct collector_options *opts);
void collector_destroy(struct collector *c);

/** Port actually bound (for "127.0.0.1:0" in tests). */
uint16_t collector_port(const struct collector *c);

/** Wait up to timeout_ms for socket activity, handle it, and evaluate the
 * detectors when an interval has passed. 0 or a negative errno on a fault of
 * the listening socket (agent faults are counted, never returned). */
int collector_poll(struct collector *c, int timeout_ms);

/** Requests sent so far (a running total) to endpoint, by drench run; the
 * targets whose `endpoint` names it use it for bytes per request and (unless
 * collector_note_load() is used) to know when load stops. endpoint NULL: the
 * total of all requests, for the targets that name no endpoint. */
void collector_note_requests(struct collector *c, uint64_t total, const char *endpoint);

/** Say that load runs or stopped for every target (recovery check). */
void collector_note_load(struct collector *c, bool active);

/** A phase of the campaign is over: judge each target's deciding metrics
 * on the samples taken in [start, end] (unix seconds) alone, and keep the
 * result as report targets[].phases[] {name, verdict, metrics[]}. With one
 * endpoint per phase (a bisection campaign) this names the endpoint that
 * leaks. 0 or -ENOMEM. */
int collector_judge_phase(struct collector *c, const char *name, double start, double end);

/** Returns how many targets were asked. Ask every target's agent for a checkpoint named tag ("phase-NAME",
 * "idle"): heap and goroutine profiles, through /debug/pprof/heap?gc=1 when
 * `forced_gc` is on, so the sample that follows gives an exact live heap. */
size_t collector_checkpoint(struct collector *c, const char *tag);

/** Samples received so far that follow a checkpoint (to wait for one). */
unsigned long collector_checkpoint_samples(const struct collector *c);

/** Oldest "last sample time" over the targets that have samples (unix
 * seconds); NAN if none has. drench run waits on it to judge recovery. */
double collector_samples_until(const struct collector *c);

/** Targets with samples whose configured `judge:` names a series that was
 * never sampled: each is printed to f as "target: metric"; returns how many. */
size_t collector_missing_judged(const struct collector *c, FILE *f);

/** Exit decision: leak fails; insufficient fails unless the campaign allows it. */
bool collector_gate_passes(const struct collector *c);

/** Evaluate every detector now (also done by collector_poll each interval). */
void collector_evaluate(struct collector *c);

/** Worst verdict over targets (LEAK > SUSPECT > INSUFFICIENT > OK). */
enum leak_verdict collector_verdict(const struct collector *c);

/** Seconds from a target's first sample to its current leak verdict; NAN
 * when it has none. */
double collector_leak_after(const struct collector *c, const char *target);

/** Append one object per target to report["targets"] (report.h schema 1,
 * plus evidence fields) and a "telemetry" object with the counters.
 * 0 or -ENOMEM. */
int collector_report_targets(struct collector *c, json_t *report);

const struct collector_stats *collector_stats(const struct collector *c);

/** Feed a recorded samples.jsonl (as collector_create's outdir received it)
 * to a collector created with opts.replay, in the file's order, evaluating
 * and printing live lines each `interval` of sample time, as the live
 * collector did each interval of its clock. Lines that are not samples
 * (events) are skipped. Returns the samples fed, or -EINVAL with the
 * offending line number in *bad_line (a line that is no JSON object, or a
 * sample without agent, target or metrics), or -errno of a read. */
long collector_replay(struct collector *c, FILE *in, unsigned long *bad_line);
