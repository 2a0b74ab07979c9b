/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Think time of the closed model: after a response a connection waits
 * `think_us` before its next request (a k6 VU's sleep, dperf's keep-alive
 * interval), so many connections can stay open at a modest request rate.
 * One timer per connection on a timing wheel of millisecond ticks; a
 * connection that closes while thinking has its timer cancelled, so a
 * later connection in the same slot never inherits it.
 */
#include <errno.h>

#include "client-priv.h"
#include "timer-wheel.h"

#define THINK_SLOTS 4096 /* a revolution of about 4 s; longer waits go round */
#define US_PER_TICK 1000

static uint32_t tick_of(uint64_t us)
{
	return (uint32_t)(us / US_PER_TICK);
}

int client_think_init(struct client *cl, uint32_t max_conns)
{
	cl->think = tcp_tw_create(THINK_SLOTS, max_conns, 0);
	return cl->think ? 0 : -ENOMEM;
}

void client_think_fini(struct client *cl)
{
	tcp_tw_destroy(cl->think);
	cl->think = NULL;
}

void client_think_start(struct client *cl, const struct tcp_conn *c)
{
	uint64_t due = cl->now + cl->ph.think_us + US_PER_TICK - 1; /* never early */

	tcp_tw_arm(cl->think, tcp_conn_id(c), tick_of(due));
}

bool client_thinking(const struct client *cl, uint32_t id)
{
	return tw_armed(cl->think, id);
}

void client_think_cancel(struct client *cl, uint32_t id)
{
	tcp_tw_cancel(cl->think, id);
}

static void think_over(void *ctx, uint32_t id)
{
	struct client *cl = ctx;
	struct tcp_conn *c = tcp_conn_by_id(cl->tcp, id);

	if (!c || !cl->conns[id].in_use)
		return;
	cl->conns[id].think_over = 1;
	cl->conns[id].want_send = 1;
	client_queue_action(cl, c);
}

void client_think_poll(struct client *cl)
{
	tcp_tw_advance(cl->think, tick_of(cl->now), think_over, cl);
}
