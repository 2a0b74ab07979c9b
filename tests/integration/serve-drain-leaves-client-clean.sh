#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# After drench serve's shutdown the kernel clients hold no connection to it,
# even when no close can complete. The wire loses every TCP segment with
# FIN, so each of serve's graceful closes times out and it aborts. A client's
# next expected sequence number is then short of serve's by the lost FIN: it
# takes serve's RST for an attack and answers with a challenge ACK (RFC
# 5961), which serve must answer with an exact RST before it exits.
source "$(dirname "$0")/lib.sh"
need_rig
NS=${DRENCH_NS:-drench-sut}
GEN_IP=${DRENCH_GEN_IP:-198.18.0.2}
PORT=8191
CONNS=8
CLIENT_PID=
cleanup() {
	"$RIG" impair off >/dev/null 2>&1 || true
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null || true
}
trap cleanup EXIT

client_conns() {
	ip netns exec "$NS" ss -Htn state established "dst $GEN_IP:$PORT"
}

"$RIG" impair "--lose-fin" >/dev/null
timeout --signal=INT --kill-after=10 40 "$DRENCH" serve --dev "$VDEV" \
	--local-ip "$GEN_IP/24" --port "$PORT" --duration 4s --quiet >"$WORK/serve.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do
	grep -q "^drench serve: port" "$WORK/serve.log" && break
	sleep 0.1
done
grep -q "^drench serve: port" "$WORK/serve.log" || fail "serve did not start: $(cat "$WORK/serve.log")"
# CONNS keep-alive connections, one answered GET each, then held open and idle
ip netns exec "$NS" python3 - "$GEN_IP" "$PORT" "$CONNS" >"$WORK/client.log" 2>&1 <<'PY' &
import socket, sys, time
ip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.create_connection((ip, port), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert s.recv(4096).startswith(b"HTTP/1.1 200"), "no response"
    socks.append(s)
print("answered", len(socks), flush=True)
time.sleep(30)
PY
CLIENT_PID=$!
rc=0
wait "$SRV" || rc=$?
"$RIG" impair off >/dev/null
grep -q "answered $CONNS" "$WORK/client.log" || fail "the clients were not answered: $(cat "$WORK/client.log")"
[ "$rc" = 0 ] || fail "serve exit code $rc: $(cat "$WORK/serve.log")"
grep "^connections:\|^tcp:" "$WORK/serve.log"
for _ in $(seq 20); do
	[ -z "$(client_conns)" ] && { echo PASS; exit 0; }
	sleep 0.1
done
client_conns >&2
fail "connections left established on the clients after serve's shutdown"
