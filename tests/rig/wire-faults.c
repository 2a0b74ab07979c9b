/* SPDX-License-Identifier: BSD-3-Clause */
#include "wire-faults.h"

#define ETH_HLEN_ 14

uint64_t wire_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

bool wire_chance(uint64_t *s, double pct)
{
	if (pct <= 0)
		return false;
	return (double)(wire_rand(s) % 1000000) < pct * 10000.0;
}

unsigned wire_judge(const struct wire_faults *f, uint64_t *rng)
{
	unsigned v = 0;

	if (wire_chance(rng, f->loss_pct))
		return WIRE_DROP;
	if (wire_chance(rng, f->duplicate_pct))
		v |= WIRE_DUPLICATE;
	if (wire_chance(rng, f->corrupt_pct))
		v |= WIRE_CORRUPT;
	if (wire_chance(rng, f->reorder_pct))
		v |= WIRE_REORDER;
	return v;
}

uint64_t wire_delay(const struct wire_faults *f, uint64_t *rng, bool reordered)
{
	int64_t d = (int64_t)f->delay_ns;

	if (f->jitter_ns)
		d += (int64_t)(wire_rand(rng) % (2 * f->jitter_ns + 1)) - (int64_t)f->jitter_ns;
	if (d < 0)
		d = 0;
	return (uint64_t)d + (reordered ? f->reorder_gap_ns : 0);
}

bool wire_is_ip(const uint8_t *frame, size_t len)
{
	if (len < ETH_HLEN_)
		return false;
	uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);
	return type == 0x0800 || type == 0x86dd;
}

static bool tcp_fin_at(const uint8_t *frame, size_t len, size_t tcp_off)
{
	return len > tcp_off + 13 && (frame[tcp_off + 13] & 0x01);
}

bool wire_is_tcp_fin(const uint8_t *frame, size_t len)
{
	if (!wire_is_ip(frame, len) || len < ETH_HLEN_ + 20)
		return false;
	const uint8_t *ip = frame + ETH_HLEN_;
	if (frame[13] == 0x00) /* IPv4: protocol at 9, header length in the low nibble */
		return ip[9] == 6 && tcp_fin_at(frame, len, ETH_HLEN_ + (size_t)(ip[0] & 0x0f) * 4);
	return len >= ETH_HLEN_ + 40 && ip[6] == 6 && tcp_fin_at(frame, len, ETH_HLEN_ + 40);
}

long wire_corrupt(uint8_t *frame, size_t len, uint64_t *rng)
{
	if (len <= ETH_HLEN_)
		return -1;
	uint64_t bits = (uint64_t)(len - ETH_HLEN_) * 8;
	uint64_t bit = ETH_HLEN_ * 8 + wire_rand(rng) % bits;
	frame[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	return (long)bit;
}
