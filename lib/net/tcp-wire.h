/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP segment as lib/net parses and builds it and as lib/tcp consumes
 * and produces it. It lives here, in the lower layer, so that lib/net knows
 * the TCP wire format without seeing the stack (lib/tcp includes this).
 */
#pragma once

#include <stdint.h>

struct tcp_conn;

/* TCP header flags, as on the wire */
#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20

/* A received segment; addresses and ports in host byte order. */
struct tcp_seg {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;   /* raw header field, not yet scaled */
	uint16_t mss;   /* MSS option, 0 when absent */
	int8_t wscale;  /* window scale option, -1 when absent */
	const uint8_t *payload;
	uint32_t len;
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
	uint64_t stream_off;
	uint32_t len;
};
