/* SPDX-License-Identifier: BSD-3-Clause */
/* Agent protocol: framing and authentication (types in proto-t.h). */
#pragma once

#include <sys/types.h>

#include "proto-t.h"

/** Decode one frame from buf. Returns the bytes consumed (> 0), 0 when buf
 * holds only part of a frame (call again with more), or a negative errno:
 * -EBADMSG bad magic, version or type; -EMSGSIZE declared payload larger than
 * TP_MAX_PAYLOAD (known from the header alone: the stream cannot be resynced);
 * -EACCES the tag does not authenticate the frame under key.
 * out->payload points into buf. Never reads past buf + len. */
ssize_t tp_decode(const uint8_t *buf, size_t len, const uint8_t key[TP_KEY_LEN],
		  struct tp_frame *out);

/** tp_decode without the tag check, for a frame whose key depends on its
 * payload (HELLO names the agent); verify it with tp_verify before use. */
ssize_t tp_peek(const uint8_t *buf, size_t len, struct tp_frame *out);

/** Check the tag of a frame tp_peek found at buf: 0 or -EACCES. */
int tp_verify(const uint8_t *buf, const struct tp_frame *f, const uint8_t key[TP_KEY_LEN]);

/** Encode a frame into out (cap bytes). Returns the frame length or a
 * negative errno: -EMSGSIZE payload too large, -ENOBUFS cap too small,
 * -EINVAL bad type. */
ssize_t tp_encode(uint8_t *out, size_t cap, enum tp_type type, uint64_t seq, const void *payload,
		  size_t len, const uint8_t key[TP_KEY_LEN]);

/** tp_encode for a payload already at out + TP_HEADER_LEN (len bytes):
 * writes the header and the tag around it. */
ssize_t tp_seal(uint8_t *out, size_t cap, enum tp_type type, uint64_t seq, size_t len,
		const uint8_t key[TP_KEY_LEN]);

/** Read a key file: its bytes with trailing whitespace removed. 0, -EINVAL
 * (shorter than TP_MIN_KEY_LEN or longer than TP_MAX_KEY_LEN) or -errno. */
int tp_key_load(const char *path, struct tp_key *key);

/** Build a key from memory (same length rules as tp_key_load). */
int tp_key_set(struct tp_key *key, const void *bytes, size_t len);

/** PROFILE_REQ flags: capture options. A forced GC (pprof heap?gc=1) runs
 * before the heap profile, and the sample right after it is an exact live
 * heap (a checkpoint). */
#define TP_PROFILE_FORCED_GC 1u
/** A GC probe, no profile files (grant 0): the agent scrapes the metrics,
 * fetches pprof heap?gc=1&debug=1 and adds to that sample the MemStats
 * HeapAlloc printed right after the GC it forced (TP_GC_PROBE_METRIC) and
 * what the probe allocated (TP_GC_PROBE_ALLOC_METRIC), tagged
 * TP_GC_PROBE_TAG. For small Go heaps, whose GC goal is pinned at its
 * minimum, so that no GC otherwise shows the live heap. */
#define TP_PROFILE_GC_PROBE 2u
#define TP_GC_PROBE_TAG "gc-probe"
#define TP_GC_PROBE_METRIC "gc_probe_heap_alloc_bytes"
#define TP_GC_PROBE_ALLOC_METRIC "gc_probe_alloc_bytes"

/** Split a PROFILE_CHUNK payload into its JSON meta and its data bytes.
 * 0 or -EBADMSG. */
int tp_chunk_split(const uint8_t *payload, size_t len, const char **meta, size_t *meta_len,
		   const uint8_t **data, size_t *data_len);

/** Name of a frame type for logs ("sample"), "unknown" otherwise. */
const char *tp_type_name(unsigned type);
