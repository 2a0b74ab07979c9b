/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/net on a net_ring port (its TX ring is its RX ring, so a frame we send
 * comes back to us) under an EAL without hugepages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include <rte_ring.h>

#include "net.h"
#include "port.h"
#include "steer.h"

#define OUR_IP 0xC6120002u  /* 198.18.0.2 */
#define PEER_IP 0xC6120001u /* 198.18.0.1 */

static struct net_port port;
static struct net_iface ifc;
static const struct rte_ether_addr peer_mac = {{0x02, 0, 0, 0, 0, 0x01}};

static struct {
	int calls;
	struct tcp_seg seg;
	uint8_t payload[2048];
} seen;

static void on_tcp(void *ctx, const struct tcp_seg *seg)
{
	(void)ctx;
	seen.calls++;
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

static int setup_eal(void **state)
{
	char *args[] = {"net_test", "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
			"--vdev=net_ring0", "--log-level=*:error"};
	struct net_port_conf pc = {.dev = "net_ring0", .n_queues = 1, .rx_desc = 256,
				   .tx_desc = 256, .n_mbufs = 8191};
	(void)state;
	if (rte_eal_init(8, args) < 0)
		return -1;
	return net_port_open(&pc, &port);
}

static int setup_iface(void **state)
{
	(void)state;
	net_iface_init(&ifc, &port, 0, OUR_IP, 0xffffff00, 0);
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

static struct rte_mbuf *arp_frame(uint16_t op, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port.pool);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	memset(eth, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = peer_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	arp->arp_data.arp_sha = peer_mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	memset(&arp->arp_data.arp_tha, 0, 6);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	m->data_len = m->pkt_len = sizeof(*eth) + sizeof(*arp);
	return m;
}

static void arp_request_for_us_is_answered_and_the_sender_learned(void **state)
{
	struct rte_mbuf *m = arp_frame(RTE_ARP_OP_REQUEST, PEER_IP, OUR_IP);
	struct rte_ether_addr mac;
	(void)state;

	net_arp_input(&ifc, m, 1);
	rte_pktmbuf_free(m);
	assert_int_equal(ifc.tx_len, 1);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(ifc.tx[0], struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_16(arp->arp_opcode), RTE_ARP_OP_REPLY);
	assert_memory_equal(&eth->dst_addr, &peer_mac, 6);
	assert_memory_equal(&arp->arp_data.arp_sha, &port.mac, 6);
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_sip), OUR_IP);
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_tip), PEER_IP);
	assert_int_equal(net_arp_lookup(&ifc, PEER_IP, &mac), 0);
	assert_memory_equal(&mac, &peer_mac, 6);
}

static void arp_request_for_another_address_is_ignored(void **state)
{
	struct rte_mbuf *m = arp_frame(RTE_ARP_OP_REQUEST, PEER_IP, OUR_IP + 5);
	struct rte_ether_addr mac;
	(void)state;

	net_arp_input(&ifc, m, 1);
	rte_pktmbuf_free(m);
	assert_int_equal(ifc.tx_len, 0);
	assert_int_equal(ifc.stats.drop_not_ours, 1);
	assert_int_equal(net_arp_lookup(&ifc, PEER_IP, &mac), -ENOENT);
}

static void arp_table_evicts_the_oldest_entry_when_full(void **state)
{
	struct rte_ether_addr mac = peer_mac;
	(void)state;

	for (uint32_t i = 0; i <= NET_ARP_SLOTS; i++)
		net_arp_learn(&ifc, PEER_IP + 10 + i, &mac, 100 + i);
	assert_int_equal(net_arp_lookup(&ifc, PEER_IP + 10, &mac), -ENOENT);
	assert_int_equal(net_arp_lookup(&ifc, PEER_IP + 11, &mac), 0);
	assert_int_equal(net_arp_lookup(&ifc, PEER_IP + 10 + NET_ARP_SLOTS, &mac), 0);
}

static void tcp_tx_without_arp_entry_reports_unreachable(void **state)
{
	struct tcp_seg_out s = {.saddr = OUR_IP, .daddr = PEER_IP, .flags = TCP_F_SYN,
				.wscale = -1};
	(void)state;

	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), -EHOSTUNREACH);
	assert_int_equal(ifc.tx_len, 0);
}

static void off_subnet_peers_go_through_the_gateway(void **state)
{
	(void)state;
	ifc.gateway = PEER_IP + 100;
	assert_int_equal(net_next_hop(&ifc, 0x0a000001), PEER_IP + 100);
	assert_int_equal(net_next_hop(&ifc, PEER_IP), PEER_IP);
}

static struct rte_tcp_hdr *tcp_of(struct rte_mbuf *m, struct rte_ipv4_hdr **ip_out)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
							  sizeof(struct rte_ether_hdr));
	*ip_out = ip;
	return (struct rte_tcp_hdr *)(ip + 1);
}

