/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Profiles from agents, written under OUTDIR/profiles (0700, opened once).
 * The collector issues a grant with each PROFILE_REQ; a chunk is accepted
 * only under an open grant of the agent that holds it, for a file that
 * grant created itself (O_CREAT|O_EXCL|O_NOFOLLOW: an agent can neither
 * overwrite, truncate nor delete a file it was not granted). Chunks come in
 * order and are hashed as they are written, so the last one costs no more
 * than any other. Every file and byte an agent writes counts against its
 * caps, verified or not. A file whose SHA-256 fails is removed and the
 * profile asked for again, once.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector-priv.h"
#include "proto.h"

static void reject(struct collector *c, int i, const char *why)
{
	c->st.rejected_malformed++;
	fprintf(c->log, "collector: %s: rejected profile chunk: %s\n", c->conns[i].peer, why);
}

int collector_profiles_open(struct collector *c)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/profiles", c->opts.outdir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	c->profiles_fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->profiles_fd < 0)
		return -errno;
	if (fstat(c->profiles_fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		fprintf(c->log, "collector: %s is not a private directory of ours (0700)\n", path);
		return -EPERM;
	}
	return 0;
}

static void file_discard(struct collector *c, struct grant_file *g)
{
	if (g->fd >= 0) {
		close(g->fd);
		unlinkat(c->profiles_fd, g->name, 0); /* ours: this grant created it */
	}
	g->fd = -1;
	g->name[0] = '\0';
}

void collector_grants_free(struct collector *c)
{
	for (size_t i = 0; i < COLLECTOR_MAX_GRANTS; i++)
		for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++)
			if (c->grants[i].files[k].fd >= 0)
				file_discard(c, &c->grants[i].files[k]);
	if (c->profiles_fd >= 0)
		close(c->profiles_fd);
}

static bool grant_finished(const struct grant *g)
{
	bool any = false;

	for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++) {
		if (g->files[k].fd >= 0)
			return false;
		any |= g->files[k].name[0] != '\0';
	}
	return any;
}

uint32_t collector_grant_open(struct collector *c, struct target_state *t, const char *tag)
{
	struct grant *g = NULL;

	for (size_t i = 0; i < COLLECTOR_MAX_GRANTS && g == NULL; i++)
		if (c->grants[i].id == 0)
			g = &c->grants[i];
	/* A grant stays after its files arrived, so that a resend (its ACK lost
	 * with a connection) is answered; when all are taken, the oldest
	 * finished one goes, else the oldest. */
	for (size_t i = 0; i < COLLECTOR_MAX_GRANTS; i++)
		if (grant_finished(&c->grants[i]) && (g == NULL || c->grants[i].id < g->id))
			g = &c->grants[i];
	if (g == NULL) {
		g = &c->grants[0];
		for (size_t i = 1; i < COLLECTOR_MAX_GRANTS; i++)
			if (c->grants[i].id < g->id)
				g = &c->grants[i];
	}
	for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++)
		if (g->id != 0 && g->files[k].fd >= 0)
			file_discard(c, &g->files[k]);
	memset(g, 0, sizeof(*g));
	g->id = ++c->last_grant;
	g->target = t;
	snprintf(g->tag, sizeof(g->tag), "%s", tag);
	for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++)
		g->files[k].fd = -1;
	return g->id;
}

static struct grant *grant_find(struct collector *c, uint32_t id)
{
	for (size_t i = 0; id != 0 && i < COLLECTOR_MAX_GRANTS; i++)
		if (c->grants[i].id == id)
			return &c->grants[i];
	return NULL;
}

