/* SPDX-License-Identifier: BSD-3-Clause */
/* The head parse memo (memo.h). */
#include <string.h>

#include "memo.h"
#include "resp-t.h"

/* Misses in a row before the memo takes a new head: two heads that take turns
 * (a request mix) would otherwise cost a second parse each time. */
#define RELEARN_AFTER 8

void http_memo_init(struct http_memo *m, const struct http_parser_ops *ops)
{
	memset(m, 0, sizeof(*m));
	m->ops = ops;
}

static const struct http_limits **lim_of(void *parser)
{
	return (const struct http_limits **)parser;
}

/* The head of the message just parsed from data by a parser that was `fresh`:
 * parse exactly those bytes again, without the body hook, and keep the state
 * if they make a whole head on their own. */
static void learn(struct http_memo *m, const uint8_t *fresh, const void *p, const uint8_t *data,
		  size_t consumed)
{
	const struct http_parser_ops *ops = m->ops;
	uint32_t head = ops->head_bytes(p);
	uint8_t tmp[HTTP_MEMO_STATE];
	struct http_limits quiet;

	if (head == 0 || head > consumed || head > HTTP_MEMO_HEAD)
		return;
	memcpy(tmp, fresh, ops->size);
	quiet = **lim_of(tmp);
	quiet.on_body = NULL;
	*lim_of(tmp) = &quiet;
	if (ops->feed(tmp, data, head) != (ssize_t)head || !ops->head_done(tmp) ||
	    ops->head_bytes(tmp) != head || ops->body_bytes(tmp) != 0)
		return;
	*lim_of(tmp) = *lim_of((void *)fresh);
	memcpy(m->after, tmp, ops->size);
	memcpy(m->fresh, fresh, ops->size);
	memcpy(m->head, data, head);
	m->len = (uint16_t)head;
	m->misses = 0;
	m->learned++;
}

ssize_t http_memo_feed(struct http_memo *m, void *parser, const uint8_t *data, size_t len)
{
	const struct http_parser_ops *ops = m->ops;

	if (len == 0 || !ops->idle(parser))
		return ops->feed(parser, data, len);
	if (m->len > 0 && len >= m->len && memcmp(parser, m->fresh, ops->size) == 0 &&
	    memcmp(data, m->head, m->len) == 0) {
		memcpy(parser, m->after, ops->size);
		m->hits++;
		m->misses = 0;
		ssize_t n = ops->feed(parser, data + m->len, len - m->len);
		return n < 0 ? -1 : (ssize_t)m->len + n;
	}
	uint8_t fresh[HTTP_MEMO_STATE];
	memcpy(fresh, parser, ops->size);
	ssize_t n = ops->feed(parser, data, len);
	if (n > 0 && ops->head_done(parser) && (m->len == 0 || ++m->misses >= RELEARN_AFTER))
		learn(m, fresh, parser, data, (size_t)n);
	return n;
}
