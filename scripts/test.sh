#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run every test: unit tests (and again under AddressSanitizer),
# then the integration tests on the rig. Needs root (namespaces, hugepages).
#   scripts/test.sh            everything
#   scripts/test.sh unit       unit tests only (no root needed)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

# meson test that, in CI, also fails when a test skipped itself (a missing
# tool or a missing rig must not pass for a green run)
run_tests() { # BUILD_DIR SUITE [meson test options]
	local dir=$1 suite=$2 log
	shift 2
	log=$(mktemp)
	meson test -C "$dir" --suite "$suite" --print-errorlogs "$@" | tee "$log"
	local rc=${PIPESTATUS[0]}
	if [ "$rc" = 0 ] && [ "${CI:-}" = true ] && ! grep -q '^Skipped: *0 *$' "$log"; then
		echo "CI: a test of suite $suite skipped itself" >&2
		rc=1
	fi
	rm -f "$log"
	return "$rc"
}

build() { # DIR [meson options]
	local dir=$1
	shift
	[ -d "$dir" ] || meson setup "$dir" "$@" >/dev/null
	ninja -C "$dir"
}

build build
run_tests build unit

# Parsers and decoders under ASan/UBSan; DPDK is left out of this build.
build build-asan -Db_sanitize=address,undefined -Ddpdk=disabled -Dbuildtype=debug
ASAN_OPTIONS=detect_leaks=1 run_tests build-asan unit

[ "$what" = unit ] && exit 0

# A short run of every libFuzzer target (clang; docs/agent-protocol.md says
# how to run a long one).
run_tests build fuzz

# The leak corpus: Go services (gin, echo) in every leak class and the
# classes that look like one, each verdict asserted (loopback, no rig).
run_tests build leak-corpus

trap 'scripts/rig.sh down >/dev/null 2>&1 || true' EXIT
scripts/rig.sh up
run_tests build integration --num-processes 1
