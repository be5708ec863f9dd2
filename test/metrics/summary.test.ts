import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LatencyStats, ReplicationStats } from "../../src/metrics/replication-stats.js";
import { formatComparisonTable, jsonNumber, type Summary, summarize } from "../../src/metrics/summary.js";

const META = {
  scenario: { name: "incident", sha256: "ab".repeat(32) },
  seed: 42,
  replications: 5,
  warmup_s: 1800,
  horizon_s: 86400,
};

const lat = (m: number): LatencyStats => ({ mean: m, p50: m * 0.9, p90: m * 1.5, p99: m * 3, max: m * 5 });

function rep(over: Partial<ReplicationStats> = {}): ReplicationStats {
  return {
    requests: 1000,
    completed: 990,
    faulted: 6,
    expired: 2,
    abandoned: 0,
    open: 2,
    success_rate: 990 / 998,
    latency: lat(10),
    time_to_failure_s: 300,
    attempts_per_request: 1.02,
    wasted_gpu_s: 120,
    hedges: 0,
    affected: 20,
    affected_latency_s: 200,
    users: 1000,
    users_failed: 5,
    user_success_rate: 0.995,
    user_latency: lat(11),
    user_failure_latency_s: 600,
    ...over,
  };
}

const VS_KEYS = [
  "success_rate",
  "latency_mean_s",
  "latency_p99_s",
  "time_to_failure_s",
  "affected_latency_s",
  "wasted_gpu_s",
  "user_success_rate",
  "user_latency_p99_s",
];

