/* SPDX-License-Identifier: BSD-3-Clause */
/* Draws the terminal view (app/drench/common/tui.c) from known figures, one frame
 * every 50 ms, so tui-view.sh can check the layout in a tmux pane without
 * DPDK. Usage: tui-frames FRAMES */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tui.h"

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 40;
	struct tui *t = tui_open();
	const char *targets[] = {"+   12s api          leak rss=210MiB heap=180MiB slope=+40MiB/h",
				 "+   12s cache        ok rss=30MiB heap=12MiB slope=+0B/h", NULL};

	if (t == NULL) {
		perror("tui_open");
		return 1;
	}
	for (int i = 0; i < frames; i++) {
		struct tui_load l = {.rps = 1900 + i,
				     .asked_rps = 2000,
				     .p50_us = 100 + i,
				     .p99_us = 400 + 10 * i,
				     .p999_us = i % 2 ? NAN : 900,
				     .errors = {0, 3, 0, 0, 0},
				     .errors_per_s = {0, 1, 0, 0, 0},
				     .open_conns = 64,
				     .opened_per_s = 5,
				     .retrans_per_s = 2,
				     .retrans_total = 40,
				     .n_workers = 3,
				     .busy_share = {0.375, 0.95, NAN}};
		struct tui_frame f = {.title = "drench run: 3 phase(s), report to out",
				      .phase = "steady",
				      .phase_index = 1,
				      .n_phases = 3,
				      .phase_elapsed_s = 65 + i,
				      .phase_length_s = 300,
				      .run_elapsed_s = 100 + i,
				      .run_length_s = 400,
				      .load = &l,
				      .targets = targets,
				      .n_targets = 3};

		tui_draw(t, &f);
		usleep(50 * 1000);
	}
	sleep(30); /* held for the capture; the test ends it */
	tui_close(t);
	return 0;
}
