/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CPU cost of the stack alone (no packet I/O): in-order receive, send with
 * cumulative ACKs, and connection churn. Build: ninja -C <build> lib/tcp/tcp_bench
 */
#include <stdio.h>
#include <time.h>

#include "tcp.h"

static struct tcp_seg_out last;

static int tx(void *ctx, const struct tcp_seg_out *s)
{
	(void)ctx;
	last = *s;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static const uint8_t payload[1460];

static struct tcp_seg syn_ack(struct tcp_conn *c)
{
	return (struct tcp_seg){
		.saddr = 2, .daddr = 1, .sport = 80, .dport = tcp_conn_local_port(c),
		.seq = 5000, .ack = last.seq + 1, .flags = TCP_F_SYN | TCP_F_ACK,
		.wnd = 65535, .mss = 1460, .wscale = 7,
	};
}

static void bench_receive(struct tcp_stack *s, struct tcp_conn *c, uint64_t now, int n)
{
	struct tcp_seg seg = syn_ack(c);
	seg.flags = TCP_F_ACK;
	seg.mss = 0;
	seg.wscale = -1;
	seg.seq = 5001;
	seg.ack = last.seq;
	seg.payload = payload;
	seg.len = sizeof(payload);
	uint64_t t0 = now_ns();
	for (int i = 0; i < n; i++) {
		tcp_input(s, &seg, now);
		seg.seq += seg.len;
	}
	printf("receive in order, 1460 B, ACK every 2nd: %6.1f ns/segment\n",
	       (double)(now_ns() - t0) / n);
}

static void bench_send(struct tcp_stack *s, struct tcp_conn *c, uint64_t now, int n)
{
	struct tcp_seg seg = syn_ack(c);
	seg.flags = TCP_F_ACK;
	seg.mss = 0;
	seg.wscale = -1;
	seg.seq = last.ack;
	uint32_t una = last.seq;
	uint64_t t0 = now_ns();
	for (int i = 0; i < n / 10; i++) {
		tcp_send(s, c, 10 * 1460, now);
		una += 10 * 1460;
		seg.ack = una;
		tcp_input(s, &seg, now);
	}
	printf("send 10 segments, one ACK for them:      %6.1f ns/segment\n",
	       (double)(now_ns() - t0) / n);
}

static void bench_churn(struct tcp_stack *s, uint64_t now, int n)
{
	uint64_t t0 = now_ns();
	for (int i = 0; i < n; i++) {
		struct tcp_conn *c;
		tcp_connect(s, 2, 80, now, &c);
		struct tcp_seg sa = syn_ack(c);
		tcp_input(s, &sa, now);
		tcp_abort(s, c, now);
	}
	printf("connect, SYN-ACK, abort:                 %6.1f ns/connection\n",
	       (double)(now_ns() - t0) / n);
}

/* Server side: SYN in, SYN-ACK out, the ACK in, abort; 50000 remote ports so
 * the remote-address table is used at its real load. */
static struct tcp_conn *accepted;

static void on_est(void *ctx, struct tcp_conn *c)
{
	(void)ctx;
	accepted = c;
}

static void bench_accept(uint64_t now, int n)
{
	struct tcp_params p;
	tcp_params_default(&p);
	p.local_addr = 1;
	p.port_min = p.port_max = 0; /* server only */
	p.max_conns = 60000;
	struct tcp_ops ops = {.tx = tx, .on_established = on_est};
	struct tcp_stack *s = tcp_stack_create(&p, &ops, NULL);
	if (!s || tcp_listen(s, 80) < 0)
		return;
	struct tcp_seg syn = {.saddr = 2, .daddr = 1, .dport = 80, .seq = 7000,
			      .flags = TCP_F_SYN, .wnd = 65535, .mss = 1460, .wscale = 7};
	struct tcp_seg ack = syn;
	ack.flags = TCP_F_ACK;
	ack.mss = 0;
	ack.wscale = -1;
	ack.seq = 7001;
	for (int i = 0; i < 30000; i++) { /* a standing population of connections */
		syn.sport = ack.sport = (uint16_t)(20000 + i);
		tcp_input(s, &syn, now);
		ack.ack = last.seq + 1;
		tcp_input(s, &ack, now);
	}
	uint64_t t0 = now_ns();
	for (int i = 0; i < n; i++) {
		syn.sport = ack.sport = (uint16_t)(1024 + i % 18000);
		tcp_input(s, &syn, now);
		ack.ack = last.seq + 1;
		tcp_input(s, &ack, now);
		tcp_abort(s, accepted, now);
	}
	printf("SYN, SYN-ACK, ACK, abort (30k open):     %6.1f ns/connection\n",
	       (double)(now_ns() - t0) / n);
	printf("table memory when listening: %zu bytes per connection\n",
	       tcp_stack_mem_per_conn(s));
	tcp_stack_destroy(s);
}

int main(void)
{
	struct tcp_params p;
	tcp_params_default(&p);
	p.local_addr = 1;
	p.max_conns = 60000;
	struct tcp_ops ops = {.tx = tx};
	struct tcp_stack *s = tcp_stack_create(&p, &ops, NULL);
	if (!s)
		return 1;
	uint64_t now = 1000000;
	struct tcp_conn *c;
	tcp_connect(s, 2, 80, now, &c);
	struct tcp_seg sa = syn_ack(c);
	tcp_input(s, &sa, now);
	bench_receive(s, c, now, 5000000);
	bench_send(s, c, now, 5000000);
	tcp_abort(s, c, now);
	bench_churn(s, now, 1000000);
	printf("table memory: %zu bytes per connection\n", tcp_stack_mem_per_conn(s));
	tcp_stack_destroy(s);
	bench_accept(now, 1000000);
	return 0;
}
