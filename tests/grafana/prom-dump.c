/* SPDX-License-Identifier: BSD-3-Clause */
/* Every Prometheus family drench writes, for the dashboard test: the live
 * /metrics page of a run (from a series) and metrics.prom (from a report
 * with a phase and a judged target), one after the other on stdout. */
#include <math.h>
#include <stdio.h>

#include "prom-text.h"
#include "report.h"
#include "series.h"

static int dump_live(struct prom_text *t)
{
	struct series *s = series_create(8);
	struct series_point p = {.t = 1,
				 .requests = 10,
				 .responses = {10},
				 .open_conns = 2,
				 .p50_us = 100,
				 .p99_us = 200,
				 .p999_us = 300};
	int rc;

	if (s == NULL || series_add(s, &p) < 0)
		return 1;
	rc = report_prom_render_live(t, s, "steady");
	series_free(s);
	return rc < 0;
}

static int dump_report(struct prom_text *t)
{
	static const struct report_phase ph = {.name = "steady",
					       .start = 1,
					       .end = 2,
					       .requests = 10,
					       .responses = {10},
					       .rps = 10,
					       .p50 = 1,
					       .p90 = 2,
					       .p99 = 3,
					       .p999 = 4,
					       .max = 5};
	static const struct report_metric m[] = {
		{"go_memstats_heap_inuse_bytes", "leak", 1e6, 12.5}};
	static const struct report_target tg = {"api", "leak", m, 1, NULL, 0};
	json_t *r = report_new();
	int rc;

	if (r == NULL || report_add_phase(r, &ph) == NULL || report_add_target(r, &tg) == NULL)
		return 1;
	rc = report_prom_render(t, r);
	json_decref(r);
	return rc < 0;
}

int main(void)
{
	struct prom_text *t = prom_text_new();
	const char *text;
	size_t len;
	int bad;

	if (t == NULL)
		return 1;
	bad = dump_live(t);
	text = prom_text_data(t, &len); /* len is set by the call, so not in fwrite's arguments */
	fwrite(text, 1, len, stdout);
	prom_text_reset(t);
	bad |= dump_report(t);
	text = prom_text_data(t, &len);
	fwrite(text, 1, len, stdout);
	prom_text_free(t);
	return bad;
}
