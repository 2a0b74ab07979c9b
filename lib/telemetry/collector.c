/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Collector sockets: one listening socket and at most COLLECTOR_MAX_CONNS
 * agent connections, all non-blocking, waited on with poll(2). A connection
 * gets a fresh nonce (CHALLENGE) and must authenticate with HELLO within
 * COLLECTOR_HELLO_TIMEOUT_S; a frame that fails authentication, is oversized
 * or malformed at the framing level closes it (the stream cannot be trusted
 * to resync); bad JSON in an authenticated frame only drops that frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "telemetry/collector-priv.h"
#include "telemetry/proto.h"

double collector_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;
	char *end;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

static int open_listener(struct collector *c)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int one = 1, fd, rc = parse_listen(c->cfg->listen, &sa);

	if (rc < 0)
		return rc;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	c->lfd = fd;
	c->port = ntohs(sa.sin_port);
	return 0;
}

static int judged_metrics(struct target_state *t)
{
	static const char *const go[] = {TELEMETRY_GO_JUDGED};
	static const char *const proc[] = {TELEMETRY_PROC_JUDGED};
	const struct telemetry_target *cfg = t->cfg;
	const char *const *list = cfg->metrics_url ? go : proc;
	size_t n = cfg->metrics_url ? sizeof(go) / sizeof(go[0]) : sizeof(proc) / sizeof(proc[0]);

	if (cfg->n_judge > 0) {
		list = (const char *const *)cfg->judge;
		n = cfg->n_judge;
	}
	for (size_t i = 0; i < n; i++)
		if (detector_watch(t->det, list[i], true) < 0)
			return -ENOMEM;
	return 0;
}

static int new_detector(const struct collector *c, struct target_state *t)
{
	uint64_t limit = t->cfg->memory_limit ? t->cfg->memory_limit : c->cfg->memory_limit;

	t->det = detector_create(&c->cfg->detector, (double)limit);
	if (t->det == NULL)
		return -errno;
	return judged_metrics(t);
}

/* The watched process was replaced: a new process starts a new series (with
 * its own warm-up). A leak seen before the restart (perhaps the reason for
 * it: an OOM kill) stays in the verdict. */
void collector_target_restarted(struct collector *c, struct target_state *t, int old_pid,
				int new_pid)
{
	struct detector *old = t->det;

	if (t->verdict == VERDICT_LEAK)
		t->leaked_before_restart = true;
	fprintf(c->log, "collector: %s: pid %d replaced by %d: new series%s\n", t->cfg->name,
		old_pid, new_pid,
		t->leaked_before_restart ? " (leak seen before the restart)" : "");
	if (new_detector(c, t) < 0) {
		t->det = old; /* keep judging the old series rather than nothing */
		return;
	}
	detector_destroy(old);
}

static int init_targets(struct collector *c)
{
	const struct telemetry_config *cfg = c->cfg;

	c->targets = calloc(cfg->n_targets ? cfg->n_targets : 1, sizeof(*c->targets));
	if (c->targets == NULL)
		return -ENOMEM;
	c->n_targets = cfg->n_targets;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		struct target_state *t = &c->targets[i];
		int rc;

		t->cfg = &cfg->targets[i];
		t->agent = -1;
		t->first_t = t->leak_since = NAN;
		rc = new_detector(c, t);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int open_samples_file(struct collector *c)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/samples.jsonl", c->opts.outdir);
	c->samples_out = fopen(path, "ae");
	return c->samples_out ? 0 : -errno;
}

struct collector *collector_create(const struct telemetry_config *cfg, const struct tp_key *key,
				   const struct collector_options *opts)
{
	struct collector *c;
	int rc;

	if (cfg == NULL || key == NULL || opts == NULL || opts->outdir == NULL ||
	    cfg->listen == NULL || key->len < TP_MIN_KEY_LEN || sodium_init() < 0) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->cfg = cfg;
	c->key = *key;
	c->opts = *opts;
	c->log = opts->log ? opts->log : stderr;
	c->lfd = -1;
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++)
		c->conns[i].fd = -1;
	c->started = collector_now();
	c->next_eval = c->started + (double)cfg->interval_us / 1e6;
	rc = init_targets(c);
	if (rc == 0)
		rc = open_samples_file(c);
	if (rc == 0)
		rc = open_listener(c);
	if (rc < 0) {
		collector_destroy(c);
		errno = -rc;
		return NULL;
	}
	return c;
}

