// Each chart's vega-lite spec, built from a small synthetic result folder: its data and its encodings.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pct, textWidth } from "../../src/report/charts/common.js";
import {
  type Box,
  costBenefitSpec,
  LABEL_HEIGHT,
  overlaps,
  placeSideLabels,
  ROW_STEP,
  sideList,
} from "../../src/report/charts/cost-benefit.js";
import { FOREST_PANELS, forestSpec } from "../../src/report/charts/forest.js";
import { buildCharts, CHART_NAMES } from "../../src/report/charts/index.js";
import { latencyQuantilesSpec } from "../../src/report/charts/latency-quantiles.js";
import { cdfRanks, dashOf, latencyTailSpec, MAX_CDF_POINTS } from "../../src/report/charts/latency-tail.js";
import { queueSpec } from "../../src/report/charts/queue.js";
import {
  MAX_TIMELINE_REQUESTS,
  STRIKES,
  timelineReplication,
  timelineSpec,
  worstRequests,
} from "../../src/report/charts/timeline.js";
import { waitsSpec } from "../../src/report/charts/waits.js";
import { workerAbortsSpec } from "../../src/report/charts/worker-aborts.js";
import { type ReportData, readResultFolder } from "../../src/results/read-results.js";
import { type Fixture, writeFixture } from "./fixture.js";

// Specs are plain JSON here: walk them without vega-lite's union types.
// biome-ignore lint/suspicious/noExplicitAny: test-only access to spec JSON
type J = any;
const json = (spec: unknown): J => JSON.parse(JSON.stringify(spec));
const values = (spec: J): J[] => spec.data.values;

let fx: Fixture;
let data: ReportData;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "hordesim-specs-"));
  fx = writeFixture(dir);
  data = await readResultFolder(dir);
});

afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

