/* SPDX-License-Identifier: BSD-3-Clause */
/* SIGINT and SIGTERM ask the running command to stop: the handler only sets
 * a flag, and each command's loop reads it and winds down in its own way
 * (run drains, serve closes, monitor writes its report). */
#pragma once

#include <signal.h>

/** Set once SIGINT or SIGTERM arrived after stop_signal_install(). */
extern volatile sig_atomic_t stop_asked;

void stop_signal_install(void);
