/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Heap and goroutine profiles on the collector's request: fetched from the
 * target's pprof URL into a private directory (ours, 0700, never through a
 * symlink; files created O_EXCL|O_NOFOLLOW, so no name planted by a local
 * user is written through), hashed as they arrive, then streamed as
 * PROFILE_CHUNK frames from the poll loop, as many as the send buffer
 * takes. A capture stays here until the collector's ACK names it; after a
 * reconnect it is sent again from its first byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "proto.h"

#define PROFILE_MAX_BYTES (64u << 20)
#define CHUNK_BYTES (TP_MAX_PAYLOAD - 1024)

int profile_dir_open(struct agent *a)
{
	struct stat st;

	if (mkdir(a->profile_dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "drench-agent: cannot create %s: %s\n", a->profile_dir,
			strerror(errno));
		return -errno;
	}
	a->profile_dirfd = open(a->profile_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (a->profile_dirfd < 0 || fstat(a->profile_dirfd, &st) < 0) {
		fprintf(stderr, "drench-agent: profile dir %s: %s\n", a->profile_dir,
			errno == ELOOP || errno == ENOTDIR ? "is a symlink or not a directory"
							   : strerror(errno));
		return -EPERM;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		fprintf(stderr,
			"drench-agent: profile dir %s must be ours and private (0700); refusing "
			"it\n",
			a->profile_dir);
		return -EPERM;
	}
	return 0;
}

struct sink {
	int fd;
	uint64_t size;
	crypto_hash_sha256_state hash;
	bool too_big;
};

static size_t to_sink(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->size + len > PROFILE_MAX_BYTES) {
		s->too_big = true;
		return 0;
	}
	if (write(s->fd, data, len) != (ssize_t)len)
		return 0;
	crypto_hash_sha256_update(&s->hash, (const unsigned char *)data, len);
	s->size += len;
	return len;
}

static int fetch(const char *url, struct sink *s)
{
	CURL *h = curl_easy_init();
	CURLcode rc = CURLE_FAILED_INIT;
	long status = 0;

	if (h == NULL)
		return -ENOMEM;
	agent_curl_restrict(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	return rc == CURLE_OK && status == 200 ? 0 : -EIO;
}

static struct profile_out *profile_slot(struct agent *a)
{
	struct profile_out *oldest = &a->profiles[0];

	for (size_t i = 0; i < AGENT_MAX_PROFILES; i++) {
		if (!a->profiles[i].used)
			return &a->profiles[i];
		if (a->profiles[i].grant < oldest->grant)
			oldest = &a->profiles[i];
	}
	fprintf(stderr, "drench-agent: profile %s dropped unconfirmed: too many pending\n",
		oldest->file);
	a->profiles_dropped++;
	close(oldest->fd);
	oldest->used = false;
	return oldest;
}

/* One capture: what pprof is asked for and the file it becomes. */
struct capture_kind {
	const char *kind, *query, *ext;
};

static int capture(struct agent *a, const struct agent_target *t, const char *tag,
		   const struct capture_kind *ck, const char *query, uint32_t grant,
		   const char *stamp)
{
	char url[2048], file[256];
	unsigned char digest[crypto_hash_sha256_BYTES];
	struct sink s = {0};
	struct profile_out *p;

	snprintf(file, sizeof(file), "%s-%s-%s-%s-g%u.%s", t->name, tag, ck->kind, stamp, grant,
		 ck->ext);
	snprintf(url, sizeof(url), "%s/%s%s", t->pprof_url, ck->kind, query);
	s.fd = openat(a->profile_dirfd, file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (s.fd < 0) {
		agent_event(a, t->name, "profile-failed", strerror(errno));
		return -1;
	}
	crypto_hash_sha256_init(&s.hash);
	if (fetch(url, &s) < 0) {
		close(s.fd);
		unlinkat(a->profile_dirfd, file, 0);
		agent_event(a, t->name, "profile-failed", s.too_big ? "larger than 64 MiB" : url);
		return -1;
	}
	crypto_hash_sha256_final(&s.hash, digest);
	p = profile_slot(a);
	*p = (struct profile_out){.used = true, .grant = grant, .fd = s.fd, .size = s.size};
	snprintf(p->target, sizeof(p->target), "%s", t->name);
	snprintf(p->file, sizeof(p->file), "%s", file);
	sodium_bin2hex(p->sha, sizeof(p->sha), digest, sizeof(digest));
	fprintf(stderr, "drench-agent: captured %s/%s (%llu bytes)\n", a->profile_dir, file,
		(unsigned long long)s.size);
	return 0;
}

/* A GC probe streams pprof's debug=1 heap text and keeps two lines of it,
 * "# HeapAlloc = N" and "# TotalAlloc = N", which the runtime read right
 * after writing the profile that followed the forced GC. Nothing is
 * written to disk. */
struct probe_scan {
	char line[128];
	size_t len, total;
	bool skipping; /* the current line is longer than line[]: not ours */
	struct probe_reading r;
};

static void probe_value(const char *line, const char *prefix, double *out)
{
	size_t n = strlen(prefix);
	char *end;
	double v;

	if (strncmp(line, prefix, n) != 0)
		return;
	v = strtod(line + n, &end);
	if (end != line + n && (*end == '\0' || *end == '\r') && v >= 0 && v < 1e18)
		*out = v;
}

static size_t probe_scan(char *data, size_t size, size_t n, void *arg)
{
	struct probe_scan *p = arg;
	size_t len = size * n;

	if ((p->total += len) > PROFILE_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\n') {
			if (p->len + 1 < sizeof(p->line))
				p->line[p->len++] = data[i];
			else
				p->skipping = true;
			continue;
		}
		p->line[p->len] = '\0';
		if (!p->skipping) {
			probe_value(p->line, "# HeapAlloc = ", &p->r.heap_alloc);
			probe_value(p->line, "# TotalAlloc = ", &p->r.total_alloc);
		}
		p->len = 0;
		p->skipping = false;
	}
	return len;
}

struct probe_reading agent_probe_parse(const char *text, size_t len)
{
	struct probe_scan p = {.r = {NAN, NAN}};

	probe_scan((char *)text, 1, len, &p);
	return p.r;
}

static struct probe_reading probe_fetch(const char *pprof_url)
{
	char url[2048];
	struct probe_scan p = {.r = {NAN, NAN}};
	CURL *h = curl_easy_init();
	CURLcode rc;
	long status = 0;

	if (h == NULL)
		return p.r;
	snprintf(url, sizeof(url), "%s/heap?gc=1&debug=1", pprof_url);
	agent_curl_restrict(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, probe_scan);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &p);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK || status != 200)
		p.r.heap_alloc = NAN;
	return p.r;
}