describe("reading a result folder", () => {
  it("reads the policies in the summary's order and notes no problem", () => {
    expect(data.policies).toEqual(fx.policies);
    expect(data.notes).toEqual([]);
    expect(data.scenario.name).toBe("fixture-incident");
    expect(data.scenario.description).toMatch(/synthetic day/);
    expect(data.timeline?.policy).toBe("horde");
    expect(data.timeline?.replications).toEqual([1, 2, 3]);
  });

  it("keeps the latencies of completed requests after the warm-up, all replications", () => {
    for (const p of fx.policies) {
      const expected = fx.requests
        .filter((r) => r.policy === p && !r.warmup && r.outcome === "completed")
        .map((r) => r.latency_s);
      expect(data.latencies[p].slice().sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    }
  });

  it("keeps the baseline's requests that may have gone wrong in every replication, with all their jobs", () => {
    const tl = data.timeline;
    if (!tl) throw new Error("no timeline source");
    const key = (r: { replication: number; request_id: number }) => `${r.replication}:${r.request_id}`;
    const kept = fx.requests.filter(
      (r) => r.policy === "horde" && (r.outcome !== "completed" || r.attempts > r.images_requested),
    );
    expect(tl.requests.map(key).sort()).toEqual(kept.map(key).sort());
    expect(new Set(tl.requests.map((r) => r.replication))).toEqual(new Set([1, 2, 3]));
    // every request a failed job hit is among them, and a quoted field survives
    const hit = new Set(fx.attempts.filter((a) => a.policy === "horde" && a.end !== "completed").map(key));
    for (const k of hit) expect(tl.requests.some((r) => key(r) === k)).toBe(true);
    expect(tl.requests.some((r) => r.model === "AlbedoBase XL (SDXL), v2")).toBe(true);
    const keptKeys = new Set(kept.map(key));
    expect(tl.attempts.length).toBe(fx.attempts.filter((a) => a.policy === "horde" && keptKeys.has(key(a))).length);
    for (const rep of [1, 2, 3]) {
      expect(tl.staleAborts[rep]).toBe(
        fx.attempts.filter((a) => a.policy === "horde" && a.replication === rep && a.end === "stale_abort").length,
      );
    }
    const open = tl.requests.find((r) => r.outcome === "open");
    expect(open?.done_s).toBeNaN();
  });
});

describe("chart catalogue", () => {
  it("builds every chart, in order, with a title", () => {
    const charts = buildCharts(data);
    expect(charts.map((c) => c.name)).toEqual([...CHART_NAMES]);
    for (const c of charts) expect(String(json(c.spec).title.text).trim().length).toBeGreaterThan(5);
  });
});

describe("latency-tail", () => {
  const line = (s: J): J => s.layer[1];
  const ends = (s: J): J[] => s.layer[2].data.values;

  it("plots the share taking at least x on a log axis against latency on a log axis, arms by colour and dash", () => {
    const s = json(latencyTailSpec(data));
    const l = line(s);
    expect(l.mark).toMatchObject({ type: "line", interpolate: "step-before" });
    expect(l.encoding.x).toMatchObject({ field: "latency_s", type: "quantitative", scale: { type: "log" } });
    expect(l.encoding.x.title).toMatch(/\(s, log scale\)/);
    expect(l.encoding.y).toMatchObject({ field: "survival", type: "quantitative", scale: { type: "log" } });
    expect(l.encoding.y.scale.domain[1]).toBe(1);
    expect(l.encoding.color).toMatchObject({ field: "arm", type: "nominal" });
    expect(l.encoding.strokeDash).toMatchObject({ field: "arm", type: "nominal" });
    // one legend, for colour and dash together: same field, same title, same domain
    expect(l.encoding.strokeDash.title).toBe(l.encoding.color.title);
    expect(l.encoding.strokeDash.scale.domain).toEqual(l.encoding.color.scale.domain);
  });

  it("gives ten arms ten different dash patterns, the first solid", () => {
    const d = Array.from({ length: 10 }, (_, i) => JSON.stringify(dashOf(i)));
    expect(new Set(d).size).toBe(10);
    expect(dashOf(0)).toEqual([]);
  });

  it("names each arm with its failure rate in the legend", () => {
    const labels: string[] = line(json(latencyTailSpec(data))).encoding.color.scale.domain;
    expect(labels).toHaveLength(fx.policies.length);
    for (const p of data.summary.policies) {
      const fail = 1 - (p.success_rate.mean as number);
      expect(labels).toContain(`${p.name} (fail ${pct(fail)})`);
    }
    expect(labels[0]).toMatch(/^horde \(fail \d+(\.\d+)?%\)$/);
  });

  it("is the share of requests at least as slow as each one: 1, 3/4, 1/2, 1/4 for four requests", () => {
    const four: ReportData = { ...data, policies: ["horde"], latencies: { horde: [4, 1, 3, 2] } };
    const rows = values(line(json(latencyTailSpec(four))));
    expect(rows.map((r: J) => [r.latency_s, r.survival])).toEqual([
      [1, 1],
      [2, 0.75],
      [3, 0.5],
      [4, 0.25],
    ]);
  });

  it("has one point per completed request when there are few, falling from 1 to 1/n", () => {
    const rows = values(line(json(latencyTailSpec(data))));
    for (const p of fx.policies) {
      const mine = rows.filter((r: J) => r.policy === p);
      const n = data.latencies[p].length;
      expect(mine.length).toBe(n);
      expect(mine[0].survival).toBe(1);
      expect(mine[mine.length - 1].survival * n).toBeCloseTo(1, 5);
      for (let i = 1; i < mine.length; i++) {
        expect(mine[i].latency_s).toBeGreaterThanOrEqual(mine[i - 1].latency_s);
        expect(mine[i].survival).toBeLessThan(mine[i - 1].survival);
      }
    }
  });

  it("labels every arm at the end of its tail, no two labels over each other", () => {
    const s = json(latencyTailSpec(data));
    const e = ends(s);
    expect(e.map((r: J) => r.label)).toEqual(fx.policies);
    const [x0, x1] = line(s).encoding.x.scale.domain;
    const [y0, y1] = line(s).encoding.y.scale.domain;
    const px = (x: number) => (Math.log(x / x0) / Math.log(x1 / x0)) * s.width;
    const py = (y: number) => (Math.log(y1 / y) / Math.log(y1 / y0)) * s.height;
    const boxes = e.map((r: J) => {
      const w = textWidth(r.label, 11);
      const yc = py(r.label_y);
      return { x0: px(r.label_x), x1: px(r.label_x) + w, y0: yc - 6.5, y1: yc + 6.5 };
    });
    for (let i = 0; i < boxes.length; i++) {
      expect(boxes[i].x0).toBeGreaterThanOrEqual(-0.01);
      expect(boxes[i].x1).toBeLessThanOrEqual(s.width + 0.01);
      for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j])).toBe(false);
    }
    // each end is the arm's slowest completed request, at 1/n
    for (const r of e) {
      const lat = data.latencies[r.policy];
      expect(r.end_x).toBeCloseTo(Math.max(...lat), 2);
      expect(r.end_y * lat.length).toBeCloseTo(1, 5);
    }
  });

  it("downsamples to at most 500 points per arm, keeping both ends", () => {
    const big: ReportData = {
      ...data,
      latencies: Object.fromEntries(
        data.policies.map((p, k) => [p, Array.from({ length: 20_000 + k }, (_, i) => 1 + ((i * 7919) % 20_000) / 10)]),
      ),
    };
    const rows = values(line(json(latencyTailSpec(big))));
    data.policies.forEach((p, k) => {
      const mine = rows.filter((r: J) => r.policy === p);
      expect(mine.length).toBeLessThanOrEqual(MAX_CDF_POINTS);
      expect(mine.length).toBeGreaterThan(MAX_CDF_POINTS * 0.8);
      expect(mine[0].latency_s).toBe(1);
      expect(mine[0].survival).toBe(1);
      expect(mine[mine.length - 1].survival * (20_000 + k)).toBeCloseTo(1, 5);
    });
    const ranks = cdfRanks(1_000_000);
    expect(ranks.length).toBeLessThanOrEqual(MAX_CDF_POINTS);
    expect(ranks[0]).toBe(0);
    expect(ranks[ranks.length - 1]).toBe(999_999);
    // the tail is resolved: some kept rank lies beyond p99.9
    expect(ranks.some((r) => r > 999_000 && r < 999_999)).toBe(true);
  });
});

