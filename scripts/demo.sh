#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up everything on a fresh machine and run a demo: drench drives nginx in
# the rig's namespace for 10 s over net_af_xdp, then tears the rig down.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v meson >/dev/null && pkg-config --exists libdpdk || scripts/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build
trap 'scripts/rig.sh down >/dev/null 2>&1 || true' EXIT
scripts/rig.sh up
build/app/drench/drench run --dev net_af_xdp0,iface=gen0 --lcores 0-1 \
	--url http://198.18.0.1/4k --connections 64 --duration "${DURATION:-10s}" --output drench-out
echo "report: drench-out/report.json"
