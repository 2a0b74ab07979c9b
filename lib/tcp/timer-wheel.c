/* SPDX-License-Identifier: BSD-3-Clause */
#include "timer-wheel.h"

#include <errno.h>
#include <stdlib.h>

#include "seq.h"

struct timer_wheel *tcp_tw_create(uint32_t slots, uint32_t nnodes, uint32_t start_tick)
{
	if (slots == 0 || slots > (1u << 24) || nnodes == 0 || nnodes > TW_MAX_IDS) {
		errno = EINVAL;
		return NULL;
	}
	uint32_t n = 1;
	while (n < slots)
		n <<= 1;
	struct timer_wheel *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->heads = malloc((size_t)(n + 1) * sizeof(*w->heads));
	w->nodes = malloc((size_t)nnodes * sizeof(*w->nodes));
	if (w->heads == NULL || w->nodes == NULL) {
		tcp_tw_destroy(w);
		errno = ENOMEM;
		return NULL;
	}
	w->mask = n - 1;
	w->cur = start_tick;
	w->nnodes = nnodes;
	for (uint32_t i = 0; i <= n; i++)
		w->heads[i] = TW_END;
	for (uint32_t i = 0; i < nnodes; i++)
		w->nodes[i] = (struct tw_node){.next = TW_END, .prev = TW_IDLE};
	return w;
}

void tcp_tw_destroy(struct timer_wheel *w)
{
	if (w == NULL)
		return;
	free(w->heads);
	free(w->nodes);
	free(w);
}

static void link_head(struct timer_wheel *w, uint32_t list, uint32_t id)
{
	struct tw_node *n = &w->nodes[id];
	n->next = w->heads[list];
	n->prev = TW_HEAD + list;
	if (n->next != TW_END)
		w->nodes[n->next].prev = id;
	w->heads[list] = id;
}

static void unlink_node(struct timer_wheel *w, uint32_t id)
{
	struct tw_node *n = &w->nodes[id];
	if (n->prev >= TW_HEAD)
		w->heads[n->prev - TW_HEAD] = n->next;
	else
		w->nodes[n->prev].next = n->next;
	if (n->next != TW_END)
		w->nodes[n->next].prev = n->prev;
	n->next = TW_END;
	n->prev = TW_IDLE;
}

uint32_t tcp_tw_armed_count(const struct timer_wheel *w)
{
	return w->armed;
}

/* A timer already due goes to the next slot to be visited, not one a full
 * revolution away. */
static uint32_t slot_for(const struct timer_wheel *w, uint32_t expiry)
{
	if (SEQ_GT(expiry, w->cur))
		return expiry & w->mask;
	return (w->cur + 1) & w->mask;
}

void tcp_tw_arm(struct timer_wheel *w, uint32_t id, uint32_t expiry)
{
	if (tw_armed(w, id))
		unlink_node(w, id);
	else
		w->armed++;
	w->nodes[id].expiry = expiry;
	link_head(w, slot_for(w, expiry), id);
}

void tcp_tw_cancel(struct timer_wheel *w, uint32_t id)
{
	if (!tw_armed(w, id))
		return;
	unlink_node(w, id);
	w->armed--;
}

/* Move the slot's list aside so that fire() may arm or cancel anything,
 * including timers of this very slot, while we walk it. */
static uint32_t process_slot(struct timer_wheel *w, uint32_t slot, uint32_t now, tw_fire_fn fire,
			     void *ctx)
{
	uint32_t aside = w->mask + 1, fired = 0;
	uint32_t first = w->heads[slot];
	if (first == TW_END)
		return 0;
	w->heads[slot] = TW_END;
	w->heads[aside] = first;
	w->nodes[first].prev = TW_HEAD + aside;
	while (w->heads[aside] != TW_END) {
		uint32_t id = w->heads[aside];
		unlink_node(w, id);
		if (SEQ_LEQ(w->nodes[id].expiry, now)) {
			w->armed--;
			fired++;
			fire(ctx, id);
		} else {
			link_head(w, w->nodes[id].expiry & w->mask, id);
		}
	}
	return fired;
}

uint32_t tcp_tw_advance(struct timer_wheel *w, uint32_t now, tw_fire_fn fire, void *ctx)
{
	if (SEQ_LEQ(now, w->cur))
		return 0;
	uint32_t steps = now - w->cur, fired = 0;
	if (steps > w->mask + 1)
		steps = w->mask + 1;
	for (uint32_t i = 0; i < steps; i++) {
		w->cur++;
		fired += process_slot(w, w->cur & w->mask, now, fire, ctx);
	}
	w->cur = now;
	return fired;
}
