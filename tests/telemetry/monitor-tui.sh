#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# drench monitor --tui in a tmux pane (its own tmux server): a growing
# process watched by a real drench-agent, and a target whose agent never
# comes. The captured pane must show the title, the progress bar with the
# time left, the watched target's live line with its memory and verdict, and
# the absent agent named; when the duration ends the terminal is given back,
# the report is written and the exit code is 0 or 1 (a leak may be found).
# Loopback only, no root. ~10 s.
#
#   tests/telemetry/monitor-tui.sh BUILD_DIR
set -euo pipefail

BUILD=$(cd "${1:?usage: monitor-tui.sh BUILD_DIR}" && pwd)
DRENCH=$BUILD/app/drench/drench
AGENT=$BUILD/app/drench-agent/drench-agent
WORK=$(mktemp -d /tmp/drench-monitor-tui.XXXXXX)
SOCK=drench-tui-$$
PIDS=""
tm() { timeout 10 tmux -L "$SOCK" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null || true
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	[ -f "$WORK/pane" ] && cat "$WORK/pane" >&2
	exit 1
}
command -v tmux >/dev/null || fail "no tmux (scripts/install-deps.sh installs it)"

port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
head -c 32 /dev/urandom | base64 >"$WORK/key"
"$AGENT" --derive-key --key-file "$WORK/key" --id here >"$WORK/here.key"
# a process whose memory grows 1 MiB every 100 ms, for 20 s at most
python3 -c 'import time
b = []
for _ in range(200):
    b.append(bytearray(1 << 20)); time.sleep(0.1)' &
GROWER=$!
PIDS="$PIDS $GROWER"
cat >"$WORK/campaign.yaml" <<EOF2
output: {folder: $WORK/out}
telemetry:
  listen: 127.0.0.1:$port
  key_file: $WORK/key
  interval: 200ms
  targets:
    - {name: grower, agent: here, pid: $GROWER}
    - {name: lonely, agent: absent, pid: $$}
EOF2

tm new-session -d -x 140 -y 40 -s t \
	"timeout --foreground --kill-after=5 20 '$DRENCH' monitor '$WORK/campaign.yaml' --tui --duration 6s 2>'$WORK/err'; echo EXIT=\$? >'$WORK/rc'; sleep 60"
sleep 1
"$AGENT" --collector 127.0.0.1:$port --key-file "$WORK/here.key" --id here \
	--profile-dir "$WORK/agent-profiles" 2>"$WORK/agent.err" &
PIDS="$PIDS $!"
# capture until the grower's line has a sample (at most 4 s)
for _ in $(seq 20); do
	sleep 0.2
	tm capture-pane -p -t t >"$WORK/pane"
	grep -q "grower.*rss=" "$WORK/pane" && break
done
grep -q "drench monitor: 2 targets, agents connect to 127.0.0.1:$port" "$WORK/pane" || fail "no title"
grep -Eq "^run \[#* *\] 0:0[0-9], 0:0[0-9] left" "$WORK/pane" || fail "no progress bar with the time left"
grep -q "memory of the targets" "$WORK/pane" || fail "no memory panel"
grep -Eq "grower +(ok|suspect|leak|insufficient) +rss=[0-9.]+ ?[KMG]" "$WORK/pane" ||
	fail "no live line with memory and verdict for the watched target"
grep -q "lonely.*waiting for agent absent" "$WORK/pane" || fail "the absent agent is not named"
cp "$WORK/pane" "$WORK/live-pane"
# MONITOR_TUI_SCREENSHOT=path.png: the pane, with its colours, as a PNG (docs/)
if [ -n "${MONITOR_TUI_SCREENSHOT:-}" ]; then
	tm capture-pane -e -p -t t | python3 "$(dirname "$0")/../report/pane-to-html.py" >"$WORK/pane.html"
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
		--window-size=1180,400 --hide-scrollbars --screenshot="$MONITOR_TUI_SCREENSHOT" \
		"file://$WORK/pane.html" 2>/dev/null >/dev/null || fail "no screenshot"
fi
for _ in $(seq 50); do
	[ -s "$WORK/rc" ] && break
	sleep 0.2
done
[ -s "$WORK/rc" ] || fail "drench monitor did not end when its duration did"
rc=$(sed 's/EXIT=//' "$WORK/rc")
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$WORK/err" >&2; fail "exit $rc"; }
[ -s "$WORK/out/report.json" ] || fail "no report.json"
tm capture-pane -p -t t >"$WORK/pane"
grep -q "drench monitor: verdict" "$WORK/pane" || fail "the terminal was not given back for the verdict line"
grep -q "memory of the targets" "$WORK/pane" && fail "the view was not cleared on exit"
cat "$WORK/live-pane"
echo PASS
