/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scripted tests for lib/tcp, in the spirit of packetdrill: each file in
 * tests/unit/tcp/ is one test that feeds segments to a stack and asserts the
 * segments it sends, on a virtual clock. The language is in
 * tests/unit/tcp/README.md. Sequence numbers are relative, as in packetdrill:
 * in "<" lines seq counts from the peer's ISN and ack from ours; in ">" lines
 * the other way round. Every segment the stack sends must be matched by a ">"
 * line (or dropped with "flush") before the script ends.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq.h"
#include "tcp-test-harness.h"

#define LINE_MAX_LEN 512
#define MAX_SCRIPTS 128
#define TOK_MAX 24
#define PEER_PORT 40000

struct script {
	const char *file;
	unsigned line;
	struct harness *h;
	struct tcp_conn *c;
	uint32_t iss, peer_iss, peer_nxt;
	unsigned cursor; /* first captured segment no ">" line has matched */
};

static struct tcp_params tuned; /* what "tune" lines set, for h_new */
static uint32_t autosend;        /* bytes to send from on_established ("autosend") */

static void send_on_established(struct harness *h, struct tcp_conn *c)
{
	if (autosend)
		assert_int_equal(tcp_send(h->s, c, autosend, h->now), 0);
}
static bool tuned_on;

static void apply_tune(struct tcp_params *p)
{
	if (tuned_on)
		*p = tuned;
}

#define S_FAIL(sc, ...)                                                                    \
	do {                                                                               \
		char msg_[256];                                                            \
		snprintf(msg_, sizeof(msg_), __VA_ARGS__);                                 \
		fail_msg("%s:%u: %s", (sc)->file, (sc)->line, msg_);                        \
	} while (0)

static long num(struct script *sc, const char *t)
{
	char *end;
	errno = 0;
	long v = strtol(t, &end, 0);
	if (t[0] == '\0' || *end != '\0' || errno)
		S_FAIL(sc, "not a number: '%s'", t);
	return v;
}

/* ---- tune: stack parameters, before the first other line ---- */

struct param_u32 {
	const char *name;
	size_t off;
	unsigned width; /* bytes */
	uint32_t scale; /* the script gives ms where the field is us */
};

#define P(n, f, sc) {n, offsetof(struct tcp_params, f), sizeof(((struct tcp_params *)0)->f), sc}
static const struct param_u32 params[] = {
	P("port_min", port_min, 1),         P("port_max", port_max, 1),
	P("msl_ms", msl_us, 1000),          P("tw_reuse_ms", tw_reuse_us, 1000),
	P("max_retries", max_retries, 1),   P("syn_retries", syn_retries, 1),
	P("delack_ms", delack_us, 1000),    P("rcv_wnd", rcv_wnd, 1),
	P("ooo_max_segs", ooo_max_segs, 1), P("ooo_max_per_conn", ooo_max_per_conn, 1),
	P("mss", mss, 1),                   P("rto_min_ms", rto_min_us, 1000),
	P("rto_init_ms", rto_init_us, 1000), P("ts_offset_ms", ts_offset_ms, 1),
	P("first_slot", first_slot, 1),     P("wscale", wscale, 1),
	P("challenge_acks_per_s", challenge_acks_per_s, 1),
	P("tlp_ack_delay_ms", tlp_ack_delay_us, 1000),
};

static void set_field(void *base, const struct param_u32 *pp, uint32_t v)
{
	uint8_t *f = (uint8_t *)base + pp->off;
	if (pp->width == 1)
		*f = (uint8_t)v;
	else if (pp->width == 2)
		*(uint16_t *)(void *)f = (uint16_t)v;
	else
		*(uint32_t *)(void *)f = v;
}

