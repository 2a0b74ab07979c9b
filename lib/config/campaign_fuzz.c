/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the input is a campaign file (through a memfd), loaded
 * against a described 2-CPU host, so every section parser sees hostile
 * input. The first line, when it starts with "#set ", is an override.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "campaign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cpu_node(unsigned cpu, void *ctx)
{
	(void)ctx;
	return (int)(cpu & 1);
}

static int pci_node(const char *pci, void *ctx)
{
	(void)ctx;
	return pci[0] == '1' ? 1 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct campaign_host host = {2, cpu_node, pci_node, NULL};
	char path[64], set[256] = "";
	const char *sets[1] = {set};
	size_t n_sets = 0;

	if (size > 5 && !memcmp(data, "#set ", 5)) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t len = (size_t)((nl ? nl : data + size) - data) - 5;
		if (len < sizeof(set)) {
			memcpy(set, data + 5, len);
			set[len] = '\0';
			n_sets = 1;
		}
	}
	int fd = memfd_create("campaign", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		struct config_errors e;
		struct campaign c;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		config_errors_init(&e);
		if (campaign_load_on(&host, path, sets, n_sets, &c, &e) == 0)
			campaign_free(&c);
		config_errors_free(&e);
	}
	close(fd);
	return 0;
}
