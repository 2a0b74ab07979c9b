#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The kernel in the server's namespace pings `drench serve` over IPv6: the
# responder owns fd00::2 beside 198.18.0.2 on the generator's port, the
# namespace's veth has fd00::1/64 (scripts/rig.sh up gives it). The kernel resolves
# fd00::2 with neighbour discovery (its NS to the solicited-node group, our
# NA) and every echo request gets its reply, small and near the MTU; an
# address of the prefix that is not ours stays unanswered; IPv4 keeps
# serving beside it; the responder's report counts what it answered.
source "$(dirname "$0")/lib.sh"
NS=${DRENCH_NS:-drench-sut}
SUT_IF=${DRENCH_SUT_IF:-sut0}
need_rig
PORT=9000
GEN_IP=198.18.0.2
GEN_IP6=fd00::2
SUT_IP6=fd00::1
SERVE_PID=""
cleanup() {
	if [ -n "$SERVE_PID" ]; then
		kill -INT "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
	fi
	ip netns exec "$NS" ip -6 neigh flush dev "$SUT_IF" 2>/dev/null || true
}
trap cleanup EXIT

[ "$(ip netns exec "$NS" sysctl -n "net.ipv6.conf.$SUT_IF.disable_ipv6")" = 0 ] ||
	fail "IPv6 is disabled on $SUT_IF in $NS"
ip netns exec "$NS" ip -6 addr replace "$SUT_IP6/64" dev "$SUT_IF" nodad
ip netns exec "$NS" ip -6 neigh flush dev "$SUT_IF"

timeout --signal=INT --kill-after=10 90 "$DRENCH" serve --dev "$VDEV" \
	--local-ip "$GEN_IP/24" --local-ip6 "$GEN_IP6/64" --port "$PORT" --duration 60s \
	--output "$WORK/serve" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do # the port takes a few seconds to come up
	ip netns exec "$NS" curl -s -o /dev/null --max-time 1 "http://$GEN_IP:$PORT/" && break
	kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; fail "drench serve exited"; }
	sleep 0.1
done
grep -q "also $GEN_IP6/64" "$WORK/serve.log" || { cat "$WORK/serve.log" >&2; fail "no IPv6 start line"; }

received() { sed -n 's/.* \([0-9]*\) received.*/\1/p'; }
small=$(ip netns exec "$NS" ping -6 -n -c 5 -i 0.2 -W 2 "$GEN_IP6" | tee "$WORK/ping-small" | received || true)
large=$(ip netns exec "$NS" ping -6 -n -c 3 -i 0.2 -W 2 -s 1400 "$GEN_IP6" | tee "$WORK/ping-large" |
	received || true)
other=$(ip netns exec "$NS" ping -6 -n -c 2 -i 0.2 -W 1 fd00::3 | received || true)
neigh=$(ip netns exec "$NS" ip -6 neigh show "$GEN_IP6" dev "$SUT_IF")
mac=$(cat "/sys/class/net/$GEN_IF/address")
ip netns exec "$NS" curl -s -o /dev/null --max-time 2 "http://$GEN_IP:$PORT/after" ||
	fail "IPv4 stopped answering beside IPv6"
echo "ping6 $GEN_IP6: $small of 5 (56 B), $large of 3 (1400 B); fd00::3: ${other:-0} of 2;" \
	"neighbour: $neigh"
kill -INT "$SERVE_PID"
wait "$SERVE_PID" || fail "drench serve exited $?"
SERVE_PID=""
cat "$WORK/serve.log"

bad=""
[ "$small" = 5 ] || bad+=" $small of 5 small echoes answered;"
[ "$large" = 3 ] || bad+=" $large of 3 large echoes answered;"
[ "${other:-0}" = 0 ] || bad+=" fd00::3 (not ours) answered;"
grep -qi "lladdr $mac" <<<"$neigh" || bad+=" the kernel's neighbour entry is not $mac;"
python3 - "$WORK/serve/report.json" <<'PY' || bad+=" the report disagrees;"
import json, sys
r = json.load(open(sys.argv[1]))
v6 = r["ipv6"]
print("report ipv6:", v6)
assert v6["address"] == "fd00::2/64", v6
assert v6["echo_replies"] == 8, v6
assert v6["nd_adverts_tx"] >= 1, v6
assert v6["drop_icmp6_cksum"] == 0 and v6["drop_nd_invalid"] == 0, v6
assert r["responder"]["responses"] >= 2, r["responder"]  # IPv4 beside it
PY
[ -z "$bad" ] || fail "$bad"
echo PASS
