#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench run against drench serve over a net_memif pair, no kernel in the
# way: every request answered, zero errors, body bytes exact on both sides.
#   keep-alive, 1000-byte Content-Length bodies, 5 s
#   keep-alive, 5000-byte chunked bodies, 2 s
#   one request per connection, the server closing first, 2 s
#   two client workers on two queue pairs, the responder replying to port P
#   on queue P % 2 (as RSS with drench's key would): no frame reaches a
#   worker that does not own it, and the per-worker counts add up
#   the same over IPv6 (the client on fd00::2 asking http://[fd00::1]/):
#   keep-alive, one request per connection, and two workers on two queues
# Needs root and hugepages (two DPDK processes, --in-memory); skips (77)
# without them. Usage: DRENCH=path/to/drench loopback-memif.sh
set -euo pipefail

source "$(dirname "$0")/memif-lib.sh"

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

# queues : 0 misdirected frames with two queues, per-worker counts add up
check_queues() {
	python3 - "$WORK/queues/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p, w = r["phases"][0], r["workers"]
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want(len(w) == 2, f"{len(w)} workers")
want(all(x["requests"] > 0 for x in w), f"a worker sent nothing: {w}")
want(sum(x["requests"] for x in w) == p["requests"], f"worker requests {w} vs {p['requests']}")
want(sum(x["responses"] for x in w) == p["responses"]["2xx"], f"worker responses {w}")
want(p["requests"] == p["responses"]["2xx"], f"{p['requests']} requests, {p['responses']}")
want(all(v == 0 for v in p["errors"].values()), f"errors {p['errors']}")
want(all(x["steered_out"] == 0 and x["steered_in"] == 0 and x["steer_drops"] == 0 for x in w),
     f"frames reached a worker that does not own them: {w}")
if problems:
    sys.exit("queues: " + "; ".join(problems))
print(f"ok queues: {[x['requests'] for x in w]} requests per worker, 0 misdirected")
PY
}

case_queues() {
	serve queues --queues 2
	client queues --lcores 0@0,1@1,2@1 --duration 3s --connections 64
	check_queues || fail "two queues"
}

V6_SERVE=(--local-ip6 fd00::1/64)
V6_CLIENT=(--local-ip6 fd00::2/64 --url "http://[fd00::1]/")

case_ipv6_keepalive() {
	serve ipv6_keepalive --body-size 1000 "${V6_SERVE[@]}"
	client ipv6_keepalive --duration 3s --connections 64 "${V6_CLIENT[@]}"
	check ipv6_keepalive 1000 || fail "IPv6 keep-alive run"
}

case_ipv6_cps() {
	serve ipv6_cps --body-size 100 --keepalive-requests 1 "${V6_SERVE[@]}"
	client ipv6_cps --duration 2s --connections 64 --requests-per-conn 1 "${V6_CLIENT[@]}"
	check ipv6_cps 100 || fail "IPv6, one request per connection"
}

case_ipv6_queues() {
	serve queues --queues 2 "${V6_SERVE[@]}"
	client queues --lcores 0@0,1@1,2@1 --duration 3s --connections 64 "${V6_CLIENT[@]}"
	check_queues || fail "IPv6, two queues"
}

run_case keepalive
run_case chunked
run_case cps
run_case queues
run_case ipv6_keepalive
run_case ipv6_cps
run_case ipv6_queues
echo "PASS: loopback over net_memif"
