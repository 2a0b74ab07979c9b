/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Collector sockets: one listening socket and at most COLLECTOR_MAX_CONNS
 * agent connections, all non-blocking, waited on with poll(2). A connection
 * gets a fresh nonce (CHALLENGE) and must authenticate with HELLO within
 * COLLECTOR_HELLO_TIMEOUT_S, in one of COLLECTOR_UNAUTH_SLOTS slots (at most
 * COLLECTOR_UNAUTH_PER_SOURCE per address; the oldest is evicted for a new
 * one, never an authenticated agent). A frame that fails authentication, is
 * out of sequence, oversized or malformed at the framing level closes the
 * connection (the stream cannot be trusted to resync); bad JSON in an
 * authenticated frame only drops that frame.
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

#include "collector-priv.h"
#include "proto.h"

/* Wall clock: the time base of agents' samples. */
double collector_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deadlines and the evaluation schedule: an NTP step must not stop them. */
double collector_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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
	/* judged instead while the live heap has too few exact points */
	if (cfg->n_judge == 0 && cfg->metrics_url != NULL &&
	    detector_watch(t->det, TELEMETRY_GO_FALLBACK, false) < 0)
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
	t->probe_alloc = 0; /* a new process counts its allocation from zero */
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
		t->first_t = t->leak_since = t->last_gc = NAN;
		t->live_point_ts = t->sample_ts = NAN;
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

	if (cfg == NULL || opts == NULL || opts->outdir == NULL || cfg->listen == NULL ||
	    (!opts->replay && (key == NULL || key->len < TP_MIN_KEY_LEN)) || sodium_init() < 0) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->cfg = cfg;
	if (key != NULL)
		tp_master_key(key, c->master);
	c->opts = *opts;
	c->log = opts->log ? opts->log : stderr;
	c->lfd = -1;
	c->profiles_fd = -1;
	for (size_t i = 0; i < COLLECTOR_MAX_GRANTS; i++)
		for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++)
			c->grants[i].files[k].fd = -1;
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++)
		c->conns[i].fd = -1;
	c->started = collector_mono();
	c->next_eval = c->started + (double)cfg->interval_us / 1e6;
	rc = init_targets(c);
	if (rc == 0 && !opts->replay)
		rc = open_samples_file(c);
	if (rc == 0)
		rc = collector_profiles_open(c);
	if (rc == 0 && !opts->replay)
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
	collector_grants_free(c);
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
	sodium_memzero(c->master, sizeof(c->master));
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
	sodium_memzero(k, sizeof(*k));
	k->fd = -1;
	k->agent = -1;
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

int collector_conn_send(struct collector *c, int i, enum tp_type type, const void *payload,
			size_t len)
{
	struct conn *k = &c->conns[i];
	ssize_t n;

	if (k->agent < 0)
		return -ENOTCONN;
	if (k->tx_len + TP_HEADER_LEN + len + TP_TAG_LEN > COLLECTOR_TX_CAP) {
		k->closing = true; /* the agent does not read: do not buffer forever */
		return -ENOBUFS;
	}
	n = tp_session_encode(&k->s, k->tx + k->tx_len, COLLECTOR_TX_CAP - k->tx_len, type, payload,
			      len);
	if (n < 0)
		return (int)n;
	k->tx_len += (size_t)n;
	conn_flush(c, i);
	return 0;
}

int collector_conn_send_json(struct collector *c, int i, enum tp_type type, json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	int rc = text ? collector_conn_send(c, i, type, text, strlen(text)) : -ENOMEM;

	free(text);
	json_decref(obj);
	return rc;
}

/* Unauthenticated slots: how many are held, in all and by src. */
static void unauth_counts(const struct collector *c, uint32_t src, int *total, int *same)
{
	*total = *same = 0;
	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		const struct conn *k = &c->conns[i];

		if (k->fd < 0 || k->agent >= 0)
			continue;
		(*total)++;
		*same += k->src == src;
	}
}

/* The oldest unauthenticated connection, of src only when only_src. */
static int oldest_unauth(const struct collector *c, uint32_t src, bool only_src)
{
	int best = -1;

	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		const struct conn *k = &c->conns[i];

		if (k->fd < 0 || k->agent >= 0 || (only_src && k->src != src))
			continue;
		if (best < 0 || k->opened < c->conns[best].opened)
			best = i;
	}
	return best;
}

/* Of the sources holding the most unauthenticated slots, the oldest
 * connection: a flood from a few addresses evicts itself, not a newcomer
 * from elsewhere. */
static int eviction_victim(const struct collector *c)
{
	int best = -1, best_count = 0;

	for (int i = 0; i < COLLECTOR_MAX_CONNS; i++) {
		const struct conn *k = &c->conns[i];
		int total, same;

		if (k->fd < 0 || k->agent >= 0)
			continue;
		unauth_counts(c, k->src, &total, &same);
		if (same > best_count ||
		    (same == best_count && best >= 0 && k->opened < c->conns[best].opened)) {
			best = i;
			best_count = same;
		}
	}
	return best;
}

