/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Several ports in one run: the worker lcores and the local ports split
 * between them. Port k of n takes a block of the workers, in ascending
 * lcore order (the order the EAL hands them out, and the one the campaign
 * check holds each port's NUMA socket to), and a block of the local TCP
 * ports in proportion to its workers, so no 4-tuple is used on two ports
 * (the two links may reach the same server) and every worker has as many.
 * Worker blocks differ in size by one at most.
 */
#pragma once

#include <stdint.h>

struct plan_port_span {
	uint16_t first_worker, n_workers; /* workers first_worker .. + n_workers - 1 */
	uint16_t port_min, port_max;      /* its local TCP ports */
};

/** The share of port k of n_ports, of n_workers workers and the local ports
 * port_min..port_max. n_ports must be at least 1 and at most n_workers. */
void plan_port_span(uint16_t n_workers, uint16_t n_ports, uint16_t k, uint16_t port_min,
		    uint16_t port_max, struct plan_port_span *out);

/** The port worker w of n_workers polls. */
uint16_t plan_port_of_worker(uint16_t n_workers, uint16_t n_ports, uint16_t w);
