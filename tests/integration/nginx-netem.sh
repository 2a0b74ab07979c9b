#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The same load through 2% loss and 5% reordering: the run completes, the
# retransmissions are counted, and every request is answered or reported as
# failed; none vanish and nothing hangs.
source "$(dirname "$0")/lib.sh"
need_rig
trap '"$RIG" netem off >/dev/null' EXIT
"$RIG" netem "delay 1ms loss 2% reorder 5% 50%"

out="$WORK/netem"
rc=0
RUN_LIMIT=60 drench_run "$out" --url "http://$SUT_IP/4k" --connections 64 --duration 10s \
	--quiet || rc=$?
rep="$out/report.json"
[ -f "$rep" ] || fail "no report.json (exit $rc)"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit code $rc: a runtime fault or a hang"
p='r["phases"][0]'
req=$(json "$rep" "$p[\"requests\"]")
answered=$(json "$rep" "sum($p[\"responses\"].values()) + $p[\"responses_other\"]")
failed=$(json "$rep" "$p[\"errors\"][\"timeout\"] + $p[\"errors\"][\"reset\"] + $p[\"errors\"][\"parse\"]")
retrans=$(json "$rep" "$p[\"tcp\"][\"retrans_rto\"] + $p[\"tcp\"][\"retrans_fast\"]")
echo "requests $req, answered $answered, failed $failed, retransmissions $retrans"
[ "$req" -gt 0 ] || fail "no requests"
[ "$req" = $((answered + failed)) ] || fail "$req requests != $answered answered + $failed failed"
[ "$retrans" -gt 0 ] || fail "2% loss but no retransmission counted"
echo PASS
