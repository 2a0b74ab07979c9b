/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksums (RFC 1071) in software, for ports without offloads
 * (virtual devices). The one's complement sum is taken 8 bytes at a time
 * with the carry added back, then folded to 16 bits: the same result as
 * DPDK's rte_raw_cksum, which goes 2 bytes at a time (half of the client's
 * frame parsing in perf on net_memif).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct rte_ipv4_hdr;
struct rte_ipv6_hdr;

/** Add the bytes of buf to a partial sum (0 to start); not folded. */
uint32_t net_cksum_add(const void *buf, size_t len, uint32_t sum);

/** Fold a partial sum to 16 bits (not complemented). */
uint16_t net_cksum_fold(uint32_t sum);

/** The IPv4 header checksum to store (hdr_checksum must be 0). */
uint16_t net_ipv4_cksum(const struct rte_ipv4_hdr *ip);

/** The TCP checksum to store for l4_len bytes at l4 (its checksum field 0);
 * as rte_ipv4_udptcp_cksum, 0xffff for a zero result. */
uint16_t net_tcp_cksum(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len);

/** A received header or segment sums to 0xffff with its checksum in place. */
uint16_t net_ipv4_hdr_sum(const struct rte_ipv4_hdr *ip, size_t hdr_len);
uint16_t net_tcp_sum(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len);

/** IPv6 (RFC 8200 8.1): the sum over the pseudo header (ip's addresses,
 * l4_len, proto) and the l4_len bytes at l4; 0xffff for a received segment
 * or message with its checksum in place. */
uint16_t net_ip6_l4_sum(const struct rte_ipv6_hdr *ip, uint8_t proto, const void *l4,
			uint32_t l4_len);
/** The TCP or ICMPv6 checksum to store (its field 0); 0xffff for a zero result. */
uint16_t net_ip6_l4_cksum(const struct rte_ipv6_hdr *ip, uint8_t proto, const void *l4,
			  uint32_t l4_len);