static void cmd_tune(struct script *sc, char **tok, int n)
{
	if (sc->h)
		S_FAIL(sc, "tune after the stack started");
	if (n != 3)
		S_FAIL(sc, "tune KEY VALUE");
	if (!strcmp(tok[1], "tw")) {
		static const char *const names[] = {"2msl", "reset", "reuse"};
		for (int i = 0; i < 3; i++)
			if (!strcmp(tok[2], names[i])) {
				tuned.tw_policy = (enum tcp_time_wait_policy)i;
				return;
			}
		S_FAIL(sc, "tw is 2msl, reset or reuse");
	}
	if (!strcmp(tok[1], "timestamps")) {
		tuned.timestamps = num(sc, tok[2]) != 0;
		return;
	}
	if (!strcmp(tok[1], "sack")) {
		tuned.sack = num(sc, tok[2]) != 0;
		return;
	}
	if (!strcmp(tok[1], "tlp")) {
		tuned.tlp = num(sc, tok[2]) != 0;
		return;
	}
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (!strcmp(tok[1], params[i].name)) {
			set_field(&tuned, &params[i], (uint32_t)num(sc, tok[2]) * params[i].scale);
			return;
		}
	S_FAIL(sc, "unknown tune key '%s'", tok[1]);
}

static void start(struct script *sc)
{
	if (!sc->h) {
		sc->h = h_new(apply_tune);
		sc->h->on_established_hook = send_on_established;
	}
}

/* ---- segments ---- */

struct seg_spec {
	uint8_t flags;
	bool has_seq, has_ack, has_win, has_len, has_mss, has_ws, ts_given, nots;
	bool tsval_any, tsecr_any, sackok, has_sack;
	uint8_t n_sack;
	uint32_t sack[TCP_MAX_SACK][2];
	uint32_t seq, ack, win, len, mss, tsval, tsecr;
	int ws;
};

static uint8_t parse_flags(struct script *sc, const char *t)
{
	uint8_t f = 0;
	for (const char *p = t; *p; p++)
		switch (*p) {
		case 'S': f |= TCP_F_SYN; break;
		case 'F': f |= TCP_F_FIN; break;
		case 'R': f |= TCP_F_RST; break;
		case 'P': f |= TCP_F_PSH; break;
		case 'A': f |= TCP_F_ACK; break;
		case '.': break;
		default: S_FAIL(sc, "flags are S F R P A or '.', not '%c'", *p);
		}
	return f;
}

static uint32_t num_or_any(struct script *sc, const char *t, bool *any)
{
	*any = !strcmp(t, "*");
	return *any ? 0 : (uint32_t)num(sc, t);
}

/* "L:R,L:R" (relative to the peer's ISN), or "none" */
static void parse_sack(struct script *sc, const char *v, struct seg_spec *sp)
{
	sp->has_sack = true;
	if (!strcmp(v, "none"))
		return;
	char buf[LINE_MAX_LEN];
	snprintf(buf, sizeof(buf), "%s", v);
	for (char *save = NULL, *b = strtok_r(buf, ",", &save); b; b = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(b, ':');
		if (!colon || sp->n_sack == TCP_MAX_SACK)
			S_FAIL(sc, "sack L:R[,L:R...] (at most %d)", TCP_MAX_SACK);
		*colon = '\0';
		sp->sack[sp->n_sack][0] = (uint32_t)num(sc, b);
		sp->sack[sp->n_sack++][1] = (uint32_t)num(sc, colon + 1);
	}
}

