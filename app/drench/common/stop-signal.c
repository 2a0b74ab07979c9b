/* SPDX-License-Identifier: BSD-3-Clause */
#include "stop-signal.h"

volatile sig_atomic_t stop_asked;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_asked = 1;
}

void stop_signal_install(void)
{
	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
}
