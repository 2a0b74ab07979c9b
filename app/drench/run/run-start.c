/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <sys/timex.h>
#include <time.h>

#include "host-clock.h"
#include "run-start.h"

/* What the kernel knows of the clock's error: adjtimex(2) without changes. */
static void read_clock(struct run_start *s)
{
	struct timex tx = {0};
	int state = adjtimex(&tx);

	s->clock_synced = state >= 0 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	s->est_error_s = (double)tx.esterror / 1e6;
	s->max_error_s = (double)tx.maxerror / 1e6;
}

int run_start_wait(double at, volatile sig_atomic_t *stop, struct run_start *out)
{
	*out = (struct run_start){.asked = at};
	read_clock(out);
	if (at <= 0) {
		out->began = unix_now();
		return 0;
	}
	if (unix_now() > at) {
		out->began = unix_now();
		return -ETIME;
	}
	struct timespec ts = {.tv_sec = (time_t)floor(at),
			      .tv_nsec = (long)((at - floor(at)) * 1e9)};
	/* absolute: a signal that wakes us early does not shift the deadline */
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		if (stop && *stop)
			return -EINTR;
	out->began = unix_now();
	return 0;
}

json_t *run_start_json(const struct run_start *s)
{
	if (s->asked <= 0)
		return NULL;
	return json_pack("{sf sf sf s{sb sf sf}}", "asked", s->asked, "began", s->began, "late_s",
			 s->began - s->asked, "clock", "synchronized", s->clock_synced,
			 "est_error_s", s->est_error_s, "max_error_s", s->max_error_s);
}
