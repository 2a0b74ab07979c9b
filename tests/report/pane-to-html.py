#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A tmux pane captured with colours (capture-pane -e -p) as an HTML page, so
a headless browser can take a PNG of the terminal view for docs/.
Usage: pane-to-html.py < pane.txt > pane.html"""
import html
import re
import sys

COLOURS = {30: "#000", 31: "#c0302a", 32: "#2a8a3a", 33: "#d08a00", 34: "#2a6fdb",
           35: "#7b3fb5", 36: "#2a8a8a", 37: "#ddd", 39: None}
BACKS = {40: "#000", 44: "#2a4f9b", 49: None}


def spans(line):
    out, fg, bg, bold = [], None, None, False
    for part in re.split(r"(\x1b\[[0-9;]*m)", line):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if m:
            for code in [int(c or 0) for c in m.group(1).split(";")]:
                if code == 0:
                    fg, bg, bold = None, None, False
                elif code == 1:
                    bold = True
                elif code == 22:
                    bold = False
                elif code in COLOURS:
                    fg = COLOURS[code]
                elif code in BACKS:
                    bg = BACKS[code]
            continue
        if not part:
            continue
        style = (f"color:{fg};" if fg else "") + (f"background:{bg};" if bg else "") + \
            ("font-weight:bold;" if bold else "")
        out.append(f'<span style="{style}">{html.escape(part)}</span>' if style else html.escape(part))
    return "".join(out)


lines = sys.stdin.read().rstrip("\n").split("\n")
print('<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
      "body{margin:0;background:#1e1e1e;color:#ddd}"
      "pre{font:14px/1.25 'DejaVu Sans Mono',monospace;margin:12px}</style></head><body><pre>")
print("\n".join(spans(l) for l in lines))
print("</pre></body></html>")
