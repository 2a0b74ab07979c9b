/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP segment as lib/net parses and builds it and as lib/tcp consumes
 * and produces it. It lives here, in the lower layer, so that lib/net knows
 * the TCP wire format without seeing the stack (lib/tcp includes this).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ip6-t.h"

struct tcp_conn;

/* TCP header flags, as on the wire */
#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20

#define TCP_MAX_SACK 3 /* SACK blocks in one ACK: what fits beside timestamps */

/* A received segment; addresses and ports in host byte order. An IPv6
 * segment has ip6, its header's addresses, and their low 32 bits in saddr
 * and daddr: IPv4 stays 32-bit compares, and IPv6 lookups start from the same
 * fields and check the rest of the address after. The pointer sits where
 * padding was (56 bytes, as before it), the fields in their old order. */
struct tcp_seg {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	bool sack_ok;   /* SACK-permitted option (RFC 2018, in a SYN) */
	uint16_t wnd;   /* raw header field, not yet scaled */
	uint16_t mss;   /* MSS option, 0 when absent */
	int8_t wscale;  /* window scale option, -1 when absent */
	bool ts;        /* timestamps option present (RFC 7323) */
	uint32_t tsval, tsecr;
	uint32_t len;
	const uint8_t *payload;
	const struct net_ip6_pair *ip6; /* NULL: IPv4 */
};

/* A segment to send; lib/net builds the headers and pulls the payload
 * bytes [stream_off, stream_off + len) of the connection's send stream. */
struct tcp_seg_out {
	struct tcp_conn *conn; /* NULL for a RST answering an unknown segment */
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;   /* already scaled down for the header */
	uint16_t mss;   /* MSS option to put in a SYN, else 0 */
	int8_t wscale;  /* window scale option to put in a SYN, else -1 */
	bool ts;        /* put a timestamps option (RFC 7323) */
	uint32_t tsval, tsecr;
	bool sack_ok;   /* put SACK-permitted (a SYN) */
	uint8_t n_sack; /* SACK blocks (pure ACKs only, so data never outgrows the MSS) */
	uint32_t sack[TCP_MAX_SACK][2]; /* [left, right) edges, the newest first */
	uint64_t stream_off;
	uint32_t len;
	/* IPv6: 1 + the stack's slot of its addresses (tcp_seg_out_ip6() reads
	 * them); 0: IPv4. A slot, not a pointer: it fits in what was padding. */
	uint32_t ip6_slot;
};
