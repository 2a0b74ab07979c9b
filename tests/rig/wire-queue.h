/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frames in flight on one direction of the wire, each with the time it
 * arrives at the far end, released in that order (ties in arrival order).
 * A finite length gives tail drops like the queue of a real bottleneck; a
 * rate serialises frames one after the other, so a burst waits its turn.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define WIRE_FRAME_MAX 9216

struct wire_frame {
	uint64_t due_ns, seq;
	size_t len;
	uint8_t data[WIRE_FRAME_MAX];
};

struct wire_queue {
	struct wire_frame *slots; /* limit frames */
	struct wire_frame **heap; /* min-heap on (due_ns, seq) */
	uint32_t n, limit;
	uint64_t next_seq;
};

/** The link's serialisation: bits per second, 0 for no limit. */
struct wire_link {
	uint64_t rate_bps;
	uint64_t free_at_ns; /* when the last frame accepted has left */
};

/** 0, or -ENOMEM / -EINVAL (limit 0). */
int wire_queue_init(struct wire_queue *q, uint32_t limit);
void wire_queue_fini(struct wire_queue *q);

/** Queue a copy of a frame due at due_ns. -ENOBUFS when the queue is full
 * (the tail drop), -EMSGSIZE when the frame is larger than WIRE_FRAME_MAX. */
int wire_queue_push(struct wire_queue *q, const uint8_t *frame, size_t len, uint64_t due_ns);

/** The frame due first if it is due at now_ns, or NULL. It stays valid until
 * the next push or pop. */
const struct wire_frame *wire_queue_due(const struct wire_queue *q, uint64_t now_ns);
void wire_queue_pop(struct wire_queue *q);

/** When the frame due first is due; UINT64_MAX when the queue is empty. */
uint64_t wire_queue_next_due(const struct wire_queue *q);

/** When a frame of len bytes that arrives at now_ns has left the link
 * (now_ns with no rate limit); the link is then busy until that time. */
uint64_t wire_link_depart(struct wire_link *l, uint64_t now_ns, size_t len);
