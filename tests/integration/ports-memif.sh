#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# One drench run driving two ports at once: two net_memif pairs, each to its
# own drench serve, each responder replying to port P on queue P % (its
# queues). Per-port counts add up to the totals, each port carried traffic,
# each responder answered exactly what the workers of its port counted, and
# each port's frames reached only its own lcores (its NIC count equals its
# workers' receive counts, none steered).
#   two: two workers per port (four lcores)
#   uneven: three workers, one on the first port and two on the second
# On a 2-core machine the worker lcores share CPU 1 (--lcores 1@1,2@1,...),
# as the queue test of loopback-memif.sh does with two.
# Needs root and hugepages (three DPDK processes, --in-memory); skips (77)
# without them. Usage: DRENCH=path/to/drench ports-memif.sh
set -euo pipefail

source "$(dirname "$0")/memif-lib.sh"
SOCK_A=/run/drench-ports-a.$$.sock
SOCK_B=/run/drench-ports-b.$$.sock
SRV_A= SRV_B=
# three DPDK processes poll on two CPUs, the worker lcores sharing one: a
# busy machine can take a while to start them all
SERVE_LIMIT=${SERVE_LIMIT:-120}
CLIENT_LIMIT=${CLIENT_LIMIT:-100}
# the case runs in a subshell (run_case): it stops its own responders
stop_servers() {
	for p in $SRV_A $SRV_B; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -f "$SOCK_A" "$SOCK_B"
}

# check_ports NAME WORKERS_A WORKERS_B
check_ports() {
	python3 - "$WORK/$1/report.json" "$WORK/a.serve.log" "$WORK/b.serve.log" "$1" "$2" "$3" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
name, per_port = sys.argv[4], [int(sys.argv[5]), int(sys.argv[6])]
served = []
for log in sys.argv[2:4]:
    s = re.search(r"^summary: .* requests (\d+) .*, responses (\d+),", open(log).read(), re.M)
    assert s, f"no summary in {log}"
    served.append(int(s.group(2)))
p, ports, workers = r["phases"][0], r["ports"], r["workers"]
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want([x["name"] for x in ports] == ["net_memif0", "net_memif1"], f"ports {ports}")
want([x["workers"] for x in ports] == per_port, f"workers per port {ports}")
want(all(x["requests"] > 0 for x in ports), f"a port carried nothing: {ports}")
want(sum(x["requests"] for x in ports) == p["requests"], f"port requests vs {p['requests']}")
want(sum(x["responses"] for x in ports) == p["responses"]["2xx"], "port responses vs total")
want(p["requests"] == p["responses"]["2xx"], f"{p['requests']} requests, {p['responses']}")
want(all(v == 0 for v in p["errors"].values()), f"errors {p['errors']}")
for key in ("port", "net"):
    for f, total in r[key].items():
        want(sum(x[key][f] for x in ports) == total, f"{key}.{f}: ports do not add up to {total}")
lcores = {}
for k, port in enumerate(ports):
    mine = [w for w in workers if w["port"] == port["name"]]
    lcores[port["name"]] = {w["lcore"] for w in mine}
    want(len(mine) == per_port[k], f"{port['name']}: {len(mine)} workers")
    want(sum(w["requests"] for w in mine) == port["requests"], f"{port['name']}: worker requests")
    want(sum(w["responses"] for w in mine) == served[k],
         f"{port['name']}: its workers got {sum(w['responses'] for w in mine)} responses, "
         f"its responder sent {served[k]}")
    want(sum(w["rx_packets"] for w in mine) == port["port"]["rx_packets"],
         f"{port['name']}: the NIC received {port['port']['rx_packets']}, its workers "
         f"{sum(w['rx_packets'] for w in mine)}")
    want(all(w["steered_in"] == 0 and w["steered_out"] == 0 and w["steer_drops"] == 0
             for w in mine), f"{port['name']}: frames steered between workers {mine}")
want(not (lcores["net_memif0"] & lcores["net_memif1"]), f"an lcore on both ports {lcores}")
want(len(workers) == sum(per_port), f"{len(workers)} workers")
if problems:
    sys.exit(f"{name}: " + "; ".join(problems))
print(f"ok {name}: {[x['requests'] for x in ports]} requests per port = what each "
      f"responder answered, lcores {lcores}, 0 steered")
PY
}

# two_ports NAME QUEUES_A QUEUES_B LCORES : the run, both responders
# stopped while the client is held at its summary
two_ports() {
	local name=$1 qa=$2 qb=$3 lcores=$4 pid child held=1 rc=0
	trap stop_servers EXIT
	SOCK=$SOCK_A serve a --body-size 200 --queues "$qa"
	SRV_A=$SRV_PID
	SOCK=$SOCK_B serve b --body-size 200 --queues "$qb"
	SRV_B=$SRV_PID
	timeout --signal=INT --kill-after=10 "$CLIENT_LIMIT" "$DRENCH" run --lcores "$lcores" \
		--dev "net_memif0,role=client,socket=$SOCK_A" \
		--dev "net_memif1,role=client,socket=$SOCK_B" --local-ip 198.18.0.2/24 \
		--url http://198.18.0.1/ --connections 64 --duration 3s --quiet \
		--output "$WORK/$name" >"$WORK/$name.run.log" 2>&1 &
	pid=$!
	child=$(child_of "$pid")
	# held at its summary (ports still open) before the responders stop: the
	# memif PMD must not see its peer leave while it polls
	[ -n "$child" ] && hold_at_summary "$child" "$WORK/$name.run.log" || held=0
	SRV_PID=$SRV_A stop_server a
	SRV_A=
	SRV_PID=$SRV_B stop_server b
	SRV_B=
	[ -n "$child" ] && kill -CONT "$child" 2>/dev/null || true
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || { cat "$WORK/$name.run.log" >&2; fail "$name: drench run: exit $rc"; }
	[ "$held" = 1 ] || fail "$name: the client ended before it could be held"
}

# plan_line NAME PORT LCORES QUEUES : the start line gives port -> socket -> lcores
plan_line() {
	grep -q "^drench: port $2 (net_memif, socket -1, .*) -> $3 ($4), local ports" \
		"$WORK/$1.run.log" || { cat "$WORK/$1.run.log" >&2; fail "$1: no plan line for $2"; }
}

case_two() {
	two_ports two 2 2 0@0,1@1,2@1,3@1,4@1
	plan_line two net_memif0 "lcores 1,2" "queues 0-1"
	plan_line two net_memif1 "lcores 3,4" "queues 0-1"
	check_ports two 2 2 || fail "two: per-port figures"
}

case_uneven() {
	two_ports uneven 1 2 0@0,1@1,2@1,3@1
	plan_line uneven net_memif0 "lcore 1" "queue 0"
	plan_line uneven net_memif1 "lcores 2,3" "queues 0-1"
	check_ports uneven 1 2 || fail "uneven: per-port figures"
}

run_case two
run_case uneven
echo "PASS: one run over two memif pairs"
