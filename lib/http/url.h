/* SPDX-License-Identifier: BSD-3-Clause */
/* Target URLs: http://host[:port][/path][?query] */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HTTP_URL_HOST_MAX 253  /* longest DNS name */
#define HTTP_URL_PATH_MAX 2048 /* path and query, with the NUL */

struct http_url {
	char host[HTTP_URL_HOST_MAX + 1]; /* as written, without the port */
	bool host_is_ipv4;		  /* dotted quad: ipv4 is set */
	uint32_t ipv4;			  /* host byte order */
	bool host_is_ipv6;		  /* [literal]: host keeps the brackets (the Host header's form) */
	uint8_t ipv6[16];		  /* network byte order */
	uint16_t port;			  /* 80 unless given */
	char path[HTTP_URL_PATH_MAX];	  /* "/" unless given; query kept, fragment dropped */
};

/** Parse an http:// URL (scheme case-insensitive). The host is a dotted-quad
 * IPv4 address, a bracketed IPv6 literal (RFC 3986, no zone) or a DNS name;
 * userinfo, other schemes, port 0
 * or above 65535, and spaces or control characters are refused.
 * 0, -EINVAL (malformed) or -ENAMETOOLONG (host or path too long). */
int http_url_parse(const char *url, struct http_url *out);
