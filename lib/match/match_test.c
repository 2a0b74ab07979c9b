/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "match.h"

static const struct match_pattern pats[] = {
	{.regex = "\"status\":\\s*\"ok\"", .name = "status-ok", .must_match = true},
	{.regex = "panic|internal error", .name = "no-panic", .must_match = false},
	{.regex = "\\}\\s*$", .name = "json-closed", .must_match = true},
	{.regex = "x-trace-id", .must_match = false, .caseless = true},
};
#define N_PATS (sizeof(pats) / sizeof(pats[0]))

struct vector {
	int line;
	const char *body;
	uint64_t matched;
	uint64_t failed;
};

static const struct vector vectors[] = {
	{__LINE__, "{\"status\": \"ok\", \"n\": 1}\n", 0x5, 0x0},
	{__LINE__, "{\"status\": \"ok\", \"msg\": \"panic: nil map\"}", 0x7, 0x2},
	{__LINE__, "{\"status\": \"down\"", 0x0, 0x5},
	{__LINE__, "{\"status\":\"ok\"} trailing", 0x1, 0x4},
	{__LINE__, "{\"status\":\"ok\", \"X-Trace-ID\": 7}", 0xd, 0x8},
	{__LINE__, "", 0x0, 0x5},
};

struct fixture {
	struct match_db *db;
	struct match_scratch *scr;
};

static int setup(void **state)
{
	static struct fixture f;
	char err[256];
	f.db = match_db_create(pats, N_PATS, err, sizeof(err));
	if (!f.db)
		return -1;
	f.scr = match_scratch_create(f.db);
	*state = &f;
	return f.scr ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	match_scratch_free(f->scr);
	match_db_free(f->db);
	return 0;
}

/* feed body in pieces cut at the given points (sorted, within len) */
static struct match_result scan_cut(struct fixture *f, const char *body, size_t len,
				    const size_t *cuts, size_t n_cuts)
{
	struct match_stream *st = match_stream_open(f->db);
	struct match_result r;
	size_t at = 0;

	assert_non_null(st);
	for (size_t i = 0; i <= n_cuts; i++) {
		size_t end = i < n_cuts ? cuts[i] : len;
		/* each segment in its own exact-size buffer, so an overread is caught */
		char *seg = malloc(end - at + 1);
		memcpy(seg, body + at, end - at);
		assert_int_equal(match_stream_feed(st, f->scr, seg, end - at), 0);
		free(seg);
		at = end;
	}
	assert_int_equal(match_stream_end(st, f->scr, &r), 0);
	match_stream_close(st);
	return r;
}

static void check(const struct vector *v, struct match_result r, const char *how)
{
	if (r.matched != v->matched || r.failed != v->failed)
		fail_msg("vector at line %d fed %s: matched %#llx failed %#llx, want %#llx %#llx",
			 v->line, how, (unsigned long long)r.matched, (unsigned long long)r.failed,
			 (unsigned long long)v->matched, (unsigned long long)v->failed);
}

static void whole_bodies_match_their_expectations(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check(&vectors[i], scan_cut(f, vectors[i].body, strlen(vectors[i].body), NULL, 0),
		      "whole");
}

static void bodies_fed_byte_by_byte_match_the_same(void **state)
{
	struct fixture *f = *state;
	size_t cuts[256];
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = strlen(vectors[i].body);
		for (size_t k = 0; k + 1 < len; k++)
			cuts[k] = k + 1;
		check(&vectors[i], scan_cut(f, vectors[i].body, len, cuts, len ? len - 1 : 0),
		      "byte by byte");
	}
}

static void a_match_split_at_every_point_is_found_once(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = strlen(vectors[i].body);
		for (size_t cut = 0; cut <= len; cut++)
			check(&vectors[i], scan_cut(f, vectors[i].body, len, &cut, 1), "split in two");
	}
	/* SINGLEMATCH: a pattern that appears many times counts once per response */
	const struct match_counts *c = match_scratch_counts(f->scr, 1);
	uint64_t before = c->matched;
	const char *many = "panic panic panic";
	scan_cut(f, many, strlen(many), NULL, 0);
	assert_int_equal(c->matched, before + 1);
}