static void parse_seg(struct script *sc, char **tok, int n, struct seg_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (n < 2)
		S_FAIL(sc, "a segment needs its flags");
	sp->flags = parse_flags(sc, tok[1]);
	for (int i = 2; i < n; i++) {
		const char *k = tok[i];
		if (!strcmp(k, "nots")) {
			sp->nots = true;
			continue;
		}
		if (!strcmp(k, "sackok")) {
			sp->sackok = true;
			continue;
		}
		if (i + 1 >= n)
			S_FAIL(sc, "'%s' needs a value", k);
		const char *v = tok[++i];
		if (!strcmp(k, "seq")) sp->has_seq = true, sp->seq = (uint32_t)num(sc, v);
		else if (!strcmp(k, "ack")) sp->has_ack = true, sp->ack = (uint32_t)num(sc, v);
		else if (!strcmp(k, "win")) sp->has_win = true, sp->win = (uint32_t)num(sc, v);
		else if (!strcmp(k, "len")) sp->has_len = true, sp->len = (uint32_t)num(sc, v);
		else if (!strcmp(k, "mss")) sp->has_mss = true, sp->mss = (uint32_t)num(sc, v);
		else if (!strcmp(k, "ws")) sp->has_ws = true, sp->ws = (int)num(sc, v);
		else if (!strcmp(k, "sack")) parse_sack(sc, v, sp);
		else if (!strcmp(k, "ts")) {
			if (i + 1 >= n)
				S_FAIL(sc, "ts VAL ECR");
			sp->ts_given = true;
			sp->tsval = num_or_any(sc, v, &sp->tsval_any);
			sp->tsecr = num_or_any(sc, tok[++i], &sp->tsecr_any);
		} else
			S_FAIL(sc, "unknown segment field '%s'", k);
	}
}

static uint8_t peer_byte_at(uint32_t off)
{
	return h_peer_byte(off);
}

static uint8_t payload_buf[65536];

static void cmd_in(struct script *sc, char **tok, int n)
{
	struct seg_spec sp;
	parse_seg(sc, tok, n, &sp);
	start(sc);
	struct harness *h = sc->h;
	if (!sc->c && !(sp.flags & TCP_F_SYN))
		S_FAIL(sc, "no connection yet: the first segment in is a SYN");
	uint32_t seq = sp.has_seq ? sc->peer_iss + sp.seq : sc->peer_nxt;
	uint32_t ack = 0;
	if (sp.flags & TCP_F_ACK) {
		struct tcp_conn_info ci;
		if (!sc->c && !sp.has_ack)
			S_FAIL(sc, "ack needs a value here");
		if (sc->c)
			tcp_conn_info(h->s, sc->c, &ci);
		ack = sp.has_ack ? sc->iss + sp.ack : ci.snd_max;
	}
	if (sp.len > sizeof(payload_buf))
		S_FAIL(sc, "len beyond %zu", sizeof(payload_buf));
	uint32_t off = seq - (sc->peer_iss + 1);
	for (uint32_t i = 0; i < sp.len; i++)
		payload_buf[i] = peer_byte_at(off + i);
	struct tcp_seg seg = {
		.saddr = sc->c ? tcp_conn_remote_addr(sc->c) : H_PEER,
		.daddr = sc->c ? tcp_conn_local_addr(h->s, sc->c) : H_LOCAL,
		.sport = sc->c ? tcp_conn_remote_port(sc->c) : PEER_PORT,
		.dport = sc->c ? tcp_conn_local_port(sc->c) : H_LISTEN_PORT,
		.seq = seq,
		.ack = ack,
		.flags = sp.flags,
		.wnd = (uint16_t)(sp.has_win ? sp.win : 65535),
		.mss = (uint16_t)sp.mss,
		.wscale = (int8_t)(sp.has_ws ? sp.ws : -1),
		.ts = sp.ts_given,
		.tsval = sp.tsval,
		.tsecr = sp.tsecr,
		.sack_ok = sp.sackok,
		.payload = sp.len ? payload_buf : NULL,
		.len = sp.len,
	};
	uint32_t end = seq + sp.len + !!(sp.flags & TCP_F_SYN) + !!(sp.flags & TCP_F_FIN);
	if (SEQ_GT(end, sc->peer_nxt) || sp.flags & TCP_F_SYN)
		sc->peer_nxt = end;
	unsigned before = h->ntx;
	h_in(h, &seg);
	/* a passive open: the SYN-ACK names the new connection */
	if (!sc->c && h->ntx > before && h->tx[before].flags == (TCP_F_SYN | TCP_F_ACK)) {
		sc->c = h->tx[before].conn;
		sc->iss = h->tx[before].seq;
	}
}

