/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interoperability with the reference peer, the Linux kernel.
 *
 * The test moves itself into a new network namespace (root only, else it
 * skips), makes a veth pair, gives the kernel side 198.18.0.1, and speaks TCP
 * from 198.18.0.2 on the other end through an AF_PACKET socket, with a small
 * frame codec of its own (lib/net is DPDK's). A kernel listening socket in
 * the same process serves requests. No traffic leaves the namespace.
 * The server tests turn the roles round: the kernel connects from 198.18.0.1
 * to our stack listening on 198.18.0.2:80.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcp-test-harness.h"

#define K_ADDR 0xc6120001u  /* 198.18.0.1, the kernel */
#define OUR_ADDR 0xc6120002u /* 198.18.0.2, us */
#define K_PORT 8080
#define FRAME_MAX 70000

static uint8_t our_byte(uint64_t k)
{
	return (uint8_t)(k * 7 + (k >> 10) + 1);
}

struct kt {
	struct tcp_stack *s;
	struct tcp_conn *c;
	int pkt_fd, ifindex;
	uint8_t our_mac[6], k_mac[6];
	uint64_t rng;
	unsigned loss_pct;
	/* client side */
	uint32_t req_len;
	uint8_t *rx;
	uint32_t rx_len;
	bool established, peer_fin, closed, close_after_rx;
	bool close_after_input, close_owed; /* close once tcp_input returns (lib/load's way) */
	bool fin_on_response;               /* server: tcp_send_close() */
	enum tcp_close_reason why;
	uint32_t expect_rx;
	/* kernel server */
	int lfd, sfd;
	uint32_t srv_got, srv_sent, resp_len;
	bool srv_bad, srv_done;
	struct tcp_conn_info at_established;
	uint32_t max_rx_len;
	/* server role: the kernel is the client */
	int cfd;
	bool cli_connected, cli_shut_wr, cli_done, cli_bad, shut_wr_after_req;
	uint32_t cli_sent, cli_got;
};

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static bool lose(struct kt *k)
{
	k->rng ^= k->rng << 13;
	k->rng ^= k->rng >> 7;
	k->rng ^= k->rng << 17;
	return k->loss_pct && k->rng % 100 < k->loss_pct;
}

static int sh(const char *cmd)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	return system(buf);
}

/* ioctl, not /sys: sysfs shows the namespace that mounted it */
static int read_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (rc < 0)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* ---- frames ---- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static size_t build_frame(struct kt *k, const struct tcp_seg_out *o, uint8_t *f)
{
	uint8_t *ip = f + 14, *th = ip + 20, *opt = th + 20;
	size_t olen = 0;
	memcpy(f, k->k_mac, 6);
	memcpy(f + 6, k->our_mac, 6);
	put16(f + 12, 0x0800);
	if (o->mss) {
		opt[olen++] = 2, opt[olen++] = 4;
		put16(opt + olen, o->mss);
		olen += 2;
	}
	if (o->wscale >= 0)
		opt[olen++] = 1, opt[olen++] = 3, opt[olen++] = 3, opt[olen++] = (uint8_t)o->wscale;
	if (o->sack_ok)
		opt[olen++] = 1, opt[olen++] = 1, opt[olen++] = 4, opt[olen++] = 2;
	if (o->ts) {
		opt[olen++] = 1, opt[olen++] = 1, opt[olen++] = 8, opt[olen++] = 10;
		put32(opt + olen, o->tsval);
		put32(opt + olen + 4, o->tsecr);
		olen += 8;
	}
	if (o->n_sack) {
		opt[olen++] = 1, opt[olen++] = 1, opt[olen++] = 5;
		opt[olen++] = (uint8_t)(2 + 8 * o->n_sack);
		for (uint8_t i = 0; i < o->n_sack; i++, olen += 8) {
			put32(opt + olen, o->sack[i][0]);
			put32(opt + olen + 4, o->sack[i][1]);
		}
	}
	uint8_t *pl = opt + olen;
	for (uint32_t i = 0; i < o->len; i++)
		pl[i] = our_byte(o->stream_off + i);
	size_t l4 = 20 + olen + o->len;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4));
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	put32(ip + 12, o->saddr);
	put32(ip + 16, o->daddr);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	memset(th, 0, 20);
	put16(th, o->sport);
	put16(th + 2, o->dport);
	put32(th + 4, o->seq);
	put32(th + 8, o->ack);
	th[12] = (uint8_t)(((20 + olen) / 4) << 4);
	th[13] = o->flags;
	put16(th + 14, o->wnd);
	uint8_t pseudo[12];
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, (uint16_t)l4);
	put16(th + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), th, l4)));
	return 14 + 20 + l4;
}

