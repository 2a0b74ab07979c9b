#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The responder as a campaign role: config/loopback-responder.yaml (role:
# responder) serves, config/loopback-client.yaml runs 3 s against it over a
# net_memif pair, and the two report.json files agree: every request
# answered, no error on either side, requests answered by the responder ==
# responses the client got, connections accepted == connections the client
# opened. Then the responder alone with responder.duration stops by itself
# and reports an empty, uninterrupted run, and `drench serve --output` with
# the same values reports the same options.
# Needs root and hugepages (two DPDK processes, --in-memory); skips (77)
# without them. On a shared machine run it under flock /tmp/drench-dpdk.lock.
# Usage: DRENCH=path/to/drench campaign-responder.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh" # ROOT, check_report
rmdir "$WORK"
# WORK, SOCK, cleanup, the root and hugepage skips, stop_server, run_case
source "$(dirname "$0")/memif-lib.sh"

# responder NAME SETS... : drench run on the responder campaign, in the
# background, its memif socket ours; returns once it listens
responder() {
	local name=$1 sets=()
	shift
	for s in "$@"; do sets+=(--set "$s"); done
	rm -f "$SOCK"
	timeout --signal=INT --kill-after=10 60 "$DRENCH" run "$ROOT/config/loopback-responder.yaml" \
		--set "rig.ports=[\"net_memif0,role=server,socket=$SOCK\"]" "${sets[@]}" \
		--output "$WORK/$name.responder" --quiet >"$WORK/$name.serve.log" 2>&1 &
	SRV_PID=$!
	wait_serving "$name"
}

# client NAME : the client campaign, shortened to 3 s. DPDK 22.11's memif
# PMD may crash in rx_burst when the peer disconnects while it polls, so
# neither side may close its port while the other polls: the client is held
# once its workers are done, the responder stops, then the client goes on
# to write its report and close.
client() {
	local name=$1
	timeout --signal=INT --kill-after=10 60 "$DRENCH" run \
		"$ROOT/config/loopback-client.yaml" \
		--set "rig.ports=[\"net_memif0,role=client,socket=$SOCK\"]" \
		--set 'phases.*.duration=3s' --output "$WORK/$name.client" --quiet \
		>"$WORK/$name.client.log" 2>&1 &
	finish_client "$name" $! "$WORK/$name.client.log"
}

# agree NAME : both reports keep the contract and tell the same story
agree() {
	local name=$1
	check_report "$WORK/$name.client/report.json" || fail "$name: client report.json breaks the contract"
	check_report "$WORK/$name.responder/report.json" ||
		fail "$name: responder report.json breaks the contract"
	python3 - "$WORK/$name.client/report.json" "$WORK/$name.responder/report.json" "$name" <<'PY'
import json, sys
client, resp, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
p = client["phases"][0]
r = resp["responder"]
ok2xx = p["responses"]["2xx"]
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want(client["verdict"] == "pass", f"client verdict {client['verdict']}")
want(p["requests"] > 0, "the client sent no request")
want(p["requests"] == ok2xx, f"client: {p['requests']} requests, {ok2xx} 2xx responses")
want(sum(p["responses"].values()) == ok2xx, f"client: non-2xx responses {p['responses']}")
want(all(v == 0 for v in p["errors"].values()), f"client errors {p['errors']}")
want(resp["role"] == "responder", f"responder report role {resp.get('role')}")
want(resp["campaign"] == "loopback-responder", f"responder campaign {resp.get('campaign')}")
want(resp["verdict"] == "pass" and not resp["interrupted"], "responder verdict or interrupted")
want(resp["phases"] == [] and resp["targets"] == [], "responder report has phases or targets")
want(r["requests"] == r["responses"], f"responder: {r['requests']} requests, "
     f"{r['responses']} responses")
want(r["responses"] == ok2xx, f"responder answered {r['responses']}, client got {ok2xx}")
want(r["body_bytes"] == p["body_bytes"] == ok2xx * resp["options"]["body_size"],
     f"body bytes: responder {r['body_bytes']}, client {p['body_bytes']}")
want(r["connections"]["accepted"] == p["connections"]["opened"],
     f"responder accepted {r['connections']['accepted']}, client opened "
     f"{p['connections']['opened']}")
want(all(v == 0 for v in r["errors"].values()), f"responder errors {r['errors']}")
want(all(v == 0 for v in r["drops"].values()), f"responder drops {r['drops']}")
want(resp["tcp"]["rx_segs"] > 0 and resp["tcp"]["conn_accepted"] == r["connections"]["accepted"],
     f"responder tcp counters {resp['tcp']}")
if problems:
    sys.exit(f"{name}: " + "; ".join(problems))
print(f"ok {name}: {ok2xx} requests answered on {r['connections']['accepted']} connections, "
      f"{p['rps']:.0f} rps")
PY
}

# a case runs in a subshell: its own trap stops its responder if it fails
stop_on_exit() {
	trap '[ -z "$SRV_PID" ] || kill -INT "$SRV_PID" 2>/dev/null || true' EXIT
}

case_pair() {
	stop_on_exit
	responder pair
	client pair
	agree pair
}

# responder.duration: it stops by itself, nothing served, not interrupted;
# and drench serve, the flag form of the same role, given the same values,
# runs with the same options
case_duration() {
	local rc=0
	stop_on_exit
	responder duration 'responder.duration=1s'
	wait "$SRV_PID" || rc=$?
	SRV_PID=
	[ "$rc" = 0 ] || fail "duration: exit $rc"
	rm -f "$SOCK"
	timeout --signal=INT --kill-after=10 60 "$DRENCH" serve --lcores 0 \
		--dev "net_memif0,role=server,socket=$SOCK" --local-ip 198.18.0.1/24 \
		--body-size 1000 --duration 1s --output "$WORK/flags" --quiet \
		>"$WORK/flags.log" 2>&1 || { cat "$WORK/flags.log" >&2; fail "drench serve --output"; }
	python3 - "$WORK/duration.responder/report.json" "$WORK/flags/report.json" <<'PY' ||
import json, sys
r, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert r["role"] == "responder" and not r["interrupted"], r
assert 0.9 < r["seconds"] < 5, r["seconds"]
assert r["responder"]["requests"] == 0 and r["responder"]["connections"]["accepted"] == 0, r
assert f["role"] == "responder" and f["campaign"] is None, f
assert f["options"] == r["options"], (f["options"], r["options"])
print(f"ok duration: stopped by itself after {r['seconds']:.2f} s; drench serve has the "
      "same options")
PY
		fail "duration: reports"
}

# run_case (memif-lib.sh) runs a case again, at most three times, when its
# responder died of the memif PMD's SIGSEGV
run_case pair
run_case duration
echo "PASS: the responder role of a campaign, over net_memif"
