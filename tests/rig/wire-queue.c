/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire-queue.h"

int wire_queue_init(struct wire_queue *q, uint32_t limit)
{
	memset(q, 0, sizeof(*q));
	if (limit == 0)
		return -EINVAL;
	q->slots = calloc(limit, sizeof(*q->slots));
	q->heap = calloc(limit, sizeof(*q->heap));
	if (!q->slots || !q->heap) {
		wire_queue_fini(q);
		return -ENOMEM;
	}
	/* the free slots sit past the heap's end, so a push takes heap[n] */
	for (uint32_t i = 0; i < limit; i++)
		q->heap[i] = &q->slots[i];
	q->limit = limit;
	return 0;
}

void wire_queue_fini(struct wire_queue *q)
{
	free(q->slots);
	free(q->heap);
	memset(q, 0, sizeof(*q));
}

static int before(const struct wire_frame *a, const struct wire_frame *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void swap(struct wire_queue *q, uint32_t i, uint32_t j)
{
	struct wire_frame *t = q->heap[i];
	q->heap[i] = q->heap[j];
	q->heap[j] = t;
}

static void sift_up(struct wire_queue *q, uint32_t i)
{
	while (i > 0 && before(q->heap[i], q->heap[(i - 1) / 2])) {
		swap(q, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct wire_queue *q, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n && before(q->heap[l], q->heap[m]))
			m = l;
		if (r < q->n && before(q->heap[r], q->heap[m]))
			m = r;
		if (m == i)
			return;
		swap(q, i, m);
		i = m;
	}
}

int wire_queue_push(struct wire_queue *q, const uint8_t *frame, size_t len, uint64_t due_ns)
{
	if (len > WIRE_FRAME_MAX)
		return -EMSGSIZE;
	if (q->n == q->limit)
		return -ENOBUFS;
	struct wire_frame *f = q->heap[q->n];
	memcpy(f->data, frame, len);
	f->len = len;
	f->due_ns = due_ns;
	f->seq = q->next_seq++;
	sift_up(q, q->n++);
	return 0;
}

const struct wire_frame *wire_queue_due(const struct wire_queue *q, uint64_t now_ns)
{
	if (q->n == 0 || q->heap[0]->due_ns > now_ns)
		return NULL;
	return q->heap[0];
}

void wire_queue_pop(struct wire_queue *q)
{
	if (q->n == 0)
		return;
	swap(q, 0, --q->n); /* the popped slot becomes free past the end */
	sift_down(q, 0);
}

uint64_t wire_queue_next_due(const struct wire_queue *q)
{
	return q->n ? q->heap[0]->due_ns : UINT64_MAX;
}

uint64_t wire_link_depart(struct wire_link *l, uint64_t now_ns, size_t len)
{
	if (l->rate_bps == 0)
		return now_ns;
	uint64_t start = l->free_at_ns > now_ns ? l->free_at_ns : now_ns;
	/* the bits of the frame plus the preamble and gap a real link spends on it */
	uint64_t bits = ((uint64_t)len + 20) * 8;
	l->free_at_ns = start + bits * 1000000000ull / l->rate_bps;
	return l->free_at_ns;
}