static int kt_tx(void *ctx, const struct tcp_seg_out *o)
{
	struct kt *k = ctx;
	static uint8_t f[FRAME_MAX];
	size_t n = build_frame(k, o, f);
	if (lose(k))
		return 0;
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = k->ifindex, .sll_halen = 6};
	memcpy(to.sll_addr, k->k_mac, 6);
	return sendto(k->pkt_fd, f, n, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)n
		       ? 0
		       : -errno;
}

static void parse_options(const uint8_t *o, size_t n, struct tcp_seg *seg)
{
	for (size_t i = 0; i < n;) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			break;
		if (o[i] == 2 && o[i + 1] == 4)
			seg->mss = get16(o + i + 2);
		if (o[i] == 3 && o[i + 1] == 3)
			seg->wscale = (int8_t)o[i + 2];
		if (o[i] == 4 && o[i + 1] == 2)
			seg->sack_ok = true;
		if (o[i] == 8 && o[i + 1] == 10) {
			seg->ts = true;
			seg->tsval = get32(o + i + 2);
			seg->tsecr = get32(o + i + 6);
		}
		i += o[i + 1];
	}
}

static bool parse_frame(const uint8_t *f, size_t n, struct tcp_seg *seg)
{
	if (n < 14 + 20 + 20 || get16(f + 12) != 0x0800)
		return false;
	const uint8_t *ip = f + 14;
	size_t ihl = (size_t)(ip[0] & 15) * 4, tot = get16(ip + 2);
	if (ip[9] != IPPROTO_TCP || tot > n - 14 || ihl < 20 || tot < ihl + 20)
		return false;
	const uint8_t *th = ip + ihl;
	size_t doff = (size_t)(th[12] >> 4) * 4;
	if (doff < 20 || ihl + doff > tot)
		return false;
	*seg = (struct tcp_seg){
		.saddr = get32(ip + 12), .daddr = get32(ip + 16),
		.sport = get16(th), .dport = get16(th + 2),
		.seq = get32(th + 4), .ack = get32(th + 8),
		.flags = th[13], .wnd = get16(th + 14), .wscale = -1,
		.payload = th + doff, .len = (uint32_t)(tot - ihl - doff),
	};
	parse_options(th + 20, doff - 20, seg);
	return seg->daddr == OUR_ADDR;
}

static void rx_frames(struct kt *k)
{
	static uint8_t f[FRAME_MAX];
	for (;;) {
		ssize_t n = recv(k->pkt_fd, f, sizeof(f), MSG_DONTWAIT);
		if (n <= 0)
			return;
		struct tcp_seg seg;
		if (!parse_frame(f, (size_t)n, &seg) || lose(k))
			continue;
		if (seg.len > k->max_rx_len)
			k->max_rx_len = seg.len;
		tcp_input(k->s, &seg, mono_us());
		if (k->close_owed) {
			k->close_owed = false;
			assert_int_equal(tcp_close(k->s, k->c, mono_us()), 0);
		}
	}
}

/* ---- our application ---- */

static void on_established(void *ctx, struct tcp_conn *c)
{
	struct kt *k = ctx;
	k->established = true;
	tcp_conn_info(k->s, c, &k->at_established);
	assert_int_equal(tcp_send(k->s, c, k->req_len, mono_us()), 0);
}

static void on_recv(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	struct kt *k = ctx;
	assert_true(k->rx_len + len <= k->expect_rx);
	memcpy(k->rx + k->rx_len, data, len);
	k->rx_len += len;
	if (k->close_after_rx && k->rx_len == k->expect_rx)
		assert_int_equal(tcp_close(k->s, c, mono_us()), 0);
}

static void on_peer_fin(void *ctx, struct tcp_conn *c)
{
	struct kt *k = ctx;
	k->peer_fin = true;
	if (k->close_after_input)
		k->close_owed = true;
	else if (!k->close_after_rx)
		assert_int_equal(tcp_close(k->s, c, mono_us()), 0);
}

static void on_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct kt *k = ctx;
	(void)c;
	assert_false(k->closed);
	k->closed = true;
	k->why = why;
}