/* Profile file names come from the agent: one plain component. */
static bool safe_name(const char *s)
{
	if (s == NULL || s[0] == '\0' || s[0] == '.' || strlen(s) >= COLLECTOR_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* The file of this grant named name, created on its first chunk. */
static struct grant_file *grant_file(struct collector *c, int i, struct grant *g, const char *name,
				     json_int_t off, json_int_t size)
{
	struct agent_state *a = &c->agents[c->conns[i].agent];
	struct grant_file *free_slot = NULL;

	for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++) {
		struct grant_file *f = &g->files[k];

		if (!strcmp(f->name, name)) {
			if (off == 0 && f->fd >= 0) { /* a resend from the start (reconnect) */
				if (ftruncate(f->fd, 0) < 0)
					return NULL;
				crypto_hash_sha256_init(&f->hash);
				f->written = 0;
				f->size = (uint64_t)size;
			}
			return f->fd >= 0 ? f : NULL;
		}
		if (f->name[0] == '\0' && free_slot == NULL)
			free_slot = f;
	}
	if (free_slot == NULL || off != 0 || a->profile_files >= COLLECTOR_AGENT_PROFILE_FILES)
		return NULL;
	free_slot->fd = openat(c->profiles_fd, name,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (free_slot->fd < 0) {
		fprintf(c->log, "collector: cannot create profiles/%s: %s\n", name,
			strerror(errno));
		return NULL;
	}
	a->profile_files++;
	snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
	crypto_hash_sha256_init(&free_slot->hash);
	free_slot->size = (uint64_t)size;
	free_slot->written = 0;
	return free_slot;
}

/* The agent resends a file whose confirmation a cut connection lost. */
static bool already_received(struct collector *c, int i, const struct grant *g, const char *name)
{
	for (size_t k = 0; k < COLLECTOR_GRANT_FILES; k++)
		if (g->files[k].fd < 0 && !strcmp(g->files[k].name, name)) {
			collector_conn_send_json(
				c, i, TP_ACK,
				json_pack("{s:I, s:s}", "upto",
					  (json_int_t)c->agents[c->conns[i].agent].last_seq,
					  "profile", name));
			return true;
		}
	return false;
}

static void file_finish(struct collector *c, int i, struct grant *g, struct grant_file *f,
			const char *sha)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65], rel[COLLECTOR_NAME_MAX + 16];
	struct target_state *t = g->target;

	crypto_hash_sha256_final(&f->hash, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	if (f->written != f->size || sha == NULL || strcmp(hex, sha) != 0) {
		reject(c, i, "profile does not match its size or SHA-256");
		file_discard(c, f);
		if (g->retries++ == 0)
			collector_ask_profile(c, t, g->tag);
		return;
	}
	close(f->fd);
	f->fd = -1;
	c->st.profiles++;
	snprintf(rel, sizeof(rel), "profiles/%s", f->name);
	fprintf(c->log, "collector: profile %s (%s) received\n", rel, t->cfg->name);
	if (t->n_profiles < COLLECTOR_MAX_PROFILES)
		t->profiles[t->n_profiles++] = strdup(rel);
	/* the agent keeps a capture until it hears it arrived */
	collector_conn_send_json(c, i, TP_ACK,
				 json_pack("{s:I, s:s}", "upto",
					   (json_int_t)c->agents[c->conns[i].agent].last_seq,
					   "profile", f->name));
}

struct chunk {
	const char *file, *target, *sha;
	json_int_t off, size, grant;
	bool last;
	const uint8_t *data;
	size_t len;
};

static int chunk_parse(const struct tp_frame *f, json_t **meta, struct chunk *k)
{
	const char *text;
	size_t meta_len;

	if (tp_chunk_split(f->payload, f->len, &text, &meta_len, &k->data, &k->len) < 0 ||
	    (*meta = json_loadb(text, meta_len, 0, NULL)) == NULL)
		return -EBADMSG;
	k->file = json_string_value(json_object_get(*meta, "file"));
	k->target = json_string_value(json_object_get(*meta, "target"));
	k->sha = json_string_value(json_object_get(*meta, "sha256"));
	k->off = json_integer_value(json_object_get(*meta, "offset"));
	k->size = json_integer_value(json_object_get(*meta, "size"));
	k->grant = json_integer_value(json_object_get(*meta, "grant"));
	k->last = json_is_true(json_object_get(*meta, "last"));
	return 0;
}

void collector_on_chunk(struct collector *c, int i, const struct tp_frame *fr)
{
	struct agent_state *a = &c->agents[c->conns[i].agent];
	struct grant *g;
	struct grant_file *f;
	json_t *meta = NULL;
	struct chunk k;

	if (chunk_parse(fr, &meta, &k) < 0) {
		reject(c, i, "bad meta");
		goto out;
	}
	g = grant_find(c, k.grant > 0 && k.grant <= UINT32_MAX ? (uint32_t)k.grant : 0);
	if (g == NULL || strcmp(g->target->cfg->agent, a->id) != 0 || k.target == NULL ||
	    strcmp(k.target, g->target->cfg->name) != 0) {
		reject(c, i, "no open grant of this agent for it");
		goto out;
	}
	if (!safe_name(k.file) || k.off < 0 || k.size < 0 ||
	    k.size > (json_int_t)COLLECTOR_MAX_PROFILE_BYTES ||
	    (json_int_t)k.len > k.size - k.off) {
		reject(c, i, "out of bounds");
		goto out;
	}
	if (already_received(c, i, g, k.file))
		goto out;
	f = grant_file(c, i, g, k.file, k.off, k.size);
	if (f == NULL || (uint64_t)k.off != f->written || (uint64_t)k.size != f->size) {
		reject(c, i, "not a file of this grant, or out of order");
		goto out;
	}
	if (a->profile_bytes + k.len > COLLECTOR_AGENT_PROFILE_BYTES) {
		reject(c, i, "agent's profile byte cap reached");
		file_discard(c, f);
		goto out;
	}
	a->profile_bytes += k.len;
	if (pwrite(f->fd, k.data, k.len, k.off) != (ssize_t)k.len) {
		fprintf(c->log, "collector: cannot write profiles/%s: %s\n", f->name,
			strerror(errno));
		file_discard(c, f);
		goto out;
	}
	crypto_hash_sha256_update(&f->hash, k.data, k.len);
	f->written += k.len;
	if (k.last)
		file_finish(c, i, g, f, k.sha);
out:
	json_decref(meta);
}
