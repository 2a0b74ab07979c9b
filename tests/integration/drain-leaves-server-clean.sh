#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# After drench's drain the server holds no connection of the run, even when
# no close can complete. The wire loses every TCP segment with FIN (both
# ways), so each graceful close times out and drench aborts. The server's
# next sequence number is then short of drench's by the lost FIN: it takes
# drench's RST for an attack and answers with a challenge ACK (RFC 5961),
# which drench must answer with an exact RST before it exits.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ns-servers.sh"
need_rig
PORT=8190
CONNS=8
cleanup() {
	"$RIG" impair off >/dev/null 2>&1 || true
	stop_ns_servers
}
trap cleanup EXIT

start_logging_nginx "$PORT"
"$RIG" impair "--lose-fin" >/dev/null
rc=0
RUN_LIMIT=40 drench_run "$WORK/out" --url "http://$SUT_IP:$PORT/4k" --connections "$CONNS" \
	--rate 400 --duration 2s --quiet >/dev/null || rc=$?
"$RIG" impair off >/dev/null
rep="$WORK/out/report.json"
[ -f "$rep" ] || fail "no report.json (exit $rc)"
[ "$rc" = 0 ] || fail "exit code $rc"
read -r req ok aborted opened < <(json "$rep" "'%d %d %d %d' % (r['phases'][0]['requests'], r['phases'][0]['responses']['2xx'], r['phases'][0]['connections']['aborted'], r['phases'][0]['connections']['opened'])")
echo "requests $req, 2xx $ok; connections opened $opened, aborted at the drain $aborted"
[ "$req" -gt 0 ] && [ "$ok" = "$req" ] || fail "$ok of $req requests answered"
# every close timed out, so the drain ended in aborts: the case under test
[ "$aborted" -gt 0 ] && [ "$aborted" = "$opened" ] || fail "$aborted of $opened connections aborted, expected all"
for _ in $(seq 20); do
	[ -z "$(server_open_conns "$PORT")" ] && { echo PASS; exit 0; }
	sleep 0.1
done
server_open_conns "$PORT" >&2
fail "connections left open on the server after the drain"
