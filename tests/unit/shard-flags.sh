#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench run refuses a bad --shard or --start-at before anything starts
# (exit 2, the flag and the value named), in both forms.
set -euo pipefail
DRENCH=${DRENCH:?}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

refused() { # WANT ARGS...
	local want=$1 rc=0 err
	shift
	err=$("$DRENCH" run "$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 2 ] || fail "exit $rc for $*, expected 2"
	[[ "$err" == *"$want"* ]] || fail "for $*: got '$err', expected '$want'"
}
flags=(--dev net_null0 --url http://198.18.0.1/)
refused "--shard: expected I/N, this generator's index from 0 to N-1 of N (at most 1024), such as 0/4, got '2/2'" \
	"${flags[@]}" --shard 2/2
refused "got '1/0'" "${flags[@]}" --shard 1/0
refused "got '-1/4'" "${flags[@]}" --shard -1/4
refused "--start-at: expected a UTC time such as 2026-12-03T06:00:00Z, or @UNIX_SECONDS, got '2026-12-03T06:00:00'" \
	"${flags[@]}" --start-at 2026-12-03T06:00:00
refused "got '@-3'" "${flags[@]}" --start-at @-3
# the campaign form takes both flags, and checks them the same way
refused "--shard: expected I/N" "$ROOT/config/sharded.yaml" --shard 5/4
refused "--start-at: expected" "$ROOT/config/sharded.yaml" --start-at soon
refused "a responder has no load to shard or to start at a time" \
	"$ROOT/config/loopback-responder.yaml" --shard 0/2
echo PASS
