// Fingerprints of a scenario's runs: one SHA-256 per (arm, seed) over every record and trace event in order,
// plus the event count. Two builds that print the same lines give byte-identical results.
//
//   node dist/bench/fingerprint.js [scenario.yaml] [seeds=1,2,3] [arms=all] [horizon seconds]
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { runReplication } from "../src/experiment/run-replication.js";
import { parseScenario } from "../src/scenario-file/load.js";

/** JSON that keeps NaN and ±Infinity apart from null. */
function line(kind: string, value: unknown): string {
  return `${kind} ${JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}\n`;
}

export interface Fingerprint {
  arm: string;
  seed: number;
  events: number;
  requests: number;
  jobs: number;
  sha256: string;
}

export function fingerprint(file: string, arm: string, seed: number, horizon?: number): Fingerprint {
  const sc = parseScenario(readFileSync(file, "utf8"), file);
  if (horizon !== undefined) sc.horizon = horizon;
  const config = sc.policies.find((p) => p.name === arm);
  if (config === undefined) throw new Error(`${file}: no arm ${arm}`);
  const h = createHash("sha256");
  const put = (kind: string) => (v: unknown) => h.update(line(kind, v));
  const res = runReplication({
    scenario: sc,
    arm: config,
    seed,
    replication: 1,
    sink: {
      request: put("request"),
      user: put("user"),
      attempt: put("attempt"),
      worker: put("worker"),
      sample: put("sample"),
    },
    trace: (t, kind, a, b, c) => h.update(`${t} ${kind} ${a} ${b} ${c}\n`),
  });
  return { arm, seed, events: res.events, requests: res.requests, jobs: res.jobs, sha256: h.digest("hex") };
}

const isMain = process.argv[1]?.endsWith("fingerprint.js") || process.argv[1]?.endsWith("fingerprint.ts");
if (isMain) {
  const file = process.argv[2] ?? "scenarios/incident-2025-09-29.yaml";
  const seeds = (process.argv[3] ?? "1,2,3").split(",").map(Number);
  const sc = parseScenario(readFileSync(file, "utf8"), file);
  const arms =
    process.argv[4] === undefined || process.argv[4] === "all"
      ? sc.policies.map((p) => p.name)
      : process.argv[4].split(",");
  const horizon = process.argv[5] === undefined ? undefined : Number(process.argv[5]);
  for (const arm of arms) {
    for (const seed of seeds) {
      const f = fingerprint(file, arm, seed, horizon);
      console.log(`${f.arm}\tseed ${f.seed}\tevents ${f.events}\trequests ${f.requests}\tjobs ${f.jobs}\t${f.sha256}`);
    }
  }
}
