/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A recorded samples.jsonl fed back through the collector: the same checks,
 * the same re-timing of an agent's clock, the same detectors, evaluated on
 * the samples' own clock. Re-judging a soak with other detector settings
 * needs no agent and no wait, and a recorded corpus becomes a test.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector-priv.h"
#include "collector.h"

/* The live collector evaluates every interval of its own clock; here the
 * clock is the newest sample time seen. */
static void evaluate_until(struct collector *c, double t, double *next_eval)
{
	double step = (double)c->cfg->interval_us / 1e6;

	if (isnan(*next_eval))
		*next_eval = t + step;
	if (t < *next_eval)
		return;
	collector_evaluate(c);
	collector_live_lines(c);
	*next_eval = t + step;
}

/* One line: 1 fed, 0 skipped (not a sample, or one the checks refused),
 * -EINVAL malformed. */
static int replay_line(struct collector *c, const char *line, double *next_eval)
{
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	json_t *msg = json_object_get(o, "sample");
	const char *agent = json_string_value(json_object_get(o, "agent"));
	const char *name = json_string_value(json_object_get(msg, "target"));
	json_int_t seq = json_integer_value(json_object_get(o, "seq"));
	struct target_state *t = name ? collector_target(c, name) : NULL;
	int ai, rc = 0;

	if (!json_is_object(o)) {
		rc = -EINVAL;
	} else if (msg == NULL) {
		rc = 0; /* an event line */
	} else if (agent == NULL || name == NULL || !json_is_object(json_object_get(msg, "m"))) {
		rc = -EINVAL;
	} else if (t != NULL && (ai = collector_agent_index(c, agent)) >= 0) {
		evaluate_until(c, json_number_value(json_object_get(msg, "t")), next_eval);
		rc = collector_take_sample(c, &c->agents[ai], t, seq > 0 ? (uint64_t)seq : 0, msg);
	}
	json_decref(o);
	return rc;
}

long collector_replay(struct collector *c, FILE *in, unsigned long *bad_line)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long no = 0;
	double next_eval = NAN;
	long fed = 0;

	while (getline(&line, &cap, in) >= 0) {
		int rc;

		no++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		rc = replay_line(c, line, &next_eval);
		if (rc < 0) {
			free(line);
			if (bad_line != NULL)
				*bad_line = no;
			return rc;
		}
		fed += rc;
	}
	free(line);
	if (ferror(in))
		return -EIO;
	collector_evaluate(c);
	return fed;
}
