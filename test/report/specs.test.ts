// Each chart's vega-lite spec, built from a small synthetic result folder: its data and its encodings.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approxTextWidth, pct } from "../../src/report/charts/common.js";
import { costBenefitSpec, placeLabels } from "../../src/report/charts/cost-benefit.js";
import { forestSpec } from "../../src/report/charts/forest.js";
import { buildCharts, CHART_NAMES } from "../../src/report/charts/index.js";
import { cdfRanks, latencyCdfSpec, MAX_CDF_POINTS } from "../../src/report/charts/latency-cdf.js";
import { latencyQuantilesSpec } from "../../src/report/charts/latency-quantiles.js";
import { queueSpec } from "../../src/report/charts/queue.js";
import { MAX_TIMELINE_REQUESTS, timelineSpec, worstRequests } from "../../src/report/charts/timeline.js";
import { workerAbortsSpec } from "../../src/report/charts/worker-aborts.js";
import { type ReportData, readResultFolder } from "../../src/report/read-results.js";
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
    expect(data.timeline?.replication).toBe(1);
  });

  it("keeps the latencies of completed requests after the warm-up, all replications", () => {
    for (const p of fx.policies) {
      const expected = fx.requests
        .filter((r) => r.policy === p && !r.warmup && r.outcome === "completed")
        .map((r) => r.latency_s);
      expect(data.latencies[p].slice().sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    }
  });

  it("keeps the baseline's first replication in full, quoted fields included", () => {
    const base = fx.requests.filter((r) => r.policy === "horde" && r.replication === 1);
    expect(data.timeline?.requests.length).toBe(base.length);
    expect(data.timeline?.requests.some((r) => r.model === "AlbedoBase XL (SDXL), v2")).toBe(true);
    expect(data.timeline?.attempts.length).toBe(
      fx.attempts.filter((a) => a.policy === "horde" && a.replication === 1).length,
    );
    const open = data.timeline?.requests.find((r) => r.outcome === "open");
    expect(open?.done_s).toBeNaN();
  });
});

describe("chart catalogue", () => {
  it("builds every chart, in order, with a title", () => {
    const charts = buildCharts(data);
    expect(charts.map((c) => c.name)).toEqual([...CHART_NAMES]);
    for (const c of charts) expect(json(c.spec).title.text).toBeTruthy();
  });
});

