/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /metrics server (metrics-server.h). One epoll set holds the listener and
 * every connection, so the caller polls a single descriptor.
 *
 * A connection goes READING -> WRITING -> DRAINING -> closed: after the answer
 * is written the write side is shut and what the client still sends is read
 * and dropped until it closes, so that unread bytes do not make the kernel
 * reset the connection before the client has read its answer.
 */
#include "metrics-server.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "metrics-request.h"

#define LISTENER UINT32_MAX
#define DEFAULT_TIMEOUT_MS 5000
#define MAX_EVENTS 32
#define MAX_ACCEPTS_PER_POLL 64

enum conn_state { CONN_FREE, CONN_READING, CONN_WRITING, CONN_DRAINING };

struct conn {
	enum conn_state state;
	int fd;
	uint64_t deadline_ms; /* closed then, whatever it is doing */
	uint64_t seq;	      /* accept order: the oldest is evicted first */
	char *out;
	size_t out_len, out_off;
	size_t in_len;
	char in[METRICS_SERVER_MAX_HEAD];
};

struct metrics_server {
	int listen_fd, ep_fd;
	uint16_t port;
	int timeout_ms;
	uint64_t seq;
	struct metrics_server_stats stats;
	struct conn conns[METRICS_SERVER_MAX_CONNS];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "1.2.3.4:80" or "[::1]:80" into host and port strings; false if malformed */
static bool split_addr(const char *s, char *host, size_t host_cap, const char **port)
{
	const char *colon;
	size_t host_len;

	if (s == NULL)
		return false;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return false;
		s++;
		host_len = (size_t)(close - s);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			return false; /* IPv6 needs brackets */
		host_len = (size_t)(colon - s);
	}
	if (host_len == 0 || host_len >= host_cap)
		return false;
	memcpy(host, s, host_len);
	host[host_len] = '\0';
	*port = colon + 1;
	size_t digits = strspn(*port, "0123456789");
	return digits > 0 && digits <= 5 && (*port)[digits] == '\0' && atoi(*port) <= 65535;
}

static int open_listener(const struct addrinfo *ai, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int one = 1;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* "[::]" means IPv6 only: bind nothing the caller did not name */
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 32) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int watch(struct metrics_server *m, int op, int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event ev = {.events = events, .data.u32 = tag};

	return epoll_ctl(m->ep_fd, op, fd, &ev) < 0 ? -errno : 0;
}

static struct metrics_server *fail_create(struct metrics_server *m, int err)
{
	metrics_server_free(m);
	errno = err;
	return NULL;
}

struct metrics_server *metrics_server_create(const char *addr_port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	struct metrics_server *m;
	char host[64];
	const char *port;
	int rc;

	if (!split_addr(addr_port, host, sizeof(host), &port) ||
	    getaddrinfo(host, port, &hints, &ai) != 0) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		freeaddrinfo(ai);
		errno = ENOMEM;
		return NULL;
	}
	m->ep_fd = -1;
	m->timeout_ms = DEFAULT_TIMEOUT_MS;
	m->listen_fd = open_listener(ai, &m->port);
	freeaddrinfo(ai);
	if (m->listen_fd < 0)
		return fail_create(m, -m->listen_fd);
	m->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (m->ep_fd < 0)
		return fail_create(m, errno);
	rc = watch(m, EPOLL_CTL_ADD, m->listen_fd, EPOLLIN, LISTENER);
	if (rc < 0)
		return fail_create(m, -rc);
	return m;
}

static void conn_close(struct metrics_server *m, struct conn *c)
{
	epoll_ctl(m->ep_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->state = CONN_FREE;
}

void metrics_server_free(struct metrics_server *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < METRICS_SERVER_MAX_CONNS; i++)
		if (m->conns[i].state != CONN_FREE)
			conn_close(m, &m->conns[i]);
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	if (m->ep_fd >= 0)
		close(m->ep_fd);
	free(m);
}

int metrics_server_fd(const struct metrics_server *m)
{
	return m->ep_fd;
}

