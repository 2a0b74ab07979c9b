#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# drench monitor's exit codes and messages: 2 for bad usage or configuration
# (nothing started, errors as FILE:LINE:COL: key.path: message), 3 for a
# runtime fault (port taken), 0 with a report when nothing leaked. ~5 s.
#
#   tests/telemetry/monitor-cli.sh BUILD_DIR
set -eu

BUILD=$(cd "${1:?usage: monitor-cli.sh BUILD_DIR}" && pwd)
DRENCH=$BUILD/app/drench/drench
WORK=$(mktemp -d /tmp/drench-monitor-cli.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
expect_rc() { # want command...
	want=$1
	shift
	rc=0
	"$@" > "$WORK/stdout" 2> "$WORK/err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$WORK/err" >&2; fail "$* exited $rc, expected $want"; }
}

port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
head -c 32 /dev/urandom | base64 > "$WORK/key"
echo short > "$WORK/short.key"

expect_rc 2 "$DRENCH" monitor
expect_rc 2 "$DRENCH" monitor "$WORK/missing.yaml"

cat > "$WORK/bad.yaml" <<EOF2
telemetry:
  key_file: $WORK/key
  intervall: 1s
  targets:
    - {name: a, agent: h, pid: 1, metrics_url: "ftp://x"}
EOF2
expect_rc 2 "$DRENCH" monitor "$WORK/bad.yaml"
grep -q "bad.yaml:3:3: telemetry.intervall: unknown key" "$WORK/err" || fail "no located unknown-key error"
grep -q "bad.yaml:5:.*telemetry.targets\[0\].metrics_url: bad URL" "$WORK/err" || fail "no located URL error"

cat > "$WORK/short.yaml" <<EOF2
telemetry:
  key_file: $WORK/short.key
  targets: [{name: a, agent: h, pid: 1}]
EOF2
expect_rc 2 "$DRENCH" monitor "$WORK/short.yaml"
grep -q "must hold 16 to 256 bytes" "$WORK/err" || fail "short key not explained"

cat > "$WORK/ok.yaml" <<EOF2
output: {folder: $WORK/out}
telemetry:
  listen: 127.0.0.1:$port
  key_file: $WORK/key
  targets: [{name: a, agent: h, pid: $$}]
EOF2
expect_rc 2 "$DRENCH" monitor "$WORK/ok.yaml" --duration 2
grep -q -- "--duration: expected a number with unit us, ms, s, m, h, got '2'" "$WORK/err" ||
	fail "a duration without a unit not refused"
# a target never heard from is insufficient, and that fails the gate...
expect_rc 1 "$DRENCH" monitor "$WORK/ok.yaml" --duration 2s
[ "$(jq -r .verdict "$WORK/out/report.json")" = fail ] || fail "insufficient passed the gate"
[ "$(jq -r '.targets[0].verdict' "$WORK/out/report.json")" = insufficient ] ||
	fail "a target never heard from is not insufficient"
grep -q "insufficient evidence fails the gate" "$WORK/stdout" || fail "insufficient failure not explained"
# ... unless the campaign accepts it
sed -i 's/^  key_file:/  allow_insufficient: true\n  key_file:/' "$WORK/ok.yaml"
expect_rc 0 "$DRENCH" monitor "$WORK/ok.yaml" --duration 2s
[ "$(jq -r .verdict "$WORK/out/report.json")" = pass ] || fail "allow_insufficient: no passing report"

"$DRENCH" monitor "$WORK/ok.yaml" --duration 5s > /dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 1
expect_rc 3 "$DRENCH" monitor "$WORK/ok.yaml" --duration 1s --output "$WORK/out2"
grep -q "cannot start the collector (listen 127.0.0.1:$port" "$WORK/err" || fail "port in use not explained"
echo PASS
