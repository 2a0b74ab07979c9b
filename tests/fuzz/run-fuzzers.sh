#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build every libFuzzer target of the tree (meson's `fuzzers` list: the
# targets whose name ends in _fuzz) in a clang build with ASan and UBSan,
# the libraries instrumented for coverage too, and run each for SECONDS
# (default 30) from its seed corpus tests/fuzz/corpus/NAME/ when there is
# one. A crash fails the run and leaves the reproducer in WORK.
#
#   tests/fuzz/run-fuzzers.sh [SECONDS]
# BUILD=dir keeps the clang build (default: WORK/build, removed after);
# KEEP=1 keeps WORK. A long run: SECONDS=3600, or run one binary by hand
# with -jobs/-workers.
set -euo pipefail

SECONDS_EACH=${1:-30}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/drench-fuzz.XXXXXX)}
BUILD=${BUILD:-$WORK/build}

command -v clang >/dev/null || { echo "SKIP: clang missing"; exit 77; }
if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$SRC" -Dfuzz=true -Ddpdk=disabled -Dtests=disabled \
		-Dbuildtype=plain -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args="-O1 -gline-tables-only -fno-sanitize-recover=undefined" \
		>/dev/null
fi
mapfile -t names < <(meson introspect --targets "$BUILD" |
	jq -r '.[] | select(.type == "executable" and (.name | endswith("_fuzz"))) | .name' | sort)
[ "${#names[@]}" -gt 0 ] || { echo "FAIL: no fuzzer in the build"; exit 1; }
ninja -C "$BUILD" "${names[@]}" >/dev/null

for f in "${names[@]}"; do
	corpus="$WORK/corpus-$f"
	mkdir -p "$corpus"
	[ ! -d "$SRC/tests/fuzz/corpus/$f" ] || cp "$SRC/tests/fuzz/corpus/$f"/* "$corpus/"
	exe=$(meson introspect --targets "$BUILD" | jq -r --arg n "$f" \
		'.[] | select(.name == $n) | .filename[0]')
	echo "$f: ${SECONDS_EACH}s"
	(cd "$WORK" && TMPDIR="$WORK" "$exe" -max_total_time="$SECONDS_EACH" -max_len=70000 \
		-rss_limit_mb=1024 -print_final_stats=1 "$corpus" 2> "$WORK/$f.log") ||
		{ tail -n 40 "$WORK/$f.log"; echo "FAIL: $f (reproducer in $WORK)"; exit 1; }
	grep -E "stat::number_of_executed_units|cov:" "$WORK/$f.log" | tail -n 2
done
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
echo "PASS: ${#names[@]} fuzzers"
