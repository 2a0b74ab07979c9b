#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# report.html laid out by headless Chromium, from a fixed report
# (report-fixture: an open-loop phase and a 19-phase steps ramp, a target
# that leaks): check-dom.js, appended to a copy, measures the page and the
# assertions read its JSON from --dump-dom: five charts, each with two bands
# (the ramp is one) and 18 level ticks, labels that neither overlap nor leave
# their band, a summary row and a folded detail per phase, the memory bars
# coloured by verdict, the floor over time with its points, phase bands,
# idle floor and verdict, nothing fetched. No DPDK, ~3 s.
#   tests/report/report-html-dom.sh REPORT_FIXTURE
set -euo pipefail
FIXTURE=${1:?usage: report-html-dom.sh REPORT_FIXTURE}
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${CHROMIUM:-chromium}
WORK=$(mktemp -d /tmp/drench-html-dom.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v "$CHROMIUM" >/dev/null || fail "no $CHROMIUM (scripts/install-deps.sh installs it)"

"$FIXTURE" "$WORK/report.html" || fail "report-fixture"
{ sed 's#</body>##; s#</html>##' "$WORK/report.html"
  printf '<script>\n'; cat "$HERE/check-dom.js"; printf '</script>\n</body>\n</html>\n'
} >"$WORK/check.html"
timeout --kill-after=5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$WORK/profile" --window-size=1000,3000 --dump-dom \
	"file://$WORK/check.html" >"$WORK/dom.html" 2>"$WORK/chromium.log" ||
	fail "chromium --dump-dom"
python3 - "$WORK/dom.html" <<'PY' || fail "report.html as laid out"
import html, json, re, sys
m = re.search(r'<pre id="drench-check">(.*?)</pre>', open(sys.argv[1]).read(), re.S)
assert m, "the check script did not run"
d = json.loads(html.unescape(m.group(1)))
charts = d["charts"]
assert set(charts) == {"chart-rps", "chart-latency", "chart-errors", "chart-conns",
                       "chart-retrans"}, sorted(charts)
for cid, c in charts.items():
    assert c["bands"] == 2 and c["ticks"] == 18, (cid, c["bands"], c["ticks"])
    assert c["labels"] == ["open-loop", "step"], (cid, c["labels"])
    assert not c["overlaps"] and not c["labels_outside_band"], (cid, c)
    assert c["width"] > 600, (cid, c["width"])
assert charts["chart-latency"]["lines"] == {"p50": 210, "p99": 210, "p999": 210}, charts["chart-latency"]
assert charts["chart-errors"]["lines"]["err-timeout"] == 210, charts["chart-errors"]
assert d["summary_rows"] == 20 and d["folded"] == 20 and d["open_folds"] == 0, d
assert d["memory"] == [{"bars": 20, "leak": 7, "suspect": 3, "ok": 10}], d["memory"]
# the leaking metric's floor over time: 42 points, 4 of them forced-GC
# checkpoints, over the target's 20 phase bands, with the idle floor and the verdict
assert d["floors"] == [{"line_points": 42, "points": 38, "forced": 4, "bands": 20, "idle": 1,
                        "verdict": ["leak"], "inside": True, "beside": True}], d["floors"]
assert d["resources"] == 0 and d["scripts"] == 1, d  # the check's own script only
print("PASS", {k: v["labels"] for k, v in charts.items()})
PY
# a page with a label that overflows its band must fail the same check
sed 's#<text class="phase-name" x="\([0-9.]*\)" y="\([0-9]*\)">step</text>#<text class="phase-name" x="\1" y="\2">step-and-a-name-far-longer-than-its-band-could-ever-hold-on-this-chart-at-all-no-really-not-even-on-the-widest-of-the-five-charts-of-this-page-whatever-the-font-the-browser-picks-for-it-ok</text>#' \
	"$WORK/check.html" >"$WORK/bad.html"
timeout --kill-after=5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$WORK/profile" --window-size=1000,3000 --dump-dom \
	"file://$WORK/bad.html" 2>/dev/null | grep -q 'labels_outside_band&quot;:\[&quot;step-and\|labels_outside_band":\["step-and' ||
	fail "the check does not catch a label outside its band"
# REPORT_SCREENSHOT=path.png keeps a picture of the page (docs/)
if [ -n "${REPORT_SCREENSHOT:-}" ]; then
	timeout --kill-after=5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$WORK/profile" --window-size=1000,3000 --hide-scrollbars \
		--screenshot="$REPORT_SCREENSHOT" "file://$WORK/report.html" >/dev/null 2>&1 ||
		fail "chromium --screenshot"
fi
echo PASS
