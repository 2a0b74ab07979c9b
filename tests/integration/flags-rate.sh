#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The flag form's open loop (--rate, like wrk2's -R) and connection rate
# (--cps): the number of requests follows the rate asked, each run error free.
source "$(dirname "$0")/lib.sh"
need_rig
check() { # NAME EXPECTED_REQUESTS ARGS...
	local name=$1 want=$2 out="$WORK/$1" rc=0
	shift 2
	drench_run "$out" --url "http://$SUT_IP/64b" --duration 3s --quiet "$@" >/dev/null || rc=$?
	[ "$rc" = 0 ] || fail "$name: exit $rc"
	python3 - "$out/report.json" "$want" <<'PY' || fail "$name: requests off the schedule"
import json, sys
p = json.load(open(sys.argv[1]))["phases"][0]
want = int(sys.argv[2])
assert abs(p["requests"] - want) <= want * 0.02, (p["requests"], want)
assert sum(p["errors"].values()) == 0, p["errors"]
print(sys.argv[1].split("/")[-2], "requests", p["requests"], "asked", want)
PY
}
check rate 6000 --rate 2000 --connections 16
check cps 3000 --cps 1000 --time-wait reset
[ "$(json "$WORK/cps/report.json" 'r["phases"][0]["connections"]["opened"]')" -ge 2990 ] ||
	fail "cps: a connection per request expected"
echo PASS