void collector_destroy(struct collector *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++)
		if (c->conns[i].fd >= 0)
			collector_conn_close(c, i, "collector stopping");
	if (c->lfd >= 0)
		close(c->lfd);
	for (size_t i = 0; i < c->n_targets; i++) {
		detector_destroy(c->targets[i].det);
		json_decref(c->targets[i].last_m);
		json_decref(c->targets[i].phases);
		for (size_t k = 0; k < c->targets[i].n_profiles; k++)
			free(c->targets[i].profiles[k]);
	}
	for (size_t i = 0; i < c->n_agents; i++) {
		free(c->agents[i].id);
		free(c->agents[i].boot);
	}
	if (c->samples_out)
		fclose(c->samples_out);
	free(c->targets);
	sodium_memzero(&c->key, sizeof(c->key));
	free(c);
}

uint16_t collector_port(const struct collector *c)
{
	return c->port;
}

const struct collector_stats *collector_stats(const struct collector *c)
{
	return &c->st;
}

void collector_conn_close(struct collector *c, int i, const char *why)
{
	struct conn *k = &c->conns[i];

	fprintf(c->log, "collector: %s: closed: %s\n", k->peer, why);
	close(k->fd);
	if (k->agent >= 0 && c->agents[k->agent].conn == i)
		c->agents[k->agent].conn = -1;
	free(k->rx);
	free(k->tx);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

static void conn_flush(struct collector *c, int i)
{
	struct conn *k = &c->conns[i];

	while (k->tx_len > 0) {
		ssize_t n = send(k->fd, k->tx, k->tx_len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			k->closing = true;
			return;
		}
		memmove(k->tx, k->tx + n, k->tx_len - (size_t)n);
		k->tx_len -= (size_t)n;
	}
}

int collector_conn_send(struct collector *c, int i, enum tp_type type, uint64_t seq,
			const void *payload, size_t len)
{
	struct conn *k = &c->conns[i];
	ssize_t n;

	if (k->tx_len + TP_HEADER_LEN + len + TP_TAG_LEN > COLLECTOR_TX_CAP) {
		k->closing = true; /* the agent does not read: do not buffer forever */
		return -ENOBUFS;
	}
	n = tp_encode(k->tx + k->tx_len, COLLECTOR_TX_CAP - k->tx_len, type, seq, payload, len,
		      &c->key, k->nonce);
	if (n < 0)
		return (int)n;
	k->tx_len += (size_t)n;
	conn_flush(c, i);
	return 0;
}

int collector_conn_send_json(struct collector *c, int i, enum tp_type type, json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	int rc = text ? collector_conn_send(c, i, type, 0, text, strlen(text)) : -ENOMEM;

	free(text);
	json_decref(obj);
	return rc;
}

static void accept_one(struct collector *c)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = accept4(c->lfd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int i;

	if (fd < 0)
		return;
	for (i = 0; i < COLLECTOR_MAX_CONNS && c->conns[i].fd >= 0; i++)
		;
	if (i == COLLECTOR_MAX_CONNS) {
		c->st.rejected_conns++;
		fprintf(c->log, "collector: refusing a connection: %d already open\n", i);
		close(fd);
		return;
	}
	struct conn *k = &c->conns[i];

	k->rx = malloc(TP_MAX_FRAME);
	k->tx = malloc(COLLECTOR_TX_CAP);
	if (k->rx == NULL || k->tx == NULL) {
		free(k->rx);
		free(k->tx);
		close(fd);
		return;
	}
	k->fd = fd;
	k->agent = -1;
	k->opened = collector_now();
	snprintf(k->peer, sizeof(k->peer), "%s:%u", inet_ntoa(sa.sin_addr), ntohs(sa.sin_port));
	c->st.connections++;
	/* the challenge itself is tagged under an all-zero nonce */
	uint8_t zero[TP_NONCE_LEN] = {0};

	randombytes_buf(k->nonce, sizeof(k->nonce));
	uint8_t frame[TP_HEADER_LEN + TP_NONCE_LEN + TP_TAG_LEN];
	ssize_t n = tp_encode(frame, sizeof(frame), TP_CHALLENGE, 0, k->nonce, TP_NONCE_LEN,
			      &c->key, zero);

	memcpy(k->tx, frame, (size_t)n);
	k->tx_len = (size_t)n;
	conn_flush(c, i);
}

static const char *decode_error(ssize_t rc)
{
	switch (rc) {
	case -EACCES:
		return "frame failed authentication";
	case -EMSGSIZE:
		return "oversized frame";
	default:
		return "malformed frame header";
	}
}

static void count_reject(struct collector *c, ssize_t rc)
{
	if (rc == -EACCES)
		c->st.rejected_auth++;
	else if (rc == -EMSGSIZE)
		c->st.rejected_oversize++;
	else
		c->st.rejected_malformed++;
}

/* Decode every whole frame in rx; keep a partial one for the next read. */
static void conn_consume(struct collector *c, int i)
{
	struct conn *k = &c->conns[i];
	size_t off = 0;

	while (!k->closing && off < k->rx_len) {
		struct tp_frame f;
		ssize_t rc = tp_decode(k->rx + off, k->rx_len - off, &c->key, k->nonce, &f);

		if (rc == 0)
			break;
		if (rc < 0) {
			count_reject(c, rc);
			fprintf(c->log, "collector: %s: rejected: %s\n", k->peer, decode_error(rc));
			k->closing = true;
			break;
		}
		off += (size_t)rc;
		c->st.frames++;
		collector_handle_frame(c, i, &f);
	}
	memmove(k->rx, k->rx + off, k->rx_len - off);
	k->rx_len -= off;
}

static void conn_read(struct collector *c, int i)
{
	struct conn *k = &c->conns[i];

	for (;;) {
		ssize_t n = recv(k->fd, k->rx + k->rx_len, TP_MAX_FRAME - k->rx_len, 0);

		if (n == 0) {
			k->closing = true;
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				k->closing = true;
			return;
		}
		k->rx_len += (size_t)n;
		conn_consume(c, i);
		if (k->closing)
			return;
	}
}

static void expire_silent(struct collector *c, double now)
{
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		struct conn *k = &c->conns[i];

		if (k->fd >= 0 && k->agent < 0 && now - k->opened > COLLECTOR_HELLO_TIMEOUT_S) {
			c->st.rejected_conns++;
			collector_conn_close(c, i, "no HELLO in time");
		}
	}
}

