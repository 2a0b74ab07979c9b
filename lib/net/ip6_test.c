/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 in lib/net on a net_ring port (what we send comes back to us), fed
 * frames byte for byte. The KERNEL_* frames were captured with tcpdump
 * between two Linux network namespaces (fd00::1 at 02:00:00:00:00:01 pinging
 * and connecting to fd00::2 at 02:00:00:00:00:02, auto flow labels off):
 * drench in the place of either end must send what the kernel sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "cksum.h"
#include "net.h"
#include "port.h"
#include "steer.h"
#include <rte_ring.h>

/* fd00::1 -> ff02::1:ff00:2, who has fd00::2, source link-layer 02:..:01 */
static const char KERNEL_NS[] =
	"3333ff00000202000000000186dd6000000000203afffd000000000000000000000000000001ff02000000"
	"00000000000001ff00000287007d9700000000fd0000000000000000000000000000020101020000000001";
/* fd00::2 -> fd00::1: fd00::2 is at 02:..:02, solicited and override */
static const char KERNEL_NA[] =
	"02000000000102000000000286dd6000000000203afffd000000000000000000000000000002fd00000000"
	"000000000000000000000188001c9a60000000fd0000000000000000000000000000020201020000000002";
/* fd00::1.51266 > fd00::2.80 SYN, mss 1440, sackOK, TS, wscale 10 */
static const char KERNEL_SYN[] =
	"02000000000202000000000186dd6000000000280640fd000000000000000000000000000001fd00000000"
	"0000000000000000000002c842005040fc577b00000000a002fd20be7f0000020405a00402080a466ceaf5"
	"000000000103030a";
/* ping -6 -c 1 -p 70 fd00::2 from fd00::1, and the kernel's reply */
static const char KERNEL_ECHO_REQUEST[] =
	"02000000000202000000000186dd6000000000403a40fd000000000000000000000000000001fd00000000"
	"00000000000000000000028000ff5a4d250001c30a136b0000000095c00400000000007070707070707070"
	"7070707070707070707070707070707070707070707070707070707070707070";
static const char KERNEL_ECHO_REPLY[] =
	"02000000000102000000000286dd6000000000403a40fd000000000000000000000000000002fd00000000"
	"00000000000000000000018100fe5a4d250001c30a136b0000000095c00400000000007070707070707070"
	"7070707070707070707070707070707070707070707070707070707070707070";

static struct net_port port;
static struct net_iface ifc;
static const struct net_ip6 HOST1 = {{0xfd, [15] = 1}};
static const struct net_ip6 HOST2 = {{0xfd, [15] = 2}};
static const struct rte_ether_addr MAC1 = {{2, 0, 0, 0, 0, 1}};
static const struct rte_ether_addr MAC2 = {{2, 0, 0, 0, 0, 2}};

static struct {
	int calls;
	struct net_ip6 saddr, daddr;
	struct tcp_seg seg;
	uint8_t payload[2048];
} seen;

static void on_tcp4(void *ctx, const struct tcp_seg *seg)
{
	(void)ctx;
	(void)seg;
	fail_msg("an IPv6 segment reached the IPv4 handler");
}

static void on_tcp6(void *ctx, const struct tcp_seg *seg)
{
	(void)ctx;
	seen.calls++;
	seen.saddr = seg->ip6->src;
	seen.daddr = seg->ip6->dst;
	assert_int_equal(seg->saddr, net_ip6_low32(&seg->ip6->src));
	assert_int_equal(seg->daddr, net_ip6_low32(&seg->ip6->dst));
	seen.seg = *seg;
	memcpy(seen.payload, seg->payload, seg->len);
	seen.seg.payload = seen.payload;
}

