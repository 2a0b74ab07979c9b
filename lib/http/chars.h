/* SPDX-License-Identifier: BSD-3-Clause */
/* Character classes shared by the response and request parsers (RFC 9110
 * 5.6.2 token, 5.5 field-value; RFC 9112 3.2 request-target, kept lenient:
 * any byte but controls, SP and DEL). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum http_char_class {
	HTTP_CC_TCHAR = 1,  /* token: methods, header names, transfer codings */
	HTTP_CC_FIELD = 2,  /* VCHAR, SP, HTAB, obs-text: values, reason, extensions */
	HTTP_CC_TARGET = 4, /* VCHAR, obs-text: request-target */
};

extern const uint8_t http_char_class[256];

static inline bool http_has_class(uint8_t c, uint8_t cls)
{
	return (http_char_class[c] & cls) != 0;
}

static inline bool http_is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static inline uint8_t http_to_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}
