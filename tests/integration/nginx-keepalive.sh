#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench against nginx in the rig, 64 keep-alive connections for 10 s per body
# size: no errors, every request answered, body bytes exact. The drain is long
# because a 256 KiB response that lost segments at the veth's RX ring waits on
# the server's RTO backoff (no SACK yet), which can take seconds.
source "$(dirname "$0")/lib.sh"
need_rig
DURATION=${DURATION:-10s}

check_body() {
	local path=$1 size=$2 out="$WORK/$1"
	local rc=0
	drench_run "$out" --url "http://$SUT_IP/$path" --connections 64 --duration "$DURATION" --drain 20s \
		--quiet || rc=$?
	local rep="$out/report.json"
	[ -f "$rep" ] || fail "$path: no report.json"
	[ "$rc" = 0 ] || fail "$path: exit code $rc"
	local p='r["phases"][0]'
	local req ok errs body
	req=$(json "$rep" "$p[\"requests\"]")
	ok=$(json "$rep" "$p[\"responses\"][\"2xx\"]")
	errs=$(json "$rep" "sum($p[\"errors\"].values())")
	body=$(json "$rep" "$p[\"body_bytes\"]")
	echo "$path: requests $req, 2xx $ok, errors $errs, body bytes $body"
	[ "$req" -gt 0 ] || fail "$path: no requests"
	[ "$errs" = 0 ] || fail "$path: $errs errors"
	[ "$req" = "$ok" ] || fail "$path: $req requests but $ok 2xx responses"
	[ "$body" = $((ok * size)) ] || fail "$path: body bytes $body != $ok x $size"
	[ "$(json "$rep" 'r["verdict"]')" = pass ] || fail "$path: verdict not pass"
}

check_body 64b 64
check_body 4k 4096
check_body 256k 262144
check_body chunked 10000
echo PASS