static void cmd_out(struct script *sc, char **tok, int n)
{
	start(sc);
	struct harness *h = sc->h;
	if (n == 2 && !strcmp(tok[1], "none")) {
		if (sc->cursor != h->ntx)
			S_FAIL(sc, "%u more segment(s) sent, first flags 0x%02x seq +%u",
			       h->ntx - sc->cursor, h->tx[sc->cursor].flags,
			       h->tx[sc->cursor].seq - sc->iss);
		return;
	}
	struct seg_spec sp;
	parse_seg(sc, tok, n, &sp);
	if (sc->cursor >= h->ntx)
		S_FAIL(sc, "expected a segment, none was sent");
	const struct tcp_seg_out *o = &h->tx[sc->cursor++];
	if (o->flags != sp.flags)
		S_FAIL(sc, "flags 0x%02x, expected 0x%02x (seq +%u len %u)", o->flags, sp.flags,
		       o->seq - sc->iss, o->len);
	if (sp.has_seq && o->seq - sc->iss != sp.seq)
		S_FAIL(sc, "seq +%u, expected +%u", o->seq - sc->iss, sp.seq);
	if (sp.has_ack && o->ack - sc->peer_iss != sp.ack)
		S_FAIL(sc, "ack +%u, expected +%u", o->ack - sc->peer_iss, sp.ack);
	if (sp.has_win && o->wnd != sp.win)
		S_FAIL(sc, "win %u, expected %u", o->wnd, sp.win);
	if (sp.has_len && o->len != sp.len)
		S_FAIL(sc, "len %u, expected %u", o->len, sp.len);
	if (sp.has_mss && o->mss != sp.mss)
		S_FAIL(sc, "mss %u, expected %u", o->mss, sp.mss);
	if (sp.has_ws && o->wscale != sp.ws)
		S_FAIL(sc, "ws %d, expected %d", o->wscale, sp.ws);
	if (sp.sackok && !o->sack_ok)
		S_FAIL(sc, "no SACK-permitted option");
	if (sp.has_sack && o->n_sack != sp.n_sack)
		S_FAIL(sc, "%u SACK blocks, expected %u", o->n_sack, sp.n_sack);
	for (uint8_t i = 0; sp.has_sack && i < sp.n_sack; i++)
		if (o->sack[i][0] - sc->peer_iss != sp.sack[i][0] ||
		    o->sack[i][1] - sc->peer_iss != sp.sack[i][1])
			S_FAIL(sc, "SACK block %u is %u:%u, expected %u:%u", i,
			       o->sack[i][0] - sc->peer_iss, o->sack[i][1] - sc->peer_iss,
			       sp.sack[i][0], sp.sack[i][1]);
	if (sp.nots && o->ts)
		S_FAIL(sc, "a timestamps option, expected none");
	if (sp.ts_given && !o->ts)
		S_FAIL(sc, "no timestamps option");
	if (sp.ts_given && !sp.tsval_any && o->tsval != sp.tsval)
		S_FAIL(sc, "tsval %u, expected %u", o->tsval, sp.tsval);
	if (sp.ts_given && !sp.tsecr_any && o->tsecr != sp.tsecr)
		S_FAIL(sc, "tsecr %u, expected %u", o->tsecr, sp.tsecr);
}

/* ---- actions and checks ---- */

#define ST(f) {#f, offsetof(struct tcp_stats, f)}
static const struct {
	const char *name;
	size_t off;
} stats[] = {
	ST(retrans_rto), ST(retrans_fast), ST(retrans_syn), ST(retrans_bytes), ST(dup_acks),
	ST(persist_probes), ST(drop_bad_seq), ST(drop_bad_ack), ST(drop_bad_rst),
	ST(drop_dup_data), ST(drop_paws), ST(challenge_acks), ST(challenge_acks_limited),
	ST(time_wait_entered), ST(time_wait_reused), ST(time_wait_reset), ST(rst_tx),
	ST(conn_reset_rx), ST(conn_timeout), ST(ooo_queued), ST(ooo_drop_full),
	ST(ooo_drop_conn), ST(ooo_delivered), ST(conn_established), ST(syn_tw_reuse),
	ST(rtt_samples), ST(sack_acks), ST(syn_again), ST(tlp_probes),
};