/* Make room for one more unauthenticated connection from src; the slot
 * index to use, or -1 when every slot is held by an agent. */
static int unauth_slot(struct collector *c, uint32_t src)
{
	int total, same, victim = -1, i;

	unauth_counts(c, src, &total, &same);
	if (same >= COLLECTOR_UNAUTH_PER_SOURCE)
		victim = oldest_unauth(c, src, true);
	else if (total >= COLLECTOR_UNAUTH_SLOTS)
		victim = eviction_victim(c);
	if (victim >= 0) {
		c->st.rejected_conns++;
		collector_conn_close(c, victim, "evicted: too many unauthenticated connections");
	}
	for (i = 0; i < COLLECTOR_MAX_CONNS && c->conns[i].fd >= 0; i++)
		;
	return i < COLLECTOR_MAX_CONNS ? i : -1;
}

static void send_challenge(struct conn *k)
{
	ssize_t n;

	randombytes_buf(k->nonce, sizeof(k->nonce));
	n = tp_encode(k->tx, COLLECTOR_TX_CAP, TP_CHALLENGE, 0, k->nonce, TP_NONCE_LEN,
		      tp_challenge_key);
	k->tx_len = n > 0 ? (size_t)n : 0;
}

static void accept_one(struct collector *c)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = accept4(c->lfd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int i;

	if (fd < 0)
		return;
	i = unauth_slot(c, sa.sin_addr.s_addr);
	if (i < 0) {
		c->st.rejected_conns++;
		fprintf(c->log, "collector: refusing a connection: every slot is taken\n");
		close(fd);
		return;
	}
	struct conn *k = &c->conns[i];

	k->rx = malloc(TP_MAX_FRAME);
	k->tx = malloc(COLLECTOR_TX_CAP);
	if (k->rx == NULL || k->tx == NULL) {
		free(k->rx);
		free(k->tx);
		k->rx = k->tx = NULL;
		close(fd);
		return;
	}
	k->fd = fd;
	k->agent = -1;
	k->src = sa.sin_addr.s_addr;
	k->opened = collector_mono();
	snprintf(k->peer, sizeof(k->peer), "%s:%u", inet_ntoa(sa.sin_addr), ntohs(sa.sin_port));
	c->st.connections++;
	send_challenge(k);
	conn_flush(c, i);
}

static const char *decode_error(ssize_t rc)
{
	switch (rc) {
	case -EACCES:
		return "frame failed authentication";
	case -EMSGSIZE:
		return "oversized frame";
	case -ESTALE:
		return "frame out of sequence (replayed or dropped)";
	case -EPROTO:
		return "encryption setting differs from the campaign's";
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
	else if (rc == -ESTALE)
		c->st.rejected_replay++;
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
		bool hello = k->agent < 0;

		/* before it authenticates, a peer gets no more than a HELLO's room */
		if (hello && k->rx_len - off >= TP_HEADER_LEN && k->rx[off] == 'D' &&
		    k->rx[off + 1] == 'R' && k->rx[off + 2] == TP_VERSION &&
		    ((uint32_t)k->rx[off + 4] << 24 | (uint32_t)k->rx[off + 5] << 16 |
		     (uint32_t)k->rx[off + 6] << 8 | k->rx[off + 7]) > TP_MAX_HELLO) {
			c->st.rejected_oversize++;
			fprintf(c->log, "collector: %s: rejected: HELLO larger than %u bytes\n",
				k->peer, TP_MAX_HELLO);
			k->closing = true;
			break;
		}
		ssize_t rc = hello ? tp_peek(k->rx + off, k->rx_len - off, &f)
				   : tp_session_decode(&k->s, k->rx + off, k->rx_len - off, &f);

		if (hello && rc > 0) {
			int hrc = collector_hello(c, i, k->rx + off, &f);

			if (hrc < 0)
				rc = hrc;
		}
		if (rc == 0)
			break;
		if (rc < 0) {
			count_reject(c, rc);
			fprintf(c->log, "collector: %s: rejected: %s\n", k->peer,
				hello && rc == -EBADMSG ? "malformed HELLO" : decode_error(rc));
			k->closing = true;
			break;
		}
		off += (size_t)rc;
		c->st.frames++;
		if (!hello)
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
	double now = collector_mono();
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
	now = collector_mono();
	expire_silent(c, now);
	if (now >= c->next_eval) {
		c->next_eval = now + (double)c->cfg->interval_us / 1e6;
		collector_evaluate(c);
		collector_gc_probes(c, now);
		collector_live_lines(c);
		fflush(c->samples_out);
	}
	return 0;
}
