#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Helpers for the rig integration tests. Each test: DRENCH=path/to/drench.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DRENCH=${DRENCH:?set DRENCH to the drench binary}
RIG="$ROOT/scripts/rig.sh"
SUT_IP=${DRENCH_SUT_IP:-198.18.0.1}
GEN_IF=${DRENCH_GEN_IF:-gen0}
# af_xdp is the default port; DRENCH_TEST_VDEV overrides it (net_af_packet0,iface=gen0)
VDEV=${DRENCH_TEST_VDEV:-net_af_xdp0,iface=$GEN_IF}
WORK=$(mktemp -d /tmp/drench-it.XXXXXX)

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_rig() {
	ip netns list | grep -qw "${DRENCH_NS:-drench-sut}" ||
		fail "the rig is not up: run scripts/rig.sh up"
}

# drench_run OUTDIR ARGS... : bounded run; prints its output; returns its exit code
drench_run() {
	local out=$1
	shift
	timeout --signal=INT --kill-after=30 "${RUN_LIMIT:-90}" \
		"$DRENCH" run --dev "$VDEV" --output "$out" "$@" 2>&1 | tee "$out.log"
	return "${PIPESTATUS[0]}"
}

# campaign_head [NAME [PORT]] : the rig and target sections every rig campaign
# starts with (one worker on lcore 1, the generator at 198.18.0.2, the target
# NAME, default nginx, at the system under test)
campaign_head() {
	cat <<YAML
rig:
  ports: ["$VDEV"]
  lcores: {workers: [1], telemetry: 0}
  local_ips: [198.18.0.2]
targets:
  - {name: ${1:-nginx}, address: $SUT_IP, port: ${2:-80}}
YAML
}

# json FILE EXPR : evaluate a python expression over the report as `r`
json() {
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"
}

# check_report FILE : the schema-1 keys of report.json, with their types
check_report() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == 1 and r["verdict"] in ("pass", "fail")
for p in r["phases"]:
    for k in ("name", "start", "end", "requests", "rps"):
        assert k in p, k
    assert set(p["responses"]) >= {"2xx", "3xx", "4xx", "5xx"}
    assert set(p["errors"]) >= {"connect", "timeout", "reset", "parse", "validation"}
    assert set(p["latency_us"]) >= {"p50", "p90", "p99", "p999", "max"}
for t in r["targets"]:
    assert t["verdict"] in ("leak", "suspect", "ok", "insufficient")
PY
}
