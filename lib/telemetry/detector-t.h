/* SPDX-License-Identifier: BSD-3-Clause */
/* Leak detector: parameters and results (method in docs/leak-detection.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum leak_verdict {
	VERDICT_INSUFFICIENT, /* not enough post-warm-up data yet */
	VERDICT_OK,	      /* no significant, lasting growth */
	VERDICT_SUSPECT,      /* grew, but not steadily (plateau, step) or weakly */
	VERDICT_LEAK,	      /* steady growth above the noise floor */
};

struct detector_params {
	double warmup_s;	/* samples before first + warmup_s are ignored */
	double floor_window_s;	/* GC floor: minimum per block of this width */
	double min_window_s;	/* post-warm-up span needed for a verdict */
	unsigned min_points;	/* floor points needed for a verdict */
	unsigned max_points;	/* beyond this, blocks merge pairwise (width doubles) */
	double alpha;		/* Mann–Kendall one-sided p below which growth is a trend */
	double suspect_alpha;	/* weaker trend: suspect at most */
	double noise_floor;	/* growth must exceed this fraction of the baseline */
	double persist_ratio;	/* each half of the window must grow at this share of the slope */
	double spike_k;		/* spike alert when a sample exceeds mean + k sigma */
	unsigned spike_window;	/* samples in the spike window (<= 256) */
	double recovery_s;	/* wait this long after load stops before judging recovery */
	double recovery_ratio;	/* recovered when the floor gives back this share of the growth */
	unsigned min_gc_cycles; /* heap metrics need this many GC cycles in the window */
	double load_idle_s;	/* request counter flat this long = load stopped */
	unsigned leak_confirm;	/* consecutive leak evaluations before a live leak is called */
	unsigned min_exact_points; /* exact post-GC points that can decide alone */
	unsigned recovery_gcs;	/* GCs after the stop a recovery needs (a forced one counts for all) */
};

/* Result for one metric of one target at the last evaluation. */
struct metric_result {
	enum leak_verdict verdict;
	bool judged;	    /* decides the target verdict (else evidence only) */
	double slope_per_s; /* Theil–Sen on the GC floor; NAN if unknown */
	double mk_p;	    /* Mann–Kendall one-sided p-value */
	double mk_z;
	double baseline;  /* median of the first floor points after warm-up */
	double floor_now; /* last floor point */
	double growth;	  /* slope x analysed span */
	double noise;	  /* the growth threshold used */
	double first_half_slope, second_half_slope;
	double time_to_limit_s; /* to the memory limit at this slope; NAN if n/a */
	double per_request;	/* growth / requests in the window; NAN if unknown */
	double window_s;	/* analysed span */
	double floor_width_s;	/* block width in use */
	unsigned n_points;
	unsigned spikes;    /* mean + k sigma alerts so far */
	bool recovered;	    /* gave the growth back after load stopped */
	bool persisted;	    /* leak still there after load stopped */
	double leak_since;  /* time the current leak verdict began; NAN if none */
	const char *reason; /* one short sentence */
	/* evidence */
	bool exact;		/* floor points are exact post-GC live values */
	bool latched;		/* a leak was called and no recovery withdrew it */
	bool plateau;		/* grew, but the recent third of the window is flat */
	bool level_held;	/* a leak held at suspect: the load level stepped up */
	double mk_var_factor;	/* Hamed–Rao variance inflation n/n* */
	double recent_slope;	/* Theil–Sen on the recent third; NAN if too short */
	double recent_lower;	/* lower end of its 95% one-sided interval */
	double idle_floor;	/* lowest value before load began; NAN if unknown */
	double post_floor;	/* lowest floor point after load stopped; NAN if none */
	unsigned post_points;	/* floor points after load stopped */
	unsigned long samples;	/* values received (samples or exact points) */
	double load_start, load_stop; /* NAN if unknown */
};
