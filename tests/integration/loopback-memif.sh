#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench run against drench serve over a net_memif pair, no kernel in the
# way: every request answered, zero errors, body bytes exact on both sides.
#   keep-alive, 1000-byte Content-Length bodies, 5 s
#   keep-alive, 5000-byte chunked bodies, 2 s
#   one request per connection, the server closing first, 2 s
# Needs root and hugepages (two DPDK processes, --in-memory); skips (77)
# without them. Usage: DRENCH=path/to/drench loopback-memif.sh
set -euo pipefail

DRENCH=${DRENCH:?set DRENCH to the drench binary}
WORK=$(mktemp -d /tmp/drench-memif.XXXXXX)
SOCK=/run/drench-memif-it.$$.sock
SRV_PID=

cleanup() {
	[ -n "$SRV_PID" ] && kill -INT "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null || true
	rm -f "$SOCK"
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (DPDK, hugepages)"
	exit 77
fi
if [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -lt 64 ]; then
	echo "SKIP: fewer than 64 free hugepages (scripts/rig.sh up reserves them)"
	exit 77
fi

# serve NAME ARGS... : start the responder in the background, wait until it listens
serve() {
	local name=$1
	shift
	rm -f "$SOCK"
	timeout --signal=INT --kill-after=10 60 "$DRENCH" serve --lcores 0 \
		--dev "net_memif0,role=server,socket=$SOCK" --local-ip 198.18.0.1/24 --quiet \
		"$@" >"$WORK/$name.serve.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		grep -q "^drench serve: port" "$WORK/$name.serve.log" && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$WORK/$name.serve.log" >&2
	fail "$name: drench serve did not start"
}

# stop_server NAME
stop_server() {
	local rc=0
	kill -INT "$SRV_PID" 2>/dev/null || true
	wait "$SRV_PID" || rc=$?
	SRV_PID=
	if [ "$rc" != 0 ]; then
		cat "$WORK/$1.serve.log" >&2
		fail "$1: drench serve exited with $rc"
	fi
}

# client NAME ARGS... : a bounded drench run against the responder. The
# responder stops as soon as the client is done with its port (its report is
# written), while the client is held, before it closes the port: the memif PMD
# of DPDK 22.11 may crash in rx_burst when the peer disconnects while it polls.
client() {
	local name=$1 pid rc=0
	shift
	timeout --signal=INT --kill-after=10 60 "$DRENCH" run --lcores 0,1 \
		--dev "net_memif0,role=client,socket=$SOCK" --local-ip 198.18.0.2/24 \
		--url http://198.18.0.1/ --quiet --output "$WORK/$name" "$@" \
		>"$WORK/$name.run.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && ! grep -qs "^report: " "$WORK/$name.run.log"; do
		sleep 0.05
	done
	# Hold the client (its workers have stopped polling) so that it cannot
	# close its end of the memif while the responder still polls and shuts down.
	local child
	child=$(pgrep -P "$pid" || true)
	[ -n "$child" ] && kill -STOP "$child"
	stop_server "$name"
	[ -n "$child" ] && kill -CONT "$child"
	wait "$pid" || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$WORK/$name.run.log" >&2
		fail "$name: drench run exited with $rc"
	fi
}

# check NAME BODY_SIZE : both sides agree, nothing lost, no error
check() {
	local name=$1 body=$2
	python3 - "$WORK/$name/report.json" "$WORK/$name.serve.log" "$body" "$name" <<'PY'
import json, re, sys
report, serve_log, body, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
p = json.load(open(report))["phases"][0]
log = open(serve_log).read()
m = re.search(r"^summary: .* requests (\d+) .*, responses (\d+), body bytes (\d+), "
              r"parse errors (\d+)$", log, re.M)
if not m:
    sys.exit(f"{name}: no summary from drench serve:\n{log}")
s_req, s_resp, s_body, s_perr = map(int, m.groups())
ok2xx = p["responses"]["2xx"]
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want(p["requests"] > 0, "the client sent no request")
want(p["requests"] == ok2xx, f"client: {p['requests']} requests, {ok2xx} 2xx responses")
want(sum(p["responses"].values()) == ok2xx, f"client: non-2xx responses {p['responses']}")
want(all(v == 0 for v in p["errors"].values()), f"client errors {p['errors']}")
want(p["body_bytes"] == ok2xx * body,
     f"client: body bytes {p['body_bytes']}, expected {ok2xx} x {body}")
want(s_req == p["requests"], f"server parsed {s_req} requests, client sent {p['requests']}")
want(s_resp == s_req, f"server: {s_req} requests, {s_resp} responses")
want(s_body == p["body_bytes"], f"server sent {s_body} body bytes, client got {p['body_bytes']}")
want(s_perr == 0, f"server: {s_perr} parse errors")
if problems:
    sys.exit(f"{name}: " + "; ".join(problems))
print(f"ok {name}: {p['requests']} requests, {p['body_bytes']} body bytes, "
      f"{p['rps']:.0f} rps")
PY
}

case_keepalive() {
	serve keepalive --body-size 1000
	client keepalive --duration 5s --connections 64
	check keepalive 1000 || fail "keep-alive run"
}

case_chunked() {
	serve chunked --body-size 5000 --chunked
	client chunked --duration 2s --connections 32
	check chunked 5000 || fail "chunked run"
}

case_cps() {
	serve cps --body-size 100 --keepalive-requests 1
	client cps --duration 2s --connections 64 --requests-per-conn 1
	check cps 100 || fail "one request per connection"
	grep -q "keep-alive closes [1-9]" "$WORK/cps.serve.log" || fail "cps: the server never closed first"
}

# DPDK 22.11's memif PMD can segfault inside rx_burst (librte_net_memif, seen
# in dmesg). A case whose responder died of SIGSEGV runs again, at most three
# times, and says so; any other failure fails at once.
run_case() { # NAME
	local try
	for try in 1 2 3; do
		if ( "case_$1" ) 2>"$WORK/$1.err"; then
			return 0
		fi
		cat "$WORK/$1.err" >&2
		grep -q "drench serve exited with 139" "$WORK/$1.err" || exit 1
		echo "NOTE: $1: drench serve crashed in the memif PMD (SIGSEGV), attempt $try" >&2
	done
	fail "$1: drench serve crashed three times"
}

run_case keepalive
run_case chunked
run_case cps
echo "PASS: loopback over net_memif"