/* The probe's reading, and what it allocated itself (TotalAlloc after it
 * less the allocation counter scraped just before): the collector takes
 * that out of the allocation rate, which tells it when load runs. */
static bool gc_probe(struct agent *a, struct agent_target *t, json_t *m)
{
	struct probe_reading r = probe_fetch(t->pprof_url);
	json_t *before = json_object_get(m, "go_memstats_alloc_bytes_total");

	if (!isfinite(r.heap_alloc)) {
		a->probes_failed++;
		return false;
	}
	json_object_set_new(m, TP_GC_PROBE_METRIC, json_real(r.heap_alloc));
	if (json_is_number(before) && r.total_alloc >= json_number_value(before))
		json_object_set_new(m, TP_GC_PROBE_ALLOC_METRIC,
				    json_real(r.total_alloc - json_number_value(before)));
	return true;
}

/* The heap profile first: with a forced GC, the sample right after it reads
 * the exact live heap. The goroutine text groups goroutines by start site. */
void targets_profile(struct agent *a, const char *target, const char *tag, uint32_t grant,
		     uint32_t flags)
{
	static const struct capture_kind kinds[] = {
		{"heap", "", "pb.gz"}, {"goroutine", "", "pb.gz"}, {"goroutine", "?debug=1", "txt"}};
	bool gc = (flags & TP_PROFILE_FORCED_GC) != 0;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	/* names from the collector become file names: plain ids only */
	if (!tp_id_valid(target) || !tp_id_valid(tag)) {
		fprintf(stderr, "drench-agent: profile request with an unsafe target or tag\n");
		return;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	for (size_t i = 0; i < a->n_targets; i++) {
		struct agent_target *t = &a->targets[i];

		if (strcmp(t->name, target) != 0 || t->pprof_url == NULL)
			continue;
		if (flags & TP_PROFILE_GC_PROBE) {
			targets_sample_probe(a, t, tag, gc_probe);
			continue;
		}
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const char *query = k == 0 && gc ? "?gc=1" : kinds[k].query;

			if (capture(a, t, tag, &kinds[k], query, grant, stamp) == 0 && k == 0 && gc)
				targets_sample_checkpoint(a, t, tag);
		}
	}
	link_flush_ring(a);
}

/* One PROFILE_CHUNK: u16 meta length, JSON meta, bytes. */
static int send_chunk(struct agent *a, struct profile_out *p, uint8_t *frame)
{
	size_t n = p->size - p->off < CHUNK_BYTES ? (size_t)(p->size - p->off) : CHUNK_BYTES;
	bool last = p->off + n == p->size;
	json_t *meta =
		json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:s}", "target", p->target, "file",
			  p->file, "grant", (json_int_t)p->grant, "offset", (json_int_t)p->off,
			  "size", (json_int_t)p->size, "last", last, "sha256", p->sha);
	char *text = json_dumps(meta, JSON_COMPACT);
	size_t m = strlen(text);
	int rc = -EIO;

	frame[0] = (uint8_t)(m >> 8);
	frame[1] = (uint8_t)m;
	memcpy(frame + 2, text, m);
	if (pread(p->fd, frame + 2 + m, n, (off_t)p->off) == (ssize_t)n)
		rc = link_send(a, TP_PROFILE_CHUNK, frame, 2 + m + n);
	if (rc == 0) {
		p->off += n;
		p->sent = last;
	}
	free(text);
	json_decref(meta);
	return rc;
}

/* As many chunks as the send buffer takes now; the rest on the next turn. */
void profiles_pump(struct agent *a)
{
	static uint8_t frame[TP_MAX_PAYLOAD];

	for (size_t i = 0; i < AGENT_MAX_PROFILES && a->link == LINK_READY; i++) {
		struct profile_out *p = &a->profiles[i];

		while (p->used && !p->sent && a->link == LINK_READY)
			if (send_chunk(a, p, frame) < 0)
				return;
	}
}

void profiles_rewind(struct agent *a)
{
	for (size_t i = 0; i < AGENT_MAX_PROFILES; i++) {
		a->profiles[i].off = 0;
		a->profiles[i].sent = false;
	}
}

void profiles_confirmed(struct agent *a, const char *file)
{
	for (size_t i = 0; i < AGENT_MAX_PROFILES; i++) {
		struct profile_out *p = &a->profiles[i];

		if (p->used && !strcmp(p->file, file)) {
			close(p->fd);
			p->used = false;
			fprintf(stderr, "drench-agent: profile %s delivered\n", file);
		}
	}
}

void profiles_free(struct agent *a)
{
	for (size_t i = 0; i < AGENT_MAX_PROFILES; i++)
		if (a->profiles[i].used)
			close(a->profiles[i].fd);
	if (a->profile_dirfd >= 0)
		close(a->profile_dirfd);
}
