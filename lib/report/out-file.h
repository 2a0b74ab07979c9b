/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A text output written through stdio and published atomically: the text goes
 * to PATH.tmp.PID, is made durable, then renamed over PATH, so a reader (a
 * browser reloading the report, a CI job) never sees half a file.
 */
#pragma once

#include <stdio.h>

struct out_file {
	FILE *f;   /* write the content here */
	char *tmp; /* private */
	char *path;
};

/** Open a temporary file beside path. 0, or -errno (-EINVAL, -ENOMEM, open's). */
int out_file_open(struct out_file *o, const char *path);

/** Flush, fsync and rename over the final path. On any failure the temporary
 * file is removed and the old file (if any) left alone. 0 or -errno (-EIO
 * when a write failed earlier). o is released either way. */
int out_file_commit(struct out_file *o);

/** Give up: remove the temporary file and release o. */
void out_file_abort(struct out_file *o);

/** mkdir -p: the output folder and its parents. 0 or -errno. */
int out_dir_make(const char *dir);
