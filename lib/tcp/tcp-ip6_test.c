/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 connections: the server answers both families on one stack, the
 * client opens from its IPv6 range, and a segment is matched by its full
 * addresses, not only by the low 32 bits the lookups start from. */
#include <errno.h>
#include <string.h>

#include "tcp-test-harness.h"

#define SPORT 40000

static const struct net_ip6 OURS = {{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02}};
static const struct net_ip6 PEER = {{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};
/* PEER's low 32 bits in another /64 */
static const struct net_ip6 PEER_FAR = {{0xfd, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0x01}};

static void ip6_on(struct tcp_params *p)
{
	p->ip6 = true;
	p->local_ip6 = OURS;
}

static void ip6_two_addrs(struct tcp_params *p)
{
	ip6_on(p);
	p->n_local_addrs = 2;
}

/* A segment as lib/net gives it: ip6 points at the header's two addresses. */
static struct tcp_seg seg6(const struct net_ip6 *from, const struct net_ip6 *to, uint16_t sport,
			   uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	static struct net_ip6_pair hdr[8];
	static unsigned next;
	struct net_ip6_pair *a = &hdr[next++ % 8];

	a->src = *from;
	a->dst = *to;
	return (struct tcp_seg){
		.saddr = net_ip6_low32(from), .daddr = net_ip6_low32(to), .ip6 = a,
		.sport = sport, .dport = dport, .seq = seq, .ack = ack,
		.flags = flags, .wnd = 65535, .mss = 1440, .wscale = -1,
	};
}

/* The SYN-ACK, from the SYN's destination to its source; NULL if none. */
static const struct tcp_seg_out *syn6(struct harness *h, const struct net_ip6 *from,
				      uint16_t sport)
{
	unsigned before = h->ntx;
	struct tcp_seg syn = seg6(from, &OURS, sport, H_LISTEN_PORT, TCP_F_SYN,
				  h_peer_iss_for(sport), 0);
	h_in(h, &syn);
	return h->ntx > before ? h_last(h) : NULL;
}

static struct tcp_conn *accept6(struct harness *h, const struct net_ip6 *from, uint16_t sport)
{
	const struct tcp_seg_out *sa = syn6(h, from, sport);
	assert_non_null(sa);
	assert_int_equal(sa->flags, TCP_F_SYN | TCP_F_ACK);
	struct tcp_conn *c = sa->conn;
	uint32_t iss = sa->seq;
	struct tcp_seg ack = seg6(from, &OURS, sport, H_LISTEN_PORT, TCP_F_ACK,
				  h_peer_iss_for(sport) + 1, iss + 1);
	h->accepted = NULL;
	h_in(h, &ack);
	assert_ptr_equal(h->accepted, c);
	struct h_conn *hc = h_of(h, c);
	hc->iss = iss;
	hc->peer_iss = h_peer_iss_for(sport);
	hc->peer_nxt = hc->peer_iss + 1;
	return c;
}

static const struct net_ip6 *src_of(struct harness *h, const struct tcp_seg_out *o)
{
	const struct net_ip6_pair *a = tcp_seg_out_ip6(h->s, o);
	assert_non_null(a);
	return &a->src;
}

static const struct net_ip6 *dst_of(struct harness *h, const struct tcp_seg_out *o)
{
	const struct net_ip6_pair *a = tcp_seg_out_ip6(h->s, o);
	assert_non_null(a);
	return &a->dst;
}

static struct harness *server6(void)
{
	struct harness *h = h_new(ip6_on);
	h_listen(h);
	return h;
}

static void an_ipv6_syn_gets_a_synack_to_its_source_from_its_destination(void **state)
{
	struct harness *h = server6();
	(void)state;
	const struct tcp_seg_out *o = syn6(h, &PEER, SPORT);
	assert_non_null(o);
	assert_int_equal(o->flags, TCP_F_SYN | TCP_F_ACK);
	assert_memory_equal(src_of(h, o), &OURS, 16);
	assert_memory_equal(dst_of(h, o), &PEER, 16);
	assert_int_equal(o->dport, SPORT);
	assert_int_equal(o->ack, h_peer_iss_for(SPORT) + 1);
	assert_int_equal(o->mss, h->p.mss - 20); /* the IPv6 header is 20 bytes longer */
	h_teardown(h);
}

static void an_ipv6_connection_carries_data_both_ways_and_closes(void **state)
{
	struct harness *h = server6();
	(void)state;
	struct tcp_conn *c = accept6(h, &PEER, SPORT);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_memory_equal(tcp_conn_remote_addr6(h->s, c), &PEER, 16);
	assert_memory_equal(tcp_conn_local_addr6(h->s, c), &OURS, 16);
	assert_int_equal(h_info(h, c).mss, 1440); /* the peer's 1440, below our 1460 - 20 */
	h_peer_data(h, c, 0, 100, TCP_F_PSH);
	assert_int_equal(h_of(h, c)->rx_len, 100);
	assert_int_equal(tcp_send(h->s, c, 300, h->now), 0);
	const struct tcp_seg_out *o = h_last(h);
	assert_int_equal(o->len, 300);
	assert_memory_equal(dst_of(h, o), &PEER, 16);
	h_peer_ack(h, c, 300, 65535);
	assert_int_equal(h_of(h, c)->acked, 300);
	h_teardown(h);
}

/* The hash finds by the low 32 bits and port: the rest must be checked. */
static void two_ipv6_peers_alike_in_their_low_32_bits_are_two_connections(void **state)
{
	struct harness *h = server6();
	(void)state;
	struct tcp_conn *a = accept6(h, &PEER, SPORT);
	struct tcp_conn *b = accept6(h, &PEER_FAR, SPORT);
	assert_ptr_not_equal(a, b);
	assert_memory_equal(tcp_conn_remote_addr6(h->s, b), &PEER_FAR, 16);
	h_peer_data(h, b, 0, 10, 0);
	assert_int_equal(h_of(h, b)->rx_len, 10);
	assert_int_equal(h_of(h, a)->rx_len, 0);
	assert_int_equal(tcp_stack_active(h->s), 2);
	h_teardown(h);
}

static void an_ipv4_and_an_ipv6_peer_with_the_same_low_bits_are_two_connections(void **state)
{
	struct harness *h = server6();
	(void)state;
	struct tcp_conn *v6 = accept6(h, &PEER, SPORT);
	struct tcp_conn *v4 = h_accept(h, SPORT); /* H_PEER 198.19.0.1 */
	assert_ptr_not_equal(v4, v6);
	assert_null(tcp_conn_remote_addr6(h->s, v4));
	assert_int_equal(tcp_send(h->s, v4, 10, h->now), 0);
	assert_null(tcp_seg_out_ip6(h->s, h_last(h)));
	assert_int_equal(tcp_send(h->s, v6, 10, h->now), 0);
	assert_memory_equal(dst_of(h, h_last(h)), &PEER, 16);
	h_teardown(h);
}

/* An IPv4-only stack keeps no IPv6 address (lib/net hands it none). */
static void an_ipv6_syn_to_an_ipv4_stack_opens_nothing(void **state)
{
	struct harness *h = h_new(NULL);
	(void)state;
	h_listen(h);
	assert_null(syn6(h, &PEER, SPORT));
	assert_int_equal(tcp_stack_stats(h->s)->syn_rx, 0);
	assert_int_equal(tcp_stack_active(h->s), 0);
	h_teardown(h);
}

/* A segment no connection owns gets its RST from its destination. */
static void an_ipv6_segment_of_no_connection_gets_a_rst_to_its_source(void **state)
{
	struct harness *h = server6();
	(void)state;
	struct tcp_seg ack = seg6(&PEER, &OURS, SPORT, H_LISTEN_PORT, TCP_F_ACK, 1, 2);
	h_in(h, &ack);
	const struct tcp_seg_out *o = h_last(h);
	assert_non_null(o);
	assert_int_equal(o->flags, TCP_F_RST);
	assert_int_equal(o->seq, 2);
	assert_memory_equal(src_of(h, o), &OURS, 16);
	assert_memory_equal(dst_of(h, o), &PEER, 16);
	h_teardown(h);
}

static void peers_alike_but_in_their_upper_bits_get_different_isns(void **state)
{
	struct harness *h = server6();
	(void)state;
	uint32_t a = syn6(h, &PEER, SPORT)->seq;
	uint32_t b = syn6(h, &PEER_FAR, SPORT)->seq;
	assert_int_not_equal(a, b);
	h_teardown(h);
}

static void a_client_opens_from_its_ipv6_range_one_address_after_another(void **state)
{
	struct harness *h = h_new(ip6_two_addrs);
	struct tcp_conn *c[2];
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(tcp_connect6(h->s, &PEER, H_PEER_PORT, h->now, &c[i]), 0);
		const struct tcp_seg_out *syn = h_last(h);
		struct net_ip6 want = OURS;
		net_ip6_set_low32(&want, net_ip6_low32(&OURS) + tcp_conn_id(c[i]) % 2);
		assert_int_equal(syn->flags, TCP_F_SYN);
		assert_int_equal(syn->mss, h->p.mss - 20);
		assert_memory_equal(src_of(h, syn), &want, 16);
		assert_memory_equal(dst_of(h, syn), &PEER, 16);
		assert_int_equal(syn->daddr, net_ip6_low32(&PEER));
		struct h_conn *hc = h_of(h, c[i]);
		hc->opened++;
		hc->iss = syn->seq;
		hc->peer_iss = H_PEER_ISS;
	}
	assert_memory_not_equal(src_of(h, h_last(h)), src_of(h, &h->tx[h->ntx - 2]), 16);
	/* the SYN-ACK from the right peer establishes */
	struct tcp_seg sa = h_seg(h, c[0], TCP_F_SYN | TCP_F_ACK, H_PEER_ISS, h_of(h, c[0])->iss + 1, 0);
	h_in(h, &sa);
	assert_int_equal(tcp_conn_state(c[0]), TCP_ESTABLISHED);
	h_of(h, c[0])->peer_nxt = H_PEER_ISS + 1;
	/* one from PEER's low bits in another /64 finds no connection */
	struct tcp_seg far = h_seg(h, c[1], TCP_F_SYN | TCP_F_ACK, H_PEER_ISS, h_of(h, c[1])->iss + 1, 0);
	struct net_ip6_pair far_hdr = {PEER_FAR, far.ip6->dst};
	far.ip6 = &far_hdr;
	uint64_t no_conn = tcp_stack_stats(h->s)->drop_no_conn;
	h_in(h, &far);
	assert_int_equal(tcp_conn_state(c[1]), TCP_SYN_SENT);
	assert_int_equal(tcp_stack_stats(h->s)->drop_no_conn, no_conn + 1);
	h_teardown(h);
}

