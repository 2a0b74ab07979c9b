#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The terminal view's layout from known figures (tests/tui/tui-frames), in a
# tmux pane of its own tmux server: phase and time left, the progress bar,
# responses/s against requested in yellow (below 95 %), the three latency
# rows with sparklines (p99.9 unknown every other second: a gap, not a
# zero), errors by kind with the non-zero kind in red, connections,
# retransmissions, each worker's busy share (yellow above 90 %, '-' when
# unknown), and a target line per verdict colour. No DPDK, ~3 s.
#   tests/tui/tui-view.sh TUI_FRAMES
set -euo pipefail
export LC_ALL=C.UTF-8 # the sparklines are UTF-8: patterns count characters
FRAMES=$(cd "$(dirname "${1:?usage: tui-view.sh TUI_FRAMES}")" && pwd)/$(basename "$1")
command -v tmux >/dev/null || { echo "FAIL: no tmux" >&2; exit 1; }
SOCK=drench-tui-view-$$
WORK=$(mktemp -d /tmp/drench-tui-view.XXXXXX)
tm() { timeout 10 tmux -u -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$WORK/pane" >&2; exit 1; }

tm new-session -d -x 120 -y 36 -s t -e LANG=C.UTF-8 "timeout --foreground 20 '$FRAMES' 40"
sleep 3 # 40 frames of 50 ms, then held
tm capture-pane -p -t t >"$WORK/pane"
tm capture-pane -e -p -t t >"$WORK/colour"
grep -q "^ drench run: 3 phase(s), report to out" "$WORK/pane" || fail "title"
grep -q "^phase 2/3 steady  1:44, 3:16 left in the phase" "$WORK/pane" || fail "phase line"
grep -Eq "^run \[#{20,} +\] 2:19, 4:21 left" "$WORK/pane" || fail "progress bar"
grep -q "^responses/s 1939 of 2000 requested (97%)" "$WORK/pane" || fail "responses/s"
grep -Eq "^  p50 +139 us +[▁▂▃▄▅▆▇█]{30,}" "$WORK/pane" || fail "p50 row"
grep -Eq "^  p99 +790 us +[▁▂▃▄▅▆▇█]{30,}" "$WORK/pane" || fail "p99 row"
# p99.9 is unknown on odd frames: the last (39) shows '-', the sparkline has gaps
grep -Eq "^  p99.9 +- +([▁▂▃▄▅▆▇█] ){10,}" "$WORK/pane" || fail "p99.9 row with gaps"
grep -q "connect 0 (0/s)  timeout 3 (1/s)  reset 0 (0/s)" "$WORK/pane" || fail "errors by kind"
grep -q "^connections open 64, opened 5/s" "$WORK/pane" || fail "connections"
grep -q "^retransmissions 2/s (40 in all)" "$WORK/pane" || fail "retransmissions"
grep -q "^workers busy  w0  38%  w1  95%  w2    -$" "$WORK/pane" || fail "busy share per worker"
grep -q "^  (no sample yet)" "$WORK/pane" || fail "a target without a line"
# colours: the timeout count red (31), the leak line red, the ok line green (32)
grep -q $'\e\\[31mtimeout 3 (1/s)' "$WORK/colour" || fail "non-zero errors are not red"
grep -Eq $'\e\\[(1m\e\\[)?31m.*api +leak' "$WORK/colour" || grep -Eq $'\e\\[1;31m.*api +leak' "$WORK/colour" ||
	fail "the leaking target is not red"
grep -q $'\e\\[32m.*cache *ok' "$WORK/colour" || fail "the ok target is not green"
grep -q $'\e\\[33m 95%' "$WORK/colour" || fail "a worker over 90 % busy is not yellow"
# TUI_VIEW_SCREENSHOT=path.png: the pane, with its colours, as a PNG (docs/)
if [ -n "${TUI_VIEW_SCREENSHOT:-}" ]; then
	python3 "$(dirname "$0")/../report/pane-to-html.py" <"$WORK/colour" >"$WORK/pane.html"
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
		--window-size=1000,560 --hide-scrollbars --screenshot="$TUI_VIEW_SCREENSHOT" \
		"file://$WORK/pane.html" >/dev/null 2>&1 || fail "no screenshot"
fi
echo PASS
