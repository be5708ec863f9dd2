// queue: requests waiting in the queue and jobs in flight over simulated time, one line per policy, for the
// first replication (every arm sees the same arrivals there), in two panels; the warm-up is shaded.
import type { QueueSample } from "../../horde/record-types.js";
import type { ReportData } from "../../results/read-results.js";
import { CONFIG, finite, messageChart, policyColors, type Row, SCHEMA, type Spec, sig } from "./common.js";

/** Above this many samples per arm, samples are merged into buckets keeping each bucket's maximum. */
export const MAX_QUEUE_POINTS = 1000;

/** The samples of each policy's lowest replication, in time order. */
export function firstReplicationSamples(data: ReportData): { samples: QueueSample[]; replication: number | null } {
  const minRep = new Map<string, number>();
  for (const s of data.samples) {
    const m = minRep.get(s.policy);
    if (m === undefined || s.replication < m) minRep.set(s.policy, s.replication);
  }
  const samples = data.samples
    .filter((s) => s.replication === minRep.get(s.policy) && finite(s.t_s))
    .sort((a, b) => a.t_s - b.t_s);
  const reps = [...new Set(minRep.values())];
  return { samples, replication: reps.length === 1 ? reps[0] : null };
}

/** Buckets of consecutive samples reduced to (first time, max queued, max in flight). */
export function decimate(samples: QueueSample[], max = MAX_QUEUE_POINTS): QueueSample[] {
  if (samples.length <= max) return samples;
  const size = Math.ceil(samples.length / max);
  const out: QueueSample[] = [];
  for (let i = 0; i < samples.length; i += size) {
    const chunk = samples.slice(i, i + size);
    out.push({
      ...chunk[0],
      queued: Math.max(...chunk.map((s) => (finite(s.queued) ? s.queued : 0))),
      in_flight: Math.max(...chunk.map((s) => (finite(s.in_flight) ? s.in_flight : 0))),
    });
  }
  return out;
}

export function queueSpec(data: ReportData): Spec {
  const { samples, replication } = firstReplicationSamples(data);
  const title = `Queue and jobs in flight over time${replication !== null ? ` (replication ${replication})` : ""}`;
  if (samples.length === 0) return messageChart(title, null, "no queue samples (samples.csv)");
  const maxT = Math.max(data.summary.horizon_s ?? 0, ...samples.map((s) => s.t_s));
  const inHours = maxT > 3 * 3600;
  const unit = inHours ? 3600 : 60;
  const unitText = inHours ? "h" : "min";
  const rows: Row[] = [];
  const policies = data.policies.filter((p) => samples.some((s) => s.policy === p));
  for (const p of policies) {
    for (const s of decimate(samples.filter((x) => x.policy === p))) {
      rows.push({
        policy: p,
        t: sig(s.t_s / unit, 6),
        queued: finite(s.queued) ? s.queued : null,
        in_flight: finite(s.in_flight) ? s.in_flight : null,
      });
    }
  }
  const warmup = data.summary.warmup_s;
  const subtitle = [
    `Sampled every ${sampleInterval(samples)} of simulated time${
      finite(warmup) && warmup > 0 ? "; grey band: warm-up (left out of the statistics)" : ""
    }`,
    ...(policies.length > 1 ? overlapText(rows, policies) : []),
  ];
  const color = {
    field: "policy",
    type: "nominal" as const,
    title: "policy",
    scale: { domain: data.policies, range: policyColors(data.policies) },
    legend: { orient: "right" as const },
  };
  const x = {
    field: "t",
    type: "quantitative" as const,
    title: `simulated time (${unitText})`,
    scale: { domain: [0, sig(maxT / unit, 6) as number], nice: false },
    axis: { tickCount: 12, labelOverlap: true },
  };
  const panel = (field: "queued" | "in_flight", yTitle: string) => ({
    width: 600,
    height: 170,
    layer: [
      ...(finite(warmup) && warmup > 0
        ? [
            {
              data: { values: [{ from: 0, to: sig(warmup / unit, 6) }] },
              mark: { type: "rect" as const, color: "#999", opacity: 0.15 },
              encoding: {
                x: { field: "from", type: "quantitative" as const },
                x2: { field: "to" },
              },
            },
          ]
        : []),
      {
        mark: { type: "line" as const, strokeWidth: 1.6, strokeOpacity: 0.85, interpolate: "step-after" as const },
        encoding: {
          x,
          y: { field: field, type: "quantitative" as const, title: yTitle, axis: { tickMinStep: 1 } },
          color,
          tooltip: [
            { field: "policy", type: "nominal" as const },
            { field: "t", type: "quantitative" as const, title: `time (${unitText})`, format: ".2f" },
            { field, type: "quantitative" as const, title: yTitle },
          ],
        },
      },
    ],
  });
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: rows },
    vconcat: [panel("queued", "queued requests"), panel("in_flight", "jobs in flight")],
    spacing: 16,
    resolve: { scale: { x: "shared", color: "shared" } },
  };
}

/** Whether every arm's series of a field is the same, point for point. */
function identicalSeries(rows: Row[], policies: string[], field: "queued" | "in_flight"): boolean {
  const series = policies.map((p) =>
    rows
      .filter((r) => r.policy === p)
      .map((r) => `${r.t}:${r[field]}`)
      .join(","),
  );
  return series.every((s) => s === series[0]);
}

/**
 * The subtitle's warning that equal arms draw on top of each other (the last arm in the legend on top), and a
 * line naming the panels in which all arms are identical: there one line stands for every arm.
 */
export function overlapText(rows: Row[], policies: string[]): string[] {
  const same = (
    [
      ["queued", "queued requests"],
      ["in_flight", "jobs in flight"],
    ] as const
  )
    .filter(([f]) => identicalSeries(rows, policies, f))
    .map(([, name]) => name);
  const base = "Where arms have equal values their lines lie on top of each other, the last in the legend on top";
  if (same.length === 0) return [base];
  const panels = same.join(" and the ");
  return [
    `${base};`,
    `the ${panels} are identical in all ${policies.length} arms: one line in the panel stands for every arm`,
  ];
}

function sampleInterval(samples: QueueSample[]): string {
  const p = samples[0]?.policy;
  const ts = samples.filter((s) => s.policy === p).map((s) => s.t_s);
  if (ts.length < 2) return "interval";
  const d = ts[1] - ts[0];
  if (d >= 3600 && d % 3600 === 0) return `${d / 3600} h`;
  if (d >= 60 && d % 60 === 0) return `${d / 60} min`;
  return `${sig(d, 4)} s`;
}
