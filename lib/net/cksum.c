/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "cksum.h"

static inline uint64_t add_carry(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b); /* end-around carry */
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

uint32_t net_cksum_add(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum;
	uint32_t v32;
	uint16_t v16;

	for (; len >= 32; p += 32, len -= 32) {
		s = add_carry(s, load64(p));
		s = add_carry(s, load64(p + 8));
		s = add_carry(s, load64(p + 16));
		s = add_carry(s, load64(p + 24));
	}
	for (; len >= 8; p += 8, len -= 8)
		s = add_carry(s, load64(p));
	if (len >= 4) {
		memcpy(&v32, p, 4);
		s = add_carry(s, v32);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&v16, p, 2);
		s = add_carry(s, v16);
		p += 2;
		len -= 2;
	}
	if (len) /* the last byte is the first of a 16-bit word */
		s = add_carry(s, rte_cpu_to_be_16((uint16_t)(*p << 8)));
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t net_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t net_ipv4_cksum(const struct rte_ipv4_hdr *ip)
{
	return (uint16_t)~net_ipv4_hdr_sum(ip, rte_ipv4_hdr_len(ip));
}

uint16_t net_ipv4_hdr_sum(const struct rte_ipv4_hdr *ip, size_t hdr_len)
{
	return net_cksum_fold(net_cksum_add(ip, hdr_len, 0));
}

uint16_t net_tcp_sum(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len)
{
	/* pseudo header: both addresses, protocol, TCP length */
	uint32_t s = (uint32_t)rte_cpu_to_be_16(IPPROTO_TCP) + rte_cpu_to_be_16(l4_len);

	s = net_cksum_add(&ip->src_addr, 8, s);
	return net_cksum_fold(net_cksum_add(l4, l4_len, s));
}

uint16_t net_tcp_cksum(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len)
{
	uint16_t c = (uint16_t)~net_tcp_sum(ip, l4, l4_len);

	return c == 0 ? 0xffff : c;
}

uint16_t net_ip6_l4_sum(const struct rte_ipv6_hdr *ip, uint8_t proto, const void *l4,
			uint32_t l4_len)
{
	/* pseudo header (RFC 8200 8.1): both addresses, the 32-bit upper-layer
	 * length, three zero bytes and the next header */
	const uint32_t tail[2] = {rte_cpu_to_be_32(l4_len), rte_cpu_to_be_32(proto)};
	uint32_t s = net_cksum_add(tail, sizeof(tail), 0);

	s = net_cksum_add(ip->src_addr, 32, s);
	return net_cksum_fold(net_cksum_add(l4, l4_len, s));
}

uint16_t net_ip6_l4_cksum(const struct rte_ipv6_hdr *ip, uint8_t proto, const void *l4,
			  uint32_t l4_len)
{
	uint16_t c = (uint16_t)~net_ip6_l4_sum(ip, proto, l4, l4_len);

	return c == 0 ? 0xffff : c;
}
