#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench check refuses what drench run cannot do, named at file:line:column:
# more than 16 targets, two ranges of local addresses; and it takes requests
# aimed at two targets and a group, one range of many addresses and two
# ports; a campaign is read once.
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
"$DRENCH" check "$dir/two.yaml" >"$dir/out" 2>"$dir/err" || { cat "$dir/err"; echo "FAIL: two targets"; exit 1; }
grep -q "^target b: 198.18.0.3:80, Host 198.18.0.3$" "$dir/out" ||
	{ cat "$dir/out"; echo "FAIL: two targets shown"; exit 1; }

# a group: its members and weights shown; 17 servers are more than a run drives
sed -i 's/^requests:$/  - name: pool\n    balance: weighted\n    members: [{target: a, weight: 3}, {target: b, weight: 1}]\nrequests:\n  - {name: rp, path: \/, target: pool}/' "$dir/two.yaml"
"$DRENCH" check "$dir/two.yaml" >"$dir/out" 2>"$dir/err" || { cat "$dir/err"; echo "FAIL: group"; exit 1; }
grep -q "^target pool: weighted 3 x a + 1 x b, Host 198.18.0.1$" "$dir/out" ||
	{ cat "$dir/out"; echo "FAIL: group shown"; exit 1; }
{
	echo 'rig: {ports: ["net_af_xdp0,iface=gen0"], lcores: {workers: [1], telemetry: 0}, local_ips: [198.18.0.2]}'
	echo 'targets:'
	for i in $(seq 1 17); do echo "  - {name: t$i, address: 198.18.1.$i}"; done
	echo 'requests:'
	for i in $(seq 1 17); do echo "  - {name: r$i, path: /, target: t$i}"; done
	echo 'phases: [{name: p, duration: 1s, connections: 17}]'
} >"$dir/many.yaml"
rc=0
"$DRENCH" check "$dir/many.yaml" >"$dir/out" 2>"$dir/err" || rc=$?
[ "$rc" = 2 ] || { cat "$dir/err"; echo "FAIL: 17 targets: exit $rc, expected 2"; exit 1; }
grep -q "many.yaml:37:5: requests\[16\]: more than 16 targets or 16 servers in one run" "$dir/err" ||
	{ cat "$dir/err"; echo "FAIL: 17 targets message"; exit 1; }

# ranges: one of 20 addresses is fine, two ranges are not (yet)
cat >"$dir/ranges.yaml" <<'YAML'
rig:
  ports: ["net_af_xdp0,iface=gen0"]
  lcores: {workers: [1], telemetry: 0}
  local_ips: [198.18.0.10-198.18.0.29]
targets:
  - {name: a, address: 198.18.0.1}
requests:
  - {name: ra, path: /, target: a}
phases:
  - {name: p, duration: 1s, connections: 1000000, think: 10s}
YAML
"$DRENCH" check "$dir/ranges.yaml" >"$dir/out" 2>"$dir/err" || { cat "$dir/err"; echo "FAIL: one range"; exit 1; }
grep -q "20 local addresses" "$dir/out" || { cat "$dir/out"; echo "FAIL: 20 addresses"; exit 1; }
sed -i 's/\[198.18.0.10-198.18.0.29\]/[198.18.0.10-198.18.0.29, 198.18.0.40]/' "$dir/ranges.yaml"
rc=0
"$DRENCH" check "$dir/ranges.yaml" >"$dir/out" 2>"$dir/err" || rc=$?
[ "$rc" = 2 ] || { echo "FAIL: two ranges: exit $rc, expected 2"; exit 1; }
grep -q "ranges.yaml:2:3: rig: local_ips: one range of consecutive addresses per run" "$dir/err" ||
	{ cat "$dir/err"; echo "FAIL: two ranges message"; exit 1; }

# two ports: taken, each shown with the lcores that will poll it
cat >"$dir/ports.yaml" <<'YAML'
rig:
  ports: ["net_memif0,socket=/run/a.sock", "net_memif1,socket=/run/b.sock"]
  lcores: {workers: [1, 0]}
  local_ips: [198.18.0.2]
targets:
  - {name: a, address: 198.18.0.1}
requests:
  - {name: ra, path: /, target: a}
phases:
  - {name: p, duration: 1s, connections: 2}
YAML
"$DRENCH" check "$dir/ports.yaml" >"$dir/out" 2>"$dir/err" || { cat "$dir/err"; echo "FAIL: two ports"; exit 1; }
grep -q "^  port net_memif0,socket=/run/a.sock (socket -1) -> lcore 0$" "$dir/out" &&
	grep -q "^  port net_memif1,socket=/run/b.sock (socket -1) -> lcore 1$" "$dir/out" ||
	{ cat "$dir/out"; echo "FAIL: two ports, their lcores"; exit 1; }

# a campaign is read once: from a pipe, where a second read would find it empty
rc=0
cat "$dir/ranges.yaml" | "$DRENCH" check /dev/stdin >"$dir/out" 2>"$dir/err" || rc=$?
[ "$rc" = 2 ] || { cat "$dir/err"; echo "FAIL: piped campaign: exit $rc, expected 2"; exit 1; }
grep -q "/dev/stdin:2:3: rig: local_ips: one range of consecutive addresses per run" "$dir/err" ||
	{ cat "$dir/err"; echo "FAIL: piped campaign read twice"; exit 1; }
echo PASS
