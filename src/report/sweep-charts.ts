// The charts of a finished sweep (`hordesim sweep`), built from its summary alone:
//   sweep-PARAM          per swept parameter: p99 latency, failure rate and the latency of the requests hit
//                        by a failed job against its values, a line per arm and setting of the grid's other
//                        parameters (charts/sweep-lines.ts);
//   sweep-heatmap-G      per grid of two or more parameters: the p99 latency of every cell as a heatmap,
//   sweep-heatmap-G-failure-rate   the same for the failure rate,
//   sweep-heatmap-G-hit-latency    and for the latency of the requests hit by a failed job
//                        (charts/sweep-heatmap.ts);
//   sweep-best-G         per grid of two or more parameters and arms: the best arm on the users' p90 latency in
//                        each setting, ties shown as ties (charts/sweep-best.ts: the robustness map);
//   sweep-pareto         every cell's wasted GPU time against its p99 latency with the Pareto front, and
//   sweep-pareto-failures   its failure rate against the latency of its requests hit by a failed job
//                        (charts/sweep-pareto.ts).
// renderSweepCharts writes charts/NAME.vl.json, .svg and .png for each, every file under a temporary name
// then renamed; the same summary gives byte-identical files.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { paretoFront } from "../metrics/pareto.js";
import type { SweepSummary } from "../results/sweep-results.js";
import { sweepBestSpec } from "./charts/sweep-best.js";
import { type SweepChart, shortNames, slug, sweptPaths } from "./charts/sweep-common.js";
import { sweepHeatmapSpec } from "./charts/sweep-heatmap.js";
import { sweepLineSpec } from "./charts/sweep-lines.js";
import { sweepParetoSpec } from "./charts/sweep-pareto.js";
import { renderChart } from "./render.js";
import { writeAtomic, writeChartFiles } from "./render-report.js";
import { buildSweepReportHtml, type SweepReportChart } from "./sweep-report.js";

export type { SweepChart };
export { paretoFront };

export const PARETO_CHART = "sweep-pareto";
export const PARETO_FAILURES_CHART = "sweep-pareto-failures";

/**
 * The heatmap charts' names for a grid (0-based index): p99 latency, failure rate, then the latency of the
 * requests hit by a failed job.
 */
export function heatmapNames(gridIndex: number): { p99: string; fail: string; hit: string } {
  const base = `sweep-heatmap-${gridIndex + 1}`;
  return { p99: base, fail: `${base}-failure-rate`, hit: `${base}-hit-latency` };
}

/** The robustness maps' chart names for a grid (0-based index): on the users' p90, then on their mean. */
export function bestChartName(gridIndex: number, figure: "p90" | "mean" = "p90"): string {
  return `sweep-best-${gridIndex + 1}${figure === "mean" ? "-mean" : ""}`;
}

/**
 * The chart name of each swept path: `sweep-` and the path's slug, made unique by a numeric suffix when two
 * paths share a slug or a slug would take the name of the Pareto chart or a heatmap.
 */
