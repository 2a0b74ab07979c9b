/* SPDX-License-Identifier: BSD-3-Clause */
/* The software checksums agree with DPDK's for every length and alignment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "cksum.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint8_t next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

static void raw_sums_match_dpdk_at_every_length_and_offset(void **state)
{
	static uint8_t buf[1600 + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = next_byte();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 1600; len++)
			if (net_cksum_fold(net_cksum_add(buf + off, len, 0)) !=
			    rte_raw_cksum(buf + off, len))
				fail_msg("offset %zu length %zu", off, len);
	memset(buf, 0xff, sizeof(buf)); /* every carry */
	for (size_t len = 0; len <= 64; len++)
		assert_int_equal(net_cksum_fold(net_cksum_add(buf, len, 0)), rte_raw_cksum(buf, len));
}

/* An IPv4 + TCP frame with random fields and payload of the given length. */
static struct rte_ipv4_hdr *fill_segment(uint8_t *mem, uint16_t payload)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)mem;
	uint16_t l4_len = (uint16_t)(sizeof(struct rte_tcp_hdr) + payload);

	for (size_t i = 0; i < sizeof(*ip) + l4_len; i++)
		mem[i] = next_byte();
	ip->version_ihl = 0x45;
	ip->next_proto_id = IPPROTO_TCP;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4_len));
	ip->hdr_checksum = 0;
	((struct rte_tcp_hdr *)(ip + 1))->cksum = 0;
	return ip;
}

static void tcp_and_ip_checksums_match_dpdk_and_verify(void **state)
{
	static uint8_t mem[2048];

	(void)state;
	for (uint16_t payload = 0; payload <= 1460; payload += 7) {
		struct rte_ipv4_hdr *ip = fill_segment(mem, payload);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint16_t l4_len = (uint16_t)(sizeof(*th) + payload);

		assert_int_equal(net_ipv4_cksum(ip), rte_ipv4_cksum(ip));
		assert_int_equal(net_tcp_cksum(ip, th, l4_len), rte_ipv4_udptcp_cksum(ip, th));
		ip->hdr_checksum = net_ipv4_cksum(ip);
		th->cksum = net_tcp_cksum(ip, th, l4_len);
		assert_int_equal(net_ipv4_hdr_sum(ip, sizeof(*ip)), 0xffff);
		assert_int_equal(net_tcp_sum(ip, th, l4_len), 0xffff);
		assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, th), 0);
		((uint8_t *)th)[l4_len - 1] ^= 0x10; /* one flipped bit is seen */
		assert_int_not_equal(net_tcp_sum(ip, th, l4_len), 0xffff);
	}
}

static void ipv6_tcp_checksums_match_dpdk_and_verify(void **state)
{
	static uint8_t mem[2048];
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)mem;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	(void)state;
	for (uint16_t payload = 0; payload <= 1440; payload += 7) {
		uint16_t l4_len = (uint16_t)(sizeof(*th) + payload);

		for (size_t i = 0; i < sizeof(*ip) + l4_len; i++)
			mem[i] = next_byte();
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(l4_len);
		ip->proto = IPPROTO_TCP;
		th->cksum = 0;
		assert_int_equal(net_ip6_l4_cksum(ip, IPPROTO_TCP, th, l4_len),
				 rte_ipv6_udptcp_cksum(ip, th));
		th->cksum = net_ip6_l4_cksum(ip, IPPROTO_TCP, th, l4_len);
		assert_int_equal(net_ip6_l4_sum(ip, IPPROTO_TCP, th, l4_len), 0xffff);
		assert_int_equal(rte_ipv6_udptcp_cksum_verify(ip, th), 0);
		ip->src_addr[payload % 16] ^= 0x04; /* the pseudo header counts */
		assert_int_not_equal(net_ip6_l4_sum(ip, IPPROTO_TCP, th, l4_len), 0xffff);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_sums_match_dpdk_at_every_length_and_offset),
		cmocka_unit_test(tcp_and_ip_checksums_match_dpdk_and_verify),
		cmocka_unit_test(ipv6_tcp_checksums_match_dpdk_and_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