static void expect_stat(struct script *sc, const char *name, long want)
{
	const struct tcp_stats *st = tcp_stack_stats(sc->h->s);
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		if (!strcmp(name, stats[i].name)) {
			uint64_t v = *(const uint64_t *)(const void *)((const uint8_t *)st +
								      stats[i].off);
			if (v != (uint64_t)want)
				S_FAIL(sc, "%s is %llu, expected %ld", name,
				       (unsigned long long)v, want);
			return;
		}
	S_FAIL(sc, "unknown stat '%s'", name);
}

static void cmd_expect(struct script *sc, char **tok, int n)
{
	start(sc);
	struct harness *h = sc->h;
	if (n == 4 && !strcmp(tok[1], "stat")) {
		expect_stat(sc, tok[2], num(sc, tok[3]));
		return;
	}
	if (n != 3)
		S_FAIL(sc, "expect WHAT VALUE");
	if (!strcmp(tok[1], "active")) {
		if (tcp_stack_active(h->s) != (uint32_t)num(sc, tok[2]))
			S_FAIL(sc, "%u active, expected %s", tcp_stack_active(h->s), tok[2]);
		return;
	}
	if (!sc->c)
		S_FAIL(sc, "no connection");
	if (!strcmp(tok[1], "state")) {
		const char *st = tcp_state_name(tcp_conn_state(sc->c));
		if (strcmp(st, tok[2]))
			S_FAIL(sc, "state %s, expected %s", st, tok[2]);
	} else if (!strcmp(tok[1], "rx")) {
		if (h_of(h, sc->c)->rx_len != (uint32_t)num(sc, tok[2]))
			S_FAIL(sc, "%u bytes received, expected %s", h_of(h, sc->c)->rx_len, tok[2]);
	} else if (!strcmp(tok[1], "closed")) {
		struct h_conn *hc = h_of(h, sc->c);
		const char *why = tcp_close_reason_name(hc->why);
		if (hc->closed != hc->opened || strcmp(why, tok[2]))
			S_FAIL(sc, "%s, expected closed %s", hc->closed == hc->opened ? why : "open",
			       tok[2]);
	} else if (!strcmp(tok[1], "port")) {
		if (tcp_conn_local_port(sc->c) != num(sc, tok[2]))
			S_FAIL(sc, "port %u, expected %s", tcp_conn_local_port(sc->c), tok[2]);
	} else {
		S_FAIL(sc, "unknown expectation '%s'", tok[1]);
	}
}

static void cmd_connect(struct script *sc)
{
	start(sc);
	struct tcp_conn *c = h_connect(sc->h);
	sc->c = c;
	sc->iss = h_of(sc->h, c)->iss;
	h_of(sc->h, c)->peer_iss = sc->peer_iss;
}

static void cmd_advance(struct script *sc, const char *t)
{
	start(sc);
	size_t l = strlen(t);
	uint64_t us;
	if (l > 2 && !strcmp(t + l - 2, "us")) {
		char buf[TOK_MAX];
		snprintf(buf, sizeof(buf), "%.*s", (int)(l - 2), t);
		us = (uint64_t)num(sc, buf);
	} else {
		us = (uint64_t)num(sc, t) * 1000;
	}
	h_advance(sc->h, us);
}