describe("latency-cdf", () => {
  it("plots latency on a log axis against the share done, one line per policy", () => {
    const s = json(latencyCdfSpec(data));
    expect(s.mark.type).toBe("line");
    expect(s.encoding.x).toMatchObject({ field: "latency_s", type: "quantitative", scale: { type: "log" } });
    expect(s.encoding.x.title).toMatch(/\(s, log scale\)/);
    expect(s.encoding.y).toMatchObject({ field: "fraction", type: "quantitative" });
    expect(s.encoding.color).toMatchObject({ field: "arm", type: "nominal" });
  });

  it("names each arm with its failure rate in the legend", () => {
    const s = json(latencyCdfSpec(data));
    const labels: string[] = s.encoding.color.scale.domain;
    expect(labels).toHaveLength(fx.policies.length);
    for (const p of data.summary.policies) {
      const fail = 1 - (p.success_rate.mean as number);
      expect(labels).toContain(`${p.name} (fail ${pct(fail)})`);
    }
    expect(labels[0]).toMatch(/^horde \(fail \d+(\.\d+)?%\)$/);
  });

  it("has one point per completed request when there are few, rising to 1", () => {
    const rows = values(json(latencyCdfSpec(data)));
    for (const p of fx.policies) {
      const mine = rows.filter((r) => r.policy === p);
      expect(mine.length).toBe(data.latencies[p].length);
      expect(mine[mine.length - 1].fraction).toBe(1);
      for (let i = 1; i < mine.length; i++) expect(mine[i].latency_s).toBeGreaterThanOrEqual(mine[i - 1].latency_s);
    }
  });

  it("downsamples to at most 500 points per arm, keeping both ends", () => {
    const big: ReportData = {
      ...data,
      latencies: Object.fromEntries(
        data.policies.map((p, k) => [p, Array.from({ length: 20_000 + k }, (_, i) => 1 + ((i * 7919) % 20_000) / 10)]),
      ),
    };
    const rows = values(json(latencyCdfSpec(big)));
    for (const p of data.policies) {
      const mine = rows.filter((r) => r.policy === p);
      expect(mine.length).toBeLessThanOrEqual(MAX_CDF_POINTS);
      expect(mine.length).toBeGreaterThan(MAX_CDF_POINTS * 0.8);
      expect(mine[0].latency_s).toBe(1);
      expect(mine[mine.length - 1].fraction).toBe(1);
    }
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
  it("has two panels, p99 latency and failure rate, with a zero rule and intervals", () => {
    const s = json(forestSpec(data));
    expect(s.hconcat).toHaveLength(2);
    const [a, b] = s.hconcat;
    expect(a.transform[0].filter).toEqual({ field: "metric", equal: "p99" });
    expect(b.transform[0].filter).toEqual({ field: "metric", equal: "fail" });
    for (const panel of s.hconcat) {
      expect(panel.layer[0].mark.type).toBe("rule");
      expect(panel.layer[0].encoding.x.datum).toBe(0);
      expect(panel.layer[1].mark.type).toBe("errorbar");
      expect(panel.layer[2].encoding.x.field).toBe("diff");
    }
    expect(a.layer[2].encoding.x.title).toMatch(/\(s\)/);
    expect(b.layer[2].encoding.x.title).toMatch(/percentage points/);
  });

  it("takes the paired differences from vs_baseline, the failure rate as −Δ success in points", () => {
    const rows = values(json(forestSpec(data)));
    const others = data.summary.policies.slice(1);
    expect(rows).toHaveLength(2 * others.length);
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
  it("shows the worst requests of the baseline's first replication, most jobs first", () => {
    const worst = worstRequests(data);
    expect(worst.length).toBeGreaterThan(0);
    expect(worst.length).toBeLessThanOrEqual(MAX_TIMELINE_REQUESTS);
    for (let i = 1; i < worst.length; i++) {
      expect(worst[i].attempts.length).toBeLessThanOrEqual(worst[i - 1].attempts.length);
    }
    for (const w of worst) {
      expect(w.request.policy).toBe("horde");
      expect(w.request.replication).toBe(1);
      expect(w.attempts.some((a) => a.end !== "completed") || w.request.outcome !== "completed").toBe(true);
    }
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
    // a request's panel is labelled with it
    expect(s.vconcat[0].title.text).toContain(`request ${worst[0].request.request_id}`);
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
  it("plots queued requests and jobs in flight over time per policy, first replication", () => {
    const s = json(queueSpec(data));
    expect(s.vconcat).toHaveLength(2);
    const fields = s.vconcat.map((p: J) => p.layer[p.layer.length - 1].encoding.y.field);
    expect(fields).toEqual(["queued", "in_flight"]);
    const line = s.vconcat[0].layer[s.vconcat[0].layer.length - 1];
    expect(line.encoding.x).toMatchObject({ field: "t", type: "quantitative" });
    expect(line.encoding.x.title).toMatch(/simulated time \((h|min)\)/);
    expect(line.encoding.color.field).toBe("policy");
    const rows = values(s);
    const perRep = fx.samples.filter((x) => x.policy === "horde" && x.replication === 1).length;
    expect(rows).toHaveLength(perRep * fx.policies.length);
  });
});

describe("cost-benefit", () => {
  it("has one labelled point per policy: wasted GPU-s against p99 latency", () => {
    const s = json(costBenefitSpec(data));
    const rows = values(s);
    expect(rows.map((r: J) => r.policy)).toEqual(fx.policies);
    const point = s.layer.find((l: J) => l.mark.type === "point");
    expect(point.encoding.x.field).toBe("wasted_gpu_s");
    expect(point.encoding.y.field).toBe("p99_s");
    expect(point.encoding.x.title).toMatch(/GPU-s/);
    expect(point.encoding.y.title).toMatch(/\(s\)/);
    const texts = s.layer.filter((l: J) => l.mark.type === "text");
    expect(texts.length).toBeGreaterThan(0);
    expect(rows[0].label).toBe("horde (baseline)");
    for (const p of data.summary.policies) {
      const r = rows.find((x: J) => x.policy === p.name);
      expect(r.wasted_gpu_s).toBeCloseTo(p.wasted_gpu_s.mean as number, 0);
      expect(r.p99_s).toBeCloseTo(p.latency_s.p99.mean as number, 2);
    }
  });

  it("places labels so that they do not overlap, even for points on top of each other", () => {
    const pts = [
      { px: 100, py: 100, text: "horde (baseline)" },
      { px: 100, py: 100, text: "progressive" },
      { px: 104, py: 102, text: "exclude-failed" },
      { px: 300, py: 200, text: "hedge" },
    ];
    const at = placeLabels(pts, 560, 340);
    const boxes = at.map((a, i) => {
      const w = approxTextWidth(pts[i].text, 12);
      const x0 = a.align === "left" ? a.x : a.align === "right" ? a.x - w : a.x - w / 2;
      return { x0, x1: x0 + w, y0: a.y, y1: a.y + 14 };
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        expect(overlap, `${pts[i].text} / ${pts[j].text}`).toBe(false);
      }
    }
  });
});