static void fill_pattern(void *ctx, struct tcp_conn *c, uint64_t off, uint32_t len, uint8_t *dst)
{
	(void)ctx;
	(void)c;
	for (uint32_t i = 0; i < len; i++)
		dst[i] = (uint8_t)('a' + (off + i) % 26);
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static int setup_eal(void **state)
{
	char *args[] = {"ip6_test", "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
			"--vdev=net_ring0", "--log-level=*:error"};
	struct net_port_conf pc = {.dev = "net_ring0", .n_queues = 1, .rx_desc = 256,
				   .tx_desc = 256, .n_mbufs = 4095};
	(void)state;
	if (rte_eal_init(8, args) < 0)
		return -1;
	return net_port_open(&pc, &port);
}

/* We are fd00::2/64 at the kernel's second MAC, so our frames can be the kernel's. */
static int setup_iface(void **state)
{
	(void)state;
	net_iface_init(&ifc, &port, 0, 0xC6120002u, 0xffffff00, 0);
	net_iface_set_ip6(&ifc, &HOST2, 64);
	ifc.mac = MAC2;
	memset(&seen, 0, sizeof(seen));
	return 0;
}

static int teardown_iface(void **state)
{
	(void)state;
	rte_pktmbuf_free_bulk(ifc.tx, ifc.tx_len);
	ifc.tx_len = 0;
	return 0;
}

static struct rte_mbuf *frame_of(const uint8_t *bytes, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port.pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_mtod(m, void *), bytes, len);
	m->data_len = m->pkt_len = (uint32_t)len;
	return m;
}

/* Through the port and net_rx, as a frame from the wire comes. */
static void receive(const uint8_t *bytes, size_t len)
{
	struct rte_mbuf *m = frame_of(bytes, len);

	assert_int_equal(rte_eth_tx_burst(port.port_id, 0, &m, 1), 1);
	assert_int_equal(net_rx(&ifc, 10, on_tcp4, NULL), 1);
}

static void receive_hex(const char *hex)
{
	uint8_t f[256];

	receive(f, unhex(hex, f));
}

static void assert_sent(uint16_t i, const char *hex)
{
	uint8_t want[256];
	size_t n = unhex(hex, want);

	assert_true(i < ifc.tx_len);
	assert_int_equal(ifc.tx[i]->data_len, n);
	assert_memory_equal(rte_pktmbuf_mtod(ifc.tx[i], void *), want, n);
}

/* the ICMPv6 checksum of a frame edited by a test */
static void fix_icmp6_cksum(uint8_t *f)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
	uint8_t *icmp = (uint8_t *)(ip + 1);
	uint16_t len = rte_be_to_cpu_16(ip->payload_len), c;

	icmp[2] = icmp[3] = 0;
	c = net_ip6_l4_cksum(ip, IPPROTO_ICMPV6, icmp, len);
	memcpy(icmp + 2, &c, 2);
}

static void the_kernels_solicitation_gets_the_kernels_own_advertisement(void **state)
{
	struct rte_ether_addr mac;
	(void)state;

	receive_hex(KERNEL_NS);
	assert_int_equal(ifc.tx_len, 1);
	assert_sent(0, KERNEL_NA);
	assert_int_equal(ifc.stats.nd_adverts_tx, 1);
	assert_int_equal(ifc.stats.rx_nd, 1);
	assert_int_equal(net_nd_lookup(&ifc, &HOST1, &mac), 0); /* learned from the SLLA */
	assert_memory_equal(&mac, &MAC1, 6);
}

static void our_solicitation_is_the_kernels(void **state)
{
	(void)state;
	net_iface_set_ip6(&ifc, &HOST1, 64);
	ifc.mac = MAC1;
	assert_int_equal(net_nd_solicit(&ifc, &HOST2), 0);
	assert_sent(0, KERNEL_NS);
	assert_int_equal(ifc.stats.nd_solicits_tx, 1);
}

static void the_kernels_advertisement_is_learned(void **state)
{
	struct rte_ether_addr mac;
	(void)state;

	net_iface_set_ip6(&ifc, &HOST1, 64);
	ifc.mac = MAC1;
	receive_hex(KERNEL_NA);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(net_nd_lookup(&ifc, &HOST2, &mac), 0);
	assert_memory_equal(&mac, &MAC2, 6);
}

static void a_solicitation_for_another_address_is_not_answered(void **state)
{
	uint8_t f[256];
	size_t n = unhex(KERNEL_NS, f);
	struct rte_ether_addr mac;
	(void)state;

	f[14 + 40 + 8 + 15] = 3; /* who has fd00::3, still to ff02::1:ff00:2 */
	fix_icmp6_cksum(f);
	receive(f, n);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(ifc.stats.drop_not_ours, 1);
	f[14 + 24 + 15] = 3; /* now to fd00::3's group: not ours at the IPv6 layer */
	fix_icmp6_cksum(f);
	receive(f, n);
	assert_int_equal(ifc.stats.drop_not_ours, 2);
	assert_int_equal(ifc.stats.rx_nd, 1);
	assert_int_equal(net_nd_lookup(&ifc, &HOST1, &mac), -ENOENT);
}

