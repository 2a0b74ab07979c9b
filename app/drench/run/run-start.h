/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A synchronized start: shards launched by an engine (a Job, a playbook) all
 * wait for one wall-clock time, so their phases line up. drench coordinates
 * nothing: each shard trusts its clock (NTP), and says how far off it may be
 * and how late it began, so a merge can tell whether the phases overlapped.
 */
#pragma once

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>

struct run_start {
	double asked;      /* unix seconds; 0: no --start-at */
	double began;      /* when the wait ended */
	bool clock_synced; /* the kernel's NTP discipline says the clock is synchronized */
	double est_error_s, max_error_s; /* its estimate and bound of the clock's error */
};

/** Sleep until `at` (unix seconds, 0: return at once) or until *stop is set;
 * fills out. 0, or -EINTR when stopped, or -ETIME when `at` had passed
 * (began then says how late). */
int run_start_wait(double at, volatile sig_atomic_t *stop, struct run_start *out);

/** {"asked", "began", "late_s", "clock": {"synchronized", "est_error_s",
 * "max_error_s"}}, or NULL when no start time was asked. */
json_t *run_start_json(const struct run_start *s);