int collector_poll(struct collector *c, int timeout_ms)
{
	struct pollfd pfd[COLLECTOR_MAX_CONNS + 1];
	int idx[COLLECTOR_MAX_CONNS + 1], n = 0, rc;
	double now = collector_now();
	int until_eval = (int)ceil((c->next_eval - now) * 1000);

	if (until_eval < timeout_ms)
		timeout_ms = until_eval > 0 ? until_eval : 0;
	pfd[n] = (struct pollfd){.fd = c->lfd, .events = POLLIN};
	idx[n++] = -1;
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		if (c->conns[i].fd < 0)
			continue;
		pfd[n] = (struct pollfd){.fd = c->conns[i].fd,
					 .events = POLLIN | (c->conns[i].tx_len ? POLLOUT : 0)};
		idx[n++] = i;
	}
	rc = poll(pfd, (nfds_t)n, timeout_ms);
	if (rc < 0 && errno != EINTR)
		return -errno;
	for (int p = 0; rc > 0 && p < n; p++) {
		if (idx[p] < 0) {
			if (pfd[p].revents & POLLIN)
				accept_one(c);
			continue;
		}
		if (c->conns[idx[p]].fd != pfd[p].fd)
			continue; /* closed meanwhile (replaced by the same agent's new connection)
				   */
		if (pfd[p].revents & POLLOUT)
			conn_flush(c, idx[p]);
		if (pfd[p].revents & (POLLIN | POLLHUP | POLLERR))
			conn_read(c, idx[p]);
	}
	collector_send_acks(c);
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++)
		if (c->conns[i].fd >= 0 && c->conns[i].closing)
			collector_conn_close(c, i, "connection ended");
	now = collector_now();
	expire_silent(c, now);
	if (now >= c->next_eval) {
		c->next_eval = now + (double)c->cfg->interval_us / 1e6;
		collector_evaluate(c);
		collector_live_lines(c);
		fflush(c->samples_out);
	}
	return 0;
}
