// report.html: one self-contained page, offline (no request leaves it), full width: the scenario, the verdict
// per objective and the comparison tables from summary.json, the requests hit by a failed job, every chart, and
// the scenario file that was run. Each chart is inline SVG, redrawn by vega-embed (inlined, with tooltips) when
// scripts run, and the arms shown can be chosen with a checkbox each (html-interactive.ts). Pure: data in,
// text out (the bundles are read from node_modules once).
import type { ReportData } from "../results/read-results.js";
import type { Estimate, PairedDiff, PolicySummary, VsBaselineKey } from "../results/summary-file.js";
import { PALETTE } from "./charts/common.js";
import { headlinesSection } from "./html-headlines.js";
import { bundleScripts, jsonScript, PAGE_SCRIPT } from "./html-interactive.js";
import { escapeHtml } from "./html-text.js";
import { verdictSection } from "./html-verdict.js";

export interface HtmlChart {
  name: string;
  heading: string;
  caption: string;
  svg: string;
  /** The vega-lite spec with its data inline, drawn by vega-embed in the page. */
  spec: unknown;
}

function isNum(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

type Fmt = (x: number) => string;
const seconds: Fmt = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const percent: Fmt = (x) => `${(x * 100).toFixed(Math.abs(x) < 0.01 ? 2 : 1)}%`;
const plain: Fmt = (x) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString("en-US") : seconds(x));
const points: Fmt = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(2)} pp`;
const signedSeconds: Fmt = (x) => `${x >= 0 ? "+" : "−"}${seconds(Math.abs(x))}`;
const signedPlain: Fmt = (x) => `${x >= 0 ? "+" : "−"}${plain(Math.abs(x))}`;
const count = (x: number | null) => (isNum(x) ? Math.round(x).toLocaleString("en-US") : "n/a");

function na(): string {
  return '<span class="na">n/a</span>';
}

function estimateCell(e: Estimate, fmt: Fmt): string {
  if (!isNum(e.mean)) return `<td>${na()}</td>`;
  const ci = e.ci95 ? `<span class="ci">${fmt(e.ci95[0])} – ${fmt(e.ci95[1])}</span>` : "";
  return `<td>${fmt(e.mean)}${ci}</td>`;
}

/** How a difference reads: lower is better, higher is better, or neither. */
type Direction = "lower" | "higher" | "none";

function diffCell(d: PairedDiff | undefined, fmt: Fmt, ciFmt: Fmt, direction: Direction): string {
  if (!d || !isNum(d.diff)) return `<td>${na()}</td>`;
  let cls = "";
  const significant = d.significant ?? (d.ci95 !== null && (d.ci95[0] > 0 || d.ci95[1] < 0));
  if (significant && direction !== "none" && d.diff !== 0) {
    const better = direction === "lower" ? d.diff < 0 : d.diff > 0;
    cls = better ? ' class="better"' : ' class="worse"';
  }
  const ci = d.ci95 ? `<span class="ci">${ciFmt(d.ci95[0])} to ${ciFmt(d.ci95[1])}</span>` : "";
  const mark = significant ? "" : ' <span class="ns" title="not significant at 95 %">n.s.</span>';
  return `<td${cls}>${fmt(d.diff)}${mark}${ci}</td>`;
}

function policyCell(p: PolicySummary, i: number): string {
  // long combined names ("progressive+exclude-failed+backoff") may wrap after a "+"
  return `<th scope="row">${escapeHtml(p.name).replace(/\+/g, "+<wbr>")}${i === 0 ? ' <span class="tag">baseline</span>' : ""}</th>`;
}

function outcomesTable(policies: PolicySummary[]): string {
  const head = [
    "policy",
    "requests",
    "completed",
    "faulted",
    "expired",
    "abandoned",
    "open",
    "success rate",
    "latency mean (s)",
    "p50 (s)",
    "p90 (s)",
    "p99 (s)",
    "max (s)",
  ];
  const body = policies.map(
    (p, i) =>
      `<tr>${policyCell(p, i)}<td>${count(p.requests)}</td><td>${count(p.completed)}</td><td>${count(
        p.faulted,
      )}</td><td>${count(p.expired)}</td><td>${count(p.abandoned)}</td><td>${count(p.open)}</td>${estimateCell(p.success_rate, percent)}${[
        p.latency_s.mean,
        p.latency_s.p50,
        p.latency_s.p90,
        p.latency_s.p99,
        p.latency_s.max,
      ]
        .map((e) => estimateCell(e, seconds))
        .join("")}</tr>`,
  );
  return table("Outcomes and latency of requests (after the warm-up)", head, body);
}

function costTable(policies: PolicySummary[]): string {
  const head = [
    "policy",
    "time to failure (s)",
    "jobs per request",
    "wasted GPU\u2011s",
    "hedges",
    "user success rate",
    "user latency mean (s)",
    "user p50 (s)",
    "user p99 (s)",
  ];
  const body = policies.map(
    (p, i) =>
      `<tr>${policyCell(p, i)}${estimateCell(p.time_to_failure_s, seconds)}${estimateCell(
        p.attempts_per_request,
        seconds,
      )}${estimateCell(p.wasted_gpu_s, plain)}${estimateCell(p.hedges, plain)}${estimateCell(
        p.user.success_rate,
        percent,
      )}${estimateCell(p.user.latency_s.mean, seconds)}${estimateCell(p.user.latency_s.p50, seconds)}${estimateCell(
        p.user.latency_s.p99,
        seconds,
      )}</tr>`,
  );
  return table("Cost, failures and what users saw across resubmissions", head, body);
}

const DIFF_COLUMNS: { key: VsBaselineKey; title: string; fmt: Fmt; ci: Fmt; direction: Direction }[] = [
  { key: "success_rate", title: "Δ success rate", fmt: points, ci: points, direction: "higher" },
  { key: "latency_mean_s", title: "Δ latency mean (s)", fmt: signedSeconds, ci: signedSeconds, direction: "lower" },
  { key: "latency_p99_s", title: "Δ p99 latency (s)", fmt: signedSeconds, ci: signedSeconds, direction: "lower" },
  {
    key: "time_to_failure_s",
    title: "Δ time to failure (s)",
    fmt: signedSeconds,
    ci: signedSeconds,
    direction: "none",
  },
  { key: "wasted_gpu_s", title: "Δ wasted GPU\u2011s", fmt: signedPlain, ci: signedPlain, direction: "lower" },
  { key: "user_success_rate", title: "Δ user success rate", fmt: points, ci: points, direction: "higher" },
  { key: "user_latency_p99_s", title: "Δ user p99 (s)", fmt: signedSeconds, ci: signedSeconds, direction: "lower" },
];

function diffTable(policies: PolicySummary[]): string {
  const others = policies.slice(1);
  if (others.length === 0) return '<p class="note">Only one policy was run: there is no difference to report.</p>';
  const head = ["policy", ...DIFF_COLUMNS.map((c) => c.title), "pairs"];
  const body = others.map((p, i) => {
    const vs = p.vs_baseline;
    const n = vs ? (DIFF_COLUMNS.map((c) => vs[c.key].n).find(isNum) ?? null) : null;
    return `<tr>${policyCell(p, i + 1)}${DIFF_COLUMNS.map((c) => diffCell(vs?.[c.key], c.fmt, c.ci, c.direction)).join(
      "",
    )}<td>${count(n)}</td></tr>`;
  });
  return table(
    `Paired differences from the baseline (${escapeHtml(policies[0].name)}), mean and 95 % interval; green: significantly better, red: significantly worse, n.s.: not significant`,
    head,
    body,
  );
}

function hitTable(policies: PolicySummary[]): string {
  const head = [
    "policy",
    "requests hit per replication",
    "their mean latency (s)",
    "Δ their latency vs the baseline (s)",
    "pairs",
  ];
  const body = policies.map((p, i) => {
    const d = p.vs_baseline?.affected_latency_s;
    return `<tr>${policyCell(p, i)}${estimateCell(p.affected, plain)}${estimateCell(p.affected_latency_s, seconds)}${
      i === 0 ? "<td>—</td>" : diffCell(d, signedSeconds, signedSeconds, "lower")
    }<td>${i === 0 ? "—" : count(d?.n ?? null)}</td></tr>`;
  });
  return table(
    "Requests hit by at least one failed job (stale abort, reported fault, late result): how many, and how long they took from submission to their end",
    head,
    body,
  );
}

function table(caption: string, head: string[], body: string[]): string {
  return `<div class="table-wrap"><table>
