#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the telemetry fuzzers with clang (libFuzzer + ASan + UBSan) and run
# each for SECONDS (default 30) from the seed corpus: the protocol decoder,
# the Prometheus parser, the collector's handling of authenticated frames,
# and its side of the handshake (unauthenticated input). A crash fails the run
# and leaves the reproducer in WORK.
#
#   tests/fuzz/run-fuzzers.sh [SECONDS]
# A long run: SECONDS=3600, or run the binary by hand with -jobs/-workers.
set -eu

SECONDS_EACH=${1:-30}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/drench-fuzz.XXXXXX)}
CFLAGS="-g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$SRC/lib"

command -v clang >/dev/null || { echo "SKIP: clang missing"; exit 77; }
COLLECTOR_SRC="$SRC/lib/telemetry/collector.c $SRC/lib/telemetry/collector-hello.c
	$SRC/lib/telemetry/collector-frames.c $SRC/lib/telemetry/collector-profiles.c
	$SRC/lib/telemetry/collector-report.c $SRC/lib/telemetry/detector.c
	$SRC/lib/telemetry/robust.c $SRC/lib/telemetry/proto.c $SRC/lib/telemetry/session.c
	$SRC/lib/telemetry/collector-live.c $SRC/lib/telemetry/goroutines.c
	$SRC/lib/report/report.c $SRC/lib/report/report-validate.c $SRC/lib/report/report-write.c"
clang $CFLAGS -o "$WORK/fuzz-proto" "$SRC/tests/fuzz/fuzz-proto.c" "$SRC/lib/telemetry/proto.c" \
	$(pkg-config --cflags --libs libsodium jansson)
clang $CFLAGS -o "$WORK/fuzz-prom" "$SRC/tests/fuzz/fuzz-prom.c" "$SRC/lib/telemetry/prom.c" -lm
for f in collector hello; do
	# shellcheck disable=SC2086 # a list of files
	clang $CFLAGS -o "$WORK/fuzz-$f" "$SRC/tests/fuzz/fuzz-$f.c" $COLLECTOR_SRC \
		$(pkg-config --cflags --libs libsodium jansson) -lm
done

for f in proto prom collector hello; do
	mkdir -p "$WORK/corpus-$f"
	cp "$SRC/tests/fuzz/corpus-$f"/* "$WORK/corpus-$f/"
	echo "fuzz-$f: ${SECONDS_EACH}s"
	(cd "$WORK" && TMPDIR="$WORK" ./fuzz-$f -max_total_time="$SECONDS_EACH" -max_len=70000 -rss_limit_mb=1024 \
		-print_final_stats=1 "corpus-$f" 2> "fuzz-$f.log") ||
		{ tail -n 40 "$WORK/fuzz-$f.log"; echo "FAIL: fuzz-$f (reproducer in $WORK)"; exit 1; }
	grep -E "stat::number_of_executed_units|cov:" "$WORK/fuzz-$f.log" | tail -n 2
done
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
echo PASS
