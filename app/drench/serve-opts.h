/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line options of `drench serve` (the built-in responder, flag form). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcp-t.h"

struct serve_opts {
	const char *dev;    /* vdev string or PCI address */
	const char *lcores; /* EAL lcores; the responder runs on the first (main) lcore */
	uint32_t local_ip;  /* host order */
	uint32_t netmask;
	uint32_t gateway;
	uint16_t port;
	uint16_t status;
	uint64_t body_size;
	bool chunked;
	uint32_t keepalive_requests; /* 0 = no limit */
	uint64_t delay_us;
	uint64_t duration_us;	     /* 0 = until Ctrl-C */
	uint32_t max_conns;
	uint32_t n_mbufs;
	uint16_t mtu;
	enum tcp_time_wait_policy tw_policy;
	bool quiet;
};

/** Parse argv (argv[0] is "serve"): 0, 1 after --help, or -EINVAL with a
 * message on stderr. */
int serve_opts_parse(int argc, char **argv, struct serve_opts *o);
