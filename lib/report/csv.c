/* SPDX-License-Identifier: BSD-3-Clause */
/* series.csv (csv.h). */
#include "csv.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "out-file.h"

static const char header[] =
	"t,seconds,phase,requests,responses_2xx,responses_3xx,responses_4xx,responses_5xx,"
	"responses_other,err_connect,err_timeout,err_reset,err_parse,err_validation,retrans,"
	"open_conns,rps,p50_us,p99_us\n";

/* ",value" or "," alone when the value is unknown */
static void print_opt(FILE *f, const char *fmt, double v)
{
	fputc(',', f);
	if (isfinite(v))
		fprintf(f, fmt, v);
}

static void print_row(FILE *f, const struct series_point *p, double seconds)
{
	uint64_t responses = 0;

	for (int c = 0; c < SERIES_N_CLASSES; c++)
		responses += p->responses[c];
	fprintf(f, "%.3f,%.3f,%" PRIu32 ",%" PRIu64, p->t, seconds, p->phase, p->requests);
	for (int c = 0; c < SERIES_N_CLASSES; c++)
		fprintf(f, ",%" PRIu64, p->responses[c]);
	fprintf(f,
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu32,
		p->err_connect, p->err_timeout, p->err_reset, p->err_parse, p->err_validation,
		p->retrans, p->open_conns);
	print_opt(f, "%.1f", seconds > 0 ? (double)responses / seconds : NAN);
	print_opt(f, "%.0f", p->p50_us);
	print_opt(f, "%.0f", p->p99_us);
	fputc('\n', f);
}

int report_csv_print(FILE *f, const struct series *s)
{
	fputs(header, f);
	for (size_t i = 0; i < series_count(s); i++)
		print_row(f, series_at(s, i), series_point_seconds(s, i));
	return ferror(f) ? -EIO : 0;
}

int report_csv_write(const char *path, const struct series *s)
{
	struct out_file o;
	int rc;

	if (path == NULL || s == NULL)
		return -EINVAL;
	rc = out_file_open(&o, path);
	if (rc < 0)
		return rc;
	rc = report_csv_print(o.f, s);
	if (rc < 0) {
		out_file_abort(&o);
		return rc;
	}
	return out_file_commit(&o);
}