describe("latency-quantiles", () => {
  it("shows p50, p90 and p99 per policy from summary.json with their intervals", () => {
    const s = json(latencyQuantilesSpec(data));
    const rows = values(s);
    expect(rows).toHaveLength(3 * fx.policies.length);
    expect(s.facet.column.field).toBe("quantile");
    const [bars, dots] = s.spec.layer;
    expect(bars.mark.type).toBe("errorbar");
    expect(bars.encoding.x.field).toBe("lo_s");
    expect(bars.encoding.x2.field).toBe("hi_s");
    expect(dots.encoding.x).toMatchObject({ field: "mean_s", type: "quantitative", title: "latency (s)" });
    expect(dots.encoding.y.field).toBe("policy");
    for (const p of data.summary.policies) {
      const p99 = rows.find((r) => r.policy === p.name && r.quantile === "p99");
      expect(p99.mean_s).toBeCloseTo(p.latency_s.p99.mean as number, 2);
      expect(p99.lo_s).toBeCloseTo((p.latency_s.p99.ci95 as [number, number])[0], 2);
    }
  });
});

describe("forest", () => {
  it("has three panels, p99 latency, failure rate and latency of requests hit by a failed job", () => {
    const s = json(forestSpec(data));
    expect(s.hconcat).toHaveLength(3);
    const [a, b, c] = s.hconcat;
    expect(a.transform[0].filter).toEqual({ field: "metric", equal: "p99" });
    expect(b.transform[0].filter).toEqual({ field: "metric", equal: "fail" });
    expect(c.transform[0].filter).toEqual({ field: "metric", equal: "affected" });
    expect(c.title.text.join(" ")).toBe("latency of requests hit by a failed job");
    for (const panel of s.hconcat) {
      expect(panel.layer[0].mark.type).toBe("rule");
      expect(panel.layer[0].encoding.x.datum).toBe(0);
      expect(panel.layer[1].mark.type).toBe("errorbar");
      expect(panel.layer[2].encoding.x.field).toBe("diff");
      // zero inside every panel's domain, so that "left of 0" can be read everywhere
      const [lo, hi] = panel.layer[2].encoding.x.scale.domain;
      expect(lo).toBeLessThan(0);
      expect(hi).toBeGreaterThan(0);
    }
    // policy names on the first panel only, the same rows in each
    expect(a.layer[2].encoding.y.axis.labels).toBeUndefined();
    expect(c.layer[2].encoding.y.axis.labels).toBe(false);
    expect(a.layer[2].encoding.x.title.join(" ")).toMatch(/\(s\)/);
    expect(b.layer[2].encoding.x.title.join(" ")).toMatch(/percentage points/);
    expect(c.layer[2].encoding.x.title.join(" ")).toMatch(/\(s, submit to end\)/);
    expect(s.title.subtitle).toMatch(/left of 0 is better/);
  });

  it("takes the third panel from vs_baseline.affected_latency_s, in seconds, lower is better", () => {
    const rows = values(json(forestSpec(data)));
    for (const p of data.summary.policies.slice(1)) {
      const d = p.vs_baseline?.affected_latency_s;
      if (!d || d.diff === null) throw new Error("fixture has affected_latency_s");
      const r = rows.find((x) => x.policy === p.name && x.metric === "affected");
      expect(r.diff).toBeCloseTo(d.diff, 2);
      expect(r.lo).toBeCloseTo((d.ci95 as [number, number])[0], 2);
      expect(r.hi).toBeCloseTo((d.ci95 as [number, number])[1], 2);
      // a significant reduction is "better": left of 0 is better in this panel too
      if (d.significant) expect(r.verdict).toBe(d.diff < 0 ? "better (significant)" : "worse (significant)");
    }
    // progressive cuts the wait of hit requests (a shorter TTL): significantly better in the fixture
    expect(rows.find((x) => x.policy === "progressive" && x.metric === "affected").verdict).toBe(
      "better (significant)",
    );
  });

  it("leaves the third panel out when summary.json has no affected_latency_s", () => {
    const old: ReportData = {
      ...data,
      summary: {
        ...data.summary,
        policies: data.summary.policies.map((p) =>
          p.vs_baseline
            ? {
                ...p,
                vs_baseline: {
                  ...p.vs_baseline,
                  affected_latency_s: { diff: null, ci95: null, significant: null, n: null },
                },
              }
            : p,
        ),
      },
    };
    const s = json(forestSpec(old));
    expect(s.hconcat.map((p: J) => p.transform[0].filter.equal)).toEqual(["p99", "fail"]);
    expect(s.hconcat[0].layer[2].encoding.y.axis.labels).toBeUndefined();
    expect(FOREST_PANELS.map((p) => p.metric)).toEqual(["p99", "fail", "affected"]);
  });

  it("takes the paired differences from vs_baseline, the failure rate as −Δ success in points", () => {
    const rows = values(json(forestSpec(data)));
    const others = data.summary.policies.slice(1);
    expect(rows).toHaveLength(3 * others.length);
    for (const p of others) {
      const vs = p.vs_baseline;
      if (!vs) throw new Error("fixture has vs_baseline");
      const p99 = rows.find((r) => r.policy === p.name && r.metric === "p99");
      const fail = rows.find((r) => r.policy === p.name && r.metric === "fail");
      expect(p99.diff).toBeCloseTo(vs.latency_p99_s.diff as number, 2);
      expect(fail.diff).toBeCloseTo(-100 * (vs.success_rate.diff as number), 3);
      expect(fail.lo).toBeLessThanOrEqual(fail.hi);
    }
    expect(rows.some((r) => r.policy === "horde")).toBe(false);
  });
});

