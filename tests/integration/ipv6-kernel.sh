#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TCP over IPv6 against the kernel of the rig's server namespace, both ways.
#   drench run -> nginx on [fd00::1] (an nginx of the test's own, logging each
#   request): keep-alive (4 KiB bodies) and churn (one request per
#   connection, 64 B bodies), each with zero errors, every request answered,
#   body bytes exact, as many requests in nginx's log as drench counted, and
#   no connection left open on the server after the drain.
#   kernel curl -> drench serve on fd00::2: keep-alive (several requests on
#   one connection) and churn (a connection each), body bytes exact and the
#   responder's counts equal to curl's.
# The generator owns fd00::2/64 on its port; scripts/rig.sh up gives the
# namespace's veth fd00::1/64.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ns-servers.sh"
NS=${DRENCH_NS:-drench-sut}
SUT_IF=${DRENCH_SUT_IF:-sut0}
need_rig
SUT_IP6=fd00::1
GEN_IP6=fd00::2
PORT=8193
SERVE_PORT=9006
SERVE_PID=""
cleanup() {
	if [ -n "$SERVE_PID" ]; then
		kill -INT "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
	fi
	stop_ns_servers
}
trap cleanup EXIT

ip netns exec "$NS" ip -6 addr replace "$SUT_IP6/64" dev "$SUT_IF" nodad
ip netns exec "$NS" ip -6 neigh flush dev "$SUT_IF"
SUT_IP="[$SUT_IP6]" start_logging_nginx "$PORT"

# run_v6 NAME PATH SIZE ARGS... : one run over IPv6, its report checked
run_v6() {
	local name=$1 path=$2 size=$3 out="$WORK/$1" rc=0
	shift 3
	: >"$WORK/access.log"
	drench_run "$out" --url "http://[$SUT_IP6]:$PORT/$path" --local-ip6 "$GEN_IP6/64" \
		--duration 3s --drain 10s --quiet "$@" >/dev/null || rc=$?
	local rep="$out/report.json"
	[ -f "$rep" ] || { cat "$out.log" >&2; fail "$name: no report.json (exit $rc)"; }
	[ "$rc" = 0 ] || { cat "$out.log" >&2; fail "$name: exit code $rc"; }
	local req ok errs body opened
	read -r req ok errs body opened < <(json "$rep" "'%d %d %d %d %d' % (r['phases'][0]['requests'], r['phases'][0]['responses']['2xx'], sum(r['phases'][0]['errors'].values()), r['phases'][0]['body_bytes'], r['phases'][0]['connections']['opened'])")
	for _ in $(seq 20); do # nginx writes its log line after the response
		[ "$(wc -l <"$WORK/access.log")" -ge "$ok" ] && break
		sleep 0.1
	done
	local logged
	logged=$(awk -v p="$PORT" '$1 == p && $2 == 200 && $4 == "OK"' "$WORK/access.log" | wc -l)
	echo "$name: requests $req, 2xx $ok, errors $errs, body bytes $body, connections $opened," \
		"nginx logged $logged"
	[ "$req" -gt 0 ] || fail "$name: no requests"
	[ "$errs" = 0 ] || fail "$name: $errs errors"
	[ "$req" = "$ok" ] || fail "$name: $req requests but $ok 2xx"
	[ "$body" = $((ok * size)) ] || fail "$name: body bytes $body != $ok x $size"
	[ "$logged" = "$ok" ] || fail "$name: nginx logged $logged, drench counted $ok"
	for _ in $(seq 20); do
		[ -z "$(server_open_conns "$PORT")" ] && { LAST_OPENED=$opened; LAST_OK=$ok; return 0; }
		sleep 0.1
	done
	server_open_conns "$PORT" >&2
	fail "$name: connections left open on the server after the drain"
}

run_v6 keepalive 4k 4096 --connections 16
[ "$LAST_OPENED" = 16 ] || fail "keep-alive opened $LAST_OPENED connections, not 16"
run_v6 churn 64b 64 --connections 8 --requests-per-conn 1
[ "$LAST_OPENED" -ge "$LAST_OK" ] || fail "churn: $LAST_OK responses on $LAST_OPENED connections"

# the kernel as the client: drench serve answers on fd00::2
timeout --signal=INT --kill-after=10 90 "$DRENCH" serve --dev "$VDEV" --local-ip "198.18.0.2/24" \
	--local-ip6 "$GEN_IP6/64" --port "$SERVE_PORT" --body-size 1000 --duration 60s --quiet \
	--output "$WORK/serve" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
up=""
for _ in $(seq 100); do # the port takes a few seconds to come up
	ip netns exec "$NS" curl -s -o /dev/null --max-time 1 "http://[$GEN_IP6]:$SERVE_PORT/" &&
		{ up=1; break; }
	kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; fail "drench serve exited"; }
	sleep 0.1
done
[ -n "$up" ] || { cat "$WORK/serve.log" >&2; fail "drench serve never answered on [$GEN_IP6]"; }
urls=() # one curl, 20 URLs: one connection kept alive
for i in $(seq 20); do urls+=(-o /dev/null "http://[$GEN_IP6]:$SERVE_PORT/k$i"); done
read -r ka_bytes ka_conns < <(ip netns exec "$NS" curl -s --max-time 10 \
	-w '%{size_download} %{num_connects}\n' "${urls[@]}" |
	awk '{b += $1; c += $2} END {print b, c}')
churn_bytes=0
for i in $(seq 20); do
	n=$(ip netns exec "$NS" curl -s --max-time 5 -o /dev/null -w '%{size_download}' \
		"http://[$GEN_IP6]:$SERVE_PORT/c$i") || fail "churn request $i failed"
	churn_bytes=$((churn_bytes + n))
done
echo "kernel -> drench serve over IPv6: keep-alive 20 requests, $ka_bytes bytes on $ka_conns" \
	"connection(s); churn 20 connections, $churn_bytes bytes"
kill -INT "$SERVE_PID"
wait "$SERVE_PID" || fail "drench serve exited $?"
SERVE_PID=""
[ "$ka_bytes" = 20000 ] || fail "keep-alive: $ka_bytes bytes, not 20 x 1000"
[ "$ka_conns" = 1 ] || fail "keep-alive: $ka_conns connections, not 1"
[ "$churn_bytes" = 20000 ] || fail "churn: $churn_bytes bytes, not 20 x 1000"
python3 - "$WORK/serve/report.json" <<'PY' || fail "the responder's report disagrees"
import json, sys
r = json.load(open(sys.argv[1]))
resp = r["responder"]
print("responder:", {k: resp[k] for k in ("requests", "responses", "body_bytes", "connections")})
# 1 (the wait for the port) + 20 keep-alive + 20 churn, or more waits
assert resp["responses"] == resp["requests"] >= 41, resp
assert resp["body_bytes"] == 1000 * resp["responses"], resp
assert resp["connections"]["accepted"] >= 22, resp
assert resp["connections"]["open_at_end"] == 0, resp
PY
echo PASS
