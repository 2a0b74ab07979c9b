#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two servers of the rig in one campaign: nginx (198.18.0.1:80) and a second
# nginx (198.18.0.254:8080, scripts/rig.sh up starts it).
#  1. config/two-servers.yaml: requests naming each server and a 3:1 group;
#     each server answered, the servers' counts add up to the run's totals,
#     the group's figures are its members' added, the gates on targets hold.
#  2. the group alone: closed loop, its connections are split 3:1 exactly
#     (one worker, smooth weighted round robin); open loop, its responses
#     3:1 within 10 %.
#  3. open loop, 400/s to each server, and the second nginx stopped 3 s in:
#     it is named on the console and in the report (silent to the end), the
#     first keeps its rate with no error, and the run fails on the errors.
source "$(dirname "$0")/lib.sh"
need_rig
SUT_IP2=${DRENCH_SUT_IP2:-198.18.0.254}
"$RIG" second start >/dev/null
trap '"$RIG" second start >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# 1. the example campaign, shortened
out=$WORK/example rc=0
timeout --signal=INT --kill-after=30 90 "$DRENCH" run "$ROOT/config/two-servers.yaml" \
	--set "rig.ports=[\"$VDEV\"]" --set 'phases.*.duration=4s' --output "$out" \
	>"$out.log" 2>&1 || rc=$?
tail -n 12 "$out.log"
[ "$rc" = 0 ] || fail "example: exit $rc, expected 0"
check_report "$out/report.json"
grep -q "^drench: targets nginx-a 198.18.0.1:80, nginx-b $SUT_IP2:8080, pool = 3 x nginx-a + 1 x nginx-b$" "$out.log" ||
	fail "example: no targets line at start"
grep -q "^target nginx-b .* req  *[1-9]" "$out.log" || fail "example: no summary line for nginx-b"
python3 - "$out/report.json" <<'PY' || fail "example: per-target figures"
import json, sys
r = json.load(open(sys.argv[1]))
t = {e["name"]: e for e in r["targets"]}
a, b, pool = t["nginx-a"]["load"], t["nginx-b"]["load"], t["pool"]["load"]
assert t["nginx-a"]["watched"] is False and t["nginx-a"]["verdict"] == "insufficient"
assert t["pool"]["kind"] == "group" and t["nginx-b"]["kind"] == "server"
assert b["address"] == "198.18.0.254" and b["port"] == 8080, b
for s in (a, b):
    assert s["responses"]["2xx"] > 0, s
    assert s["silent"] == [] and s["silent_now"] is False, s
ph = r["phases"]
for k in ("2xx", "3xx", "4xx", "5xx"):
    assert a["responses"][k] + b["responses"][k] == sum(p["responses"][k] for p in ph), k
assert a["requests"] + b["requests"] == sum(p["requests"] for p in ph)
for k in a["errors"]:
    assert a["errors"][k] + b["errors"][k] == sum(p["errors"][k] for p in ph), k
assert pool["requests"] == a["requests"] + b["requests"]
assert [m["weight"] for m in pool["members"]] == [3, 1], pool["members"]
assert b["expect_failures"] == [] and pool["expect_failures"] == [], (b, pool)
print("example: nginx-a %d, nginx-b %d responses of %d" % (a["responses"]["2xx"],
      b["responses"]["2xx"], sum(p["responses"]["2xx"] for p in ph)))
PY

