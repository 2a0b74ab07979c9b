/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.html: one self-contained page (no script, no external resource)
 * built from report.json and the run's time series: verdict, a table per
 * phase, RPS and error charts over time with phase boundaries, latency
 * percentile bars per phase, and each target's memory verdict with its
 * metrics and links to its profiles. Every string taken from the report is
 * HTML-escaped; profile links are only made for relative paths (no scheme).
 */
#pragma once

#include <jansson.h>
#include <stdio.h>

#include "series.h"

/** Write the page to path atomically (out-file.h). s may be NULL (no charts
 * over time). 0; -EINVAL (NULL path, report not an object); -errno. */
int report_html_write(const char *path, const json_t *report, const struct series *s);

/** The same page to an open stream. 0, -EINVAL, or -EIO. */
int report_html_print(FILE *f, const json_t *report, const struct series *s);