export function paramChartNames(summary: SweepSummary): Map<string, string> {
  const taken = new Set<string>([PARETO_CHART, PARETO_FAILURES_CHART]);
  summary.grids.forEach((_, i) => {
    const h = heatmapNames(i);
    taken.add(h.p99).add(h.fail).add(h.hit).add(bestChartName(i)).add(bestChartName(i, "mean"));
  });
  const out = new Map<string, string>();
  for (const path of sweptPaths(summary)) {
    const base = `sweep-${slug(path)}`;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}-${k}`;
    taken.add(name);
    out.set(path, name);
  }
  return out;
}

/** Every chart of a sweep, in order: per parameter, per grid's heatmaps, then the Pareto fronts. Pure. */
export function buildSweepCharts(summary: SweepSummary): SweepChart[] {
  const charts: SweepChart[] = [];
  const names = paramChartNames(summary);
  const short = shortNames(sweptPaths(summary));
  for (const path of sweptPaths(summary)) {
    charts.push({
      name: names.get(path) as string,
      heading: `Sweep of ${path}`,
      caption:
        `p99 latency (left), failure rate (middle) and latency of the requests hit by a failed job (right) of each ` +
        `cell against the values of ${path}, in the order the sweep gave them: mean over replications with 95 % ` +
        "confidence intervals. One line per arm and setting of its grid's other parameters; an arm's lines share " +
        "its colour, darker to lighter through those settings.",
      spec: sweepLineSpec(summary, path),
    });
  }
  summary.grids.forEach((g, i) => {
    if (g.params.length < 2) return;
    const [px, py, ...rest] = g.params;
    const layout =
      `${px.path} across, ${py.path} up` +
      (g.arms.length > 1 ? ", a block of squares per arm" : "") +
      (rest.length > 0
        ? `, a row of blocks per combination of ${rest.map((p) => p.path).join(" and ")} (nothing is averaged)`
        : "");
    const names = heatmapNames(i);
    const ci =
      "Under each mean, ± the half-width of its 95 % confidence interval; the colours span the cells' own range, " +
      "so when that range is smaller than the intervals (the subtitle says so) they show noise.";
    const arms = g.arms.join(", ");
    charts.push({
      name: names.p99,
      heading: `Grid ${i + 1}: p99 latency per cell`,
      caption: `Mean p99 latency of completed requests of every cell of grid ${i + 1} (${arms}): ${layout}. Pale is better. ${ci}`,
      spec: sweepHeatmapSpec(summary, i, "p99"),
    });
    charts.push({
      name: names.fail,
      heading: `Grid ${i + 1}: failure rate per cell`,
      caption: `Mean failure rate (faulted, expired or abandoned requests) of every cell of grid ${i + 1} (${arms}): ${layout}. Pale is better. ${ci}`,
      spec: sweepHeatmapSpec(summary, i, "fail"),
    });
    if (g.arms.length > 1 && g.params.length === 2 && summary.best.some((b) => b.grid === i))
      charts.push({
        name: bestChartName(i),
        heading: `Grid ${i + 1}: the best arm in each setting (robustness map)`,
        caption:
          `For every setting of grid ${i + 1} (${layout.replace(", a block of squares per arm", "")}), the arm with the lowest ` +
          "mean p90 latency of what users finally waited, compared by paired differences over the replications " +
          "(common random numbers) with the verdict's Bonferroni subset selection: a coloured square names the " +
          "one arm shown best, a grey square the arms that cannot be told apart. Under the name: the best arm's " +
          "mean ±95 % half-width.",
        spec: sweepBestSpec(summary, i),
      });
    if (g.arms.length > 1 && g.params.length === 2 && summary.best.some((b) => b.grid === i))
      charts.push({
        name: bestChartName(i, "mean"),
        heading: `Grid ${i + 1}: the best arm in each setting on the users' mean latency`,
        caption:
          "The same map on the users' mean latency: a failure that hits a few requests moves the mean (every " +
          "second every user waits counts) long before it moves the p90, so this is where timeout and " +
          "reassignment rules show first.",
        spec: sweepBestSpec(summary, i, "user_latency_mean_s"),
      });
    charts.push({
      name: names.hit,
      heading: `Grid ${i + 1}: latency of requests hit by a failed job per cell`,
      caption:
        `Mean submit-to-end latency of the requests hit by at least one failed job, every cell of grid ${i + 1} ` +
        `(${arms}): ${layout}. This is where the timeout rules matter most. Pale is better. ${ci}`,
      spec: sweepHeatmapSpec(summary, i, "hit"),
    });
  });
  const labelsText = summary.grids.map((g) => g.params.map((p) => short.get(p.path)).join(" · ")).join("; ");
  charts.push({
    name: PARETO_CHART,
    heading: "Pareto front of the sweep",
    caption:
      "Wasted GPU time against p99 latency, one point per cell of every grid, coloured by arm, with 95 % confidence " +
      "intervals on both axes. Ringed points joined by the step line form the Pareto front: no other cell has both " +
      `less waste and lower p99. Each point is labelled with its values (${labelsText}).`,
    spec: sweepParetoSpec(summary, "waste"),
  });
  charts.push({
    name: PARETO_FAILURES_CHART,
    heading: "Pareto front of failures against the wait of requests hit by a failed job",
    caption:
      "Failure rate against the mean latency of the requests hit by a failed job, one point per cell of every " +
      "grid, coloured by arm, with 95 % confidence intervals on both axes; lower left is better. Ringed points " +
      "joined by the step line form the Pareto front: no other cell has both fewer failures and a shorter wait " +
      "for the hit requests. A short TTL and a fast sweep cut the wait of the requests a lost job hits, but give " +
      "a black-hole worker more strikes per hour, so more requests fail. Each point is labelled with its values " +
      `(${labelsText}).`,
    spec: sweepParetoSpec(summary, "failures"),
  });
  return charts;
}

/**
 * Renders every sweep chart into DIR/charts and the sweep's report.html (sweep-report.ts) into DIR; returns
 * the paths written (three files per chart, then the report).
 */
export async function renderSweepCharts(dir: string, summary: SweepSummary): Promise<string[]> {
  const charts = buildSweepCharts(summary);
  const chartsDir = join(dir, "charts");
  await mkdir(chartsDir, { recursive: true });
  const written: string[] = [];
  const inReport: SweepReportChart[] = [];
  for (const c of charts) {
    const r = await renderChart(c.spec);
    for (const w of r.warnings) process.stderr.write(`hordesim: chart ${c.name}: ${w}\n`);
    written.push(...(await writeChartFiles(chartsDir, c.name, c.spec, r)));
    inReport.push({ name: c.name, heading: c.heading, caption: c.caption, svg: r.svg });
  }
  const report = join(dir, "report.html");
  await writeAtomic(report, buildSweepReportHtml(summary, inReport));
  return [...written, report];
}