static void cmd_action(struct script *sc, char **tok, int n)
{
	start(sc);
	struct harness *h = sc->h;
	const char *a = tok[0];
	if (!strcmp(a, "connect")) {
		cmd_connect(sc);
	} else if (!strcmp(a, "listen")) {
		h_listen(h);
	} else if (!strcmp(a, "autosend") && n == 2) {
		autosend = (uint32_t)num(sc, tok[1]);
	} else if (!strcmp(a, "peer_iss") && n == 2) {
		sc->peer_iss = (uint32_t)num(sc, tok[1]);
	} else if (!sc->c) {
		S_FAIL(sc, "'%s' needs a connection", a);
	} else if (!strcmp(a, "send") && n == 2) {
		int rc = tcp_send(h->s, sc->c, (uint32_t)num(sc, tok[1]), h->now);
		if (rc)
			S_FAIL(sc, "tcp_send: %d", rc);
	} else if (!strcmp(a, "send_close") && n == 2) {
		int rc = tcp_send_close(h->s, sc->c, (uint32_t)num(sc, tok[1]), h->now);
		if (rc)
			S_FAIL(sc, "tcp_send_close: %d", rc);
	} else if (!strcmp(a, "close")) {
		int rc = tcp_close(h->s, sc->c, h->now);
		if (rc)
			S_FAIL(sc, "tcp_close: %d", rc);
	} else if (!strcmp(a, "abort")) {
		tcp_abort(h->s, sc->c, h->now);
	} else if (!strcmp(a, "flush")) {
		sc->cursor = h->ntx;
	} else {
		S_FAIL(sc, "unknown command '%s'", a);
	}
}

static int split(char *line, char **tok)
{
	int n = 0;
	for (char *t = strtok(line, " \t\r\n"); t && n < TOK_MAX; t = strtok(NULL, " \t\r\n")) {
		if (t[0] == '#')
			break;
		tok[n++] = t;
	}
	return n;
}

static void run_line(struct script *sc, char **tok, int n)
{
	if (!strcmp(tok[0], "tune"))
		cmd_tune(sc, tok, n);
	else if (!strcmp(tok[0], "<"))
		cmd_in(sc, tok, n);
	else if (!strcmp(tok[0], ">"))
		cmd_out(sc, tok, n);
	else if (!strcmp(tok[0], "expect"))
		cmd_expect(sc, tok, n);
	else if (tok[0][0] == '+')
		cmd_advance(sc, tok[0] + 1);
	else
		cmd_action(sc, tok, n);
}

static void run_script(void **state)
{
	const char *path = *state;
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct script sc = {.file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
			    .peer_iss = H_PEER_ISS};
	char line[LINE_MAX_LEN], *tok[TOK_MAX];
	tcp_params_default(&tuned);
	tuned.local_addr = H_LOCAL;
	tuned.port_min = 10000;
	tuned.port_max = 10000 + H_MAX_CONNS - 1;
	tuned.max_conns = H_MAX_CONNS;
	tuned.ooo_max_segs = 64;
	tuned.ts_offset_ms = 0;
	tuned_on = true;
	autosend = 0;
	while (fgets(line, sizeof(line), f)) {
		sc.line++;
		int n = split(line, tok);
		if (n > 0)
			run_line(&sc, tok, n);
	}
	fclose(f);
	start(&sc);
	sc.line++;
	if (sc.cursor != sc.h->ntx)
		S_FAIL(&sc, "end of script: %u segment(s) sent and not expected (first flags 0x%02x)",
		       sc.h->ntx - sc.cursor, sc.h->tx[sc.cursor].flags);
	h_teardown(sc.h);
	tuned_on = false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : TCP_SCRIPT_DIR;
	static char *paths[MAX_SCRIPTS];
	static struct CMUnitTest tests[MAX_SCRIPTS];
	size_t n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "tcp_script: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (struct dirent *e; (e = readdir(d)) && n < MAX_SCRIPTS;) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".pkt") &&
		    asprintf(&paths[n], "%s/%s", dir, e->d_name) > 0)
			n++;
	}
	closedir(d);
	qsort(paths, n, sizeof(paths[0]), by_name);
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){.name = strrchr(paths[i], '/') + 1,
					       .test_func = run_script,
					       .initial_state = paths[i]};
	if (n == 0) {
		fprintf(stderr, "tcp_script: no .pkt scripts in %s\n", dir);
		return 1;
	}
	return _cmocka_run_group_tests("tcp scripts", tests, n, NULL, NULL);
}
