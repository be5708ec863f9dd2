// A finished sweep's report.html, offline like a run's (every chart inlined as SVG, no script): per grid and
// setting the verdict (the best arm on the users' p90 and on their mean latency, with the arms that cannot be
// told apart from it: sweep.json's `best`, the verdict's Bonferroni subset selection), the robustness maps and
// every other chart, and the table of cells. Built from sweep.json and the rendered charts alone. Pure.
import { FIGURES } from "../metrics/figures.js";
import type { SweepSummary } from "../results/sweep-results.js";
import { shortNames } from "./charts/sweep-common.js";
import { CSS, inlineSvg } from "./html.js";
import { escapeHtml } from "./html-text.js";

export interface SweepReportChart {
  name: string;
  heading: string;
  caption: string;
  svg: string;
}

function num(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits);
}

/** One row per setting of the grid: its values, then per figure the best arm and the arms tied with it. */
function verdictTable(summary: SweepSummary, grid: number): string {
  const best = summary.best.filter((b) => b.grid === grid);
  if (best.length === 0) return '<p class="note">One arm in this grid: nothing to compare.</p>';
  const paths = summary.grids[grid].params.map((p) => p.path);
  const short = shortNames(paths);
  const figures = [...new Set(best.map((b) => b.figure))];
  const settings = [...new Set(best.map((b) => JSON.stringify(paths.map((p) => b.values[p] ?? ""))))];
  const rows = settings.map((key) => {
    const values = JSON.parse(key) as string[];
    const cells = figures.map((f) => {
      const b = best.find((x) => x.figure === f && JSON.stringify(paths.map((p) => x.values[p] ?? "")) === key);
      if (b === undefined || b.best === null) return "<td>no value</td>";
      const mean = b.arms.find((a) => a.name === b.best);
      const others = b.tied.filter((n) => n !== b.best);
      const verdict =
        others.length === 0
          ? `<strong>${escapeHtml(b.best)}</strong> shown best`
          : `${escapeHtml(b.best)}; cannot be told apart from ${others.map(escapeHtml).join(", ")}`;
      return `<td${others.length === 0 ? ' class="better"' : ""}>${verdict}<span class="ci">${num(mean?.mean, 1)} s ±${num(
        mean?.half_width,
        1,
      )}</span></td>`;
    });
    return `<tr>${values.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}${cells.join("")}</tr>`;
  });
  const head = [
    ...paths.map((p) => short.get(p) ?? p),
    ...figures.map((f) => `best on ${FIGURES[f].label} (mean ±95 % half-width)`),
  ];
  return `<div class="table-wrap"><table>
<caption>Grid ${grid + 1}: the verdict in each setting</caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></div>`;
}

/** Every cell of the grid: its arm, its values and its main figures. */
function cellTable(summary: SweepSummary, grid: number): string {
  const paths = summary.grids[grid].params.map((p) => p.path);
  const short = shortNames(paths);
  const est = (e: { mean: number | null; ci95: [number, number] | null }, scale: number, digits: number) =>
    e.mean === null
      ? "—"
      : `${num(e.mean * scale, digits)}${e.ci95 === null ? "" : ` ±${num(((e.ci95[1] - e.ci95[0]) / 2) * scale, digits)}`}`;
  const rows = summary.cells
    .filter((c) => c.grid === grid)
    .map(
      (c) =>
        `<tr><th scope="row">${escapeHtml(c.policy)}</th>${paths
          .map((p) => `<td>${escapeHtml(c.values[p] ?? "")}</td>`)
          .join("")}<td>${est(c.user_latency_p90_s, 1, 1)}</td><td>${est(c.user_latency_p99_s, 1, 1)}</td><td>${est(
          c.failure_rate,
          100,
          3,
        )}</td><td>${est(c.affected_latency_s, 1, 1)}</td><td>${est(c.wasted_gpu_s, 1, 0)}</td></tr>`,
    );
  const head = [
    "arm",
    ...paths.map((p) => short.get(p) ?? p),
    "user p90 s",
    "user p99 s",
    "failed submissions %",
    "hit-by-failure latency s",
    "wasted GPU-s",
  ];
  return `<div class="table-wrap"><table>
<caption>Grid ${grid + 1}: every cell (mean per replication ±95 % half-width)</caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table></div>`;
}

export function buildSweepReportHtml(summary: SweepSummary, charts: readonly SweepReportChart[]): string {
  const name = summary.scenario.name;
  const grids = summary.grids.map((g, i) => {
    const params = g.params.map((p) => `${p.path} = ${p.values.join(", ")}`).join("; ");
    return `<section id="grid-${i + 1}">
<h2>Grid ${i + 1}: ${escapeHtml(params)} (${g.arms.map(escapeHtml).join(", ")})</h2>
${verdictTable(summary, i)}
${cellTable(summary, i)}
</section>`;
  });
  const figures = charts.map(
    (c) => `<figure id="chart-${escapeHtml(c.name)}">
<h3>${escapeHtml(c.heading)}</h3>
${inlineSvg(c.svg, c.name, c.heading)}
<figcaption>${escapeHtml(c.caption)}</figcaption>
</figure>`,
  );
  // the robustness maps first, the other charts after them
  const maps = charts.filter((c) => c.name.startsWith("sweep-best-")).length;
  const ordered = [
    ...figures.filter((_, i) => charts[i].name.startsWith("sweep-best-")),
    ...figures.filter((_, i) => !charts[i].name.startsWith("sweep-best-")),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hordesim sweep report: ${escapeHtml(name)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>hordesim sweep report: ${escapeHtml(name)}</h1>
<dl class="meta"><dt>cells</dt><dd>${summary.cells.length}</dd><dt>replications per cell</dt><dd>${summary.replications}</dd><dt>seed</dt><dd>${summary.seed}</dd><dt>scenario sha256</dt><dd>${escapeHtml(summary.scenario.sha256)}</dd><dt>hordesim</dt><dd>${escapeHtml(summary.hordesim_version)}</dd></dl>
</header>
<main>
<p class="note">In each setting the arms ran on the same seeds (common random numbers). The verdict per setting is the verdict's Bonferroni subset selection on the paired differences: one arm shown best (bold), or the lowest mean with the arms that cannot be told apart from it (the truly best arm is among them with probability ≥ 95 %).</p>
${grids.join("\n")}
<section id="charts">
<h2>${maps > 0 ? "Robustness maps and charts" : "Charts"}</h2>
${ordered.join("\n")}
</section>
</main>
</body>
</html>
`;
}
