/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Response-body expectations with hyperscan in streaming mode.
 *
 * A request template's patterns compile once into a database; each lcore
 * allocates one scratch for it (hyperscan scratch is not shareable across
 * threads) which also holds that lcore's per-pattern counts; each connection
 * opens one stream and reuses it for every response it carries:
 *
 *   db = match_db_create(pats, n, err, sizeof(err));          // at start
 *   scr = match_scratch_create(db);                            // per lcore
 *   st = match_stream_open(db);                                // per connection
 *   match_stream_feed(st, scr, seg, len);                      // each body segment
 *   match_stream_end(st, scr, &res);                           // response done
 *   ...
 *   match_stream_close(st);                                    // connection gone
 *
 * A pattern reports at most once per response (HS_FLAG_SINGLEMATCH), so a
 * match split over any number of segments counts once. Returned errors are
 * negative errno values; constructors return NULL and set errno.
 */
#pragma once

#include "match-t.h"

/** Compile n (1..MATCH_MAX_PATTERNS) patterns. On failure returns NULL with
 * errno EINVAL and, when err is given, "pattern I: MESSAGE" in err; I (the
 * index of the bad pattern, -1 when none is to blame) also goes to
 * *bad_index when bad_index is not NULL. ENOMEM when memory runs out. */
struct match_db *match_db_compile(const struct match_pattern *pats, size_t n, int *bad_index,
				  char *err, size_t errlen);

/** match_db_compile() without the index out-parameter. */
struct match_db *match_db_create(const struct match_pattern *pats, size_t n, char *err,
				 size_t errlen);

void match_db_free(struct match_db *db);

/** Number of patterns, and pattern i's name (its regex when it had none). */
size_t match_db_count(const struct match_db *db);
const char *match_db_name(const struct match_db *db, size_t i);

/** Scratch and counters for one lcore. NULL with errno ENOMEM. */
struct match_scratch *match_scratch_create(const struct match_db *db);
void match_scratch_free(struct match_scratch *scr);

/** Counts of pattern i on this lcore (summed over responses ended with it). */
const struct match_counts *match_scratch_counts(const struct match_scratch *scr, size_t i);

/** Responses ended with this scratch, and how many broke any expectation. */
uint64_t match_scratch_responses(const struct match_scratch *scr);
uint64_t match_scratch_failures(const struct match_scratch *scr);

/** A stream for one connection. NULL with errno ENOMEM. */
struct match_stream *match_stream_open(const struct match_db *db);

/** Scan the next len bytes of the current response body. 0, or -EIO when
 * hyperscan fails (the response then counts as matching nothing). */
int match_stream_feed(struct match_stream *st, struct match_scratch *scr, const void *data,
		      size_t len);

/** End the current response: *out receives its result, the scratch's counts
 * grow, and the stream is ready for the next response. 0 or -EIO. */
int match_stream_end(struct match_stream *st, struct match_scratch *scr,
		     struct match_result *out);

/** Drop a stream without ending its response (connection closed midway). */
void match_stream_close(struct match_stream *st);
