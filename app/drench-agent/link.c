/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The agent's side of the protocol: connect (non-blocking, retried every
 * second), answer the CHALLENGE with HELLO (our nonce, tagged under our key
 * and the collector's nonce), wait for CONFIG under the session key (proof
 * that the collector holds our key and saw our nonce), then send every
 * sample not yet acknowledged, and keep them in a bounded ring until the
 * ACK. When the ring is full the oldest sample goes and `dropped` counts it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "proto.h"

#define TX_CAP (4u * TP_MAX_FRAME)

void ring_push(struct agent *a, enum tp_type type, char *payload)
{
	size_t cap = a->buffer_cap;

	if (a->ring_len == cap) {
		free(a->ring[a->ring_head].payload);
		a->ring_head = (a->ring_head + 1) % cap;
		a->ring_len--;
		a->dropped++;
	}
	a->ring[(a->ring_head + a->ring_len) % cap] =
		(struct pending){.seq = a->next_seq++, .type = type, .payload = payload};
	a->ring_len++;
}

/* New bound; when it shrinks below what is held, the oldest go (dropped). */
int ring_resize(struct agent *a, size_t cap)
{
	struct pending *ring;

	if (cap == 0 || cap == a->buffer_cap)
		return 0;
	ring = calloc(cap, sizeof(*ring));
	if (ring == NULL)
		return -ENOMEM;
	while (a->ring_len > cap) {
		free(a->ring[a->ring_head].payload);
		a->ring_head = (a->ring_head + 1) % a->buffer_cap;
		a->ring_len--;
		a->dropped++;
	}
	for (size_t i = 0; i < a->ring_len; i++)
		ring[i] = a->ring[(a->ring_head + i) % a->buffer_cap];
	free(a->ring);
	a->ring = ring;
	a->ring_head = 0;
	a->buffer_cap = cap;
	return 0;
}

/* upto comes in a frame of this session, so it is this collector's word on
 * this boot's samples; still, never past what was taken. */
void ring_ack(struct agent *a, uint64_t seq)
{
	if (seq >= a->next_seq) {
		fprintf(stderr, "drench-agent: ACK for sample %llu, never taken: ignored\n",
			(unsigned long long)seq);
		return;
	}
	while (a->ring_len > 0 && a->ring[a->ring_head].seq <= seq) {
		free(a->ring[a->ring_head].payload);
		a->ring_head = (a->ring_head + 1) % a->buffer_cap;
		a->ring_len--;
	}
	if (seq > a->acked)
		a->acked = seq;
}

static void link_down(struct agent *a, const char *why)
{
	if (a->link != LINK_DOWN)
		fprintf(stderr, "drench-agent: collector link down: %s\n", why);
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	a->link = LINK_DOWN;
	a->rx_len = a->tx_len = 0;
	tp_session_wipe(&a->s);
	a->retry_at = agent_now() + 1.0;
}

static void link_connect(struct agent *a)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
	char port[8];

	snprintf(port, sizeof(port), "%u", a->collector_port);
	if (getaddrinfo(a->collector_host, port, &hints, &ai) != 0) {
		link_down(a, "cannot resolve the collector");
		return;
	}
	a->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0 ||
	    (connect(a->fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)) {
		freeaddrinfo(ai);
		link_down(a, strerror(errno));
		return;
	}
	freeaddrinfo(ai);
	a->link = LINK_CONNECTING;
	a->rx_len = a->tx_len = 0;
}

void link_tick(struct agent *a, double now)
{
	if (a->link == LINK_DOWN && now >= a->retry_at)
		link_connect(a);
	else if (a->link == LINK_CHALLENGED && now >= a->retry_at)
		link_down(a, "no challenge from the collector");
	else if (a->link == LINK_HELLO_SENT && now >= a->retry_at)
		link_down(a, "no CONFIG from the collector");
}

int link_pollfd(const struct agent *a, short *events)
{
	*events = POLLIN;
	if (a->link == LINK_CONNECTING || (a->link >= LINK_HELLO_SENT && a->tx_len > 0))
		*events |= POLLOUT;
	return a->link == LINK_DOWN ? -1 : a->fd;
}

static void flush_tx(struct agent *a)
{
	while (a->tx_len > 0) {
		ssize_t n = send(a->fd, a->tx, a->tx_len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				link_down(a, strerror(errno));
			return;
		}
		memmove(a->tx, a->tx + n, a->tx_len - (size_t)n);
		a->tx_len -= (size_t)n;
	}
}

