#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The same load through 2% loss and 5% reordering on the wire (both ways):
# the run completes, the retransmissions and out-of-order segments are
# counted, and every request is answered or reported as failed; none vanish
# and nothing hangs. The kernel here has no tc netem; the rig's wire-impair
# loses and holds frames in transit instead (see scripts/rig.sh).
source "$(dirname "$0")/lib.sh"
need_rig
trap '"$RIG" impair off >/dev/null' EXIT
"$RIG" impair "--loss 2 --reorder 5"

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
ooo=$(json "$rep" "$p[\"tcp\"][\"ooo_queued\"]")
echo "requests $req, answered $answered, failed $failed, retransmissions $retrans, out of order $ooo"
[ "$req" -gt 0 ] || fail "no requests"
[ "$req" = $((answered + failed)) ] || fail "$req requests != $answered answered + $failed failed"
[ "$retrans" -gt 0 ] || fail "2% loss but no retransmission counted"
[ "$ooo" -gt 0 ] || fail "5% reordering but no out-of-order segment queued"
echo PASS