/* RFC 4861 7.1.1: a router on the way would have lowered the hop limit. */
static void a_solicitation_from_off_link_is_invalid(void **state)
{
	uint8_t f[256];
	size_t n = unhex(KERNEL_NS, f);
	(void)state;

	f[14 + 7] = 254; /* hop limit: outside the checksum */
	receive(f, n);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(ifc.stats.drop_nd_invalid, 1);
}

/* A peer checking fd00::2 is free (source ::) hears that it is ours, on all-nodes. */
static void duplicate_address_detection_is_answered_to_all_nodes(void **state)
{
	static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
	uint8_t f[256];
	size_t n = unhex(KERNEL_NS, f) - 8; /* no source link-layer option from :: */
	(void)state;

	memset(f + 14 + 8, 0, 16);
	f[14 + 5] = 24;
	fix_icmp6_cksum(f);
	receive(f, n);
	assert_int_equal(ifc.tx_len, 1);
	const uint8_t *r = rte_pktmbuf_mtod(ifc.tx[0], const uint8_t *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(r + 14);
	assert_memory_equal(r, "\x33\x33\x00\x00\x00\x01", 6);
	assert_memory_equal(ip->dst_addr, all_nodes, 16);
	assert_memory_equal(ip->src_addr, &HOST2, 16);
	assert_int_equal(r[14 + 40], 136);
	assert_int_equal(r[14 + 40 + 4], 0x20); /* override, not solicited */
	assert_int_equal(net_ip6_l4_sum(ip, IPPROTO_ICMPV6, ip + 1, 32), 0xffff);
}

static void a_segment_the_kernel_sent_sums_right(void **state)
{
	uint8_t f[256];
	size_t n = unhex(KERNEL_SYN, f);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	(void)state;

	assert_int_equal(n, 14 + 40 + 40);
	assert_int_equal(net_ip6_l4_sum(ip, IPPROTO_TCP, th, 40), 0xffff);
	th->cksum = 0;
	assert_int_equal(rte_be_to_cpu_16(net_ip6_l4_cksum(ip, IPPROTO_TCP, th, 40)), 0xbe7f);
	assert_int_equal(net_ip6_l4_cksum(ip, IPPROTO_TCP, th, 40), rte_ipv6_udptcp_cksum(ip, th));
	unhex(KERNEL_NS, f);
	assert_int_equal(net_ip6_l4_sum(ip, IPPROTO_ICMPV6, ip + 1, 32), 0xffff);
}

/* lib/tcp takes IPv4 addresses only: a valid IPv6 segment is counted and dropped. */
static void ipv6_tcp_without_a_handler_is_counted_and_dropped(void **state)
{
	(void)state;
	receive_hex(KERNEL_SYN);
	assert_int_equal(ifc.stats.rx_tcp6, 1);
	assert_int_equal(ifc.stats.drop_tcp6_no_stack, 1);
	assert_int_equal(ifc.stats.drop_tcp_cksum, 0);
}

static void ipv6_tcp_reaches_its_handler_with_both_addresses(void **state)
{
	(void)state;
	ifc.on_tcp6 = on_tcp6;
	receive_hex(KERNEL_SYN);
	assert_int_equal(seen.calls, 1);
	assert_memory_equal(&seen.saddr, &HOST1, 16);
	assert_memory_equal(&seen.daddr, &HOST2, 16);
	assert_int_equal(seen.seg.sport, 51266);
	assert_int_equal(seen.seg.dport, 80);
	assert_int_equal(seen.seg.seq, 0x40fc577b);
	assert_int_equal(seen.seg.flags, TCP_F_SYN);
	assert_int_equal(seen.seg.wnd, 64800);
	assert_int_equal(seen.seg.mss, 1440);
	assert_int_equal(seen.seg.wscale, 10);
	assert_true(seen.seg.sack_ok);
	assert_true(seen.seg.ts);
	assert_int_equal(seen.seg.tsval, 0x466ceaf5);
	assert_int_equal(seen.seg.len, 0);
}

static void a_corrupted_ipv6_segment_is_dropped_and_counted(void **state)
{
	uint8_t f[256];
	size_t n = unhex(KERNEL_SYN, f);
	(void)state;

	ifc.on_tcp6 = on_tcp6;
	f[n - 1] ^= 0x01; /* the window scale: 11 */
	receive(f, n);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(ifc.stats.drop_tcp_cksum, 1);
}

static struct rte_mbuf *echo_request(uint16_t payload_len, const struct net_ip6 *dst)
{
	uint8_t f[2048];
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
	uint8_t *icmp = (uint8_t *)(ip + 1);
	uint16_t len = (uint16_t)(8 + payload_len);

	memcpy(f, &MAC2, 6);
	memcpy(f + 6, &MAC1, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | 0x12345);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, &HOST1, 16);
	memcpy(ip->dst_addr, dst, 16);
	icmp[0] = 128;
	icmp[1] = 0;
	icmp[4] = 0x12; /* identifier */
	icmp[5] = 0x34;
	icmp[6] = 0; /* sequence */
	icmp[7] = 7;
	memset(icmp + 8, 'p', payload_len);
	fix_icmp6_cksum(f);
	return frame_of(f, 14u + 40u + len);
}