int link_send(struct agent *a, enum tp_type type, const void *payload, size_t len)
{
	ssize_t n;

	if (a->link != LINK_READY)
		return -ENOTCONN;
	n = tp_session_encode(&a->s, a->tx + a->tx_len, TX_CAP - a->tx_len, type, payload, len);
	if (n == -ENOBUFS) {
		flush_tx(a);
		if (a->link == LINK_DOWN)
			return -ENOTCONN;
		n = tp_session_encode(&a->s, a->tx + a->tx_len, TX_CAP - a->tx_len, type, payload,
				      len);
	}
	if (n < 0)
		return (int)n;
	a->tx_len += (size_t)n;
	return 0;
}

/* Send what the collector has not seen on this connection, while tx has room. */
void link_flush_ring(struct agent *a)
{
	for (size_t i = 0; a->link == LINK_READY && i < a->ring_len; i++) {
		const struct pending *p = &a->ring[(a->ring_head + i) % a->buffer_cap];

		if (p->seq <= a->sent_upto)
			continue;
		if (TX_CAP - a->tx_len < TP_MAX_FRAME)
			break;
		if (link_send(a, p->type, p->payload, strlen(p->payload)) < 0)
			break;
		a->sent_upto = p->seq;
	}
	profiles_pump(a);
	if (a->link != LINK_DOWN)
		flush_tx(a);
}

static void send_hello(struct agent *a)
{
	char na_hex[2 * TP_NONCE_LEN + 1];
	uint8_t hkey[TP_KEY_LEN];
	json_t *o;
	char *text;
	ssize_t n;

	randombytes_buf(a->na, sizeof(a->na));
	sodium_bin2hex(na_hex, sizeof(na_hex), a->na, sizeof(a->na));
	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:b}", "agent", a->id, "boot", a->boot, "nonce",
		      na_hex, "dropped", (json_int_t)a->dropped, "buffered",
		      (json_int_t)a->ring_len, "encrypt", a->encrypt);
	text = json_dumps(o, JSON_COMPACT);
	tp_hello_key(a->key, a->nc, hkey);
	n = tp_encode(a->tx + a->tx_len, TX_CAP - a->tx_len, TP_HELLO, 0, text, strlen(text), hkey);
	sodium_memzero(hkey, sizeof(hkey));
	free(text);
	json_decref(o);
	if (n < 0) {
		link_down(a, "cannot encode HELLO");
		return;
	}
	a->tx_len += (size_t)n;
	tp_session_init(&a->s, TP_ROLE_AGENT, a->key, a->nc, a->na, a->id, a->boot);
	if (a->encrypt)
		tp_session_encrypt(&a->s);
	a->link = LINK_HELLO_SENT;
	a->retry_at = agent_now() + 5.0; /* deadline for the CONFIG */
	flush_tx(a);
}

/* The first session frame proves the collector: only then do samples flow. */
/* Profiles need a grant to write files under; a GC probe writes none. */
static void on_profile_req(struct agent *a, json_t *msg)
{
	const char *target = json_string_value(json_object_get(msg, "target"));
	const char *tag = json_string_value(json_object_get(msg, "tag"));
	json_int_t grant = json_integer_value(json_object_get(msg, "grant"));
	json_int_t flags = json_integer_value(json_object_get(msg, "flags"));
	bool probe = (flags & TP_PROFILE_GC_PROBE) != 0;

	if (target == NULL || tag == NULL || grant < 0 || grant > UINT32_MAX ||
	    (grant == 0 && !probe) || flags < 0 || flags > UINT32_MAX)
		return;
	targets_profile(a, target, tag, (uint32_t)grant, (uint32_t)flags);
}

static void collector_proven(struct agent *a)
{
	a->link = LINK_READY;
	/* resend everything unacknowledged: the collector drops duplicates */
	a->sent_upto = a->acked;
	profiles_rewind(a);
	fprintf(stderr,
		"drench-agent: connected to the collector, %zu samples to resend, %llu dropped\n",
		a->ring_len, (unsigned long long)a->dropped);
}