describe("timeline", () => {
  /** Per replication of the baseline arm: requests faulted after three or more strikes, from the fixture. */
  function strikeFaulted(rep: number): number {
    return fx.requests.filter(
      (r) =>
        r.policy === "horde" &&
        r.replication === rep &&
        r.outcome === "faulted" &&
        fx.attempts.filter(
          (a) =>
            a.policy === "horde" &&
            a.replication === rep &&
            a.request_id === r.request_id &&
            (a.end === "stale_abort" || a.end === "reported_fault"),
        ).length >= STRIKES,
    ).length;
  }

  /** The fixture's data with the baseline's timeline source changed. */
  function withTimeline(
    change: (tl: NonNullable<ReportData["timeline"]>) => Partial<NonNullable<ReportData["timeline"]>>,
  ) {
    const tl = data.timeline;
    if (!tl) throw new Error("no timeline source");
    return { ...data, timeline: { ...tl, ...change(tl) } };
  }

  it("picks the baseline replication with a request faulted by 3 strikes", () => {
    const counts = [1, 2, 3].map(strikeFaulted);
    const most = Math.max(...counts);
    expect(most).toBeGreaterThan(0);
    const expected = [1, 2, 3].find((rep) => strikeFaulted(rep) === most);
    const choice = timelineReplication(data);
    expect(choice).toMatchObject({ replication: expected, strikeFaulted: most, reason: "strikes", of: 3 });
    // in the fixture that is not the first replication
    expect(choice?.replication).not.toBe(1);
  });

  it("else the replication with the most stale aborts, else the lowest; ties go to the lower one", () => {
    const noFaults = (tl: NonNullable<ReportData["timeline"]>) =>
      tl.requests.map((r) => (r.outcome === "faulted" ? { ...r, outcome: "completed" as const } : r));
    const aborts = withTimeline((tl) => ({ requests: noFaults(tl), staleAborts: { 1: 5, 2: 30, 3: 10 } }));
    expect(timelineReplication(aborts)).toMatchObject({ replication: 2, reason: "aborts", staleAborts: 30 });
    const tie = withTimeline((tl) => ({ requests: noFaults(tl), staleAborts: { 1: 5, 2: 30, 3: 30 } }));
    expect(timelineReplication(tie)?.replication).toBe(2);
    const clean = withTimeline(() => ({ requests: [], attempts: [], staleAborts: {} }));
    expect(timelineReplication(clean)).toMatchObject({ replication: 1, reason: "lowest", staleAborts: 0 });
    const s = json(timelineSpec(clean));
    expect(s.title.text).toContain("replication 1");
    expect(s.data.values[0].message).toMatch(/no stale aborts or failed jobs in any replication/);
  });

  it("shows faulted requests first, then the most stale aborts, from the chosen replication only", () => {
    const rep = timelineReplication(data)?.replication;
    const worst = worstRequests(data);
    expect(worst.length).toBeGreaterThan(0);
    expect(worst.length).toBeLessThanOrEqual(MAX_TIMELINE_REQUESTS);
    expect(worst[0].request.outcome).toBe("faulted");
    expect(worst[0].strikes).toBeGreaterThanOrEqual(STRIKES);
    const rank = (o: string) => (o === "faulted" ? 0 : o === "expired" ? 1 : 2);
    for (let i = 1; i < worst.length; i++) {
      const [a, b] = [worst[i - 1], worst[i]];
      expect(rank(b.request.outcome)).toBeGreaterThanOrEqual(rank(a.request.outcome));
      if (rank(a.request.outcome) === rank(b.request.outcome)) expect(b.staleAborts).toBeLessThanOrEqual(a.staleAborts);
    }
    for (const w of worst) {
      expect(w.request.policy).toBe("horde");
      expect(w.request.replication).toBe(rep);
      for (const a of w.attempts) expect(a.replication).toBe(rep);
      expect(w.staleAborts).toBe(w.attempts.filter((a) => a.end === "stale_abort").length);
      expect(w.attempts.some((a) => a.end !== "completed") || w.request.outcome !== "completed").toBe(true);
    }
  });

  it("says which replication and why in the title and subtitle", () => {
    const choice = timelineReplication(data);
    const s = json(timelineSpec(data));
    expect(s.title.text).toBe(`Timeline of the worst requests (horde, replication ${choice?.replication})`);
    expect(s.title.subtitle[0]).toBe(
      `Replication ${choice?.replication} of 3 has the most requests faulted by 3 strikes (${choice?.strikeFaulted}; ${choice?.staleAborts} stale aborts in all)`,
    );
    expect(s.title.subtitle.join(" ")).toMatch(/Faulted requests first, then most stale aborts/);
    // the faulted request's panel says so, with its aborts
    const w = worstRequests(data)[0];
    expect(s.vconcat[0].title.text).toMatch(
      new RegExp(
        `^request ${w.request.request_id} · submitted \\d\\d:\\d\\d:\\d\\d · ${w.attempts.length} jobs, ${w.staleAborts} stale aborts · faulted after`,
      ),
    );
  });

  it("draws every job as a bar on its worker's row, from pop to end, aborts marked", () => {
    const s = json(timelineSpec(data));
    const worst = worstRequests(data);
    expect(s.vconcat).toHaveLength(worst.length);
    const rows = values(s);
    expect(rows).toHaveLength(worst.reduce((n, w) => n + w.attempts.length, 0));
    const [bars, crosses] = s.vconcat[0].layer;
    expect(bars.mark.type).toBe("bar");
    expect(bars.encoding.x.field).toBe("start_min");
    expect(bars.encoding.x2.field).toBe("end_min");
    expect(bars.encoding.y.field).toBe("worker");
    expect(bars.encoding.color.field).toBe("end");
    expect(bars.encoding.color.scale.domain).toContain("stale abort");
    expect(crosses.encoding.x.field).toBe("abort_min");
    const last = s.vconcat[s.vconcat.length - 1].layer[0].encoding.x;
    expect(last.title).toMatch(/minutes/);
    for (const r of rows) {
      expect(r.end_min).toBeGreaterThanOrEqual(r.start_min);
      expect(r.abort_min !== null).toBe(r.end === "stale abort");
    }
    const first = worst[0].attempts[0];
    const row = rows.find((r) => r.rank === 0 && r.attempt === first.attempt);
    expect(row.start_min).toBeCloseTo((first.popped_s - worst[0].request.submitted_s) / 60, 3);
  });
});

