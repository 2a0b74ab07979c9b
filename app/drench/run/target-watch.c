/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "target-watch.h"

void target_watch_init(struct target_watch *w, uint8_t n)
{
	memset(w, 0, sizeof(*w));
	w->n = n;
}

static uint64_t responses(const struct client_target_counters *c)
{
	uint64_t n = 0;

	for (int i = 0; i < CLIENT_CLASS_COUNT; i++)
		n += c->responses[i];
	return n;
}

static uint64_t errors(const struct client_target_counters *c)
{
	return c->err_connect + c->err_timeout + c->err_reset + c->err_parse;
}

/* The client asked something of the server in the last second. */
static bool tried(const struct client_target_counters *a, const struct client_target_counters *b)
{
	return b->requests != a->requests || b->conn_opened != a->conn_opened ||
	       errors(b) != errors(a);
}

enum target_watch_event target_watch_step(struct target_watch *w, uint8_t d,
					  const struct client_target_counters *now, double t)
{
	struct target_watch_one *o = &w->t[d];
	bool answered = responses(now) != responses(&o->last);
	bool asked = tried(&o->last, now);
	enum target_watch_event ev = TARGET_WATCH_NONE;

	if (answered) {
		o->quiet_s = 0;
		if (o->silent) {
			o->silent = false;
			if (o->n_spells <= TARGET_WATCH_SPELLS)
				o->spells[o->n_spells - 1].to = t;
			ev = TARGET_WATCH_BACK;
		}
		o->answered = true;
	} else if (asked && o->answered && !o->silent &&
		   ++o->quiet_s >= TARGET_WATCH_QUIET_S) {
		o->silent = true;
		if (o->n_spells < TARGET_WATCH_SPELLS)
			o->spells[o->n_spells] = (struct target_spell){
				.from = t - TARGET_WATCH_QUIET_S, .to = -1};
		o->n_spells++;
		ev = TARGET_WATCH_SILENT;
	}
	o->last = *now;
	return ev;
}

void target_watch_say(FILE *f, enum target_watch_event ev, const char *name, double t,
		      const struct target_watch_one *o, const struct client_target_counters *now)
{
	(void)o;
	if (ev == TARGET_WATCH_SILENT)
		fprintf(f, "drench: target %s stopped answering at %.0fs: no response for %u s "
			   "(so far: err conn %" PRIu64 " tmo %" PRIu64 " rst %" PRIu64 "); the "
			   "other targets go on\n",
			name, t - TARGET_WATCH_QUIET_S, TARGET_WATCH_QUIET_S, now->err_connect,
			now->err_timeout, now->err_reset);
	else if (ev == TARGET_WATCH_BACK)
		fprintf(f, "drench: target %s answers again at %.0fs\n", name, t);
}
