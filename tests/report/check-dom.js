// Measured in the browser and appended to a copy of report.html by
// report-html.sh: what the page looks like once laid out, as JSON in
// a pre element (id drench-check) for --dump-dom. The report itself has no script.
(function () {
  function box(e) {
    const b = e.getBBox();
    return { x: b.x, y: b.y, w: b.width, h: b.height };
  }
  function overlap(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }
  const charts = {};
  for (const fig of document.querySelectorAll("figure.chart")) {
    const svg = fig.querySelector("svg");
    const labels = [...svg.querySelectorAll("text.phase-name")];
    const overlaps = [];
    const outside = [];
    labels.forEach((t, i) => {
      const a = box(t);
      labels.slice(i + 1).forEach((u) => { if (overlap(a, box(u))) overlaps.push([t.textContent, u.textContent]); });
      const r = box(t.parentNode.querySelector("rect"));
      if (a.x < r.x || a.x + a.w > r.x + r.w) outside.push(t.textContent);
    });
    charts[fig.id] = {
      bands: svg.querySelectorAll("g.band").length,
      ticks: svg.querySelectorAll("line.step-tick").length,
      labels: labels.map((t) => t.textContent),
      overlaps: overlaps,
      labels_outside_band: outside,
      lines: Object.fromEntries([...svg.querySelectorAll("polyline")].map((p) =>
        [p.getAttribute("class"), p.points.numberOfItems])),
      width: svg.getBoundingClientRect().width,
    };
  }
  const memory = [...document.querySelectorAll("figure.memchart")].map((f) => ({
    bars: f.querySelectorAll("rect").length,
    leak: f.querySelectorAll("rect.m-leak").length,
    suspect: f.querySelectorAll("rect.m-suspect").length,
    ok: f.querySelectorAll("rect.m-ok").length,
  }));
  const floors = [...document.querySelectorAll("figure.floorchart")].map((f) => {
    const line = f.querySelector("polyline.floor");
    const idle = f.querySelector("line.idle-floor");
    const plot = f.querySelector("svg").getBBox();
    return {
      line_points: line ? line.points.numberOfItems : 0,
      points: f.querySelectorAll("circle.floor-point").length,
      forced: f.querySelectorAll("circle.floor-forced").length,
      bands: f.querySelectorAll("g.band").length,
      idle: idle ? 1 : 0,
      verdict: [...f.querySelectorAll("figcaption span.verdict")].map((b) => b.textContent),
      inside: [...f.querySelectorAll("circle")].every((c) => {
        const b = c.getBBox();
        return b.x >= plot.x && b.y >= plot.y && b.x + b.width <= plot.x + plot.width &&
          b.y + b.height <= plot.y + plot.height;
      }),
      beside: f.parentNode.querySelector("figure.memchart") !== null,
    };
  });
  const out = {
    charts: charts,
    memory: memory,
    floors: floors,
    summary_rows: document.querySelectorAll("table.summary tr").length - 1,
    folded: document.querySelectorAll("details.phase").length,
    open_folds: document.querySelectorAll("details.phase[open]").length,
    resources: performance.getEntriesByType("resource").length,
    scripts: document.scripts.length,
  };
  const pre = document.createElement("pre");
  pre.id = "drench-check";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
