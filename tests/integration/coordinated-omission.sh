#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# wrk2's demonstration: a constant-rate run during which nginx is frozen with
# SIGSTOP for 1 s. Latency timed from the intended send time (corrected) must
# show the stall at p99; latency timed from the real send time (uncorrected)
# must not, because the requests that waited for a connection left late.
source "$(dirname "$0")/lib.sh"
need_rig
RUN_DIR=${DRENCH_RIG_DIR:-/run/drench-rig}
master=$(cat "$RUN_DIR/nginx.pid")

{ campaign_head; cat <<YAML; } >"$WORK/co.yaml"
requests:
  - {name: small, path: /64b}
phases:
  - {name: steady, duration: 6s, rate: 1000, max_connections: 8}
expect:
  max_error_ratio: 1%
output:
  folder: $WORK/co
YAML

freeze_nginx() {
	sleep 2.5
	pkill -STOP -P "$master"
	kill -STOP "$master"
	sleep 1
	kill -CONT "$master"
	pkill -CONT -P "$master"
}
trap 'kill -CONT "$master"; pkill -CONT -P "$master"' EXIT

freeze_nginx &
rc=0
timeout --signal=INT 60 "$DRENCH" run "$WORK/co.yaml" --quiet || rc=$?
wait
rep="$WORK/co/report.json"
[ -f "$rep" ] || fail "no report (exit $rc)"
p='r["phases"][0]'
corrected=$(json "$rep" "$p[\"latency_us\"][\"p99\"]")
uncorrected=$(json "$rep" "$p[\"latency_uncorrected_us\"][\"p99\"]")
delayed=$(json "$rep" "$p[\"delayed\"]")
echo "p99 corrected ${corrected} us, uncorrected ${uncorrected} us, delayed ${delayed}"
python3 - "$corrected" "$uncorrected" "$delayed" <<'PY' || fail "the stall is not where it belongs"
import sys
c, u, d = (float(x) for x in sys.argv[1:])
assert c >= 300000, f"corrected p99 {c} us does not show a 1 s stall"
assert u <= 100000, f"uncorrected p99 {u} us shows the stall"
assert d >= 100, f"only {d} requests counted delayed"
PY
echo PASS