static void an_echo_request_is_answered_with_a_valid_checksum(void **state)
{
	struct rte_mbuf *m = echo_request(1400, &HOST2);
	uint8_t sent[2048];
	(void)state;

	memcpy(sent, rte_pktmbuf_mtod(m, void *), m->data_len);
	assert_int_equal(rte_eth_tx_burst(port.port_id, 0, &m, 1), 1);
	assert_int_equal(net_rx(&ifc, 10, on_tcp4, NULL), 1);
	assert_int_equal(ifc.tx_len, 1);
	assert_int_equal(ifc.stats.icmp6_echo_replies, 1);
	const uint8_t *r = rte_pktmbuf_mtod(ifc.tx[0], const uint8_t *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(r + 14);
	assert_int_equal(ifc.tx[0]->data_len, 14 + 40 + 8 + 1400);
	assert_memory_equal(r, &MAC1, 6);
	assert_memory_equal(r + 6, &MAC2, 6);
	assert_memory_equal(r + 14, sent + 14, 4); /* version, class and flow label kept */
	assert_memory_equal(ip->src_addr, &HOST2, 16);
	assert_memory_equal(ip->dst_addr, &HOST1, 16);
	assert_int_equal(ip->hop_limits, 64);
	assert_int_equal(r[54], 129);
	assert_memory_equal(r + 54 + 4, sent + 54 + 4, 4 + 1400); /* identifier, sequence, data */
	assert_int_equal(net_ip6_l4_sum(ip, IPPROTO_ICMPV6, ip + 1, 8 + 1400), 0xffff);
}

static void the_kernels_echo_request_gets_the_kernels_own_reply(void **state)
{
	(void)state;
	receive_hex(KERNEL_ECHO_REQUEST);
	assert_int_equal(ifc.tx_len, 1);
	assert_sent(0, KERNEL_ECHO_REPLY);
}

static void an_echo_request_with_a_bad_checksum_is_dropped_and_counted(void **state)
{
	struct rte_mbuf *m = echo_request(56, &HOST2);
	(void)state;

	rte_pktmbuf_mtod(m, uint8_t *)[m->data_len - 1] ^= 0x20;
	assert_int_equal(rte_eth_tx_burst(port.port_id, 0, &m, 1), 1);
	net_rx(&ifc, 10, on_tcp4, NULL);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(ifc.stats.drop_icmp6_cksum, 1);
	assert_int_equal(ifc.stats.icmp6_echo_replies, 0);
}

static void an_echo_request_for_another_address_is_not_ours(void **state)
{
	struct net_ip6 other = HOST2;
	(void)state;

	other.b[15] = 9;
	struct rte_mbuf *m = echo_request(56, &other);
	assert_int_equal(rte_eth_tx_burst(port.port_id, 0, &m, 1), 1);
	net_rx(&ifc, 10, on_tcp4, NULL);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(ifc.stats.drop_not_ours, 1);
}

/* Without an IPv6 address the IPv4-only path counts IPv6 frames as before. */
static void without_an_ipv6_address_ipv6_frames_are_not_ipv4(void **state)
{
	(void)state;
	ifc.n_ip6 = 0;
	receive_hex(KERNEL_NS);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(ifc.stats.drop_not_ipv4, 1);
	assert_int_equal(ifc.stats.rx_ip6, 0);
}

static void off_prefix_peers_go_through_the_ipv6_gateway(void **state)
{
	struct net_ip6 far = {{0xfd, 0x01, [15] = 5}}, hop;
	struct tcp_seg_out s = {.flags = TCP_F_SYN, .wscale = -1};
	(void)state;

	net_ip6_next_hop(&ifc, &far, &hop);
	assert_memory_equal(&hop, &far, 16); /* no gateway: every peer is on-link */
	ifc.gateway6 = HOST1;
	net_ip6_next_hop(&ifc, &far, &hop);
	assert_memory_equal(&hop, &HOST1, 16);
	net_ip6_next_hop(&ifc, &HOST2, &hop);
	assert_memory_equal(&hop, &HOST2, 16);
	assert_int_equal(net_tcp6_tx(&ifc, &HOST2, &far, &s, fill_pattern, NULL), -EHOSTUNREACH);
	net_nd_learn(&ifc, &HOST1, &MAC1, 1);
	assert_int_equal(net_tcp6_tx(&ifc, &HOST2, &far, &s, fill_pattern, NULL), 0);
	assert_memory_equal(rte_pktmbuf_mtod(ifc.tx[0], void *), &MAC1, 6);
}

static void old_neighbour_entries_are_solicited_again_and_kept(void **state)
{
	struct rte_ether_addr mac;
	(void)state;

	net_nd_learn(&ifc, &HOST1, &MAC1, 1);
	net_arp_refresh(&ifc, 2); /* young: nothing */
	assert_int_equal(ifc.tx_len, 0);
	net_arp_refresh(&ifc, 2 + ifc.arp_refresh_us);
	assert_int_equal(ifc.stats.nd_solicits_tx, 1);
	assert_int_equal(net_nd_lookup(&ifc, &HOST1, &mac), 0);
	const uint8_t *r = rte_pktmbuf_mtod(ifc.tx[0], const uint8_t *);
	assert_memory_equal(r, "\x33\x33\xff\x00\x00\x01", 6);
	assert_int_equal(r[14 + 40 + 8 + 15], 1); /* who has fd00::1 */
}

static void the_neighbour_table_evicts_the_oldest_entry_when_full(void **state)
{
	struct rte_ether_addr mac;
	struct net_ip6 ip = HOST1;
	(void)state;

	for (int i = 0; i <= NET_ND_SLOTS; i++) {
		ip.b[14] = (uint8_t)i;
		net_nd_learn(&ifc, &ip, &MAC1, 100 + (uint64_t)i);
	}
	ip.b[14] = 0;
	assert_int_equal(net_nd_lookup(&ifc, &ip, &mac), -ENOENT);
	ip.b[14] = 1;
	assert_int_equal(net_nd_lookup(&ifc, &ip, &mac), 0);
	ip.b[14] = NET_ND_SLOTS;
	assert_int_equal(net_nd_lookup(&ifc, &ip, &mac), 0);
}

/* Built, sent through the ring, received and parsed back, in software. */
static void an_ipv6_data_segment_round_trips_through_the_port(void **state)
{
	struct tcp_seg_out s = {.sport = 80, .dport = 10000, .seq = 7, .ack = 9,
				.flags = TCP_F_ACK | TCP_F_PSH, .wnd = 512, .wscale = -1,
				.ts = true, .tsval = 1, .tsecr = 2, .stream_off = 3, .len = 100};
	(void)state;

	ifc.on_tcp6 = on_tcp6;
	net_nd_learn(&ifc, &HOST2, &port.mac, 1);
	assert_int_equal(net_tcp6_tx(&ifc, &HOST1, &HOST2, &s, fill_pattern, NULL), 0);
	struct rte_mbuf *m = ifc.tx[0];
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV6);
	assert_int_equal(rte_ipv6_udptcp_cksum_verify(ip, ip + 1), 0);
	assert_int_equal(net_tx_flush(&ifc), 1);
	assert_int_equal(net_rx(&ifc, 2, on_tcp4, NULL), 1);
	assert_int_equal(seen.calls, 1);
	assert_memory_equal(&seen.saddr, &HOST1, 16);
	assert_int_equal(seen.seg.seq, 7);
	assert_int_equal(seen.seg.len, 100);
	assert_true(seen.seg.ts);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(seen.payload[i], 'a' + (3 + i) % 26);
}

