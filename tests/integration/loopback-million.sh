#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# One million concurrent connections against the built-in responder over a
# net_memif pair, from 20 local addresses (55536 ports each): every
# connection is established and open at the same time, sends requests
# (one at once, then one after a think time of 20 s), and none is lost.
# Needs root, hugepages and about 1 GiB of memory.
# Usage: DRENCH=path/to/drench loopback-million.sh
set -euo pipefail

CONNS=${CONNS:-1000000}
MEMIF_OPTS=,rsize=12
CLIENT_LIMIT=120
SERVE_LIMIT=120
source "$(dirname "$0")/memif-lib.sh"

# check : the client's report and the responder's summary agree
check() {
	python3 - "$WORK/million/report.json" "$WORK/million.serve.log" "$CONNS" <<'PY'
import json, re, sys
report, serve_log, conns = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = json.load(open(report))
p = r["phases"][0]
log = open(serve_log).read()
m = re.search(r"^connections: accepted (\d+) ", log, re.M)
s = re.search(r"^summary: .* requests (\d+) .*, responses (\d+),", log, re.M)
if not m or not s:
    sys.exit(f"no summary from drench serve:\n{log}")
accepted, s_req, s_resp = int(m.group(1)), int(s.group(1)), int(s.group(2))
problems = []
def want(cond, what):
    if not cond:
        problems.append(what)
want(r["local_addresses"] == 20, f"local addresses {r['local_addresses']}")
want(r["bytes_per_connection"] <= 128, f"{r['bytes_per_connection']} bytes per connection")
want(r["established_peak"] >= conns, f"at most {r['established_peak']} established at once")
c = p["connections"]
want(c["opened"] == conns, f"{c['opened']} connections opened (a failed one is reopened)")
want(c["unused"] == 0, f"{c['unused']} connections closed without a request")
want(accepted == conns, f"the responder accepted {accepted}")
want(p["requests"] >= conns, f"{p['requests']} requests for {conns} connections")
want(p["responses"]["2xx"] == p["requests"],
     f"{p['requests']} requests, {p['responses']['2xx']} answered")
want(all(v == 0 for v in p["errors"].values()), f"errors {p['errors']}")
want(s_req == p["requests"] and s_resp == s_req,
     f"responder: {s_req} requests, {s_resp} responses; client sent {p['requests']}")
if problems:
    sys.exit("; ".join(problems))
print(f"ok: {r['established_peak']} connections established at once from "
      f"{r['local_addresses']} addresses, {p['requests']} requests answered, "
      f"{r['bytes_per_connection']} bytes per connection")
PY
}

case_million() {
	serve million --max-conns $((CONNS + CONNS / 10)) --mbufs 65535
	client million --local-ip 198.18.0.10-198.18.0.29/24 --connections "$CONNS" \
		--think 20s --duration 25s
	check || fail "one million connections"
}

run_case million
echo "PASS: $CONNS concurrent connections over net_memif"
