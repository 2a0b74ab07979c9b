#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole appliance: drench run drives the leaky Go target (tests/targets/)
# in the rig's namespace over DPDK, while drench-agent beside it streams the
# target's memory over the management link to the collector on drench's
# telemetry lcore. The map-leak endpoint must be called a leak, with bytes
# retained per request from the requests drench itself sent, and the run must
# exit 1. About 80 s.
source "$(dirname "$0")/lib.sh"
need_rig
AGENT=${AGENT:-$(dirname "$DRENCH")/../drench-agent/drench-agent}
NS=${DRENCH_NS:-drench-sut}
MGMT=${DRENCH_MGMT_GEN_IP:-198.19.255.1}
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
command -v go >/dev/null || { echo "SKIP: go missing"; exit 77; }

GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=${GOCACHE:-/tmp/drench-gocache} \
	go build -o "$WORK/leaky" "$ROOT/tests/targets/leaky.go"
head -c 32 /dev/urandom | base64 >"$WORK/key"
"$AGENT" --derive-key --key-file "$WORK/key" --id sut >"$WORK/sut.key"
ip netns exec "$NS" "$WORK/leaky" -listen "$SUT_IP:8080" >"$WORK/leaky.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do
	ip netns exec "$NS" curl -sf "http://$SUT_IP:8080/metrics" >/dev/null && break
	sleep 0.2
done

{ campaign_head leaky 8080; cat <<YAML; } >"$WORK/run.yaml"
requests:
  - {name: map, path: /leak/map}
phases:
  - {name: load, duration: 60s, rate: 400, max_connections: 8}
telemetry:
  listen: $MGMT:7610
  key_file: $WORK/key
  interval: 1s
  detector: {warmup: 10s, floor_window: 5s, min_window: 30s, min_points: 6, recovery: 10s}
  targets:
    - name: leaky
      agent: sut
      process: leaky
      metrics_url: http://$SUT_IP:8080/metrics
      pprof_url: http://$SUT_IP:8080/debug/pprof
      endpoint: map
output:
  folder: $WORK/out
YAML

rc=0
timeout --signal=INT --kill-after=30 150 "$DRENCH" run "$WORK/run.yaml" --quiet \
	>"$WORK/run.log" 2>&1 &
RUN=$!
sleep 2
ip netns exec "$NS" "$AGENT" --collector "$MGMT:7610" --key-file "$WORK/sut.key" --id sut \
	--profile-dir "$WORK/profiles" --run-for 120 2>"$WORK/agent.err" &
PIDS="$PIDS $!"
wait $RUN || rc=$?
tail -n 15 "$WORK/run.log"
rep="$WORK/out/report.json"
[ -f "$rep" ] || fail "no report (exit $rc)"
[ "$rc" = 1 ] || fail "exit $rc, expected 1 (a leak)"
check_report "$rep" || fail "report.json breaks the contract"
python3 - "$rep" <<'PY' || fail "telemetry verdict"
import json, sys
r = json.load(open(sys.argv[1]))
t = [t for t in r["targets"] if t["name"] == "leaky"][0]
assert t["verdict"] == "leak", t["verdict"]
bpr = [m["bytes_per_request"] for m in t["metrics"] if m["verdict"] == "leak"]
assert any(b is not None and b > 0 for b in bpr), t["metrics"]
assert r["phases"][0]["requests"] > 10000, r["phases"][0]["requests"]
# the phase judged alone names it (a bisection campaign reads these)
ph = {x["name"]: x for x in t["phases"]}
assert ph["load"]["verdict"] == "leak", ph
# recovery judged on samples after stop + recovery, against the idle floor
# drench waited for before load; the leak stayed
j = [m for m in t["metrics"] if m["judged"]]
assert any(m["post_load_points"] > 0 and m["persisted_after_load"] for m in j), j
assert any(m["idle_floor"] is not None for m in j), j
# forced-GC checkpoints before load, after the phase and after the idle tail
for tag in ("-idle-before-heap-", "-phase-load-heap-", "-idle-heap-"):
    assert any(tag in p for p in t["profiles"]), (tag, t["profiles"])
print("leaky:", t["verdict"], [(m["name"], m["verdict"], m["bytes_per_request"]) for m in t["metrics"]])
PY
echo PASS