static void syn_carries_mss_and_window_scale_with_valid_checksums(void **state)
{
	struct tcp_seg_out s = {.saddr = OUR_IP, .daddr = PEER_IP, .sport = 10000, .dport = 80,
				.seq = 1000, .flags = TCP_F_SYN, .wnd = 65535, .mss = 1460,
				.wscale = 7};
	struct rte_ipv4_hdr *ip;
	(void)state;

	net_arp_learn(&ifc, PEER_IP, &peer_mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	assert_int_equal(ifc.tx_len, 1);
	struct rte_tcp_hdr *th = tcp_of(ifc.tx[0], &ip);
	const uint8_t *opt = (const uint8_t *)(th + 1);
	assert_int_equal(th->data_off >> 4, 7); /* 20 + 8 bytes of options */
	assert_int_equal(opt[0], 2);
	assert_int_equal(opt[2] << 8 | opt[3], 1460);
	assert_int_equal(opt[5], 3);
	assert_int_equal(opt[7], 7);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 28);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, th), 0);
}

/* A pure ACK with timestamps and three SACK blocks fills the 40 bytes. */
static void ack_carries_timestamps_and_sack_blocks(void **state)
{
	struct tcp_seg_out s = {.saddr = OUR_IP, .daddr = PEER_IP, .sport = 10000, .dport = 80,
				.seq = 1, .ack = 2, .flags = TCP_F_ACK, .wnd = 100, .wscale = -1,
				.ts = true, .tsval = 7, .tsecr = 8, .n_sack = 3,
				.sack = {{100, 200}, {300, 400}, {500, 600}}};
	struct rte_ipv4_hdr *ip;
	(void)state;

	net_arp_learn(&ifc, PEER_IP, &peer_mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	struct rte_tcp_hdr *th = tcp_of(ifc.tx[ifc.tx_len - 1], &ip);
	const uint8_t *opt = (const uint8_t *)(th + 1);
	assert_int_equal(th->data_off >> 4, 15); /* 20 + 40 */
	assert_int_equal(opt[2], 8);
	assert_int_equal(opt[14], 5);
	assert_int_equal(opt[15], 26);
	assert_int_equal(opt[16 + 8 * 2 + 7], 600 & 255); /* the last right edge, low byte */
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, th), 0);
}

/* Send a data segment to ourselves through the ring and read it back. */
static void data_segment_round_trips_through_the_port(void **state)
{
	struct tcp_seg_out s = {.saddr = PEER_IP, .daddr = OUR_IP, .sport = 80, .dport = 10000,
				.seq = 7, .ack = 9, .flags = TCP_F_ACK | TCP_F_PSH, .wnd = 512,
				.wscale = -1, .ts = true, .tsval = 0x01020304, .tsecr = 0xa0b0c0d0,
				.stream_off = 30, .len = 100};
	(void)state;

	net_arp_learn(&ifc, OUR_IP, &port.mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	assert_int_equal(net_tx_flush(&ifc), 1);
	assert_int_equal(net_rx(&ifc, 2, on_tcp, NULL), 1);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.seg.saddr, PEER_IP);
	assert_int_equal(seen.seg.sport, 80);
	assert_int_equal(seen.seg.dport, 10000);
	assert_int_equal(seen.seg.seq, 7);
	assert_int_equal(seen.seg.ack, 9);
	assert_int_equal(seen.seg.flags, TCP_F_ACK | TCP_F_PSH);
	assert_int_equal(seen.seg.wnd, 512);
	assert_int_equal(seen.seg.len, 100);
	assert_int_equal(seen.seg.mss, 0);
	assert_int_equal(seen.seg.wscale, -1);
	assert_true(seen.seg.ts);
	assert_int_equal(seen.seg.tsval, 0x01020304);
	assert_int_equal(seen.seg.tsecr, 0xa0b0c0d0);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(seen.payload[i], 'a' + (30 + i) % 26);
}

