#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# drench run --tui against nginx on the rig, in a tmux pane of its own tmux
# server: while an open-loop phase runs, the captured pane shows the phase
# with its progress and time left, requests/s against the 2000 requested,
# the latency sparklines with figures, errors by kind, connections and
# retransmissions and the worker's busy share; at the end the terminal is
# given back to the summary and the verdict, and the run exits 0.
source "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8 # the sparklines are UTF-8: patterns count characters
need_rig
command -v tmux >/dev/null || fail "no tmux (scripts/install-deps.sh installs it)"
SOCK=drench-run-tui-$$
tm() { timeout 10 tmux -u -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT

{ campaign_head; cat <<YAML; } >"$WORK/t.yaml"
requests:
  - {name: page, path: /4k}
phases:
  - {name: warm, duration: 2s, connections: 4}
  - {name: open-loop, duration: 6s, rate: 2k}
output: {folder: $WORK/t}
YAML
tm new-session -d -x 130 -y 40 -s t -e LANG=C.UTF-8 \
	"timeout --foreground --signal=INT --kill-after=10 60 '$DRENCH' run '$WORK/t.yaml' --tui 2>'$WORK/err'; echo EXIT=\$? >'$WORK/rc'; sleep 60"
pane() { tm capture-pane -p -t t >"$WORK/pane"; }
# wait for the second phase to show its figures (the EAL and ARP come first)
for _ in $(seq 100); do
	sleep 0.2
	[ -s "$WORK/rc" ] && break
	pane
	grep -q "open-loop" "$WORK/pane" && grep -q "p99.9 .*[0-9] us" "$WORK/pane" && break
done
sleep 2 # a few seconds of the open loop, for the sparklines
pane
cp "$WORK/pane" "$WORK/live"
# RUN_TUI_SCREENSHOT=path.png: the pane, with its colours, as a PNG (docs/)
if [ -n "${RUN_TUI_SCREENSHOT:-}" ]; then
	tm capture-pane -e -p -t t | python3 "$ROOT/tests/report/pane-to-html.py" >"$WORK/pane.html"
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
		--window-size=1100,560 --hide-scrollbars --screenshot="$RUN_TUI_SCREENSHOT" \
		"file://$WORK/pane.html" 2>/dev/null >/dev/null || fail "no screenshot"
fi
show() { cat "$WORK/live" >&2; fail "$*"; }
grep -q "drench run: 2 phase(s), report to $WORK/t" "$WORK/live" || show "no title"
grep -Eq "^phase 2/2 open-loop +0:0[0-9], 0:0[0-9] left in the phase" "$WORK/live" ||
	show "no phase with its time left"
grep -Eq "^run \[#+ *\] 0:[01][0-9], 0:0[0-9] left" "$WORK/live" || show "no progress bar"
grep -Eq "^responses/s (19[0-9][0-9]|20[0-9][0-9]) of 2000 requested" "$WORK/live" ||
	show "no responses/s against the requested rate"
for q in p50 p99 p99.9; do
	grep -Eq "^  $q +[0-9]+ us +[▁▂▃▄▅▆▇█]{2,}" "$WORK/live" || show "no $q figure with a sparkline"
done
grep -q "connect 0 (0/s)  timeout 0 (0/s)  reset 0 (0/s)  parse 0 (0/s)  validation 0 (0/s)" \
	"$WORK/live" || show "no errors by kind"
grep -Eq "^connections open [0-9]+, opened [0-9]+/s" "$WORK/live" || show "no connections"
grep -Eq "^retransmissions [0-9]+/s \([0-9]+ in all\)" "$WORK/live" || show "no retransmissions"
# 2000 requests/s keep the worker busy part of each second, never none of it
grep -Eq "^workers busy  w0 +([1-9]|[1-9][0-9]|100)%$" "$WORK/live" || show "no busy share of the worker"
for _ in $(seq 100); do
	[ -s "$WORK/rc" ] && break
	sleep 0.2
done
[ -s "$WORK/rc" ] || show "drench run did not end"
pane
rc=$(sed 's/EXIT=//' "$WORK/rc")
[ "$rc" = 0 ] || { cat "$WORK/pane" "$WORK/err" >&2; fail "exit $rc"; }
grep -q -- "--- drench summary ---" "$WORK/pane" || { cat "$WORK/pane" >&2; fail "no summary after the view"; }
grep -q "verdict: pass" "$WORK/pane" || { cat "$WORK/pane" >&2; fail "no verdict"; }
cat "$WORK/live"
echo PASS