describe("summarize", () => {
  it("has the documented shape, the first arm as baseline", () => {
    const s = summarize(META, [
      { policy: "horde", reps: [rep(), rep()] },
      { policy: "timer", reps: [rep(), rep()] },
    ]);
    expect(Object.keys(s)).toEqual(["scenario", "seed", "replications", "warmup_s", "horizon_s", "policies"]);
    expect(s.scenario).toEqual(META.scenario);
    expect(s.policies.map((p) => p.name)).toEqual(["horde", "timer"]);
    expect(Object.keys(s.policies[0])).toEqual([
      "name",
      "requests",
      "completed",
      "faulted",
      "expired",
      "abandoned",
      "open",
      "success_rate",
      "failed_requests",
      "users_failed",
      "latency_s",
      "time_to_failure_s",
      "attempts_per_request",
      "wasted_gpu_s",
      "hedges",
      "affected",
      "affected_latency_s",
      "user",
      "vs_baseline",
      "load",
    ]);
    expect(Object.keys(s.policies[0].latency_s)).toEqual(["mean", "p50", "p90", "p99", "max"]);
    expect(Object.keys(s.policies[0].user)).toEqual(["success_rate", "latency_s", "failure_latency_s"]);
    expect(s.policies[0].vs_baseline).toBeNull();
    expect(Object.keys(s.policies[1].vs_baseline ?? {})).toEqual(VS_KEYS);
    expect(s.policies[0].requests).toBe(2000);
    expect(s.policies[0].faulted).toBe(12);
    expect(s.policies[0].open).toBe(4);
  });

  it("gives exactly 0 with [0, 0] for identical arms", () => {
    const finiteOrNaN = fc.oneof(
      { weight: 5, arbitrary: fc.double({ min: 0, max: 1e4, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(Number.NaN) },
    );
    const arbRep = fc
      .record({ sr: finiteOrNaN, l: finiteOrNaN, ttf: finiteOrNaN, w: fc.double({ min: 0, max: 1e6, noNaN: true }) })
      .map(({ sr, l, ttf, w }) =>
        rep({ success_rate: sr, latency: lat(l), time_to_failure_s: ttf, wasted_gpu_s: w, user_latency: lat(l) }),
      );
    fc.assert(
      fc.property(fc.array(arbRep, { minLength: 1, maxLength: 12 }), (reps) => {
        const s = summarize({ ...META, replications: reps.length }, [
          { policy: "a", reps },
          { policy: "b", reps: reps.map((r) => ({ ...r })) },
        ]);
        const vs = s.policies[1].vs_baseline;
        expect(vs).not.toBeNull();
        for (const d of Object.values(vs ?? {})) {
          if (d.n === 0) expect(d.diff).toBeNull();
          else expect(Object.is(d.diff, 0)).toBe(true);
          if (d.n >= 2) expect(JSON.stringify(d.ci95)).toBe("[0,0]");
          else expect(d.ci95).toBeNull();
          expect(d.significant).toBe(false);
        }
        const finiteTtf = reps.filter((r) => Number.isFinite(r.time_to_failure_s)).length;
        expect(vs?.time_to_failure_s.n).toBe(finiteTtf);
      }),
    );
  });

  it("matches a hand-computed paired example", () => {
    const base = [10, 12, 9, 11, 13];
    const arm = [8, 11, 8, 9, 12];
    const s = summarize(META, [
      { policy: "horde", reps: base.map((m) => rep({ latency: lat(m) })) },
      { policy: "timer", reps: arm.map((m) => rep({ latency: lat(m) })) },
    ]);
    const timer = s.policies[1];
    // Arm means 8, 11, 8, 9, 12: 9.6 ±2.255595 (t(0.975, 4) · √3.3 / √5).
    expect(timer.latency_s.mean.mean).toBe(9.6);
    expect(timer.latency_s.mean.ci95).toEqual([7.34441, 11.8556]);
    // d = −2, −1, −1, −2, −1: −1.4 ±0.680087, rounded to 6 significant digits.
    const d = timer.vs_baseline?.latency_mean_s;
    expect(d?.diff).toBe(-1.4);
    expect(d?.ci95).toEqual([-2.08009, -0.719913]);
    expect(d?.significant).toBe(true);
    expect(d?.n).toBe(5);
    // p99 is 3 × mean in every replication: the difference scales exactly.
    expect(timer.vs_baseline?.latency_p99_s.diff).toBe(-4.2);
    expect(timer.vs_baseline?.latency_p99_s.ci95).toEqual([-6.24026, -2.15974]);
    // Everything else is identical.
    expect(timer.vs_baseline?.wasted_gpu_s).toEqual({ diff: 0, ci95: [0, 0], significant: false, n: 5 });
  });

  it("drops NaN replications pairwise and reports how many pairs were used", () => {
    const ttfBase = [Number.NaN, 5, 7, 6, 4];
    const ttfArm = [3, 4, 9, 9, Number.NaN];
    const s = summarize(META, [
      { policy: "a", reps: ttfBase.map((t) => rep({ time_to_failure_s: t })) },
      { policy: "b", reps: ttfArm.map((t) => rep({ time_to_failure_s: t })) },
    ]);
    expect(s.policies[0].time_to_failure_s.mean).toBe(5.5);
    expect(s.policies[1].time_to_failure_s.mean).toBe(6.25);
    const d = s.policies[1].vs_baseline?.time_to_failure_s;
    // Pairs 2, 3, 4: d = −1, 2, 3 → 1.33333, interval [−3.83781, 6.50448].
    expect(d?.n).toBe(3);
    expect(d?.diff).toBe(1.33333);
    expect(d?.ci95).toEqual([-3.83781, 6.50448]);
    expect(d?.significant).toBe(false);
  });

  it("writes null for NaN and for intervals of one replication", () => {
    const s = summarize({ ...META, replications: 1 }, [
      { policy: "a", reps: [rep({ time_to_failure_s: Number.NaN, latency: lat(Number.NaN) })] },
      { policy: "b", reps: [rep({ time_to_failure_s: 50 })] },
    ]);
    const json = JSON.parse(JSON.stringify(s)) as Summary;
    expect(json.policies[0].time_to_failure_s).toEqual({ mean: null, ci95: null });
    expect(json.policies[0].latency_s.p99).toEqual({ mean: null, ci95: null });
    expect(json.policies[0].success_rate.ci95).toBeNull();
    expect(json.policies[1].time_to_failure_s).toEqual({ mean: 50, ci95: null });
    expect(json.policies[1].vs_baseline?.time_to_failure_s).toEqual({
      diff: null,
      ci95: null,
      significant: false,
      n: 0,
    });
    expect(json.policies[1].vs_baseline?.success_rate).toEqual({ diff: 0, ci95: null, significant: false, n: 1 });
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
  });

  it("rounds JSON numbers to 6 significant digits and keeps integers exact", () => {
    expect(jsonNumber(1 / 3)).toBe(0.333333);
    expect(jsonNumber(2 / 3)).toBe(0.666667);
    expect(jsonNumber(123456.789)).toBe(123457);
    expect(jsonNumber(0.000123456789)).toBe(0.000123457);
    expect(jsonNumber(123456789)).toBe(123456789);
    expect(Object.is(jsonNumber(-0), 0)).toBe(true);
    expect(Object.is(jsonNumber(-1e-300), -1e-300)).toBe(true);
    expect(jsonNumber(Number.NaN)).toBeNull();
    expect(jsonNumber(Number.NEGATIVE_INFINITY)).toBeNull();
    const s = summarize(META, [{ policy: "a", reps: [rep({ requests: 123456789, wasted_gpu_s: 1 / 3 }), rep()] }]);
    expect(s.policies[0].requests).toBe(123456789 + 1000);
    expect(s.policies[0].success_rate.mean).toBe(0.991984);
  });

  it("is deterministic", () => {
    const arms = [
      { policy: "a", reps: [rep({ wasted_gpu_s: 1 / 7 }), rep({ wasted_gpu_s: 2 / 7 })] },
      { policy: "b", reps: [rep({ wasted_gpu_s: 3 / 7 }), rep({ wasted_gpu_s: 1 / 9 })] },
    ];
    expect(JSON.stringify(summarize(META, arms))).toBe(JSON.stringify(summarize(META, arms)));
  });
});

describe("formatComparisonTable", () => {
  const base = [10, 12, 9, 11, 13];
  const better = [8, 11, 8, 9, 12];

  it("shows every arm side by side with mean ±half-width, differences and significance marks", () => {
    const s = summarize(META, [
      { policy: "horde", reps: base.map((m) => rep({ latency: lat(m) })) },
      { policy: "timer", reps: better.map((m) => rep({ latency: lat(m) })) },
    ]);
    const text = formatComparisonTable(s);
    const lines = text.split("\n");
    const header = lines.find((l) => l.includes("horde"));
    expect(header).toMatch(/horde\s+timer/);
    const meanRow = lines.find((l) => l.startsWith("latency mean s"));
    expect(meanRow).toMatch(/11\.00 ±1\.96\s+9\.60 ±2\.26$/);
    expect(lines.find((l) => l.startsWith("Δ latency mean s"))).toMatch(/\(baseline\)\s+-1\.40 ±0\.68 \*$/);
    expect(lines.find((l) => l.startsWith("Δ wasted GPU-s"))).toMatch(/\(baseline\)\s+0 ±0$/);
    for (const label of [
      "failed requests %",
      "latency p50 s",
      "latency p90 s",
      "latency p99 s",
      "time to failure s",
      "attempts/request",
      "wasted GPU-s",
      "users finally failed %",
      "user latency p99 s",
    ]) {
      expect(lines.some((l) => l.startsWith(label))).toBe(true);
    }
    expect(text).toMatch(/\* = its interval excludes 0/);
    // every row says what its cells are: a total, a pooled share, a mean per replication or a paired difference
    expect(lines.find((l) => l.startsWith("requests "))).toMatch(/^requests +total +5000 +5000$/);
    expect(lines.find((l) => l.startsWith("latency mean s"))).toMatch(/^latency mean s +mean\/rep /);
    expect(lines.find((l) => l.startsWith("Δ latency mean s"))).toMatch(/^Δ latency mean s +paired /);
    // 40 of 4990 ended requests failed, pooled: 0.80 % with its Wilson interval (0.590 %, 1.09 %)
    expect(lines.find((l) => l.startsWith("failed requests %"))).toMatch(
      /^failed requests % +pooled +0\.80 \[0\.59, 1\.1\] +0\.80 \[0\.59, 1\.1\]$/,
    );
  });

  it("marks a mean whose interval is wider than itself: it needs more replications", () => {
    const s = summarize(META, [
      { policy: "horde", reps: [rep({ hedges: 0 }), rep({ hedges: 0 }), rep({ hedges: 3 })] },
      { policy: "timer", reps: [rep({ hedges: 10 }), rep({ hedges: 11 }), rep({ hedges: 12 })] },
    ]);
    const row = formatComparisonTable(s)
      .split("\n")
      .find((l) => l.startsWith("hedges"));
    // 1 ±4.3 (t(0.975, 2) · √3/√3 = 4.30): wider than 1; 11 ±2.5 is not
    expect(row).toMatch(/1\.0 ±4\.3\? +11\.0 ±2\.5$/);
  });

  it("omits ± with one replication", () => {
    const s = summarize({ ...META, replications: 1 }, [
      { policy: "horde", reps: [rep()] },
      { policy: "timer", reps: [rep({ latency: lat(8) })] },
    ]);
    const row = formatComparisonTable(s)
      .split("\n")
      .find((l) => l.startsWith("latency mean s"));
    expect(row).toMatch(/10\.00\s+8\.00$/);
  });

  it("wraps ten arms into blocks no wider than 120 characters", () => {
    const arms = Array.from({ length: 10 }, (_, i) => ({
      policy: `arm-${i}-${"x".repeat(i)}`,
      reps: base.map((m, r) => rep({ latency: lat(m + i * better[r]), wasted_gpu_s: 1234.5 * (i + 1) + r })),
    }));
    const text = formatComparisonTable(summarize(META, arms));
    const lines = text.split("\n");
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
    const headers = lines.filter((l) => /^\s+arm-/.test(l));
    expect(headers.length).toBeGreaterThan(1);
    for (const a of arms) expect(headers.filter((h) => h.split(/\s+/).includes(a.policy)).length).toBe(1);
    expect(lines.filter((l) => l.startsWith("Δ latency p99 s")).length).toBe(headers.length);
  });
});
