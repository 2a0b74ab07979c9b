/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>

#include "lcore-list.h"

int lcore_list_first_unavailable(const char *list, const cpu_set_t *allowed)
{
	const char *s = list;

	while (*s != '\0') {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;

		if (end == s || lo < 0)
			return -1;
		if (*end == '-') {
			s = end + 1;
			hi = strtol(s, &end, 10);
			if (end == s || hi < lo)
				return -1;
		}
		for (long c = lo; c <= hi; c++)
			if (c >= CPU_SETSIZE || !CPU_ISSET((int)c, allowed))
				return (int)c;
		if (*end != ',' && *end != '\0')
			return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return -1;
}