static void corrupted_tcp_checksum_is_dropped_and_counted(void **state)
{
	struct tcp_seg_out s = {.saddr = PEER_IP, .daddr = OUR_IP, .sport = 80, .dport = 10000,
				.flags = TCP_F_ACK, .wscale = -1, .len = 10};
	(void)state;

	net_arp_learn(&ifc, OUR_IP, &port.mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	uint8_t *last = rte_pktmbuf_mtod_offset(ifc.tx[0], uint8_t *, ifc.tx[0]->data_len - 1);
	*last ^= 0x40;
	net_tx_flush(&ifc);
	net_rx(&ifc, 2, on_tcp, NULL);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(ifc.stats.drop_tcp_cksum, 1);
}

static void segment_for_another_address_is_not_ours(void **state)
{
	struct tcp_seg_out s = {.saddr = PEER_IP, .daddr = OUR_IP + 1, .sport = 80,
				.dport = 10000, .flags = TCP_F_ACK, .wscale = -1};
	(void)state;

	net_arp_learn(&ifc, OUR_IP + 1, &port.mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	net_tx_flush(&ifc);
	net_rx(&ifc, 2, on_tcp, NULL);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(ifc.stats.drop_not_ours, 1);
}

/* With a range of addresses, each one is ours (ARP and TCP) and the next is not. */
static void every_address_of_a_range_is_ours(void **state)
{
	struct tcp_seg_out s = {.saddr = PEER_IP, .daddr = OUR_IP + 3, .sport = 80,
				.dport = 10000, .flags = TCP_F_ACK, .wscale = -1};
	(void)state;

	ifc.n_ips = 4;
	struct rte_mbuf *m = arp_frame(RTE_ARP_OP_REQUEST, PEER_IP, OUR_IP + 3);
	net_arp_input(&ifc, m, 1);
	rte_pktmbuf_free(m);
	assert_int_equal(ifc.tx_len, 1);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(ifc.tx[0], struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_sip), OUR_IP + 3);
	net_tx_flush(&ifc);
	net_rx(&ifc, 2, on_tcp, NULL); /* our own reply comes back: not for us */
	assert_int_equal(ifc.stats.drop_not_ours, 1);

	net_arp_learn(&ifc, OUR_IP + 3, &port.mac, 1);
	net_arp_learn(&ifc, OUR_IP + 4, &port.mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	s.daddr = OUR_IP + 4;
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	s.daddr = OUR_IP - 1;
	net_arp_learn(&ifc, OUR_IP - 1, &port.mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	net_tx_flush(&ifc);
	net_rx(&ifc, 2, on_tcp, NULL);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.seg.daddr, OUR_IP + 3);
	assert_int_equal(ifc.stats.drop_not_ours, 1 + 2);
}

/* A full TX ring holds frames back instead of dropping them; only beyond
 * NET_TX_HOLD are they dropped, and every frame is accounted for. */
static void frames_the_ring_refuses_wait_for_the_next_flush(void **state)
{
	(void)state;
	unsigned queued = 0;

	while (ifc.tx_len < NET_TX_HOLD / 2 && queued < 100000) {
		assert_int_equal(net_arp_request(&ifc, PEER_IP), 0);
		queued++;
	}
	assert_int_equal(ifc.stats.tx_full, 0);
	assert_int_equal(ifc.stats.tx_pkts + ifc.tx_len, queued);
	uint16_t held = ifc.tx_len;
	while (net_rx(&ifc, 2, on_tcp, NULL) > 0) /* the ring drains into our RX */
		;
	assert_true(net_tx_flush(&ifc) > 0);
	assert_true(ifc.tx_len < held);
	while (ifc.stats.tx_full == 0 && queued < 100000) {
		net_arp_request(&ifc, PEER_IP);
		queued++;
	}
	assert_int_equal(ifc.tx_len, NET_TX_HOLD);
	assert_int_equal(ifc.stats.tx_pkts + ifc.tx_len + ifc.stats.tx_full, queued);
	while (net_rx(&ifc, 2, on_tcp, NULL) > 0)
		;
}

static struct rte_mbuf *echo_request(uint16_t payload_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port.pool);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint16_t icmp_len = sizeof(*icmp) + payload_len;

	eth->dst_addr = port.mac;
	eth->src_addr = peer_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + icmp_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rte_cpu_to_be_32(PEER_IP);
	ip->dst_addr = rte_cpu_to_be_32(OUR_IP);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_code = 0;
	icmp->icmp_ident = rte_cpu_to_be_16(42);
	icmp->icmp_seq_nb = rte_cpu_to_be_16(1);
	memset(icmp + 1, 'p', payload_len);
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, icmp_len);
	m->data_len = m->pkt_len = sizeof(*eth) + sizeof(*ip) + icmp_len;
	return m;
}

static void icmp_echo_request_is_answered_with_valid_checksums(void **state)
{
	struct rte_mbuf *m = echo_request(56);
	(void)state;

	net_icmp_input(&ifc, m); /* consumes m: it becomes the reply */
	assert_int_equal(ifc.tx_len, 1);
	assert_int_equal(ifc.stats.icmp_echo_replies, 1);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(ifc.tx[0], struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	assert_memory_equal(&eth->dst_addr, &peer_mac, 6);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), PEER_IP);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), OUR_IP);
	assert_int_equal(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(rte_be_to_cpu_16(icmp->icmp_ident), 42);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(rte_raw_cksum(icmp, sizeof(*icmp) + 56), 0xffff);
}

