/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which servers stopped answering, judged once a second by the main lcore
 * from each server's counters: a server that answered before is silent
 * once TARGET_WATCH_QUIET_S seconds in a row brought it no response while
 * the client kept trying it (requests sent, connections opened, or errors).
 * It answers again at its first response. Each silence is kept, from and
 * to, for the report; the others' load goes on meanwhile (client-route.c).
 * DPDK-free, so a unit test feeds it counters.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client-t.h"

#define TARGET_WATCH_QUIET_S 2
#define TARGET_WATCH_SPELLS 8 /* silences kept per server */

struct target_spell {
	double from, to; /* seconds since the start; to < 0: to the end */
};

struct target_watch_one {
	struct client_target_counters last;
	unsigned quiet_s;      /* seconds in a row without a response, tried */
	bool answered, silent; /* it answered once; it is silent now */
	struct target_spell spells[TARGET_WATCH_SPELLS];
	unsigned n_spells;     /* may exceed TARGET_WATCH_SPELLS: those are counted only */
};

struct target_watch {
	struct target_watch_one t[CLIENT_MAX_DESTS];
	uint8_t n;
};

enum target_watch_event { TARGET_WATCH_NONE, TARGET_WATCH_SILENT, TARGET_WATCH_BACK };

void target_watch_init(struct target_watch *w, uint8_t n);

/** Server d's counters now, t seconds since the start, one second after the
 * last call; returns what changed. */
enum target_watch_event target_watch_step(struct target_watch *w, uint8_t d,
					  const struct client_target_counters *now, double t);

/** The console line for an event of server name (nothing for NONE). */
void target_watch_say(FILE *f, enum target_watch_event ev, const char *name, double t,
		      const struct target_watch_one *o, const struct client_target_counters *now);
