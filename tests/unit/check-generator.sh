#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench check refuses what drench run cannot do, named at file:line:column:
# requests of one run aimed at two targets.
set -euo pipefail
DRENCH=${DRENCH:?}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/two.yaml" <<'YAML'
rig:
  ports: ["net_af_xdp0,iface=gen0"]
  lcores: {workers: [1], telemetry: 0}
  local_ips: [198.18.0.2]
targets:
  - {name: a, address: 198.18.0.1}
  - {name: b, address: 198.18.0.3}
requests:
  - {name: ra, path: /, target: a}
  - {name: rb, path: /, target: b}
phases:
  - {name: p, duration: 1s, connections: 1}
YAML
rc=0
"$DRENCH" check "$dir/two.yaml" >"$dir/out" 2>"$dir/err" || rc=$?
cat "$dir/err"
[ "$rc" = 2 ] || { echo "FAIL: exit $rc, expected 2"; exit 1; }
grep -q "two.yaml:10:5: requests\[1\]: rb: every request of a run must use the same target" "$dir/err" ||
	{ echo "FAIL: message"; exit 1; }
echo PASS
