/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Phase bands behind the charts of report.html. Consecutive phases expanded
 * from one steps phase (report.json "step_of") make one band with a tick at
 * each level, so a 10-level ramp is one label, not 19. A label is drawn only
 * where it fits inside its band and after the previous label; a band whose
 * name does not fit keeps it as a tooltip (<title>). Labels never overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "html-priv.h"

/* a generous width per character of the 11 px label font, so an estimate
 * never falls short of what a browser draws (the Chromium test measures) */
#define LABEL_CHAR_W 7.0
#define LABEL_PAD 4.0

struct span {
	uint32_t phase;
	double t0, t1;
};

static const char *phase_str(const json_t *phases, uint32_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(phases, i), key));
}

/* The runs of equal phase in the series, in time order; *n set. */
static struct span *spans_of(const struct series *s, size_t *n)
{
	struct span *sp = calloc(series_count(s), sizeof(*sp));
	size_t k = 0;

	for (size_t i = 0; sp != NULL && i < series_count(s); i++) {
		const struct series_point *p = series_at(s, i);

		if (k > 0 && sp[k - 1].phase == p->phase) {
			sp[k - 1].t1 = p->t;
			continue;
		}
		sp[k++] = (struct span){p->phase, i > 0 ? series_at(s, i - 1)->t : 0, p->t};
	}
	*n = k;
	return sp;
}

/* Do spans a and b come from the same steps phase? */
static bool same_group(const json_t *phases, const struct span *a, const struct span *b)
{
	const char *x = phase_str(phases, a->phase, "step_of");
	const char *y = phase_str(phases, b->phase, "step_of");

	return x != NULL && y != NULL && strcmp(x, y) == 0;
}

static void band_name(FILE *f, const json_t *phases, const struct span *first, size_t levels)
{
	const char *step_of = phase_str(phases, first->phase, "step_of");
	const char *name = phase_str(phases, first->phase, "name");

	if (levels > 1 && step_of != NULL)
		html_text(f, step_of);
	else if (name != NULL)
		html_text(f, name);
	else
		fprintf(f, "phase %u", first->phase);
}

static size_t band_name_len(const json_t *phases, const struct span *first, size_t levels)
{
	const char *step_of = phase_str(phases, first->phase, "step_of");
	const char *name = phase_str(phases, first->phase, "name");

	if (levels > 1 && step_of != NULL)
		return strlen(step_of);
	return name != NULL ? strlen(name) : 12;
}

/* One band: the shaded rect, its ticks, and its label when it fits. */
static void band(FILE *f, const struct html_plot *pl, const json_t *phases, const struct span *sp,
		 size_t levels, int shade, double *label_end)
{
	double x0 = html_plot_x(pl, sp[0].t0), x1 = html_plot_x(pl, sp[levels - 1].t1);
	double w = (double)band_name_len(phases, sp, levels) * LABEL_CHAR_W;

	fprintf(f,
		"<g class=\"band\"><rect class=\"band-%d\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		"height=\"%d\"><title>",
		shade, x0, pl->top, x1 - x0, pl->height);
	band_name(f, phases, sp, levels);
	if (levels > 1)
		fprintf(f, " (%zu phases)", levels);
	fputs("</title></rect>\n", f);
	for (size_t k = 1; k < levels; k++) {
		double x = html_plot_x(pl, sp[k].t0);

		fprintf(f,
			"<line class=\"step-tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
			x, pl->top - 4, x, pl->top + 6);
	}
	if (x0 + LABEL_PAD >= *label_end && x0 + LABEL_PAD + w <= x1) {
		fprintf(f, "<text class=\"phase-name\" x=\"%.1f\" y=\"%d\">", x0 + LABEL_PAD,
			pl->top - 6);
		band_name(f, phases, sp, levels);
		fputs("</text>\n", f);
		*label_end = x0 + LABEL_PAD + w + LABEL_PAD;
	}
	fputs("</g>\n", f);
}

void html_phase_bands(FILE *f, const struct html_plot *pl, const json_t *phases,
		      const struct series *s)
{
	size_t n, i = 0;
	struct span *sp = spans_of(s, &n);
	double label_end = 0;
	int shade = 0;

	while (sp != NULL && i < n) {
		size_t levels = 1;

		while (i + levels < n && same_group(phases, &sp[i], &sp[i + levels]))
			levels++;
		band(f, pl, phases, &sp[i], levels, shade, &label_end);
		shade ^= 1;
		i += levels;
	}
	free(sp);
}