describe("worker-aborts", () => {
  it("sums stale aborts per worker over replications in the baseline arm, with shares", () => {
    const s = json(workerAbortsSpec(data));
    const rows = values(s);
    const total = fx.workers.filter((w) => w.policy === "horde").reduce((n, w) => n + w.stale_aborts, 0);
    const ameli = fx.workers
      .filter((w) => w.policy === "horde" && w.worker_name === "ameli0x")
      .reduce((n, w) => n + w.stale_aborts, 0);
    expect(rows[0].worker).toBe("ameli0x");
    expect(rows[0].stale_aborts).toBe(ameli);
    expect(rows[0].share).toBeCloseTo(ameli / total, 10);
    expect(rows[0].label).toBe(`${ameli} (${Math.round((100 * ameli) / total)}%)`);
    expect(rows.length).toBeLessThanOrEqual(15);
    for (let i = 1; i < rows.length; i++) expect(rows[i].stale_aborts).toBeLessThanOrEqual(rows[i - 1].stale_aborts);
    const [bar, text] = s.layer;
    expect(bar.mark.type).toBe("bar");
    expect(bar.encoding.x).toMatchObject({ field: "stale_aborts", type: "quantitative" });
    expect(s.encoding.y.field).toBe("worker");
    expect(text.encoding.text.field).toBe("label");
  });
});

describe("queue", () => {
  const area = (panel: J): J => panel.layer[panel.layer.length - 1];

  it("draws one panel per arm, in the summary's order, each a step area of its own queue, on one y scale", () => {
    const s = json(queueSpec(data));
    expect(s.vconcat).toHaveLength(fx.policies.length);
    s.vconcat.forEach((panel: J, i: number) => {
      const a = area(panel);
      expect(a.mark).toMatchObject({ type: "area", interpolate: "step-after" });
      expect(a.transform[0].filter).toEqual({ field: "policy", equal: fx.policies[i] });
      expect(a.encoding.y.field).toBe("queued");
      expect(a.encoding.x).toMatchObject({ field: "t", type: "quantitative" });
      // the time axis is labelled once, under the last panel
      expect(a.encoding.x.title === null).toBe(i < fx.policies.length - 1);
    });
    expect(s.resolve.scale.y).toBe("shared");
    const most = Math.max(1, ...fx.samples.filter((x) => x.replication === 1).map((x) => x.queued));
    expect(area(s.vconcat[0]).encoding.y.scale.domain).toEqual([0, most]);
    const perRep = fx.samples.filter((x) => x.policy === "horde" && x.replication === 1).length;
    expect(values(s)).toHaveLength(perRep * fx.policies.length);
  });

  it("gives each arm's mean and largest queue over every replication after the warm-up in its panel's title", () => {
    const s = json(queueSpec(data));
    const warm = data.summary.warmup_s as number;
    fx.policies.forEach((p, i) => {
      const mine = fx.samples.filter((x) => x.policy === p && x.t_s >= warm);
      const largest = Math.max(...mine.map((x) => x.queued));
      const mean = mine.reduce((t, x) => t + x.queued, 0) / mine.length;
      const title: string = s.vconcat[i].title.text;
      expect(title.startsWith(`${p}: mean `)).toBe(true);
      expect(title).toContain(`largest ${largest};`);
      expect(Number(/mean ([\d.]+) queued/.exec(title)?.[1])).toBeCloseTo(mean, mean < 0.1 ? 2 : 1);
    });
  });

  it("reads a queue of 0 or 1 on an axis of exactly 0 and 1, not one line under another", () => {
    const flat: ReportData = {
      ...data,
      samples: data.samples.map((x) => ({ ...x, queued: x.t_s === 3600 ? 1 : 0 })),
    };
    const s = json(queueSpec(flat));
    for (const panel of s.vconcat) {
      expect(area(panel).encoding.y.scale.domain).toEqual([0, 1]);
      expect(area(panel).encoding.y.axis.values).toEqual([0, 1]);
    }
    expect(s.title.subtitle[0]).toContain("all on one scale (0 to 1)");
  });
});

