/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

struct match_db {
	hs_database_t *hs;
	size_t n;
	uint64_t must;   /* bit i: pattern i must match */
	char **names;
};

struct match_scratch {
	hs_scratch_t *hs;
	const struct match_db *db;
	uint64_t responses, failures;
	struct match_counts counts[];
};

struct match_stream {
	hs_stream_t *hs;
	const struct match_db *db;
	uint64_t matched; /* of the current response */
	bool broken;      /* hyperscan failed on this response */
};

static void set_error(char *err, size_t errlen, int index, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "pattern %d: %s", index, msg);
}

static void db_release(struct match_db *db)
{
	if (!db)
		return;
	hs_free_database(db->hs);
	for (size_t i = 0; db->names && i < db->n; i++)
		free(db->names[i]);
	free(db->names);
	free(db);
}

static int copy_names(struct match_db *db, const struct match_pattern *pats)
{
	db->names = calloc(db->n, sizeof(*db->names));
	if (!db->names)
		return -ENOMEM;
	for (size_t i = 0; i < db->n; i++) {
		db->names[i] = strdup(pats[i].name ? pats[i].name : pats[i].regex);
		if (!db->names[i])
			return -ENOMEM;
		if (pats[i].must_match)
			db->must |= UINT64_C(1) << i;
	}
	return 0;
}

static struct match_db *fail(struct match_db *db, int *bad_index, int index, int e)
{
	if (bad_index)
		*bad_index = index;
	db_release(db);
	errno = e;
	return NULL;
}

struct match_db *match_db_compile(const struct match_pattern *pats, size_t n, int *bad_index,
				  char *err, size_t errlen)
{
	const char *exprs[MATCH_MAX_PATTERNS];
	unsigned flags[MATCH_MAX_PATTERNS], ids[MATCH_MAX_PATTERNS];
	hs_compile_error_t *cerr = NULL;

	if (n == 0 || n > MATCH_MAX_PATTERNS) {
		set_error(err, errlen, -1, "a database holds 1 to 64 patterns");
		return fail(NULL, bad_index, -1, EINVAL);
	}
	struct match_db *db = calloc(1, sizeof(*db));
	if (!db)
		return fail(NULL, bad_index, -1, ENOMEM);
	db->n = n;
	if (copy_names(db, pats) < 0)
		return fail(db, bad_index, -1, ENOMEM);
	for (size_t i = 0; i < n; i++) {
		exprs[i] = pats[i].regex;
		ids[i] = (unsigned)i;
		flags[i] = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH |
			   (pats[i].caseless ? HS_FLAG_CASELESS : 0);
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_STREAM, NULL, &db->hs,
			     &cerr) != HS_SUCCESS) {
		/* expression is -1 when no single pattern is to blame */
		int index = cerr ? cerr->expression : -1;
		set_error(err, errlen, index, cerr && cerr->message ? cerr->message : "compile error");
		hs_free_compile_error(cerr);
		return fail(db, bad_index, index, EINVAL);
	}
	return db;
}

struct match_db *match_db_create(const struct match_pattern *pats, size_t n, char *err,
				 size_t errlen)
{
	return match_db_compile(pats, n, NULL, err, errlen);
}

void match_db_free(struct match_db *db)
{
	db_release(db);
}

size_t match_db_count(const struct match_db *db)
{
	return db->n;
}

const char *match_db_name(const struct match_db *db, size_t i)
{
	return i < db->n ? db->names[i] : NULL;
}

struct match_scratch *match_scratch_create(const struct match_db *db)
{
	struct match_scratch *scr = calloc(1, sizeof(*scr) + db->n * sizeof(scr->counts[0]));
	if (!scr) {
		errno = ENOMEM;
		return NULL;
	}
	scr->db = db;
	if (hs_alloc_scratch(db->hs, &scr->hs) != HS_SUCCESS) {
		free(scr);
		errno = ENOMEM;
		return NULL;
	}
	return scr;
}

void match_scratch_free(struct match_scratch *scr)
{
	if (!scr)
		return;
	hs_free_scratch(scr->hs);
	free(scr);
}

const struct match_counts *match_scratch_counts(const struct match_scratch *scr, size_t i)
{
	return i < scr->db->n ? &scr->counts[i] : NULL;
}

uint64_t match_scratch_responses(const struct match_scratch *scr)
{
	return scr->responses;
}

uint64_t match_scratch_failures(const struct match_scratch *scr)
{
	return scr->failures;
}

struct match_stream *match_stream_open(const struct match_db *db)
{
	struct match_stream *st = calloc(1, sizeof(*st));
	if (!st || hs_open_stream(db->hs, 0, &st->hs) != HS_SUCCESS) {
		free(st);
		errno = ENOMEM;
		return NULL;
	}
	st->db = db;
	return st;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	struct match_stream *st = ctx;
	(void)from;
	(void)to;
	(void)flags;
	st->matched |= UINT64_C(1) << id;
	return 0; /* keep scanning: other patterns may still match */
}

int match_stream_feed(struct match_stream *st, struct match_scratch *scr, const void *data,
		      size_t len)
{
	if (len == 0 || st->broken)
		return st->broken ? -EIO : 0;
	if (hs_scan_stream(st->hs, data, (unsigned)len, 0, scr->hs, on_match, st) != HS_SUCCESS) {
		st->broken = true;
		return -EIO;
	}
	return 0;
}

static void count(struct match_scratch *scr, const struct match_result *r)
{
	scr->responses++;
	scr->failures += r->failed != 0;
	for (size_t i = 0; i < scr->db->n; i++) {
		uint64_t bit = UINT64_C(1) << i;
		scr->counts[i].matched += (r->matched & bit) != 0;
		scr->counts[i].failed += (r->failed & bit) != 0;
	}
}

int match_stream_end(struct match_stream *st, struct match_scratch *scr,
		     struct match_result *out)
{
	const struct match_db *db = st->db;
	uint64_t all = db->n == 64 ? UINT64_MAX : (UINT64_C(1) << db->n) - 1;
	/* end of data: patterns anchored at the end ($) report now */
	int ret = hs_reset_stream(st->hs, 0, scr->hs, on_match, st) == HS_SUCCESS ? 0 : -EIO;

	if (st->broken)
		ret = -EIO;
	if (ret < 0)
		st->matched = 0;
	out->matched = st->matched;
	out->failed = (db->must & ~st->matched) | (~db->must & st->matched & all);
	count(scr, out);
	st->matched = 0;
	st->broken = false;
	return ret;
}

void match_stream_close(struct match_stream *st)
{
	if (!st)
		return;
	/* no scratch: end-of-data matches of an unfinished response are not wanted */
	hs_close_stream(st->hs, NULL, NULL, NULL);
	free(st);
}
