#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run every test: unit tests (and again under AddressSanitizer),
# then the integration tests on the rig. Needs root (namespaces, hugepages).
#   scripts/test.sh            everything
#   scripts/test.sh unit       unit tests only (no root needed)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

build() { # DIR [meson options]
	local dir=$1
	shift
	[ -d "$dir" ] || meson setup "$dir" "$@" >/dev/null
	ninja -C "$dir"
}

build build
meson test -C build --suite unit --print-errorlogs

# Parsers and decoders under ASan/UBSan; DPDK is left out of this build.
build build-asan -Db_sanitize=address,undefined -Ddpdk=disabled -Dbuildtype=debug
ASAN_OPTIONS=detect_leaks=1 meson test -C build-asan --suite unit --print-errorlogs

[ "$what" = unit ] && exit 0

# A short run of the libFuzzer targets of the agent protocol and the
# Prometheus parser (clang; docs/agent-protocol.md says how to run a long one).
meson test -C build --suite fuzz --print-errorlogs

trap 'scripts/rig.sh down >/dev/null 2>&1 || true' EXIT
scripts/rig.sh up
meson test -C build --suite integration --print-errorlogs --num-processes 1
