/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow steering: every reply must reach the worker that owns its connection.
 *
 * Ownership is one rule for every device: the worker that owns local port p
 * is p % n_workers (lib/tcp hands out ports with port_step = n_workers and
 * port_offset = worker). Two ways make replies follow it:
 *
 *  - NIC RSS: a near-zero Toeplitz key (one bit set, TRex's idea) makes the
 *    RETA index of a reply the low bits of its destination port, bit-reversed;
 *    a RETA whose entry i names queue bitrev(i) % n then sends it to queue
 *    port % n (n must divide the RETA size). Checked at start with DPDK's
 *    software Toeplitz (rte_softrss).
 *  - Software redirect: a worker that receives a frame for another worker's
 *    port passes it through that worker's rte_ring, counted. Used when the
 *    device cannot be steered (af_packet, af_xdp on a veth, tap), and as the
 *    safety net when RSS is on (its counter should then stay 0).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define STEER_KEY_LEN 40
#define STEER_MAX_WORKERS 64

struct rte_ring;

enum steer_mode {
	STEER_SINGLE,   /* one worker: nothing to steer */
	STEER_RSS,      /* NIC RSS with the near-zero key, redirect as a safety net */
	STEER_REDIRECT, /* software redirect through rings */
};

struct steer {
	enum steer_mode mode;
	uint16_t n_workers;
	uint16_t self;                                 /* this worker's index */
	struct rte_ring *rings[STEER_MAX_WORKERS];     /* inbound ring of each worker */
};

/** The worker that owns local port p. */
static inline uint16_t steer_owner(const struct steer *st, uint16_t local_port)
{
	return (uint16_t)(local_port % st->n_workers);
}

/** The near-zero RSS key for a RETA of reta_size (a power of two) entries. */
void steer_rss_key(uint8_t key[STEER_KEY_LEN], uint16_t reta_size);

/** RETA entry i: the queue that owns the ports whose index it is. */
uint16_t steer_reta_entry(uint16_t i, uint16_t reta_size, uint16_t n_queues);

/** Queue the NIC picks for a reply (saddr:sport -> daddr:dport, host order)
 * with our key and RETA, computed with the software Toeplitz hash. */
uint16_t steer_rss_queue(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			 uint16_t reta_size, uint16_t n_queues);

/** The start-up check: replies from saddr:sport to each of our addresses
 * daddr .. daddr + n_daddr - 1 and ports port_first .. port_last that the
 * key and RETA would deliver to another queue than their owner's
 * (port % n_queues). 0 means the steering holds for every connection. */
uint32_t steer_rss_misplaced(uint32_t saddr, uint16_t sport, uint32_t daddr, uint32_t n_daddr,
			     uint16_t port_first, uint16_t port_last, uint16_t reta_size,
			     uint16_t n_queues);

/** Program the port: our RSS key and RETA.
 * 0, or a negative errno when the device does not let us (then redirect). */
int steer_rss_program(uint16_t port_id, uint16_t n_queues, uint16_t *reta_size);

const char *steer_mode_name(enum steer_mode m);
