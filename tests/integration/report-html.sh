#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# report.html of a real run, laid out by a headless Chromium: a campaign
# with an open-loop phase and a 5-level steps ramp runs against nginx on the
# rig, then Chromium loads the page (with tests/report/check-dom.js appended
# to a copy) and the measured DOM must show: the five charts, the ramp as one
# band with a tick per level, no two phase labels overlapping and each inside
# its band, a latency line with real points, one summary row and one folded
# detail per phase, and nothing fetched. A screenshot is taken too
# (REPORT_SCREENSHOT=path keeps it, for docs/reports.md).
source "$(dirname "$0")/lib.sh"
need_rig
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || fail "no $CHROMIUM (scripts/install-deps.sh installs it)"
trap 'rm -rf "$WORK"' EXIT

{ campaign_head; cat <<YAML; } >"$WORK/t.yaml"
requests:
  - {name: page, path: /4k}
phases:
  - {name: open-loop, duration: 3s, rate: 2k}
  - {name: ramp, steps: {model: connections, from: 2, to: 10, step: 2, hold: 2s, pause: 1s}}
output: {folder: $WORK/t, formats: [json, html]}
YAML
rc=0
timeout --signal=INT --kill-after=10 60 "$DRENCH" run "$WORK/t.yaml" --quiet >"$WORK/run.log" 2>&1 ||
	rc=$?
[ "$rc" = 0 ] || { tail -20 "$WORK/run.log"; fail "drench run: exit $rc"; }
[ -s "$WORK/t/report.html" ] || fail "no report.html"

# chromium ARGS... : headless, its own profile, bounded
chromium() {
	timeout --kill-after=5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --user-data-dir="$WORK/profile" "$@" 2>>"$WORK/chromium.log"
}

{ sed 's#</body>##; s#</html>##' "$WORK/t/report.html"
  printf '<script>\n'; cat "$ROOT/tests/report/check-dom.js"; printf '</script>\n</body>\n</html>\n'
} >"$WORK/check.html"
chromium --dump-dom "file://$WORK/check.html" >"$WORK/dom.html" || fail "chromium --dump-dom failed"
python3 - "$WORK/dom.html" "$WORK/t/report.json" <<'PY' || fail "report.html as laid out"
import html, json, re, sys
m = re.search(r'<pre id="drench-check">(.*?)</pre>', open(sys.argv[1]).read(), re.S)
assert m, "the check script did not run"
d = json.loads(html.unescape(m.group(1)))
r = json.load(open(sys.argv[2]))
n = len(r["phases"])
assert n == 1 + 9, [p["name"] for p in r["phases"]]  # open-loop, 5 levels, 4 pauses
charts = d["charts"]
assert set(charts) == {"chart-rps", "chart-latency", "chart-errors", "chart-conns",
                       "chart-retrans"}, sorted(charts)
for cid, c in charts.items():
    assert c["bands"] == 2, (cid, c["bands"])   # open-loop, and the ramp as one band
    # a tick where each later level or pause begins; a 1 s pause may fall
    # between two points of the series and leave no tick (docs/reports.md)
    assert 4 <= c["ticks"] <= 8, (cid, c["ticks"])
    assert not c["overlaps"], (cid, c["overlaps"])
    assert not c["labels_outside_band"], (cid, c["labels_outside_band"])
    assert c["labels"] == ["open-loop", "ramp"], (cid, c["labels"])
    assert c["width"] > 600, (cid, c["width"])
lat = charts["chart-latency"]["lines"]
assert lat["p50"] >= 5 and lat["p99"] >= 5 and lat["p999"] >= 5, lat
assert charts["chart-rps"]["lines"]["rps"] >= 14, charts["chart-rps"]["lines"]
assert charts["chart-rps"]["lines"]["requested"] >= 2, charts["chart-rps"]["lines"]
assert d["summary_rows"] == n, d["summary_rows"]
assert d["folded"] == n and d["open_folds"] == 0, (d["folded"], d["open_folds"])
assert d["resources"] == 0, d["resources"]
print("charts", {k: v["lines"] for k, v in charts.items()})
PY

chromium --screenshot="$WORK/report.png" --window-size=1000,2200 --hide-scrollbars \
	"file://$WORK/t/report.html" >/dev/null || fail "chromium --screenshot failed"
python3 - "$WORK/report.png" <<'PY' || fail "screenshot"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1000, 2200), (w, h)
assert len(b) > 20000, len(b)  # a blank page compresses to a few KiB
PY
[ -z "${REPORT_SCREENSHOT:-}" ] || cp "$WORK/report.png" "$REPORT_SCREENSHOT"
echo PASS