uint16_t metrics_server_port(const struct metrics_server *m)
{
	return m->port;
}

void metrics_server_set_timeout(struct metrics_server *m, int timeout_ms)
{
	m->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

void metrics_server_get_stats(const struct metrics_server *m, struct metrics_server_stats *out)
{
	*out = m->stats;
}

/* The answer is written: stop writing, drop whatever the client still sends. */
static void start_draining(struct metrics_server *m, struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	free(c->out);
	c->out = NULL;
	c->state = CONN_DRAINING;
	if (watch(m, EPOLL_CTL_MOD, c->fd, EPOLLIN, (uint32_t)(c - m->conns)) < 0)
		conn_close(m, c);
}

/* Write what the socket takes. 1 when the answer is now complete. */
static int flush(struct metrics_server *m, struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (watch(m, EPOLL_CTL_MOD, c->fd, EPOLLOUT, (uint32_t)(c - m->conns)) < 0)
				conn_close(m, c);
			return 0;
		}
		if (n < 0) {
			conn_close(m, c);
			return 0;
		}
		c->out_off += (size_t)n;
	}
	start_draining(m, c);
	return 1;
}

/* Queue status line, headers and body, and start writing. */
static int respond(struct metrics_server *m, struct conn *c, const char *status, const char *extra,
		   const char *body, size_t body_len, bool head_only)
{
	char hdr[256];
	int hl =
		snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
			 "Connection: close\r\n\r\n",
			 status,
			 strncmp(status, "200", 3) == 0 ? "text/plain; version=0.0.4; charset=utf-8"
							: "text/plain; charset=utf-8",
			 body_len, extra);
	size_t total = (size_t)hl + (head_only ? 0 : body_len);

	c->out = malloc(total);
	if (c->out == NULL) {
		conn_close(m, c);
		return 0;
	}
	memcpy(c->out, hdr, (size_t)hl);
	if (!head_only)
		memcpy(c->out + hl, body, body_len);
	c->out_len = total;
	c->out_off = 0;
	c->state = CONN_WRITING;
	return flush(m, c);
}

static int reject(struct metrics_server *m, struct conn *c, const char *status, const char *extra)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%s\n", status + 4); /* the reason phrase */

	m->stats.rejected++;
	return respond(m, c, status, extra, body, (size_t)n, false);
}

