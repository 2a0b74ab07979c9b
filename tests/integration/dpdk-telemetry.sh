#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench's /drench/* commands on DPDK's telemetry socket, asked with Debian's
# dpdk-telemetry.py while a run goes on against nginx: the socket whose
# /info names our pid answers /drench/phase with the running phase,
# /drench/stats with counters that grow between two asks and no error, and
# /drench/workers with the worker lcore, its port and its busy share (between 0 and
# 1000 thousandths, as report.json's busy_share is between 0 and 1), /drench/tcp
# with the keys of report.json's tcp object; /help
# lists the commands.
source "$(dirname "$0")/lib.sh"
need_rig
CLIENT=${DPDK_TELEMETRY:-dpdk-telemetry.py}
command -v "$CLIENT" >/dev/null || fail "no $CLIENT (Debian's dpdk package)"
RUN_PID=
trap '[ -z "$RUN_PID" ] || kill -INT $RUN_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

{ campaign_head; cat <<YAML; } >"$WORK/t.yaml"
requests:
  - {name: page, path: /4k}
phases:
  - {name: warm, duration: 1s, connections: 2}
  - {name: steady, duration: 8s, connections: 4}
output: {folder: $WORK/t}
YAML
timeout --signal=INT --kill-after=10 40 "$DRENCH" run "$WORK/t.yaml" --no-tui >"$WORK/run.log" 2>&1 &
RUN_PID=$!

# ask INSTANCE COMMAND... : the replies, one JSON per line
ask() {
	local i=$1
	shift
	printf '%s\n' "$@" | timeout 10 "$CLIENT" -i "$i" 2>/dev/null | grep '^{'
}
# the instance whose /info names drench (timeout's child; other DPDK
# processes may hold instance 0)
instance= pid=
for _ in $(seq 50); do
	sleep 0.2
	pid=${pid:-$(pgrep -P "$RUN_PID" -x drench || true)}
	[ -n "$pid" ] || continue
	for i in 0 1 2 3; do
		ask "$i" /info 2>/dev/null | grep -q "\"pid\": $pid\b" && instance=$i && break 2
	done
done
[ -n "$instance" ] || { cat "$WORK/run.log" >&2; fail "no telemetry socket names drench's pid ($pid)"; }
# until the steady phase runs
for _ in $(seq 50); do
	ask "$instance" /drench/phase | grep -q '"name": "steady"' && break
	sleep 0.2
done
ask "$instance" /help,/drench/stats /drench/phase /drench/stats /drench/workers >"$WORK/a"
sleep 2
ask "$instance" /drench/stats /drench/tcp >"$WORK/b"
cp "$WORK/b" "$WORK/b.keep"
python3 - "$WORK/a" "$WORK/b" <<'PY' || fail "telemetry replies"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
# the first line after /info is the help, then phase, stats, workers
help_ = a[-4]["/help"]
assert "/drench/stats" in help_, help_
phase, s1, workers, s2 = a[-3]["/drench/phase"], a[-2]["/drench/stats"], a[-1]["/drench/workers"], b[-2]["/drench/stats"]
assert phase["state"] == "running" and phase["name"] == "steady", phase
assert phase["index"] == 1 and phase["count"] == 2 and phase["phase_length_ms"] == 8000, phase
assert s2["requests"] > s1["requests"] > 0, (s1, s2)
assert s2["responses_2xx"] > s1["responses_2xx"] > 0, (s1, s2)
assert all(s2["errors_" + k] == 0 for k in ("connect", "timeout", "reset", "parse", "validation")), s2
assert 1 <= s2["open_connections"] <= 4, s2
assert s2["responses_per_s"] > 0 and s2["latency_p99_us"] >= s2["latency_p50_us"] > 0, s2
w = workers["worker0"]
assert w["lcore"] == 1 and w["requests"] > 0 and w["rx_packets"] > 0, workers
assert w["port"].startswith("net_") and "," not in w["port"], workers  # its device name
# a worker that answers 4 connections works part of the time, not all of it
assert 0 < w["busy_permille"] < 1000, workers
print("phase", phase, "\nstats", s2, "\nworkers", workers)
PY
wait "$RUN_PID" || { rc=$?; cat "$WORK/run.log" >&2; fail "drench run: exit $rc"; }
RUN_PID=
python3 - "$WORK/t/report.json" "$WORK/b.keep" <<'PY' || fail "report.json workers[].busy_share, tcp"
import json, sys
rep = json.load(open(sys.argv[1]))
w = rep["workers"]
assert len(w) == 1 and 0 < w[0]["busy_share"] < 1, w
print("report.json busy_share", w[0]["busy_share"])
# /drench/tcp and report.json's tcp object name the same counters, and the
# report's totals are at least what the run had counted when asked
live = [json.loads(l) for l in open(sys.argv[2])][-1]["/drench/tcp"]
tcp = rep["tcp"]
assert set(live) == set(tcp) and len(tcp) > 40, (sorted(live), sorted(tcp))
assert 0 < live["conn_established"] <= tcp["conn_established"], (live, tcp)
assert all(tcp[k] >= live[k] for k in tcp), [(k, live[k], tcp[k]) for k in tcp if tcp[k] < live[k]]
print("/drench/tcp", len(live), "counters; conn_established", live["conn_established"])
PY
echo PASS