static void near_zero_key_hashes_a_reply_to_its_destination_port(void **state)
{
	static const uint16_t workers[] = {1, 2, 4, 8, 16};
	static const uint16_t reta[] = {64, 128, 512};
	(void)state;

	for (size_t r = 0; r < 3; r++)
		for (size_t w = 0; w < sizeof(workers) / sizeof(workers[0]); w++)
			for (uint32_t port = 1024; port < 65536; port += 7) {
				uint32_t server = 0xC6120001u + port * 2654435761u; /* any */
				uint16_t q = steer_rss_queue(server, OUR_IP, (uint16_t)(port * 31),
							     (uint16_t)port, reta[r], workers[w]);
				assert_int_equal(q, port % workers[w]);
			}
}

/* The start-up check finds nothing wrong with a RETA the workers divide, and
 * sees the misplaced ports when they do not (3 workers, RETA of 128). */
static void the_start_check_counts_misplaced_ports(void **state)
{
	(void)state;
	assert_int_equal(steer_rss_misplaced(PEER_IP, 80, OUR_IP, 3, 10000, 65535, 128, 4), 0);
	assert_true(steer_rss_misplaced(PEER_IP, 80, OUR_IP, 1, 10000, 10999, 128, 3) > 0);
}

static void frame_for_another_workers_port_goes_through_its_ring(void **state)
{
	static struct steer st0, st1;
	struct net_iface other;
	struct tcp_seg_out s = {.saddr = PEER_IP, .daddr = OUR_IP, .sport = 80, .dport = 10001,
				.flags = TCP_F_ACK, .wscale = -1, .len = 5};
	(void)state;

	st0 = (struct steer){.mode = STEER_REDIRECT, .n_workers = 2, .self = 0};
	st0.rings[0] = rte_ring_create("steer0", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	st0.rings[1] = rte_ring_create("steer1", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	st1 = st0;
	st1.self = 1;
	net_iface_init(&other, &port, 0, OUR_IP, 0xffffff00, 0);
	ifc.steer = &st0;
	other.steer = &st1;
	net_arp_learn(&ifc, OUR_IP, &port.mac, 1);
	assert_int_equal(net_tcp_tx(&ifc, &s, fill_pattern, NULL), 0);
	net_tx_flush(&ifc);
	net_rx(&ifc, 2, on_tcp, NULL); /* port 10001 is odd: worker 1's */
	assert_int_equal(seen.calls, 0);
	assert_int_equal(ifc.stats.steer_out, 1);
	net_rx(&other, 2, on_tcp, NULL);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.seg.dport, 10001);
	assert_int_equal(other.stats.steer_in, 1);

	/* an ARP frame is seen by both workers */
	struct rte_mbuf *m = arp_frame(RTE_ARP_OP_REPLY, PEER_IP + 7, OUR_IP);
	assert_int_equal(rte_eth_tx_burst(port.port_id, 0, &m, 1), 1);
	struct rte_ether_addr mac;
	net_rx(&ifc, 3, on_tcp, NULL);
	net_rx(&other, 3, on_tcp, NULL);
	assert_int_equal(net_arp_lookup(&ifc, PEER_IP + 7, &mac), 0);
	assert_int_equal(net_arp_lookup(&other, PEER_IP + 7, &mac), 0);
	/* ARP copies are counted apart: steer_* counts misdirected frames only */
	assert_int_equal(ifc.stats.arp_shared_out, 1);
	assert_int_equal(other.stats.arp_shared_in, 1);
	assert_int_equal(ifc.stats.steer_out, 1);
	assert_int_equal(other.stats.steer_in, 1);
	ifc.steer = NULL;
	rte_ring_free(st0.rings[0]);
	rte_ring_free(st0.rings[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_iface, teardown_iface)
		T(arp_request_for_us_is_answered_and_the_sender_learned),
		T(arp_request_for_another_address_is_ignored),
		T(arp_table_evicts_the_oldest_entry_when_full),
		T(tcp_tx_without_arp_entry_reports_unreachable),
		T(off_subnet_peers_go_through_the_gateway),
		T(syn_carries_mss_and_window_scale_with_valid_checksums),
		T(ack_carries_timestamps_and_sack_blocks),
		T(data_segment_round_trips_through_the_port),
		T(corrupted_tcp_checksum_is_dropped_and_counted),
		T(segment_for_another_address_is_not_ours),
		T(every_address_of_a_range_is_ours),
		T(frames_the_ring_refuses_wait_for_the_next_flush),
		T(icmp_echo_request_is_answered_with_valid_checksums),
		T(near_zero_key_hashes_a_reply_to_its_destination_port),
		T(the_start_check_counts_misplaced_ports),
		T(frame_for_another_workers_port_goes_through_its_ring),
#undef T
	};
	return cmocka_run_group_tests(tests, setup_eal, NULL);
}