static bool token_is(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

static int route(struct metrics_server *m, struct conn *c, const struct metrics_request *r,
		 metrics_render_fn render, void *ctx)
{
	bool head = token_is(r->method, r->method_len, "HEAD");
	size_t len = 0;
	const char *text;

	if (!head && !token_is(r->method, r->method_len, "GET"))
		return reject(m, c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n");
	if (!token_is(r->path, r->path_len, "/metrics")) {
		m->stats.not_found++;
		return respond(m, c, "404 Not Found", "", "not found\n", 10, head);
	}
	text = render != NULL ? render(ctx, &len) : NULL;
	if (text == NULL)
		return reject(m, c, "503 Service Unavailable", "");
	m->stats.served++;
	return respond(m, c, "200 OK", "", text, len, head);
}

static int on_readable(struct metrics_server *m, struct conn *c, metrics_render_fn render,
		       void *ctx)
{
	struct metrics_request req;
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	int rc;

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n <= 0) { /* closed before a whole request, or broken */
		conn_close(m, c);
		return 0;
	}
	c->in_len += (size_t)n;
	rc = metrics_request_parse(c->in, c->in_len, &req);
	if (rc == METRICS_REQUEST_BAD)
		return reject(m, c, "400 Bad Request", "");
	if (rc == METRICS_REQUEST_INCOMPLETE)
		return c->in_len == sizeof(c->in)
			       ? reject(m, c, "431 Request Header Fields Too Large", "")
			       : 0;
	return route(m, c, &req, render, ctx);
}

static void on_drain(struct metrics_server *m, struct conn *c)
{
	char sink[512];
	ssize_t n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		conn_close(m, c);
}

static int on_event(struct metrics_server *m, struct conn *c, uint32_t events,
		    metrics_render_fn render, void *ctx)
{
	switch (c->state) {
	case CONN_READING:
		return on_readable(m, c, render, ctx);
	case CONN_WRITING:
		if (events & (EPOLLERR | EPOLLHUP)) {
			conn_close(m, c);
			return 0;
		}
		return flush(m, c);
	case CONN_DRAINING:
		on_drain(m, c);
		return 0;
	case CONN_FREE:
		break;
	}
	return 0;
}

/* Make room for a new connection: the one that matters least goes. Answered
 * ones first, then those still sending their request, then those we write to;
 * the oldest of a kind first. */
static struct conn *evict(struct metrics_server *m)
{
	static const enum conn_state order[] = {CONN_DRAINING, CONN_READING, CONN_WRITING};

	for (size_t k = 0; k < 3; k++) {
		struct conn *victim = NULL;

		for (int i = 0; i < METRICS_SERVER_MAX_CONNS; i++) {
			struct conn *c = &m->conns[i];
			if (c->state == order[k] && (victim == NULL || c->seq < victim->seq))
				victim = c;
		}
		if (victim != NULL) {
			conn_close(m, victim);
			m->stats.evicted++;
			return victim;
		}
	}
	return NULL; /* not reached: every slot is in one of the states */
}

static struct conn *free_slot(struct metrics_server *m)
{
	for (int i = 0; i < METRICS_SERVER_MAX_CONNS; i++)
		if (m->conns[i].state == CONN_FREE)
			return &m->conns[i];
	return evict(m);
}

static void accept_new(struct metrics_server *m)
{
	for (int k = 0; k < MAX_ACCEPTS_PER_POLL; k++) {
		int fd = accept4(m->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return; /* EAGAIN, or out of descriptors: try again next time */
		c = free_slot(m);
		c->fd = fd;
		c->state = CONN_READING;
		c->in_len = 0;
		c->seq = m->seq++;
		c->deadline_ms = now_ms() + (uint64_t)m->timeout_ms;
		if (watch(m, EPOLL_CTL_ADD, fd, EPOLLIN, (uint32_t)(c - m->conns)) < 0) {
			close(fd);
			c->state = CONN_FREE;
			continue;
		}
		m->stats.accepted++;
	}
}

static void expire(struct metrics_server *m)
{
	uint64_t now = now_ms();

	for (int i = 0; i < METRICS_SERVER_MAX_CONNS; i++) {
		struct conn *c = &m->conns[i];

		if (c->state != CONN_FREE && now >= c->deadline_ms) {
			conn_close(m, c);
			m->stats.timed_out++;
		}
	}
}

/* The caller's timeout, shortened so that the next deadline is not missed. */
static int wait_ms(const struct metrics_server *m, int timeout_ms)
{
	uint64_t now = now_ms(), next = UINT64_MAX;

	if (timeout_ms == 0)
		return 0;
	for (int i = 0; i < METRICS_SERVER_MAX_CONNS; i++)
		if (m->conns[i].state != CONN_FREE && m->conns[i].deadline_ms < next)
			next = m->conns[i].deadline_ms;
	if (next == UINT64_MAX)
		return timeout_ms;
	uint64_t until = next > now ? next - now : 0;
	return timeout_ms < 0 || until < (uint64_t)timeout_ms ? (int)until : timeout_ms;
}

int metrics_server_poll(struct metrics_server *m, int timeout_ms, metrics_render_fn render,
			void *ctx)
{
	struct epoll_event evs[MAX_EVENTS];
	bool listener_ready = false;
	int done = 0;
	int n = epoll_wait(m->ep_fd, evs, MAX_EVENTS, wait_ms(m, timeout_ms));

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u32 == LISTENER)
			listener_ready = true;
		else
			done += on_event(m, &m->conns[evs[i].data.u32], evs[i].events, render, ctx);
	}
	/* after the batch: an eviction must not hand a slot's pending event to
	 * the connection that replaces it */
	if (listener_ready)
		accept_new(m);
	expire(m);
	return done;
}
