/* SPDX-License-Identifier: BSD-3-Clause */
/* Port setup: find the device, size a mempool on its socket, enable the
 * checksum offloads it has (software does the rest), start it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "port.h"

const char *net_port_eal_flag(const char *dev)
{
	return strncmp(dev, "net_", 4) == 0 ? "--vdev" : "-a";
}

static int find_port(const char *dev, uint16_t *port_id)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t n = strcspn(dev, ",");

	if (n >= sizeof(name))
		return -ENAMETOOLONG;
	memcpy(name, dev, n);
	name[n] = '\0';
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	/* a PCI address given without its domain */
	char full[RTE_ETH_NAME_MAX_LEN + 8];
	snprintf(full, sizeof(full), "0000:%s", name);
	if (rte_eth_dev_get_port_by_name(full, port_id) == 0)
		return 0;
	return -ENODEV;
}

static void choose_offloads(const struct rte_eth_dev_info *info, struct rte_eth_conf *conf,
			    struct net_offloads *ofl)
{
	uint64_t tx = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	uint64_t rx = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM;

	conf->txmode.offloads = info->tx_offload_capa & tx;
	conf->rxmode.offloads = info->rx_offload_capa & rx;
	ofl->tx_ip_cksum = conf->txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	ofl->tx_tcp_cksum = conf->txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	ofl->rx_ip_cksum = conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	ofl->rx_tcp_cksum = conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
}

static void choose_rss(const struct rte_eth_dev_info *info, uint16_t n_queues,
		       struct rte_eth_conf *conf)
{
	if (n_queues < 2 || info->flow_type_rss_offloads == 0)
		return;
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_hf =
		info->flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP);
}

static int setup_queues(struct net_port *p, const struct net_port_conf *c,
			const struct rte_eth_dev_info *info, const struct rte_eth_conf *conf)
{
	struct rte_eth_rxconf rxq = info->default_rxconf;
	struct rte_eth_txconf txq = info->default_txconf;
	uint16_t nrx = c->rx_desc, ntx = c->tx_desc;
	int rc;

	rxq.offloads = conf->rxmode.offloads;
	txq.offloads = conf->txmode.offloads;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx);
	if (rc < 0)
		return rc;
	for (uint16_t q = 0; q < c->n_queues; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, p->socket_id, &rxq, p->pool);
		if (rc < 0)
			return rc;
		rc = rte_eth_tx_queue_setup(p->port_id, q, ntx, p->socket_id, &txq);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int create_pool(struct net_port *p, uint32_t n_mbufs)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "drench_mb%u", p->port_id);
	p->pool = rte_pktmbuf_pool_create(name, n_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  p->socket_id);
	return p->pool ? 0 : -rte_errno;
}

static void wait_link_up(uint16_t port_id)
{
	struct rte_eth_link link;

	for (int i = 0; i < 50; i++) {
		if (rte_eth_link_get_nowait(port_id, &link) == 0 && link.link_status)
			return;
		rte_delay_ms(100);
	}
	fprintf(stderr, "drench: port %u link still down after 5 s, going on\n", port_id);
}

static int configure_port(struct net_port *p, const struct net_port_conf *c)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc < 0)
		return rc;
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
	if (c->n_queues > info.max_rx_queues || c->n_queues > info.max_tx_queues) {
		fprintf(stderr, "drench: port %s has %u rx / %u tx queues, %u asked\n", p->name,
			info.max_rx_queues, info.max_tx_queues, c->n_queues);
		return -EINVAL;
	}
	choose_offloads(&info, &conf, &p->ofl);
	choose_rss(&info, c->n_queues, &conf);
	rc = rte_eth_dev_configure(p->port_id, c->n_queues, c->n_queues, &conf);
	if (rc < 0)
		return rc;
	if (c->mtu && rte_eth_dev_set_mtu(p->port_id, c->mtu) < 0)
		fprintf(stderr, "drench: port %s keeps its MTU (cannot set %u)\n", p->name,
			c->mtu);
	return setup_queues(p, c, &info, &conf);
}

int net_port_open(const struct net_port_conf *c, struct net_port *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = find_port(c->dev, &p->port_id);
	if (rc < 0) {
		fprintf(stderr, "drench: no DPDK port for '%s'\n", c->dev);
		return rc;
	}
	rte_eth_dev_get_name_by_port(p->port_id, p->name);
	p->socket_id = rte_eth_dev_socket_id(p->port_id);
	rc = create_pool(p, c->n_mbufs);
	if (rc == 0)
		rc = configure_port(p, c);
	if (rc == 0)
		rc = rte_eth_dev_start(p->port_id);
	if (rc < 0) {
		fprintf(stderr, "drench: port %s: setup failed: %s\n", p->name, rte_strerror(-rc));
		net_port_close(p);
		return rc;
	}
	rte_eth_macaddr_get(p->port_id, &p->mac);
	wait_link_up(p->port_id);
	return 0;
}

void net_port_close(struct net_port *p)
{
	rte_eth_dev_stop(p->port_id);
	rte_eth_dev_close(p->port_id);
	rte_mempool_free(p->pool);
	p->pool = NULL;
}

void net_iface_init(struct net_iface *ifc, const struct net_port *p, uint16_t q, uint32_t ip,
		    uint32_t netmask, uint32_t gateway)
{
	memset(ifc, 0, sizeof(*ifc));
	ifc->port_id = p->port_id;
	ifc->queue_id = q;
	ifc->pool = p->pool;
	ifc->mac = p->mac;
	ifc->ofl = p->ofl;
	ifc->ip = ip;
	ifc->n_ips = 1;
	ifc->netmask = netmask;
	ifc->gateway = gateway;
	ifc->arp_refresh_us = 30 * 1000 * 1000;
}

int net_port_stats_read(uint16_t port_id, struct net_port_stats *out)
{
	struct rte_eth_stats st;
	int rc = rte_eth_stats_get(port_id, &st);

	*out = (struct net_port_stats){0};
	if (rc == 0)
		*out = (struct net_port_stats){.ipackets = st.ipackets, .imissed = st.imissed,
					       .ierrors = st.ierrors, .rx_nombuf = st.rx_nombuf,
					       .opackets = st.opackets, .oerrors = st.oerrors};
	return rc;
}
