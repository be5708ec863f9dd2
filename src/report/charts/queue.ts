// queue: requests waiting in the queue over simulated time, one small panel per arm (a step area in the arm's
// colour, all on one y scale), for the first replication (every arm sees the same arrivals there), so that a
// queue of 0 or 1 reads as blips on a flat line instead of ten lines on top of each other; each panel's title
// gives the arm's mean and largest queue and its mean jobs in flight over every replication after the warm-up.
import type { QueueSample } from "../../horde/record-types.js";
import type { ReportData } from "../../results/read-results.js";
import {
  CONFIG,
  commas,
  finite,
  messageChart,
  policyColors,
  type Row,
  replicationsText,
  SCHEMA,
  type Spec,
  sig,
} from "./common.js";

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

const WIDTH = 620;
const PANEL_HEIGHT = 44;

/** Mean and largest queue and mean jobs in flight of each arm, over every replication's samples after the warm-up. */
export function queueSummary(
  data: ReportData,
): Map<string, { meanQueued: number; maxQueued: number; meanInFlight: number; n: number }> {
  const warmup = finite(data.summary.warmup_s) ? data.summary.warmup_s : 0;
  const acc = new Map<string, { q: number; max: number; f: number; n: number }>();
  for (const s of data.samples) {
    if (!finite(s.t_s) || s.t_s < warmup || !finite(s.queued)) continue;
    const a = acc.get(s.policy) ?? { q: 0, max: 0, f: 0, n: 0 };
    a.q += s.queued;
    a.max = Math.max(a.max, s.queued);
    a.f += finite(s.in_flight) ? s.in_flight : 0;
    a.n++;
    acc.set(s.policy, a);
  }
  return new Map(
    [...acc].map(([p, a]) => [p, { meanQueued: a.q / a.n, maxQueued: a.max, meanInFlight: a.f / a.n, n: a.n }]),
  );
}

function meanText(x: number): string {
  return x === 0 ? "0" : x < 0.1 ? x.toPrecision(1) : x < 10 ? x.toFixed(1) : commas(x);
}

export function queueSpec(data: ReportData): Spec {
  const { samples, replication } = firstReplicationSamples(data);
  const title = `Requests waiting in the queue over time${replication !== null ? ` (replication ${replication})` : ""}`;
  if (samples.length === 0) return messageChart(title, null, "no queue samples (samples.csv)");
  const maxT = Math.max(data.summary.horizon_s ?? 0, ...samples.map((s) => s.t_s));
  const inHours = maxT > 3 * 3600;
  const unit = inHours ? 3600 : 60;
  const unitText = inHours ? "h" : "min";
  const policies = data.policies.filter((p) => samples.some((s) => s.policy === p));
  const rows: Row[] = [];
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
  const top = Math.max(1, ...rows.map((r) => (typeof r.queued === "number" ? r.queued : 0)));
  const stats = queueSummary(data);
  const warmup = data.summary.warmup_s;
  const reps = replicationsText(data.summary.replications);
  const subtitle = [
    `Queued requests sampled every ${sampleInterval(samples)} of simulated time, one panel per arm, all on one scale (0 to ${commas(top)})${
      finite(warmup) && warmup > 0 ? "; grey band: warm-up" : ""
    }`,
    `Each panel's title: mean and largest queue, and mean jobs in flight, over ${reps} after the warm-up`,
  ];
  const colors = policyColors(data.policies);
  const x = (last: boolean) => ({
    field: "t",
    type: "quantitative" as const,
    title: last ? `simulated time (${unitText})` : null,
    scale: { domain: [0, sig(maxT / unit, 6) as number], nice: false },
    axis: last ? { tickCount: 12, labelOverlap: true } : { labels: false, ticks: false, title: null },
  });
  const panel = (p: string, last: boolean) => {
    const st = stats.get(p);
    const text = st
      ? `${p}: mean ${meanText(st.meanQueued)} queued, largest ${commas(st.maxQueued)}; ${meanText(st.meanInFlight)} jobs in flight on average`
      : `${p}: no samples after the warm-up`;
    return {
      title: {
        text,
        fontSize: 11.5,
        fontWeight: "normal" as const,
        anchor: "start" as const,
        offset: 4,
        color: "#222",
      },
      width: WIDTH,
      height: PANEL_HEIGHT,
      layer: [
        ...(finite(warmup) && warmup > 0
          ? [
              {
                data: { values: [{ from: 0, to: sig(warmup / unit, 6) }] },
                mark: { type: "rect" as const, color: "#999", opacity: 0.15 },
                encoding: { x: { field: "from", type: "quantitative" as const }, x2: { field: "to" } },
              },
            ]
          : []),
        {
          transform: [{ filter: { field: "policy", equal: p } }],
          mark: {
            type: "area" as const,
            interpolate: "step-after" as const,
            color: colors[data.policies.indexOf(p)],
            opacity: 0.85,
            line: { color: colors[data.policies.indexOf(p)], strokeWidth: 1 },
          },
          encoding: {
            x: x(last),
            y: {
              field: "queued",
              type: "quantitative" as const,
              title: null,
              scale: { domain: [0, top], nice: false },
              axis: { values: top === 1 ? [0, 1] : [0, top], format: "d", grid: false },
            },
            tooltip: [
              { field: "policy", type: "nominal" as const },
              { field: "t", type: "quantitative" as const, title: `time (${unitText})`, format: ".2f" },
              { field: "queued", type: "quantitative" as const, title: "queued requests" },
              { field: "in_flight", type: "quantitative" as const, title: "jobs in flight" },
            ],
          },
        },
      ],
    };
  };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: rows },
    vconcat: policies.map((p, i) => panel(p, i === policies.length - 1)),
    spacing: 8,
    resolve: { scale: { x: "shared", y: "shared" } },
  } as Spec;
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