<caption>${caption}</caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${body.join("\n")}
</tbody>
</table></div>`;
}

/**
 * Prepares a chart's SVG for inlining: drops any XML prolog, prefixes its ids (vega numbers clip paths from 1
 * in every SVG, and ids must be unique in one page) and lets it shrink to the page's width.
 */
export function inlineSvg(svg: string, prefix: string, label: string): string {
  let s = svg.replace(/^\s*<\?xml[^>]*>\s*/, "");
  s = s.replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`);
  s = s.replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`);
  s = s.replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`);
  s = s.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(label)}" data-chart="${escapeHtml(prefix)}"`);
  return s;
}

function duration(s: number | null): string {
  if (!isNum(s)) return "n/a";
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

export const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, system-ui, sans-serif; margin: 0; padding: 20px 28px; color: #1a1a1a; line-height: 1.45; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
.desc { max-width: 80ch; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; font-size: .9rem; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
nav ul { display: flex; flex-wrap: wrap; gap: .4rem 1.1rem; list-style: none; padding: 0; font-size: .9rem; }
.table-wrap { overflow-x: auto; margin: .8rem 0 1.4rem; }
table { border-collapse: collapse; font-size: .85rem; }
caption { text-align: left; font-weight: bold; padding: 0 0 .4rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .3rem .6rem; text-align: right; vertical-align: top; white-space: nowrap; }
thead th { border-bottom: 2px solid #999; text-align: right; white-space: normal; min-width: 4.5em; vertical-align: bottom; }
th[scope=row], thead th:first-child { text-align: left; }
th[scope=row] { white-space: normal; min-width: 8em; max-width: 16em; }
.ci { display: block; color: #666; font-size: .78rem; }
.na, .ns { color: #888; }
.tag { font-size: .72rem; background: #eee; border-radius: 3px; padding: 0 .3rem; color: #444; font-weight: normal; }
td.better { background: #e8f5e9; }
td.worse { background: #fdecea; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 980px), 1fr)); gap: 0 32px; }
figure { margin: 1rem 0 2rem; min-width: 0; scroll-margin-top: 5rem; }
figure svg { height: auto; display: block; }
.chart { overflow-x: auto; }
.chart.vega-embed { display: block; width: 100%; }
.chart svg.marks { width: 100%; }
.arms { position: sticky; top: 0; z-index: 2; background: rgba(255,255,255,.96); border-bottom: 1px solid #ddd; padding: .5rem 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; align-items: center; font-size: .88rem; }
.arms label { display: inline-flex; align-items: center; gap: .3rem; cursor: pointer; }
.arms .swatch { width: .9em; height: .9em; border-radius: 2px; display: inline-block; }
.arms button { font: inherit; font-size: .82rem; padding: .1rem .5rem; }
.verdict { border-left: 4px solid #4e79a7; padding: .2rem 0 .2rem 1rem; margin: 1rem 0 1.6rem; }
.recommendation { font-size: 1.05rem; }
td.open { background: #fff6e0; }
details { font-size: .88rem; color: #333; }
#vg-tooltip-element { font-family: "DejaVu Sans", Verdana, system-ui, sans-serif; }
figcaption { font-size: .88rem; color: #333; max-width: 90ch; margin-top: .4rem; }
figcaption a { color: #2b5d8a; }
pre { background: #f6f6f6; border: 1px solid #e2e2e2; padding: 12px; overflow-x: auto; font-size: .8rem; }
.note { color: #555; }
ul.notes { color: #8a4b00; font-size: .9rem; }
tbody th[scope=row] { position: sticky; left: 0; background: #fff; z-index: 1; }
@media (max-width: 640px) {
  body { padding: 12px; }
  th, td { white-space: normal; padding: .25rem .4rem; }
  th[scope=row] { min-width: 6em; }
  caption { max-width: calc(100vw - 24px); }
}
`;

/** A checkbox per arm, in its chart colour: unticking one leaves it out of every chart. */
function armControls(policies: string[]): string {
  if (policies.length < 2) return "";
  const boxes = policies.map(
    (p, i) =>
      `<label><input type="checkbox" checked data-arm="${escapeHtml(p)}"><span class="swatch" style="background:${
        PALETTE[i % PALETTE.length]
      }"></span>${escapeHtml(p)}</label>`,
  );
  return `<div class="arms" role="group" aria-label="arms shown in the charts"><strong>Arms shown:</strong>${boxes.join(
    "",
  )}<button type="button" id="arms-all">all</button><button type="button" id="arms-none">baseline only</button></div>`;
}

/** Builds report.html from a result folder's digest and its rendered charts. */
export function buildReportHtml(data: ReportData, charts: HtmlChart[]): string {
  const s = data.summary;
  const name = data.scenario.name || s.scenario.name;
  const policies = s.policies;
  const meta: [string, string][] = [
    ["policies", policies.map((p) => p.name).join(", ") || data.policies.join(", ") || "n/a"],
    ["replications", count(s.replications)],
    ["seed", count(s.seed)],
    ["horizon", duration(s.horizon_s)],
    ["warm-up", duration(s.warmup_s)],
    ["scenario SHA-256", s.scenario.sha256 || "n/a"],
  ];
  if (data.scenario.startTime) meta.push(["simulated time 0", data.scenario.startTime]);
  const figures = charts.map(
    (c) => `<figure id="chart-${escapeHtml(c.name)}">
<h3>${escapeHtml(c.heading)}</h3>
<div class="chart" id="view-${escapeHtml(c.name)}">${inlineSvg(c.svg, c.name, c.heading)}</div>
<figcaption>${escapeHtml(c.caption)} Files: <a href="charts/${escapeHtml(c.name)}.png">PNG</a> · <a href="charts/${escapeHtml(c.name)}.svg">SVG</a> · <a href="charts/${escapeHtml(c.name)}.vl.json">vega-lite spec with data</a>.</figcaption>
</figure>`,
  );
  const tables =
    policies.length > 0
      ? `${outcomesTable(policies)}\n${costTable(policies)}`
      : '<p class="note">summary.json lists no policies.</p>';
  const notes =
    data.notes.length > 0
      ? `<section id="notes"><h2>Notes on the data</h2><ul class="notes">${data.notes
          .map((n) => `<li>${escapeHtml(n)}</li>`)
          .join("")}</ul></section>`
      : "";
  const yaml =
    data.scenario.yaml !== null
      ? `<pre>${escapeHtml(data.scenario.yaml)}</pre>`
      : '<p class="note">The result folder has no scenario.yaml.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hordesim report: ${escapeHtml(name)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>hordesim report: ${escapeHtml(name)}</h1>
${data.scenario.description ? `<p class="desc">${escapeHtml(data.scenario.description)}</p>` : ""}
<dl class="meta">${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
</header>
<nav><ul>${s.headlines !== null ? '<li><a href="#headlines">Headlines</a></li>' : ""}${s.decisions && s.decisions.length > 0 ? '<li><a href="#verdict">Verdict</a></li>' : ""}<li><a href="#comparison">Comparison</a></li><li><a href="#vs-baseline">Differences from the baseline</a></li><li><a href="#hit-by-failure">Requests hit by a failure</a></li>${charts
    .map((c) => `<li><a href="#chart-${escapeHtml(c.name)}">${escapeHtml(c.heading)}</a></li>`)
    .join("")}<li><a href="#scenario">Scenario file</a></li></ul></nav>
<main>
${headlinesSection(s.headlines)}
${verdictSection(s.decisions)}
<section id="comparison">
<h2>Policies compared</h2>
<p class="note">Each figure is the mean over replications with its 95 % confidence interval below it (none with a single replication). Times are in simulated seconds.</p>
${tables}
</section>
<section id="vs-baseline">
<h2>Differences from the baseline</h2>
${policies.length > 0 ? diffTable(policies) : '<p class="note">summary.json lists no policies.</p>'}
</section>
<section id="hit-by-failure">
<h2>Requests hit by a failure</h2>
${policies.length > 0 ? hitTable(policies) : '<p class="note">summary.json lists no policies.</p>'}
</section>
<section id="charts">
<h2>Charts</h2>
${armControls(data.policies)}
<div class="charts">
${figures.join("\n")}
</div>
</section>
${notes}
<section id="scenario">
<h2>Scenario file</h2>
${yaml}
</section>
</main>
${jsonScript("chart-specs", Object.fromEntries(charts.map((c) => [c.name, c.spec])))}
${bundleScripts()}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