# 2. the group alone, closed loop then open loop
group_campaign() { # LOAD (a phase's model and level)
	cat <<YAML
$(campaign_head nginx-a)
  - {name: nginx-b, address: $SUT_IP2, port: 8080}
  - name: pool
    balance: weighted
    members: [{target: nginx-a, weight: 3}, {target: nginx-b, weight: 1}]
requests:
  - {name: small, path: /64b, target: pool}
phases:
  - {name: steady, duration: 4s, $1}
expect: {max_error_ratio: 0%}
YAML
}
run_group() { # NAME LOAD
	local out=$WORK/$1 rc=0
	group_campaign "$2" >"$WORK/$1.yaml"
	timeout --signal=INT --kill-after=30 90 "$DRENCH" run "$WORK/$1.yaml" --output "$out" \
		--quiet >"$out.log" 2>&1 || rc=$?
	tail -n 4 "$out.log"
	[ "$rc" = 0 ] || fail "$1: exit $rc, expected 0"
}
# 16 keep-alive connections: 12 and 4, exactly (one worker); the responses
# then follow how fast each server answers its connections
run_group closed "connections: 16"
python3 - "$WORK/closed/report.json" <<'PY' || fail "closed: connections by weights"
import json, sys
r = json.load(open(sys.argv[1]))
t = {e["name"]: e["load"] for e in r["targets"]}
a, b = t["nginx-a"], t["nginx-b"]
print("closed: connections %d : %d, responses %d : %d" % (a["connections_opened"],
      b["connections_opened"], a["responses"]["2xx"], b["responses"]["2xx"]))
assert a["connections_opened"] == 12 and b["connections_opened"] == 4, (a, b)
assert a["responses"]["2xx"] > 0 and b["responses"]["2xx"] > 0
PY
# 2000 requests/s: 3 of every 4 to nginx-a, whichever connections are idle
run_group open "rate: 2000"
python3 - "$WORK/open/report.json" <<'PY' || fail "open: requests by weights"
import json, sys
r = json.load(open(sys.argv[1]))
t = {e["name"]: e["load"] for e in r["targets"]}
a, b = t["nginx-a"]["responses"]["2xx"], t["nginx-b"]["responses"]["2xx"]
print("open: responses %d : %d (%.3f)" % (a, b, a / b))
assert abs(a / b - 3) <= 0.3, a / b
PY

# 3. the second server stops mid-run
cat >"$WORK/stop.yaml" <<YAML
$(campaign_head nginx-a)
  - {name: nginx-b, address: $SUT_IP2, port: 8080}
requests:
  - {name: a, path: /64b, target: nginx-a}
  - {name: b, path: /64b, target: nginx-b}
phases:
  - {name: steady, duration: 8s, rate: 800}
expect:
  targets: [{target: nginx-a, max_error_ratio: 0%}]
YAML
out=$WORK/stop rc=0
timeout --signal=INT --kill-after=30 90 "$DRENCH" run "$WORK/stop.yaml" --output "$out" \
	>"$out.log" 2>&1 &
pid=$!
sleep 4 # the start (ARP, port) takes about a second: the stop lands about 3 s into the load
"$RIG" second stop >/dev/null
wait "$pid" || rc=$?
tail -n 14 "$out.log"
[ "$rc" = 1 ] || fail "stop: exit $rc, expected 1 (nginx-b's errors fail the campaign gate)"
check_report "$out/report.json"
grep -q "^drench: target nginx-b stopped answering at " "$out.log" || fail "stop: not named live"
grep -q "^target nginx-b: no answer from .* to the end$" "$out.log" || fail "stop: not in the summary"
grep -q "^FAIL target nginx-a" "$out.log" && fail "stop: nginx-a failed its gate"
python3 - "$out/report.json" <<'PY' || fail "stop: per-target figures"
import json, sys
r = json.load(open(sys.argv[1]))
t = {e["name"]: e["load"] for e in r["targets"]}
a, b = t["nginx-a"], t["nginx-b"]
secs = sum(p["end"] - p["start"] for p in r["phases"])
assert b["silent_now"] is True and len(b["silent"]) == 1 and b["silent"][0]["to"] is None, b
assert 1.5 <= b["silent"][0]["from"] <= 6, b["silent"]
assert b["responses"]["2xx"] > 0 and b["errors"]["connect"] + b["errors"]["reset"] > 0, b
assert sum(a["errors"].values()) == 0, a
# its 400/s throughout: the schedule of the other never held it back
assert a["responses"]["2xx"] >= 0.95 * 400 * 8, (a["responses"], secs)
assert a["expect_failures"] == [], a
print("stop: nginx-a %d responses in %.1f s, nginx-b silent from %.0f s, %d connect errors" % (
      a["responses"]["2xx"], secs, b["silent"][0]["from"], b["errors"]["connect"]))
PY
echo PASS
