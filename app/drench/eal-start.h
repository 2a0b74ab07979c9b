/* SPDX-License-Identifier: BSD-3-Clause */
/* The EAL arguments every datapath command starts with. */
#pragma once

/**
 * rte_eal_init for one port: lcores is an lcore list ("0,1-2") or a map of
 * lcores to CPUs ("0@0,1@1"); dev is a PCI address or a vdev. The EAL runs
 * --in-memory, so a client and a responder process coexist on one host, and
 * a vdev keeps it away from the host's PCI NICs. Errors are printed as
 * "drench CMD: ..."; returns 0 or -1.
 */
int eal_start(const char *cmd, const char *lcores, const char *dev);
