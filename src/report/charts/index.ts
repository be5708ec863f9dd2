// The catalogue of result charts: name (file stem under charts/), heading and caption for report.html, and
// the pure builder that turns a result folder's digest into a vega-lite spec with its data inline.
import type { ReportData } from "../../results/read-results.js";
import { messageChart, type Spec } from "./common.js";
import { costBenefitSpec } from "./cost-benefit.js";
import { forestSpec } from "./forest.js";
import { latencyQuantilesSpec } from "./latency-quantiles.js";
import { latencyTailSpec } from "./latency-tail.js";
import { queueSpec } from "./queue.js";
import { timelineSpec } from "./timeline.js";
import { waitsSpec } from "./waits.js";
import { workerAbortsSpec } from "./worker-aborts.js";

export const CHART_NAMES = [
  "latency-tail",
  "latency-quantiles",
  "forest",
  "timeline",
  "worker-aborts",
  "queue",
  "waits",
  "cost-benefit",
] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export interface ChartDef {
  name: ChartName;
  heading: string;
  caption: string;
  build: (data: ReportData) => Spec;
}

export const CHARTS: readonly ChartDef[] = [
  {
    name: "latency-tail",
    heading: "Latency tail",
    caption:
      "Share of completed requests that took at least a given time (1 − CDF), per policy, on log–log axes: each decade down the y axis is ten times rarer, so p90, p99 and p99.9 get equal room. Each arm has its own colour and dash and its name at the end of its tail (its slowest request). The legend gives each arm's failure rate: a curve further left is only better if its arm does not fail more requests.",
    build: latencyTailSpec,
  },
  {
    name: "latency-quantiles",
    heading: "Latency quantiles",
    caption:
      "Median, p90 and p99 latency of completed requests per policy, mean over replications with 95 % confidence intervals.",
    build: latencyQuantilesSpec,
  },
  {
    name: "forest",
    heading: "Forest plot of the differences",
    caption:
      "Paired differences from the first (baseline) policy over common-random-number replications, with 95 % confidence intervals: p99 latency, failure rate, and the mean latency of the requests hit by at least one failed job. Left of zero is better in every panel.",
    build: forestSpec,
  },
  {
    name: "timeline",
    heading: "Timeline of the worst requests",
    caption:
      "The baseline arm's worst requests in one replication: the one with a request faulted by three strikes if any, else the one with the most stale aborts. Faulted requests first, then those with the most aborts; each job is a bar on the row of the worker that popped it, from pop to its end, coloured by how it ended; crosses mark stale aborts.",
    build: timelineSpec,
  },
  {
    name: "worker-aborts",
    heading: "Stale aborts per worker",
    caption: "Stale aborts per worker in the baseline arm, summed over replications, and each worker's share of them.",
    build: workerAbortsSpec,
  },
  {
    name: "queue",
    heading: "Queue over time",
    caption:
      "Requests waiting in the queue over simulated time, one panel per policy on one scale, first replication; each panel's title gives the arm's mean and largest queue and its mean jobs in flight over all replications after the warm-up.",
    build: queueSpec,
  },
  {
    name: "waits",
    heading: "Waiting against processing, per model",
    caption:
      "Mean latency of completed requests per model and policy, split at the request's first pop: the time it waited for a worker, then the time from that pop to done (the job, and any retries after a failure). The tick is the p90 wait; the tooltip gives the wait's p50, p90 and p99.",
    build: waitsSpec,
  },
  {
    name: "cost-benefit",
    heading: "Cost against benefit",
    caption:
      "Wasted GPU time (jobs whose result was not used) against p99 latency, one point per policy; the list on the right names the points, highest p99 first, each joined to its point by a line.",
    build: costBenefitSpec,
  },
];

export interface BuiltChart {
  name: ChartName;
  heading: string;
  caption: string;
  spec: Spec;
}

/**
 * Builds every chart's spec. A builder that throws (a bug: the builders handle missing data themselves) yields
 * a message chart and a note, so that one chart cannot cost the whole report.
 */
export function buildCharts(data: ReportData, notes: string[] = data.notes): BuiltChart[] {
  return CHARTS.map((c) => {
    let spec: Spec;
    try {
      spec = c.build(data);
    } catch (e) {
      notes.push(`chart ${c.name}: could not be built (${(e as Error).message})`);
      spec = messageChart(c.heading, null, "this chart could not be built: see the notes");
    }
    return { name: c.name, heading: c.heading, caption: c.caption, spec };
  });
}
