/* SPDX-License-Identifier: BSD-3-Clause */
/* The EAL arguments every datapath command starts with. */
#pragma once

#include <stddef.h>

#define EAL_START_MAX_DEVS 8

/**
 * rte_eal_init for n_devs ports: lcores is an lcore list ("0,1-2") or a map
 * of lcores to CPUs ("0@0,1@1"); each dev is a PCI address or a vdev. The
 * EAL runs --in-memory, so a client and a responder process coexist on one
 * host, and when every dev is a vdev the host's PCI NICs are left alone.
 * Errors are printed as "drench CMD: ..."; returns 0 or -1.
 */
int eal_start(const char *cmd, const char *lcores, const char *const *devs, size_t n_devs);