static void connect6_needs_a_stack_made_for_ipv6(void **state)
{
	struct harness *h = h_new(NULL);
	struct tcp_conn *c = NULL;
	(void)state;
	assert_int_equal(tcp_connect6(h->s, &PEER, H_PEER_PORT, h->now, &c), -EAFNOSUPPORT);
	assert_int_equal(tcp_stack_active(h->s), 0);
	h_teardown(h);
}

/* The side array costs an IPv6 stack, not an IPv4 one. */
static void only_an_ipv6_stack_pays_for_full_addresses(void **state)
{
	struct harness *v4 = h_new(NULL), *v6 = h_new(ip6_on);
	(void)state;
	assert_true(tcp_stack_mem_per_conn(v6->s) >= tcp_stack_mem_per_conn(v4->s) + 32);
	h_teardown(v4);
	h_teardown(v6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_ipv6_syn_gets_a_synack_to_its_source_from_its_destination),
		cmocka_unit_test(an_ipv6_connection_carries_data_both_ways_and_closes),
		cmocka_unit_test(two_ipv6_peers_alike_in_their_low_32_bits_are_two_connections),
		cmocka_unit_test(an_ipv4_and_an_ipv6_peer_with_the_same_low_bits_are_two_connections),
		cmocka_unit_test(an_ipv6_syn_to_an_ipv4_stack_opens_nothing),
		cmocka_unit_test(an_ipv6_segment_of_no_connection_gets_a_rst_to_its_source),
		cmocka_unit_test(peers_alike_but_in_their_upper_bits_get_different_isns),
		cmocka_unit_test(a_client_opens_from_its_ipv6_range_one_address_after_another),
		cmocka_unit_test(connect6_needs_a_stack_made_for_ipv6),
		cmocka_unit_test(only_an_ipv6_stack_pays_for_full_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
