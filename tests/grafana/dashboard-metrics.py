#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every metric config/grafana/drench.json queries exists: drench_* names in
what drench writes (prom-dump: the live /metrics page and metrics.prom),
go_* names among the series drench-agent reads from the targets; and the
shard variable (All allowed) filters every selector of a drench_* metric in
every panel query (a sharded run labels each of its samples shard="I"; the
targets' own go_* series carry no such label and are not filtered).
Usage: dashboard-metrics.py DASHBOARD PROM_DUMP AGENT_SAMPLE_C"""
import json
import re
import subprocess
import sys

PROMQL_WORDS = {
    "sum", "avg", "min", "max", "count", "rate", "irate", "increase", "by", "without",
    "on", "ignoring", "group_left", "group_right", "label_values", "histogram_quantile",
    "and", "or", "unless", "job", "offset", "shard",
}

SHARD_FILTER = 'shard=~"$shard"'



def metric_names(expr):
    """The metric names an expression selects (labels, ranges, strings removed)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    e = re.sub(r"\{[^}]*\}", "", e)
    e = re.sub(r"\[[^\]]*\]", "", e)
    e = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", e)
    e = re.sub(r"\$\w+", "", e)
    names = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", e)) - PROMQL_WORDS
    return {n for n in names if not re.fullmatch(r"[0-9.e]+", n)}


def exported(prom_dump):
    text = subprocess.run([prom_dump], check=True, capture_output=True, text=True).stdout
    return set(re.findall(r"^# TYPE (\S+) ", text, re.M))


def agent_series(sample_c):
    src = open(sample_c).read()
    block = re.search(r"go_series\[\]\s*=\s*\{(.*?)\};", src, re.S)
    assert block, "no go_series list in " + sample_c
    return set(re.findall(r'"([a-z_]+)"', block.group(1)))


def expressions(dash):
    for p in dash["panels"]:
        for t in p.get("targets", []):
            yield p["title"], t["expr"]
    for v in dash["templating"]["list"]:
        yield "variable " + v["name"], v["query"]["query"]


def unknown(dash, drench, agent):
    bad = []
    for where, expr in expressions(dash):
        names = metric_names(expr)
        if not names:
            bad.append((where, expr, "selects no metric"))
        for n in names:
            if n not in (drench if n.startswith("drench_") else agent):
                bad.append((where, expr, n))
    return bad


def panel_expressions(dash):
    return [(w, e) for w, e in expressions(dash) if not w.startswith("variable ")]


def unfiltered(dash):
    """Panel queries with a drench_* selector that the shard variable does not filter."""
    bad = []
    for where, expr in panel_expressions(dash):
        e = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: m.group(0) if m.group(0) == '"$shard"' else '""', expr)
        for m in re.finditer(r"\b(drench_[A-Za-z0-9_:]*)(\{[^}]*\})?", e):
            if m.group(2) is None or SHARD_FILTER not in m.group(2):
                bad.append((where, expr, m.group(1)))
    return bad


def shard_variable_ok(dash):
    v = [v for v in dash["templating"]["list"] if v["name"] == "shard"]
    return (len(v) == 1 and v[0]["includeAll"] and v[0]["allValue"] == ".*"
            and "shard)" in v[0]["query"]["query"])


def main():
    dash = json.load(open(sys.argv[1]))
    drench, agent = exported(sys.argv[2]), agent_series(sys.argv[3])
    assert len(drench) >= 10, drench
    # the check itself catches a misspelt metric
    probe = {"panels": [{"title": "probe", "targets": [{"expr": "rate(drench_nope_total[1m])"}]}],
             "templating": {"list": []}}
    assert unknown(probe, drench, agent), "the checker accepted an unknown metric"
    bad = unknown(dash, drench, agent)
    for b in bad:
        print("unknown metric:", *b, file=sys.stderr)
    # the shard check itself catches a query left unfiltered, and one filtered
    # on only one of its two selectors
    probe = {"panels": [{"title": "p", "targets": [
        {"expr": 'sum(rate(drench_errors_total{job=~"$drench_job"}[1m]))'},
        {"expr": 'rate(drench_errors_total{shard=~"$shard"}[1m]) / rate(drench_responses_total[1m])'},
        {"expr": 'go_goroutines{job=~"$target_job"}'}]}], "templating": {"list": []}}
    assert [b[2] for b in unfiltered(probe)] == ["drench_errors_total", "drench_responses_total"], \
        unfiltered(probe)
    if not shard_variable_ok(dash):
        bad.append(("variable shard", "missing, or without All (.*)", ""))
        print("no shard variable with All (allValue .*) over label_values(..., shard)", file=sys.stderr)
    for b in unfiltered(dash):
        bad.append(b)
        print("not filtered by shard:", *b, file=sys.stderr)
    queried = {n for _, e in expressions(dash) for n in metric_names(e)}
    print(f"{len(queried)} metrics queried, all exported" if not bad else "FAIL")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
