/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethdev port setup for any DPDK device: a PCI NIC or a vdev. */
#pragma once

#include <stdint.h>

#include "net-t.h"

struct net_port_conf {
	const char *dev;   /* vdev string ("net_af_xdp0,iface=gen0") or PCI address */
	uint16_t n_queues; /* one RX/TX pair per worker */
	uint16_t rx_desc, tx_desc;
	uint16_t mtu;
	uint32_t n_mbufs;  /* per port */
};

struct net_port {
	uint16_t port_id;
	int socket_id; /* SOCKET_ID_ANY for virtual devices */
	struct rte_mempool *pool;
	struct rte_ether_addr mac;
	struct net_offloads ofl;
	char name[64];
	char driver[32];
};

/** EAL device argument for conf->dev: "--vdev" for net_* names, "-a" for PCI. */
const char *net_port_eal_flag(const char *dev);

/** Find, configure and start the port; 0 or a negative errno (message on stderr). */
int net_port_open(const struct net_port_conf *conf, struct net_port *out);
void net_port_close(struct net_port *p);
/* The NIC's counters of port_id; 0, or a negative errno (out then zeroed). */
int net_port_stats_read(uint16_t port_id, struct net_port_stats *out);

/** Fill an interface for queue q of the port. */
void net_iface_init(struct net_iface *ifc, const struct net_port *p, uint16_t q, uint32_t ip,
		    uint32_t netmask, uint32_t gateway);
