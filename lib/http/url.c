/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing target URLs from campaigns. */
#include "url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

static bool looks_numeric(const char *host)
{
	return strspn(host, "0123456789.") == strlen(host);
}

/* host is [start, end): a DNS name or a dotted quad. */
static int parse_host(const char *start, size_t len, struct http_url *out)
{
	struct in_addr a;

	if (len == 0)
		return -EINVAL;
	if (len > HTTP_URL_HOST_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		if (!is_host_char(start[i]))
			return -EINVAL;
	memcpy(out->host, start, len);
	out->host[len] = '\0';
	if (out->host[0] == '-' || out->host[0] == '.' || strstr(out->host, "..") != NULL)
		return -EINVAL;
	if (!looks_numeric(out->host))
		return 0;
	/* all digits and dots: it must be an address, not a name */
	if (inet_pton(AF_INET, out->host, &a) != 1)
		return -EINVAL;
	out->host_is_ipv4 = true;
	out->ipv4 = ntohl(a.s_addr);
	return 0;
}

/* "[v6]" is [start, end); the host keeps its brackets, as Host: wants them. */
static int parse_ipv6_host(const char *start, size_t len, struct http_url *out)
{
	char lit[INET6_ADDRSTRLEN];

	if (len < 3 || start[len - 1] != ']' || len - 2 >= sizeof(lit))
		return -EINVAL;
	memcpy(lit, start + 1, len - 2);
	lit[len - 2] = '\0';
	if (strspn(lit, "0123456789abcdefABCDEF:.") != len - 2 ||
	    inet_pton(AF_INET6, lit, out->ipv6) != 1)
		return -EINVAL;
	memcpy(out->host, start, len);
	out->host[len] = '\0';
	out->host_is_ipv6 = true;
	return 0;
}

static int parse_port(const char *start, size_t len, uint16_t *port)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (start[i] < '0' || start[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(start[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* path and query: printable ASCII without spaces; the fragment is dropped. */
static int parse_path(const char *s, struct http_url *out)
{
	size_t len = strcspn(s, "#"), off = 0;

	if (s[0] == '?')
		out->path[off++] = '/';
	if (off + len >= HTTP_URL_PATH_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return -EINVAL;
	memcpy(out->path + off, s, len);
	out->path[off + len] = '\0';
	if (out->path[0] == '\0')
		strcpy(out->path, "/");
	return 0;
}

int http_url_parse(const char *url, struct http_url *out)
{
	static const char scheme[] = "http://";
	const char *auth, *auth_end, *colon;
	int rc;

	if (url == NULL || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (strncasecmp(url, scheme, sizeof(scheme) - 1) != 0)
		return -EINVAL;
	auth = url + sizeof(scheme) - 1;
	auth_end = auth + strcspn(auth, "/?#");
	if (auth[0] == '[') { /* an IPv6 literal: its colons are not the port's */
		const char *close = memchr(auth, ']', (size_t)(auth_end - auth));
		if (close == NULL)
			return -EINVAL;
		colon = close + 1 < auth_end ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return -EINVAL;
		rc = parse_ipv6_host(auth, (size_t)(close + 1 - auth), out);
	} else {
		colon = memchr(auth, ':', (size_t)(auth_end - auth));
		rc = parse_host(auth, (size_t)((colon != NULL ? colon : auth_end) - auth), out);
	}
	if (rc < 0)
		return rc;
	out->port = 80;
	if (colon != NULL) {
		rc = parse_port(colon + 1, (size_t)(auth_end - colon - 1), &out->port);
		if (rc < 0)
			return rc;
	}
	return parse_path(auth_end, out);
}