/* A port that sums TCP gets the pseudo-header sum and the flags, as for IPv4. */
static void with_the_offload_the_port_sums_ipv6_tcp(void **state)
{
	struct tcp_seg_out s = {.flags = TCP_F_SYN, .wscale = -1, .mss = 1440};
	(void)state;

	ifc.ofl.tx_tcp_cksum = true;
	net_nd_learn(&ifc, &HOST1, &MAC1, 1);
	assert_int_equal(net_tcp6_tx(&ifc, &HOST2, &HOST1, &s, fill_pattern, NULL), 0);
	struct rte_mbuf *m = ifc.tx[0];
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 40);
	assert_int_equal(th->cksum, rte_ipv6_phdr_cksum(ip, m->ol_flags));
}

/* Software steering takes IPv6 frames by their TCP port too: an IPv6 reply
 * to another worker's port reaches that worker, not this one's stack. */
static void an_ipv6_frame_for_another_workers_port_goes_through_its_ring(void **state)
{
	static struct steer st0, st1;
	struct net_iface other;
	struct tcp_seg_out s = {.sport = 80, .dport = 10001, .flags = TCP_F_ACK, .wscale = -1,
				.len = 5};
	(void)state;

	st0 = (struct steer){.mode = STEER_REDIRECT, .n_workers = 2, .self = 0};
	st0.rings[0] = rte_ring_create("steer6_0", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	st0.rings[1] = rte_ring_create("steer6_1", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	st1 = st0;
	st1.self = 1;
	other = ifc;
	ifc.steer = &st0;
	other.steer = &st1;
	ifc.on_tcp6 = other.on_tcp6 = on_tcp6;
	net_nd_learn(&ifc, &HOST2, &MAC2, 1);
	assert_int_equal(net_tcp6_tx(&ifc, &HOST1, &HOST2, &s, fill_pattern, NULL), 0);
	net_tx_flush(&ifc);
	net_rx(&ifc, 2, on_tcp4, NULL); /* port 10001 is odd: worker 1's */
	assert_int_equal(seen.calls, 0);
	assert_int_equal(ifc.stats.steer_out, 1);
	net_rx(&other, 2, on_tcp4, NULL);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.seg.dport, 10001);
	assert_int_equal(other.stats.steer_in, 1);
	ifc.steer = NULL;
	rte_ring_free(st0.rings[0]);
	rte_ring_free(st0.rings[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_iface, teardown_iface)
		T(the_kernels_solicitation_gets_the_kernels_own_advertisement),
		T(our_solicitation_is_the_kernels),
		T(the_kernels_advertisement_is_learned),
		T(a_solicitation_for_another_address_is_not_answered),
		T(a_solicitation_from_off_link_is_invalid),
		T(duplicate_address_detection_is_answered_to_all_nodes),
		T(a_segment_the_kernel_sent_sums_right),
		T(ipv6_tcp_without_a_handler_is_counted_and_dropped),
		T(ipv6_tcp_reaches_its_handler_with_both_addresses),
		T(a_corrupted_ipv6_segment_is_dropped_and_counted),
		T(an_echo_request_is_answered_with_a_valid_checksum),
		T(the_kernels_echo_request_gets_the_kernels_own_reply),
		T(an_echo_request_with_a_bad_checksum_is_dropped_and_counted),
		T(an_echo_request_for_another_address_is_not_ours),
		T(without_an_ipv6_address_ipv6_frames_are_not_ipv4),
		T(off_prefix_peers_go_through_the_ipv6_gateway),
		T(old_neighbour_entries_are_solicited_again_and_kept),
		T(the_neighbour_table_evicts_the_oldest_entry_when_full),
		T(an_ipv6_data_segment_round_trips_through_the_port),
		T(with_the_offload_the_port_sums_ipv6_tcp),
		T(an_ipv6_frame_for_another_workers_port_goes_through_its_ring),
#undef T
	};
	return cmocka_run_group_tests(tests, setup_eal, NULL);
}