void link_on_frame(struct agent *a, const struct tp_frame *f)
{
	json_t *msg;

	if (a->link == LINK_HELLO_SENT) {
		if (f->type != TP_CONFIG) {
			link_down(a, "collector did not answer HELLO with CONFIG");
			return;
		}
		collector_proven(a);
	}
	switch (f->type) {
	case TP_CONFIG:
		targets_configure(a, (const char *)f->payload, f->len);
		break;
	case TP_ACK:
		msg = json_loadb((const char *)f->payload, f->len, 0, NULL);
		if (json_is_integer(json_object_get(msg, "upto")) &&
		    json_integer_value(json_object_get(msg, "upto")) >= 0)
			ring_ack(a, (uint64_t)json_integer_value(json_object_get(msg, "upto")));
		if (json_string_value(json_object_get(msg, "profile")))
			profiles_confirmed(a, json_string_value(json_object_get(msg, "profile")));
		json_decref(msg);
		break;
	case TP_PROFILE_REQ:
		msg = json_loadb((const char *)f->payload, f->len, 0, NULL);
		on_profile_req(a, msg);
		json_decref(msg);
		break;
	default:
		fprintf(stderr, "drench-agent: unexpected %s frame\n", tp_type_name(f->type));
	}
}

static void on_challenge(struct agent *a, const uint8_t *buf, size_t len, size_t *used)
{
	struct tp_frame f;
	ssize_t rc = tp_decode(buf, len, tp_challenge_key, &f);

	*used = 0;
	if (rc == 0)
		return;
	if (rc < 0 || f.type != TP_CHALLENGE || f.len != TP_NONCE_LEN || f.seq != 0) {
		link_down(a, "bad challenge");
		return;
	}
	memcpy(a->nc, f.payload, TP_NONCE_LEN);
	*used = (size_t)rc;
	send_hello(a);
}

static void consume(struct agent *a)
{
	size_t off = 0;

	while (a->link != LINK_DOWN && off < a->rx_len) {
		struct tp_frame f;
		size_t used;
		ssize_t rc;

		if (a->link == LINK_CHALLENGED) {
			on_challenge(a, a->rx + off, a->rx_len - off, &used);
			if (used == 0)
				break;
			off += used;
			continue;
		}
		rc = tp_session_decode(&a->s, a->rx + off, a->rx_len - off, &f);
		if (rc == 0)
			break;
		if (rc < 0) {
			link_down(a, rc == -EACCES ? "collector failed authentication (wrong key?)"
				     : rc == -ESTALE ? "collector frame out of sequence (replay?)"
						     : "bad frame from the collector");
			return;
		}
		off += (size_t)rc;
		link_on_frame(a, &f);
	}
	if (a->link == LINK_DOWN)
		return;
	memmove(a->rx, a->rx + off, a->rx_len - off);
	a->rx_len -= off;
}

/* TCP is up (or failed): now wait for the collector's challenge. */
static void connected(struct agent *a)
{
	int err = 0;
	socklen_t len = sizeof(err);

	getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0) {
		link_down(a, strerror(err));
		return;
	}
	a->link = LINK_CHALLENGED;
	a->retry_at = agent_now() + 5.0; /* deadline for the challenge */
}

void link_io(struct agent *a, short revents)
{
	if (a->link == LINK_CONNECTING && (revents & (POLLOUT | POLLERR | POLLHUP)))
		connected(a);
	else if (revents & POLLOUT)
		link_flush_ring(a); /* room again: what waited for it (profile chunks) */
	if (a->link == LINK_DOWN || !(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	for (;;) {
		ssize_t n = recv(a->fd, a->rx + a->rx_len, TP_MAX_FRAME - a->rx_len, 0);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			link_down(a, n == 0 ? "collector closed the connection" : strerror(errno));
			return;
		}
		if (n < 0)
			break;
		a->rx_len += (size_t)n;
		consume(a);
		if (a->link == LINK_DOWN)
			return;
	}
	link_flush_ring(a);
}

int link_init(struct agent *a)
{
	a->fd = -1;
	a->link = LINK_DOWN;
	a->rx = malloc(TP_MAX_FRAME);
	a->tx = malloc(TX_CAP);
	a->ring = calloc(a->buffer_cap, sizeof(*a->ring));
	a->next_seq = 1;
	return a->rx && a->tx && a->ring ? 0 : -ENOMEM;
}

void link_free(struct agent *a)
{
	if (a->fd >= 0)
		close(a->fd);
	while (a->ring_len > 0) {
		free(a->ring[a->ring_head].payload);
		a->ring_head = (a->ring_head + 1) % a->buffer_cap;
		a->ring_len--;
	}
	free(a->ring);
	free(a->rx);
	free(a->tx);
}