/* ---- the kernel's server ---- */

static void server_step(struct kt *k)
{
	if (k->sfd < 0) {
		k->sfd = accept4(k->lfd, NULL, NULL, SOCK_NONBLOCK);
		if (k->sfd < 0)
			return;
	}
	uint8_t buf[16384];
	ssize_t n;
	while (k->srv_got < k->req_len && (n = read(k->sfd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			k->srv_bad |= buf[i] != our_byte(k->srv_got + (uint64_t)i);
		k->srv_got += (uint32_t)n;
	}
	if (k->srv_got < k->req_len)
		return;
	while (k->srv_sent < k->resp_len) {
		uint32_t m = k->resp_len - k->srv_sent;
		if (m > sizeof(buf))
			m = sizeof(buf);
		for (uint32_t i = 0; i < m; i++)
			buf[i] = h_peer_byte(k->srv_sent + (uint64_t)i);
		n = write(k->sfd, buf, m);
		if (n <= 0)
			return;
		k->srv_sent += (uint32_t)n;
	}
	if (!k->srv_done) {
		if (k->close_after_rx) { /* wait for our FIN, then close */
			n = read(k->sfd, buf, sizeof(buf));
			if (n != 0)
				return;
		}
		close(k->sfd);
		k->sfd = -1;
		k->srv_done = true;
	}
}

/* ---- setup ---- */

static bool wire_sized; /* ethtool turned segmentation offloads off */

static int netns_up(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0)
		return -1;
	const char *cmds[] = {
		"ip link set lo up",
		"ip link add v0 type veth peer name v1",
		"ip link set v0 up",
		"ip link set v1 up",
		"ip addr add 198.18.0.1/24 dev v1",
		"sysctl -qw net.ipv6.conf.v0.disable_ipv6=1",
		"ethtool -K v1 tso off gso off", /* wire-sized segments, as from a NIC */
	};
	for (size_t i = 0; i < 5; i++)
		if (sh(cmds[i]) != 0)
			return -1;
	sh(cmds[5]);
	wire_sized = sh(cmds[6]) == 0;
	return 0;
}

static const struct tcp_ops client_ops = {
	.tx = kt_tx,
	.on_established = on_established,
	.on_recv = on_recv,
	.on_peer_fin = on_peer_fin,
	.on_closed = on_closed,
};

static struct kt *kt_new_ops(struct tcp_params *p, const struct tcp_ops *ops)
{
	struct kt *k = calloc(1, sizeof(*k));
	assert_non_null(k);
	assert_int_equal(read_mac("v0", k->our_mac), 0);
	assert_int_equal(read_mac("v1", k->k_mac), 0);
	char cmd[160];
	snprintf(cmd, sizeof(cmd),
		 "ip neigh replace 198.18.0.2 lladdr %02x:%02x:%02x:%02x:%02x:%02x dev v1 nud permanent",
		 k->our_mac[0], k->our_mac[1], k->our_mac[2], k->our_mac[3], k->our_mac[4],
		 k->our_mac[5]);
	assert_int_equal(sh(cmd), 0);
	k->ifindex = (int)if_nametoindex("v0");
	k->pkt_fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	assert_true(k->pkt_fd >= 0);
	struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				 .sll_ifindex = k->ifindex};
	assert_int_equal(bind(k->pkt_fd, (struct sockaddr *)&ll, sizeof(ll)), 0);
	k->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int one = 1;
	setsockopt(k->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(K_PORT),
				 .sin_addr.s_addr = htonl(K_ADDR)};
	assert_int_equal(bind(k->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(k->lfd, 16), 0);
	k->sfd = -1;
	k->cfd = -1;
	k->rng = 0x2545f4914f6cdd1dull;
	p->local_addr = OUR_ADDR;
	p->port_min = 40000;
	p->port_max = 40999;
	p->max_conns = 16;
	k->s = tcp_stack_create(p, ops, k);
	assert_non_null(k->s);
	return k;
}

static struct kt *kt_new(struct tcp_params *p)
{
	return kt_new_ops(p, &client_ops);
}

static void kt_free(struct kt *k)
{
	tcp_stack_destroy(k->s);
	close(k->pkt_fd);
	close(k->lfd);
	if (k->sfd >= 0)
		close(k->sfd);
	if (k->cfd >= 0)
		close(k->cfd);
	free(k->rx);
	free(k);
}

static int group_setup(void **state)
{
	(void)state;
	return netns_up() == 0 ? 0 : -1;
}

static bool netns_ok;

static void skip_without_netns(void)
{
	if (!netns_ok)
		skip();
}

/* One request/response exchange; returns after both sides are done or 20 s. */
static void exchange(struct kt *k, uint16_t dport)
{
	k->rx = malloc(k->expect_rx + 1);
	assert_non_null(k->rx);
	assert_int_equal(tcp_connect(k->s, K_ADDR, dport, mono_us(), &k->c), 0);
	uint64_t end = mono_us() + 20000000;
	while (mono_us() < end && !(k->closed && (k->srv_done || dport != K_PORT))) {
		rx_frames(k);
		tcp_timers_run(k->s, mono_us());
		server_step(k);
		usleep(100);
	}
}

static void kernel_answers_a_request_and_closes_first(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new(&p);
	k->req_len = 5000;
	k->resp_len = k->expect_rx = 400000;
	exchange(k, K_PORT);
	assert_true(k->established);
	/* the kernel offers MSS 1460 and a window scale: both taken */
	/* Linux answers timestamps and SACK: they cost the MSS 12 bytes */
	assert_true(k->at_established.timestamps);
	assert_true(k->at_established.sack);
	assert_int_equal(k->at_established.mss, 1460 - 12);
	assert_true(k->at_established.snd_wscale > 0);
	assert_int_equal(k->at_established.rcv_wscale, p.wscale);
	if (wire_sized)
		assert_true(k->max_rx_len <= 1460);
	assert_int_equal(k->srv_got, k->req_len);
	assert_false(k->srv_bad);
	assert_int_equal(k->rx_len, k->resp_len);
	for (uint32_t i = 0; i < k->rx_len; i++)
		assert_int_equal(k->rx[i], h_peer_byte(i));
	assert_true(k->peer_fin);
	assert_true(k->closed);
	assert_int_equal(k->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(k->s), 0); /* LAST_ACK: no TIME_WAIT */
	kt_free(k);
}

/* One small request and answer, the kernel closing first and our close
 * coming after tcp_input() returns, as lib/load's client does: our frames
 * are the SYN, the ACK with the request and one FIN+ACK for the kernel's
 * response and FIN (its ACK waits as a data segment's would). */
static void we_answer_the_kernel_fin_with_one_fin_ack(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new(&p);
	k->req_len = 100;
	k->resp_len = k->expect_rx = 500;
	k->close_after_input = true;
	exchange(k, K_PORT);
	assert_false(k->srv_bad);
	assert_int_equal(k->rx_len, k->resp_len);
	assert_true(k->closed);
	assert_int_equal(k->why, TCP_CLOSE_NORMAL);
	const struct tcp_stats *st = tcp_stack_stats(k->s);
	print_message("frames: ours %llu, the kernel's %llu\n", (unsigned long long)st->tx_segs,
		      (unsigned long long)st->rx_segs);
	assert_int_equal(st->tx_segs, 3);
	kt_free(k);
}

static void we_close_first_and_enter_time_wait(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new(&p);
	k->req_len = 100000;
	k->resp_len = k->expect_rx = 1000;
	k->close_after_rx = true;
	exchange(k, K_PORT);
	assert_false(k->srv_bad);
	assert_int_equal(k->srv_got, k->req_len);
	assert_int_equal(k->rx_len, k->resp_len);
	assert_true(k->closed);
	assert_int_equal(k->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_active(k->s), 1); /* TIME_WAIT holds the port */
	assert_int_equal(tcp_stack_stats(k->s)->time_wait_entered, 1);
	kt_free(k);
}

static void closed_kernel_port_refuses(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new(&p);
	k->expect_rx = 0;
	exchange(k, K_PORT + 1);
	assert_true(k->closed);
	assert_int_equal(k->why, TCP_CLOSE_REFUSED);
	kt_free(k);
}

static void lossy_link_both_directions(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new(&p);
	k->loss_pct = 5;
	k->req_len = 300000;
	k->resp_len = k->expect_rx = 300000;
	exchange(k, K_PORT);
	const struct tcp_stats *st = tcp_stack_stats(k->s);
	print_message("kernel, 5%% loss: rx %llu tx %llu segs, retrans rto %llu fast %llu "
		      "bytes %llu, ooo %llu, dupacks %llu\n",
		      (unsigned long long)st->rx_segs, (unsigned long long)st->tx_segs,
		      (unsigned long long)st->retrans_rto, (unsigned long long)st->retrans_fast,
		      (unsigned long long)st->retrans_bytes, (unsigned long long)st->ooo_queued,
		      (unsigned long long)st->dup_acks);
	assert_false(k->srv_bad);
	assert_int_equal(k->srv_got, k->req_len);
	assert_int_equal(k->rx_len, k->resp_len);
	for (uint32_t i = 0; i < k->rx_len; i++)
		assert_int_equal(k->rx[i], h_peer_byte(i));
	assert_true(k->closed);
	assert_int_equal(k->why, TCP_CLOSE_NORMAL);
	assert_true(st->retrans_bytes > 0);
	if (wire_sized)
		assert_true(st->ooo_queued > 0);
	kt_free(k);
}

/* ---- server role: our stack listens, the kernel connects ---- */

static void srv_on_established(void *ctx, struct tcp_conn *c)
{
	struct kt *k = ctx;
	assert_true(tcp_conn_passive(c));
	assert_false(k->established);
	k->established = true;
	k->c = c;
	tcp_conn_info(k->s, c, &k->at_established);
}

/* The request is the kernel's bytes h_peer_byte(0..req_len); once it is all
 * in, answer resp_len bytes and close. */
static void srv_respond(struct kt *k, struct tcp_conn *c)
{
	if (k->fin_on_response) {
		assert_int_equal(tcp_send_close(k->s, c, k->resp_len, mono_us()), 0);
		return;
	}
	assert_int_equal(tcp_send(k->s, c, k->resp_len, mono_us()), 0);
	assert_int_equal(tcp_close(k->s, c, mono_us()), 0);
}

static void srv_on_recv(void *ctx, struct tcp_conn *c, const uint8_t *data, uint32_t len)
{
	struct kt *k = ctx;
	for (uint32_t i = 0; i < len; i++)
		k->srv_bad |= data[i] != h_peer_byte(k->srv_got + (uint64_t)i);
	k->srv_got += len;
	assert_true(k->srv_got <= k->req_len);
	if (k->srv_got == k->req_len && !k->shut_wr_after_req)
		srv_respond(k, c);
}

static void srv_on_peer_fin(void *ctx, struct tcp_conn *c)
{
	struct kt *k = ctx;
	k->peer_fin = true;
	assert_true(k->shut_wr_after_req);
	assert_int_equal(k->srv_got, k->req_len);
	srv_respond(k, c);
}

static const struct tcp_ops server_ops = {
	.tx = kt_tx,
	.on_established = srv_on_established,
	.on_recv = srv_on_recv,
	.on_peer_fin = srv_on_peer_fin,
	.on_closed = on_closed,
};

/* The kernel's client: send the request, read the answer to EOF, close. */
static void kernel_client_step(struct kt *k)
{
	uint8_t buf[16384];
	ssize_t n;

	if (k->cli_done)
		return;
	while (k->cli_sent < k->req_len) {
		uint32_t m = k->req_len - k->cli_sent;
		if (m > sizeof(buf))
			m = sizeof(buf);
		for (uint32_t i = 0; i < m; i++)
			buf[i] = h_peer_byte(k->cli_sent + (uint64_t)i);
		n = write(k->cfd, buf, m);
		if (n <= 0)
			break; /* still connecting, or the send buffer is full */
		k->cli_sent += (uint32_t)n;
	}
	if (k->cli_sent == k->req_len && k->shut_wr_after_req && !k->cli_shut_wr)
		k->cli_shut_wr = shutdown(k->cfd, SHUT_WR) == 0;
	while ((n = read(k->cfd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			k->cli_bad |= buf[i] != our_byte(k->cli_got + (uint64_t)i);
		k->cli_got += (uint32_t)n;
	}
	if (n == 0) {
		close(k->cfd);
		k->cfd = -1;
		k->cli_done = true;
	}
}

static void serve_kernel(struct kt *k)
{
	assert_int_equal(tcp_listen(k->s, 80), 0);
	k->cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(k->cfd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(80),
				 .sin_addr.s_addr = htonl(OUR_ADDR)};
	int rc = connect(k->cfd, (struct sockaddr *)&sa, sizeof(sa));
	assert_true(rc == 0 || errno == EINPROGRESS);
	uint64_t end = mono_us() + 20000000;
	while (mono_us() < end && !(k->closed && k->cli_done)) {
		rx_frames(k);
		tcp_timers_run(k->s, mono_us());
		kernel_client_step(k);
		usleep(100);
	}
}

static void check_served(struct kt *k, const struct tcp_params *p)
{
	assert_true(k->established);
	assert_true(k->at_established.timestamps); /* the kernel's SYN offers both */
	assert_true(k->at_established.sack);
	assert_int_equal(k->at_established.mss, 1460 - 12); /* from the kernel's SYN, less TS */
	assert_true(k->at_established.snd_wscale > 0);
	assert_int_equal(k->at_established.rcv_wscale, p->wscale);
	assert_int_equal(k->srv_got, k->req_len);
	assert_false(k->srv_bad);
	assert_true(k->cli_done);
	assert_int_equal(k->cli_got, k->resp_len);
	assert_false(k->cli_bad);
	assert_true(k->closed);
	assert_int_equal(k->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_stack_stats(k->s)->conn_accepted, 1);
	assert_int_equal(tcp_stack_half_open(k->s), 0);
}

static void kernel_client_is_served_and_we_close_first(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new_ops(&p, &server_ops);
	k->req_len = 3000;
	k->resp_len = 200000;
	serve_kernel(k);
	check_served(k, &p);
	assert_int_equal(tcp_stack_stats(k->s)->time_wait_entered, 1);
	kt_free(k);
}

/* A kernel client's one request: our frames are the SYN-ACK, the response
 * with the FIN on it and the last ACK (the kernel delays its ACK of our FIN
 * and sends it with its own after close()). */
static void kernel_client_gets_the_response_with_our_fin(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new_ops(&p, &server_ops);
	k->req_len = 100;
	k->resp_len = 500;
	k->fin_on_response = true;
	serve_kernel(k);
	check_served(k, &p);
	const struct tcp_stats *st = tcp_stack_stats(k->s);
	print_message("frames: ours %llu, the kernel's %llu\n", (unsigned long long)st->tx_segs,
		      (unsigned long long)st->rx_segs);
	assert_int_equal(st->tx_segs, 3);
	assert_int_equal(st->time_wait_entered, 1);
	kt_free(k);
}

static void kernel_client_closes_first_and_we_end_in_last_ack(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new_ops(&p, &server_ops);
	k->req_len = 100000;
	k->resp_len = 5000;
	k->shut_wr_after_req = true;
	serve_kernel(k);
	check_served(k, &p);
	assert_true(k->peer_fin);
	assert_int_equal(tcp_stack_active(k->s), 0); /* LAST_ACK: no TIME_WAIT */
	kt_free(k);
}

static void kernel_client_over_a_lossy_link(void **state)
{
	(void)state;
	skip_without_netns();
	struct tcp_params p;
	tcp_params_default(&p);
	struct kt *k = kt_new_ops(&p, &server_ops);
	k->loss_pct = 5;
	k->req_len = 300000;
	k->resp_len = 300000;
	serve_kernel(k);
	const struct tcp_stats *st = tcp_stack_stats(k->s);
	print_message("server, 5%% loss: rx %llu tx %llu segs, retrans rto %llu fast %llu "
		      "synack %llu, ooo %llu\n",
		      (unsigned long long)st->rx_segs, (unsigned long long)st->tx_segs,
		      (unsigned long long)st->retrans_rto, (unsigned long long)st->retrans_fast,
		      (unsigned long long)st->retrans_synack, (unsigned long long)st->ooo_queued);
	check_served(k, &p);
	assert_true(st->retrans_bytes > 0);
	kt_free(k);
}

int main(void)
{
	netns_ok = group_setup(NULL) == 0;
	if (!netns_ok)
		print_message("no root or no network namespace: skipping\n");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_answers_a_request_and_closes_first),
		cmocka_unit_test(we_answer_the_kernel_fin_with_one_fin_ack),
		cmocka_unit_test(we_close_first_and_enter_time_wait),
		cmocka_unit_test(closed_kernel_port_refuses),
		cmocka_unit_test(lossy_link_both_directions),
		cmocka_unit_test(kernel_client_is_served_and_we_close_first),
		cmocka_unit_test(kernel_client_gets_the_response_with_our_fin),
		cmocka_unit_test(kernel_client_closes_first_and_we_end_in_last_ack),
		cmocka_unit_test(kernel_client_over_a_lossy_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
