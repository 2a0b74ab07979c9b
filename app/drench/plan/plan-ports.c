/* SPDX-License-Identifier: BSD-3-Clause */
#include "plan-ports.h"

/* where block k of n starts in a range of total items */
static uint32_t block_start(uint32_t total, uint32_t n, uint32_t k)
{
	return (uint32_t)((uint64_t)total * k / n);
}

void plan_port_span(uint16_t n_workers, uint16_t n_ports, uint16_t k, uint16_t port_min,
		    uint16_t port_max, struct plan_port_span *out)
{
	uint32_t span = (uint32_t)port_max - port_min + 1;
	uint32_t w0 = block_start(n_workers, n_ports, k), w1 = block_start(n_workers, n_ports, k + 1);
	/* local ports in proportion to the workers: each worker gets as many */
	uint32_t p0 = block_start(span, n_workers, w0), p1 = block_start(span, n_workers, w1);

	out->first_worker = (uint16_t)w0;
	out->n_workers = (uint16_t)(w1 - w0);
	out->port_min = (uint16_t)(port_min + p0);
	out->port_max = (uint16_t)(port_min + p1 - 1);
}

uint16_t plan_port_of_worker(uint16_t n_workers, uint16_t n_ports, uint16_t w)
{
	uint16_t k = 0;

	while (k + 1 < n_ports && block_start(n_workers, n_ports, k + 1) <= w)
		k++;
	return k;
}
