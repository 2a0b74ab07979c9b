/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A list of local address ranges, numbered as one: range 0's addresses are
 * indexes 0 .. count - 1, range 1's follow, and so on. lib/tcp turns a
 * connection id into an index (id % total) and an index into an address;
 * lib/net asks whether an address is ours. IPv4 addresses, or the low 32
 * bits of IPv6 ones under one upper 96 bits.
 *
 * The ranges are kept sorted and apart (addr_ranges_add refuses an overlap),
 * so an address has at most one index. One range, the common case, is one
 * subtraction and one compare either way; more are a short scan (at most
 * ADDR_RANGES_MAX), the list being too small for a search to pay.
 * Header-only and DPDK-free: lib/tcp includes it in every build.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#define ADDR_RANGES_MAX 16
#define ADDR_NONE UINT32_MAX

struct addr_range {
	uint32_t first;  /* host order */
	uint32_t count;  /* >= 1 */
	uint32_t base;   /* index of first: the counts of the ranges before */
};

struct addr_ranges {
	struct addr_range r[ADDR_RANGES_MAX];
	uint32_t total;  /* addresses in all ranges */
	uint8_t n;       /* ranges; 0 = none */
};

static inline void addr_ranges_clear(struct addr_ranges *a)
{
	a->n = 0;
	a->total = 0;
}

static inline void addr_ranges_renumber(struct addr_ranges *a)
{
	uint32_t base = 0;

	for (uint8_t k = 0; k < a->n; k++) {
		a->r[k].base = base;
		base += a->r[k].count;
	}
	a->total = base;
}

/** Add first .. first + count - 1, kept in address order. 0; -EINVAL: empty,
 * past 2^32, or overlapping one already there; -E2BIG: ADDR_RANGES_MAX ranges
 * already, or more than 2^32 - 1 addresses in all. */
static inline int addr_ranges_add(struct addr_ranges *a, uint32_t first, uint32_t count)
{
	uint8_t at = 0;

	if (count == 0 || (uint64_t)first + count > 1ull << 32)
		return -EINVAL;
	if (a->n == ADDR_RANGES_MAX || (uint64_t)a->total + count >= 1ull << 32)
		return -E2BIG;
	while (at < a->n && a->r[at].first < first)
		at++;
	if (at > 0 && (uint64_t)a->r[at - 1].first + a->r[at - 1].count > first)
		return -EINVAL;
	if (at < a->n && (uint64_t)first + count > a->r[at].first)
		return -EINVAL;
	for (uint8_t k = a->n; k > at; k--)
		a->r[k] = a->r[k - 1];
	a->r[at] = (struct addr_range){.first = first, .count = count};
	a->n++;
	addr_ranges_renumber(a);
	return 0;
}

/** The single range first .. first + count - 1 (count 0 counts as 1). */
static inline void addr_ranges_one(struct addr_ranges *a, uint32_t first, uint32_t count)
{
	addr_ranges_clear(a);
	a->r[0] = (struct addr_range){.first = first, .count = count ? count : 1};
	a->n = 1;
	a->total = a->r[0].count;
}

/** The address at index (< total). */
static inline uint32_t addr_ranges_at(const struct addr_ranges *a, uint32_t index)
{
	uint8_t k = 0;

	while (k + 1 < a->n && index >= a->r[k + 1].base)
		k++;
	return a->r[k].first + (index - a->r[k].base);
}

/** The index of addr, or ADDR_NONE when no range holds it. */
static inline uint32_t addr_ranges_index(const struct addr_ranges *a, uint32_t addr)
{
	for (uint8_t k = 0; k < a->n; k++) {
		uint32_t off = addr - a->r[k].first; /* wraps when below */
		if (off < a->r[k].count)
			return a->r[k].base + off;
	}
	return ADDR_NONE;
}

static inline bool addr_ranges_has(const struct addr_ranges *a, uint32_t addr)
{
	return addr_ranges_index(a, addr) != ADDR_NONE;
}

/** The first address (the lowest); 0 when empty. */
static inline uint32_t addr_ranges_first(const struct addr_ranges *a)
{
	return a->n ? a->r[0].first : 0;
}

/** Indexes from .. from + count - 1 of src as a list of their own (a shard's
 * or a port's share); the ranges they cut keep their order. */
static inline void addr_ranges_slice(const struct addr_ranges *src, uint32_t from, uint32_t count,
				     struct addr_ranges *out)
{
	addr_ranges_clear(out);
	for (uint8_t k = 0; k < src->n && count > 0; k++) {
		const struct addr_range *r = &src->r[k];
		if (from >= r->base + r->count)
			continue;
		uint32_t off = from > r->base ? from - r->base : 0;
		uint32_t take = r->count - off < count ? r->count - off : count;
		out->r[out->n++] = (struct addr_range){.first = r->first + off, .count = take};
		count -= take;
		from += take;
	}
	addr_ranges_renumber(out);
}
