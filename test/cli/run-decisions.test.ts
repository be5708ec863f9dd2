// run's decisions end to end: the verdict, a placebo arm the default objective does not reward, --precision and
// --select kn, and a one-line refusal (exit 2, nothing written) for every option mistake.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tQuantile } from "../../src/metrics/student-t.js";
import { cli, snapshot } from "../helpers/cli.js";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);
const small = fixture("small.yaml");
/** small.yaml with the users' mean latency as its one objective, no δ. */
const smallMean = fixture("small-mean.yaml");
const identical = fixture("identical-arms.yaml");
const select = fixture("select.yaml");
/** The Horde's rules against themselves with each job's TTL moved by ±30 s (mean unchanged): a placebo. */
const placebo = fixture("placebo.yaml");

const parent = mkdtempSync(join(tmpdir(), "hordesim-decisions-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const run = (name: string, file: string, ...args: string[]) => {
  const out = join(parent, name);
  return { out, ...cli("run", file, "--no-charts", "--out", out, ...args) };
};
// biome-ignore lint/suspicious/noExplicitAny: summary.json read back as plain JSON
const summaryOf = (out: string): any => JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
const csvRows = (out: string, table: string) =>
  readFileSync(join(out, `${table}.csv`), "utf8")
    .trimEnd()
    .split("\n")
    .slice(1);

describe("two arms with the same policy under two names", () => {
  const r = run("identical", identical);
  const s = summaryOf(r.out);

  it("get a verdict that says they are identical", () => {
    expect(r.code, r.stderr).toBe(0);
    const v = s.decisions[0];
    expect(v.recommended).toBe("horde");
    expect(v.arms[1]).toMatchObject({ name: "horde-again", status: "identical" });
    expect(r.stdout).toContain("  identical to it in every replication: horde-again\n");
    expect(s.per_replication[0].arms[1].vs_baseline.differences).toEqual([0, 0, 0]);
  });

  it("prints the per-replication table before the verdict, then where the files are", () => {
    const at = (text: string) => r.stdout.indexOf(text);
    expect(at("user mean latency (s) per replication")).toBeGreaterThan(at("Δ user latency p99 s"));
    expect(at("user-latency: minimise user mean latency")).toBeGreaterThan(at("user mean latency (s) per replication"));
    // the headlines come first: the recommendation on the first line
    expect(r.stdout.split("\n")[0]).toBe(
      "recommended: keep horde (the baseline): no other arm is shown better than it (objective user-latency, 3 replications; docs/decisions.md)",
    );
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(`results in ${r.out}`);
  });
});

describe("a placebo arm: the Horde's rules with a trajectory that moves away from the baseline's", () => {
  const r = run("placebo", placebo, "--format", "csv");
  const s = summaryOf(r.out);
  const rows = (table: string) => {
    const [head, ...lines] = readFileSync(join(r.out, `${table}.csv`), "utf8")
      .trimEnd()
      .split("\n");
    const names = head.split(",");
    return lines.map((l) => Object.fromEntries(l.split(",").map((x, i) => [names[i], x])));
  };
  /** Per arm and replication, the (arrival, resubmission) of the requests a failed job hit, and every latency. */
  const requests = rows("requests");
  const hitIds = new Set(
    rows("attempts")
      .filter((a) => ["stale_abort", "reported_fault", "late_discarded"].includes(a.end))
      .map((a) => `${a.policy}/${a.replication}/${a.request_id}`),
  );
  const key = (q: Record<string, string>) => `${q.replication}/${q.arrival_id}/${q.resubmission}`;
  const hitIn = (policy: string) =>
    new Set(
      requests
        .filter(
          (q) =>
            q.policy === policy && q.warmup === "false" && hitIds.has(`${policy}/${q.replication}/${q.request_id}`),
        )
        .map(key),
    );
  const latencyIn = (policy: string) =>
    new Map(
      requests
        .filter((q) => q.policy === policy && q.outcome === "completed")
        .map((q) => [key(q), Number(q.latency_s)]),
    );

  it("moves failures to other requests: most requests hit under the Horde's rules are not hit in the placebo", () => {
    expect(r.code, r.stderr).toBe(0);
    const [base, arm] = [hitIn("horde"), hitIn("placebo")];
    expect(base.size).toBeGreaterThan(500);
    const both = [...base].filter((k) => arm.has(k)).length;
    expect(both / base.size).toBeLessThan(0.5);
    // the same requests' latency in the placebo minus the baseline's (the estimator the verdict no longer uses):
    // minutes of a "saving" that no rule made, the hit requests' wait against a normal one
    const [baseLatency, armLatency] = [latencyIn("horde"), latencyIn("placebo")];
    const d = [...base].filter((k) => baseLatency.has(k) && armLatency.has(k));
    const sameArrivals = d.reduce((t, k) => t + (armLatency.get(k) as number) - (baseLatency.get(k) as number), 0);
    expect(sameArrivals / d.length).toBeLessThan(-100);
  });

  it("is not credited on the first effect: each arm's own hit requests wait alike, the interval holds 0", () => {
    const table = s.per_replication.find((t: { figure: string }) => t.figure === "affected_latency_s");
    const d: number[] = table.arms[1].vs_baseline.differences;
    expect(d).toHaveLength(10);
    const mean = d.reduce((t, x) => t + x, 0) / d.length;
    const sd = Math.sqrt(d.reduce((t, x) => t + (x - mean) ** 2, 0) / (d.length - 1));
    const half = (tQuantile(0.975, d.length - 1) * sd) / Math.sqrt(d.length);
    expect(mean - half).toBeLessThan(0);
    expect(mean + half).toBeGreaterThan(0);
    // within the default δ (10 s) of the baseline: no arm is worse on it than the other
    expect(Math.abs(mean) + half).toBeLessThan(10);
    const v = s.decisions[0];
    expect(v.steps[0]).toMatchObject({ figure: "affected_latency_s", dropped: [] });
    const said = s.headlines.arms[1].effects.map((e: { effect: string }) => e.effect);
    expect(said).not.toContain("hit_latency");
    expect(said).not.toContain("hit_requests");
  });

  it("is not recommended: no arm is shown better than the baseline by more than δ, so the baseline is kept", () => {
    const v = s.decisions[0];
    expect([v.recommended, v.keeps_baseline]).toEqual(["horde", true]);
    expect(v.arms.map((a: { name: string; status: string }) => [a.name, a.status])).toEqual([
      ["horde", "recommended"],
      ["placebo", expect.stringMatching(/^(within-indifference|not-separated|identical)$/)],
    ]);
    expect(s.headlines.recommended).toBe("horde");
    expect(r.stdout.split("\n")[0]).toBe(
      "recommended: keep horde (the baseline): no other arm is shown better than it by more than δ (objective what-users-feel, 10 replications; docs/decisions.md)",
    );
  });
});

describe("--precision", () => {
  const target = { relative: 0.25, share: 0.05 };
  const p = run("precision", smallMean, "--precision", "25%,0.05");
  const said = /precision 25%,0\.05 reached after (\d+) replications: every chosen interval is within its target/.exec(
    p.stdout,
  );
  const n = Number(said?.[1]);

  it("adds replications beyond the first stage and says how many it took", () => {
    expect(p.code, p.stderr).toBe(0);
    expect(said).not.toBeNull();
    expect(n).toBeGreaterThan(3);
    expect(summaryOf(p.out).replications).toBe(n);
  });

  it("stops with every chosen interval within its target", () => {
    const s = summaryOf(p.out);
    const half = (xs: number[]) => {
      const m = xs.reduce((t, x) => t + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((t, x) => t + (x - m) ** 2, 0) / (xs.length - 1));
      return { m, hw: (tQuantile(0.975, xs.length - 1) * sd) / Math.sqrt(xs.length) };
    };
    const tables = s.per_replication as { figure: string; arms: { name: string; values: number[] }[] }[];
    expect(tables.map((t) => t.figure)).toEqual(["user_latency_mean_s", "user_failure_rate"]);
    for (const t of tables) {
      for (const a of t.arms) {
        expect(a.values).toHaveLength(n);
        const { m, hw } = half(a.values);
        // summary.json rounds to 6 significant digits: allow that much
        if (t.figure === "user_failure_rate") expect(hw).toBeLessThanOrEqual(target.share * (1 + 1e-5));
        else expect(hw).toBeLessThanOrEqual((target.relative / (1 + target.relative)) * m * (1 + 1e-5));
      }
    }
  });

  it("writes the folder a fixed --replications run of the final count writes, with any --jobs, and says so in --json", () => {
    const fixed = run("precision-fixed", smallMean, "--replications", String(n));
    const parallel = run("precision-j2", smallMean, "--precision", "25%,0.05", "--jobs", "2", "--json");
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(snapshot(p.out)).toEqual(snapshot(fixed.out));
    expect(snapshot(parallel.out)).toEqual(snapshot(p.out));
    const doc = JSON.parse(parallel.stdout);
    expect(doc.precision).toMatchObject({ target: "25%,0.05", stop: true, reason: "precision", replications: n });
    expect(doc.summary.decisions[0].replications).toBe(n);
  });

  it("says what is still wide at the cap", () => {
    const c = run("precision-cap", smallMean, "--precision", "1%,0.0001", "--max-replications", "4");
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain("precision 1%,0.0001 not reached: stopped at the cap of 4 replications; still wide:");
    expect(summaryOf(c.out).replications).toBe(4);
  });
});

describe("--select kn", () => {
  // CSV tables here: the test reads the workers table's rows itself
  const k = run("kn", select, "--select", "kn", "--format", "csv", "--records", "all");
  const s = summaryOf(k.out);

  it("selects an arm, runs only the arms still in, and records what it did", () => {
    expect(k.code, k.stderr).toBe(0);
    const sel = s.selection;
    expect(sel).toMatchObject({ objective: "fast", figure: "user_latency_mean_s", indifference: 5, pcs: 0.95 });
    expect(["horde", "exclude", "heartbeat"]).toContain(sel.selected);
    expect(k.stdout).toContain(`KN: ${sel.selected} selected after`);
    const counts = new Map<string, number>();
    for (const row of csvRows(k.out, "workers")) {
      const [policy, replication] = row.split(",");
      counts.set(policy, Math.max(counts.get(policy) ?? 0, Number(replication)));
    }
    for (const e of sel.eliminations) expect(counts.get(e.arm)).toBe(e.after_replications);
    expect(counts.get(sel.selected)).toBe(s.replications);
    // the verdict on what was run follows
    expect(s.decisions.map((d: { objective: { name: string } }) => d.objective.name)).toEqual([
      "fast",
      "no-delta",
      "hit-latency",
    ]);
  });

  it("writes the same folder with --jobs 2", () => {
    const k2 = run("kn-j2", select, "--select", "kn", "--format", "csv", "--records", "all", "--jobs", "2");
    expect(k2.code, k2.stderr).toBe(0);
    expect(snapshot(k2.out)).toEqual(snapshot(k.out));
  });
});

describe("option mistakes: one line, exit 2, nothing written", () => {
  const cases: [string, string, string[], RegExp][] = [
    [
      "a precision without a target for a share",
      smallMean,
      ["--precision", "2s"],
      /^hordesim: --precision 2s gives no target for user_failure_rate/,
    ],
    [
      "KN without δ",
      smallMean,
      ["--select", "kn"],
      /--select kn needs an indifference δ: objective user-latency gives none/,
    ],
    ["a cap below the first stage", small, ["--precision", "5%", "--max-replications", "2"], /from 3 to 10000, got 2/],
  ];
  it.each(cases)("refuses %s", (_what, file, args, message) => {
    const out = join(parent, `bad-${args.join("_").replace(/[^A-Za-z0-9]/g, "")}`);
    const r = cli("run", file, "--no-charts", "--out", out, ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat \S+\.js:\d+/);
    expect(existsSync(out)).toBe(false);
  });
});