describe("waits", () => {
  /** Mean wait and processing per arm and model from the fixture's records, joined here by hand. */
  function expected(): Map<string, { wait: number; processing: number; n: number }> {
    const firstPop = new Map<string, number>();
    for (const a of fx.attempts) {
      const k = `${a.policy}|${a.replication}|${a.request_id}`;
      firstPop.set(k, Math.min(firstPop.get(k) ?? Number.POSITIVE_INFINITY, a.popped_s));
    }
    const out = new Map<string, { wait: number; processing: number; n: number }>();
    for (const r of fx.requests) {
      if (r.warmup || r.outcome !== "completed") continue;
      const pop = firstPop.get(`${r.policy}|${r.replication}|${r.request_id}`) as number;
      const k = `${r.policy}|${r.model}`;
      const e = out.get(k) ?? { wait: 0, processing: 0, n: 0 };
      e.wait += pop - r.submitted_s;
      e.processing += r.done_s - pop;
      e.n++;
      out.set(k, e);
    }
    return out;
  }

  it("splits each arm's mean latency per model at the first pop, from the requests' first_pop_s", () => {
    expect(data.waits?.source).toBe("requests first_pop_s");
    expect(data.waits?.unmatched).toBe(0);
    const want = expected();
    let seen = 0;
    for (const p of fx.policies) {
      for (const m of data.waits?.byPolicy[p] ?? []) {
        const e = want.get(`${p}|${m.model}`);
        expect(e, `${p} ${m.model}`).toBeDefined();
        if (!e) continue;
        expect(m.n).toBe(e.n);
        expect(m.wait_mean_s).toBeCloseTo(e.wait / e.n, 6);
        expect(m.processing_mean_s).toBeCloseTo(e.processing / e.n, 6);
        expect(m.wait_p50_s).toBeLessThanOrEqual(m.wait_p90_s);
        expect(m.wait_p90_s).toBeLessThanOrEqual(m.wait_p99_s);
        seen++;
      }
    }
    expect(seen).toBe(want.size);
  });

  it("stacks the wait and the processing into bars as long as the mean latency, a column per model", () => {
    const s = json(waitsSpec(data));
    expect(s.facet.field).toBe("model");
    expect(s.columns).toBe(4);
    const bars = s.spec.layer[0];
    expect(bars.mark.type).toBe("bar");
    expect(bars.encoding.x.stack).toBe("zero");
    expect(bars.encoding.color.field).toBe("part");
    const rows = values(s).filter((r: J) => !r.tick);
    for (const p of fx.policies) {
      for (const m of data.waits?.byPolicy[p] ?? []) {
        const mine = rows.filter((r: J) => r.policy === p && r.model === m.model);
        expect(mine).toHaveLength(2);
        const total = mine.reduce((t: number, r: J) => t + r.seconds, 0);
        expect(total).toBeCloseTo(m.wait_mean_s + m.processing_mean_s, 2);
      }
    }
    expect(s.spec.layer[1].mark.type).toBe("tick");
    expect(s.spec.layer[1].encoding.x.field).toBe("wait_p90");
  });

  /** A folder with requests.csv (and attempts.csv) of a few rows: `columns` of requests first, then rows. */
  function waitsFolder(requests: string[], attempts: string[] | null): string {
    const dir = mkdtempSync(join(tmpdir(), "hordesim-waits-"));
    writeFileSync(join(dir, "summary.json"), JSON.stringify({ scenario: { name: "w" }, policies: [{ name: "a" }] }));
    writeFileSync(join(dir, "requests.csv"), `${requests.join("\n")}\n`);
    if (attempts !== null) writeFileSync(join(dir, "attempts.csv"), `${attempts.join("\n")}\n`);
    return dir;
  }

  it("splits at the requests' first_pop_s when they have it, without the jobs", async () => {
    const dir = waitsFolder(
      [
        "policy,replication,request_id,model,submitted_s,done_s,outcome,warmup,first_pop_s",
        "a,1,1,m,10,30,completed,false,14",
        "a,1,2,m,0,10,completed,false,6",
        "a,1,3,m,0,10,faulted,false,6",
        "a,1,4,m,0,99,completed,true,50",
      ],
      ["policy,replication,request_id,popped_s", "a,1,1,11"],
    );
    const d = (await readResultFolder(dir)).waits;
    expect(d?.source).toBe("requests first_pop_s");
    // (14 − 10, 30 − 14) and (6 − 0, 10 − 6): the faulted and the warm-up requests left out
    expect(d?.byPolicy.a[0]).toMatchObject({ model: "m", n: 2, wait_mean_s: 5, processing_mean_s: 10 });
  });

  it("joins an older folder's requests with the earliest pop of their jobs, and counts requests with no job", async () => {
    const dir = waitsFolder(
      [
        "policy,replication,request_id,model,submitted_s,done_s,outcome,warmup",
        "a,1,3,m,100,180,completed,false",
        "a,2,3,m,0,50,completed,false",
        "a,2,4,m,0,50,completed,false",
      ],
      ["policy,replication,request_id,popped_s", "a,1,3,160", "a,1,3,120", "a,2,3,10"],
    );
    const d = (await readResultFolder(dir)).waits;
    expect(d?.source).toBe("attempts popped_s");
    expect(d?.unmatched).toBe(1);
    // (120 − 100, 180 − 120) and (10 − 0, 50 − 10)
    expect(d?.byPolicy.a[0]).toMatchObject({ n: 2, wait_mean_s: 15, processing_mean_s: 50 });
  });

  it("is a message chart when no completed request has a known first pop", () => {
    const s = json(waitsSpec({ ...data, waits: null }));
    expect(s.mark.type).toBe("text");
    expect(values(s)[0].message).toMatch(/no completed request/);
  });
});

