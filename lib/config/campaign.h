/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading and validating a campaign file (types in campaign-t.h, keys in
 * docs/campaign.md).
 *
 *   struct config_errors e = {0};
 *   struct campaign c;
 *   if (campaign_load("smoke.yaml", sets, n_sets, &c, &e) < 0) {
 *           config_errors_print(&e, stderr);     // every error, sorted
 *           exit(DRENCH_EXIT_USAGE);
 *   }
 *   ...
 *   campaign_free(&c);
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "campaign-t.h"
#include "config-errors.h"

/* What campaign_load checks the rig against: this machine by default, a
 * described one in tests. */
struct campaign_host {
	unsigned n_cpus; /* lcore ids are 0 .. n_cpus - 1 */
	/* NUMA node of a CPU / of a PCI device, or -1 when unknown */
	int (*cpu_node)(unsigned cpu, void *ctx);
	int (*pci_node)(const char *pci_address, void *ctx);
	void *ctx;
};

/** This machine: sysconf(_SC_NPROCESSORS_CONF) CPUs, NUMA from sysfs. */
const struct campaign_host *campaign_host_local(void);

/**
 * Load path, apply the overrides ("KEY.PATH=VALUE", see config_yaml_doc_override()),
 * and validate everything, recording every error in e (sorted by position).
 * Steps shorthands are expanded (config/steps.h): every phase of *out has a
 * concrete model (connections, rate, cps or idle).
 * Returns 0 with *out filled; -EINVAL when errors were recorded (*out is then
 * empty, nothing to free); -ENOMEM.
 */
int campaign_load(const char *path, const char *const *overrides, size_t n_overrides,
		  struct campaign *out, struct config_errors *e);

/** Same, against a given host instead of this machine. */
int campaign_load_on(const struct campaign_host *host, const char *path,
		     const char *const *overrides, size_t n_overrides, struct campaign *out,
		     struct config_errors *e);

/** Release everything the campaign holds; c is zeroed. */
void campaign_free(struct campaign *c);

/** Zeroed memory that lives as long as the campaign; NULL on ENOMEM. */
void *campaign_alloc(struct campaign *c, size_t size);

/** A copy of s in the campaign's memory; NULL on ENOMEM. */
char *campaign_strdup(struct campaign *c, const char *s);

/** "connections", "rate", "cps", "idle", "steps". */
const char *campaign_model_name(enum campaign_load_model m);

/** The unit of a model's level: "connections", "rps", "cps", "". */
const char *campaign_model_unit(enum campaign_load_model m);

/** "client", "responder". */
const char *campaign_role_name(enum campaign_role r);

/** The level of a phase at time t_us from its start (linear ramp). */
double campaign_phase_level_at(const struct campaign_phase *p, uint64_t t_us);