static void every_truncated_prefix_equals_scanning_it_whole(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *body = vectors[i].body;
		for (size_t n = 0; n <= strlen(body); n++) {
			struct match_result whole = scan_cut(f, body, n, NULL, 0);
			size_t half = n / 2;
			struct match_result split = scan_cut(f, body, n, &half, 1);
			assert_int_equal(whole.matched, split.matched);
			assert_int_equal(whole.failed, split.failed);
		}
	}
}

static void one_stream_carries_many_responses_without_leaking_matches(void **state)
{
	struct fixture *f = *state;
	struct match_stream *st = match_stream_open(f->db);
	struct match_result r;
	const char *a = "{\"status\":\"ok\"} panic }", *b = "{\"status\":\"fine\"}";
	uint64_t responses = match_scratch_responses(f->scr);
	uint64_t failures = match_scratch_failures(f->scr);
	uint64_t ok_before = match_scratch_counts(f->scr, 0)->matched;
	uint64_t missing_before = match_scratch_counts(f->scr, 0)->failed;

	assert_int_equal(match_stream_feed(st, f->scr, a, strlen(a)), 0);
	assert_int_equal(match_stream_end(st, f->scr, &r), 0);
	assert_int_equal(r.matched, 0x7);
	assert_int_equal(r.failed, 0x2);
	assert_int_equal(match_stream_feed(st, f->scr, b, strlen(b)), 0);
	assert_int_equal(match_stream_end(st, f->scr, &r), 0);
	assert_int_equal(r.matched, 0x4);
	assert_int_equal(r.failed, 0x1);
	match_stream_close(st);

	assert_int_equal(match_scratch_responses(f->scr), responses + 2);
	assert_int_equal(match_scratch_failures(f->scr), failures + 2);
	assert_int_equal(match_scratch_counts(f->scr, 0)->matched, ok_before + 1);
	assert_int_equal(match_scratch_counts(f->scr, 0)->failed, missing_before + 1);
	assert_string_equal(match_db_name(f->db, 1), "no-panic");
	assert_string_equal(match_db_name(f->db, 3), "x-trace-id"); /* unnamed: its regex */
	assert_null(match_scratch_counts(f->scr, N_PATS));
}

static void a_stream_closed_midway_counts_nothing(void **state)
{
	struct fixture *f = *state;
	uint64_t responses = match_scratch_responses(f->scr);
	struct match_stream *st = match_stream_open(f->db);
	assert_int_equal(match_stream_feed(st, f->scr, "panic", 5), 0);
	match_stream_close(st);
	assert_int_equal(match_scratch_responses(f->scr), responses);
}

static void a_bad_regex_names_its_index(void **state)
{
	(void)state;
	const struct match_pattern bad[] = {
		{.regex = "ok", .must_match = true},
		{.regex = "error(", .must_match = false},
	};
	char err[256] = "";
	int index = 99;

	errno = 0;
	assert_null(match_db_compile(bad, 2, &index, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(index, 1);
	assert_string_equal(err, "pattern 1: Missing close parenthesis for group started at "
				 "index 5.");
	/* a pattern that matches the empty body cannot be used as a stream expectation */
	const struct match_pattern empty[] = {{.regex = "a*", .must_match = true}};
	assert_null(match_db_compile(empty, 1, &index, err, sizeof(err)));
	assert_int_equal(index, 0);
	assert_null(match_db_create(bad, 0, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_bodies_match_their_expectations),
		cmocka_unit_test(bodies_fed_byte_by_byte_match_the_same),
		cmocka_unit_test(a_match_split_at_every_point_is_found_once),
		cmocka_unit_test(every_truncated_prefix_equals_scanning_it_whole),
		cmocka_unit_test(one_stream_carries_many_responses_without_leaking_matches),
		cmocka_unit_test(a_stream_closed_midway_counts_nothing),
		cmocka_unit_test(a_bad_regex_names_its_index),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