describe("cost-benefit", () => {
  /** The spec's label rows, with each label's centre back in pixels from the plot's top. */
  function labelPixels(s: J): { policy: string; p99: number; y: number }[] {
    const [lo, hi] = s.layer[0].encoding.y.scale.domain;
    return values(s).map((r: J) => ({
      policy: r.policy,
      p99: r.p99_s,
      y: s.height - ((r.label_y - lo) / (hi - lo)) * s.height,
    }));
  }

  /** The fixture's summary with `n` arms whose points all but coincide (and three exactly on top of each other). */
  function clustered(n: number): ReportData {
    const proto = data.summary.policies[1];
    const policies = Array.from({ length: n }, (_, i) => ({
      ...proto,
      name: i === 0 ? "horde" : `arm-${i}-with-a-long-name`,
      wasted_gpu_s: { mean: i < 3 ? 17.14 : 17 + (i % 4) * 0.01, ci95: [11, 23] as [number, number] },
      latency_s: {
        ...proto.latency_s,
        p99: { mean: i < 3 ? 51.06 : 51 + (i % 5) * 0.004, ci95: [48, 54] as [number, number] },
      },
    }));
    return { ...data, summary: { ...data.summary, policies } };
  }

  it("has one point per policy: wasted GPU-s against p99 latency, the p99 axis not from 0", () => {
    const s = json(costBenefitSpec(data));
    const rows = values(s);
    expect(rows.map((r: J) => r.policy)).toEqual(fx.policies);
    const point = s.layer.find((l: J) => l.mark.type === "point" && l.encoding.x.field === "wasted_gpu_s");
    expect(point.encoding.y.field).toBe("p99_s");
    expect(point.encoding.x.title).toMatch(/GPU-s/);
    expect(point.encoding.y.title).toMatch(/\(s\)/);
    expect(point.encoding.color.field).toBe("policy");
    expect(rows[0].label).toBe("horde (baseline)");
    const [ylo, yhi] = point.encoding.y.scale.domain;
    expect(point.encoding.y.scale.zero).toBe(false);
    expect(ylo).toBeGreaterThan(0);
    for (const p of data.summary.policies) {
      const r = rows.find((x: J) => x.policy === p.name);
      expect(r.wasted_gpu_s).toBeCloseTo(p.wasted_gpu_s.mean as number, 0);
      expect(r.p99_s).toBeCloseTo(p.latency_s.p99.mean as number, 2);
      // every point and interval inside the fitted domain
      for (const v of [r.p99_s, r.y_lo, r.y_hi]) {
        expect(v).toBeGreaterThanOrEqual(ylo);
        expect(v).toBeLessThanOrEqual(yhi);
      }
      expect(r.p99_text).toBe((p.latency_s.p99.mean as number).toFixed(1));
    }
    // the p99 axis is fitted: the points use a good part of its height
    const ys = rows.flatMap((r: J) => [r.y_lo, r.y_hi]);
    expect((Math.max(...ys) - Math.min(...ys)) / (yhi - ylo)).toBeGreaterThan(0.8);
  });

  it("names the points in a list beside the plot, joined to them by leader lines, with a header", () => {
    const s = json(costBenefitSpec(data));
    const leader = s.layer[0];
    expect(leader.mark.type).toBe("rule");
    expect(leader.encoding.x.field).toBe("wasted_gpu_s");
    expect(leader.encoding.y.field).toBe("p99_s");
    expect(leader.encoding.y2.field).toBe("label_y");
    expect(leader.encoding.color.field).toBe("policy");
    const [, xhi] = leader.encoding.x.scale.domain;
    // the list starts right of the plot's x domain
    expect(leader.encoding.x2.datum).toBeGreaterThan(xhi);
    const texts = s.layer.filter((l: J) => l.mark.type === "text");
    expect(texts.map((l: J) => l.encoding.text.field)).toEqual([
      "label",
      "p99_text",
      "wasted_text",
      "header",
      "header",
      "header",
    ]);
    for (const t of texts) expect(t.encoding.x.datum).toBeGreaterThan(xhi);
    expect(texts.slice(3).map((l: J) => l.data.values[0].header)).toEqual(["policy", "p99 (s)", "wasted GPU-s"]);
    // the list is ordered like the points: highest p99 at the top
    const px = labelPixels(s).sort((a, b) => a.y - b.y);
    for (let i = 1; i < px.length; i++) {
      expect(px[i].p99).toBeLessThanOrEqual(px[i - 1].p99);
      expect(px[i].y - px[i - 1].y).toBeGreaterThanOrEqual(ROW_STEP - 1e-6);
    }
  });

  it("never overlaps labels when 10 points cluster or coincide", () => {
    const c = clustered(10);
    const s = json(costBenefitSpec(c));
    const px = labelPixels(s);
    expect(px).toHaveLength(10);
    // the labels' boxes from the placement itself: pairwise disjoint, all right of the plot, under the header
    const list = sideList(
      c.summary.policies.map((p, i) => ({ py: px[i].y, label: p.name, p99: "51.0", wasted: "17" })),
      560,
      340,
    );
    const boxes: Box[] = list.entries.flatMap((e) => e.boxes);
    for (let i = 0; i < boxes.length; i++) {
      expect(boxes[i].x0).toBeGreaterThan(560);
      expect(boxes[i].y0).toBeGreaterThan(list.headerY + LABEL_HEIGHT / 2);
      for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j]), `${i} / ${j}`).toBe(false);
    }
    // and in the spec: centres at least a row apart, in the order of the points
    const sorted = px.slice().sort((a, b) => a.y - b.y);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i].y - sorted[i - 1].y).toBeGreaterThanOrEqual(ROW_STEP - 1e-6);
      expect(sorted[i].p99).toBeLessThanOrEqual(sorted[i - 1].p99);
    }
  });

  it("places a column of labels a row apart, in order, near their points, for any points", () => {
    // alone, a label sits at its point's height
    expect(placeSideLabels([100], 340)).toEqual([100]);
    expect(placeSideLabels([100, 300], 340)).toEqual([100, 300]);
    // three on one spot: centred on it
    expect(placeSideLabels([100, 100, 100], 340)).toEqual([100 - ROW_STEP, 100, 100 + ROW_STEP]);
    // at the edge: pushed inside
    expect(placeSideLabels([0, 0], 340)).toEqual([ROW_STEP / 2, ROW_STEP * 1.5]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 400, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (ideal) => {
          const height = 340;
          const ys = placeSideLabels(ideal, height);
          const order = ideal.map((_, i) => i).sort((a, b) => ideal[a] - ideal[b] || a - b);
          for (let k = 1; k < order.length; k++) {
            if (ys[order[k]] - ys[order[k - 1]] < ROW_STEP - 1e-9) return false;
          }
          // inside the column when they fit
          if (ideal.length * ROW_STEP <= height) {
            for (const y of ys) if (y < ROW_STEP / 2 - 1e-9 || y > height - ROW_STEP / 2 + 1e-9) return false;
          }
          return true;
        },
      ),
    );
  });

  it("when every arm wastes exactly 0 GPU-s: p99 alone, a row per arm, lowest first, values beside the plot", () => {
    const tied: ReportData = {
      ...data,
      summary: {
        ...data.summary,
        policies: data.summary.policies.map((p) => ({ ...p, wasted_gpu_s: { mean: 0, ci95: [0, 0] } })),
      },
    };
    const s = json(costBenefitSpec(tied));
    expect(s.title.text).toMatch(/every arm wasted 0 GPU-s/);
    const text = JSON.stringify(s);
    // no axis of wasted GPU time at all (it would have one tick), no field of it
    expect(text).not.toMatch(/wasted_gpu_s|wasted GPU time per replication/);
    const [plot, column] = s.hconcat;
    const point = plot.layer.find((l: J) => l.mark.type === "point");
    expect(point.encoding.x.field).toBe("p99_s");
    expect(point.encoding.y.field).toBe("label");
    const byP99 = [...data.summary.policies].sort(
      (a, b) => (a.latency_s.p99.mean as number) - (b.latency_s.p99.mean as number),
    );
    expect(point.encoding.y.sort).toEqual(byP99.map((p) => (p.name === "horde" ? "horde (baseline)" : p.name)));
    // the values are text in their own column, a separate view: they cannot be drawn over a point
    expect(column.mark.type).toBe("text");
    expect(column.encoding.text.field).toBe("p99_text");
    for (const r of values(s)) expect(r.p99_text).toBe(`${(r.p99_s as number).toFixed(1)} s`);
  });

  it("keeps room left of 0 so that a point at 0 GPU-s is not drawn over the axis", () => {
    const some: ReportData = {
      ...data,
      summary: {
        ...data.summary,
        policies: data.summary.policies.map((p, i) =>
          i === 0 ? { ...p, wasted_gpu_s: { mean: 0, ci95: [0, 0] } } : p,
        ),
      },
    };
    const s = json(costBenefitSpec(some));
    const [lo, hi] = s.layer[0].encoding.x.scale.domain;
    expect(lo).toBeLessThan(0);
    expect(-lo).toBeLessThan(hi * 0.05);
  });

  it("makes the plot taller when the list needs more than its height", () => {
    const s = json(costBenefitSpec(clustered(25)));
    expect(s.height).toBeGreaterThanOrEqual(25 * ROW_STEP);
    const px = labelPixels(s).sort((a, b) => a.y - b.y);
    expect(px[0].y).toBeGreaterThanOrEqual(ROW_STEP / 2 - 1e-6);
    expect(px[px.length - 1].y).toBeLessThanOrEqual(s.height - ROW_STEP / 2 + 1e-6);
  });
});
