/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_thash.h>

#include "steer.h"

static unsigned log2_of(uint16_t v)
{
	unsigned b = 0;

	while ((1u << (b + 1)) <= v)
		b++;
	return b;
}

static uint16_t bit_reverse(uint16_t v, unsigned bits)
{
	uint16_t r = 0;

	for (unsigned i = 0; i < bits; i++)
		r |= (uint16_t)(((v >> i) & 1u) << (bits - 1 - i));
	return r;
}

/* Toeplitz with only key bit k set: hash bit j is input bit k - 31 + j
 * (bits counted from the first, most significant, one). The input is
 * (saddr, daddr, sport, dport), 96 bits, dport bit b at 95 - b. With
 * k = 127 - B the low B hash bits are dport bits B-1 .. 0, reversed, and
 * every other input bit falls outside the hash. */
void steer_rss_key(uint8_t key[STEER_KEY_LEN], uint16_t reta_size)
{
	unsigned k = 127 - log2_of(reta_size);

	memset(key, 0, STEER_KEY_LEN);
	key[k / 8] = (uint8_t)(0x80 >> (k % 8));
}

uint16_t steer_reta_entry(uint16_t i, uint16_t reta_size, uint16_t n_queues)
{
	return (uint16_t)(bit_reverse(i, log2_of(reta_size)) % n_queues);
}

uint16_t steer_rss_queue(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			 uint16_t reta_size, uint16_t n_queues)
{
	uint8_t key[STEER_KEY_LEN];
	uint32_t tuple[3] = {saddr, daddr, (uint32_t)sport << 16 | dport};

	steer_rss_key(key, reta_size);
	uint32_t hash = rte_softrss(tuple, 3, key);
	return steer_reta_entry((uint16_t)(hash % reta_size), reta_size, n_queues);
}

uint32_t steer_rss_misplaced(uint32_t saddr, uint16_t sport, uint32_t daddr, uint32_t n_daddr,
			     uint16_t port_first, uint16_t port_last, uint16_t reta_size,
			     uint16_t n_queues)
{
	uint32_t bad = 0;

	for (uint32_t a = 0; a < n_daddr; a++)
		for (uint32_t port = port_first; port <= port_last; port++)
			bad += steer_rss_queue(saddr, daddr + a, sport, (uint16_t)port, reta_size,
					       n_queues) != port % n_queues;
	return bad;
}

static int program_reta(uint16_t port_id, uint16_t n_queues, uint16_t reta_size)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];

	if (reta_size == 0 || reta_size > RTE_ETH_RSS_RETA_SIZE_512)
		return -ENOTSUP;
	memset(reta, 0, sizeof(reta));
	for (uint16_t i = 0; i < reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ull << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			steer_reta_entry(i, reta_size, n_queues);
	}
	return rte_eth_dev_rss_reta_update(port_id, reta, reta_size);
}

int steer_rss_program(uint16_t port_id, uint16_t n_queues, uint16_t *reta_size)
{
	struct rte_eth_dev_info info;
	uint8_t key[STEER_KEY_LEN];
	int rc = rte_eth_dev_info_get(port_id, &info);

	if (rc < 0)
		return rc;
	/* ownership is port % n: n must divide the RETA, a power of two */
	if (info.flow_type_rss_offloads == 0 || info.hash_key_size != STEER_KEY_LEN ||
	    info.reta_size == 0 || (info.reta_size & (info.reta_size - 1)) ||
	    info.reta_size % n_queues)
		return -ENOTSUP;
	steer_rss_key(key, info.reta_size);
	struct rte_eth_rss_conf conf = {
		.rss_key = key,
		.rss_key_len = STEER_KEY_LEN,
		.rss_hf = info.flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_TCP,
	};
	rc = rte_eth_dev_rss_hash_update(port_id, &conf);
	if (rc == 0)
		rc = program_reta(port_id, n_queues, info.reta_size);
	*reta_size = info.reta_size;
	return rc;
}

const char *steer_mode_name(enum steer_mode m)
{
	switch (m) {
	case STEER_SINGLE: return "single worker";
	case STEER_RSS: return "NIC RSS (near-zero key, RETA by port)";
	default: return "software redirect through rings";
	}
}
