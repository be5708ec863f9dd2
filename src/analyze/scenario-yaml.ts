// Writes a calibration as scenario YAML, with comments saying where each number came from.

import type { CalibratedStream, CalibratedWorker, Calibration } from "./calibration.js";
import { modelName } from "./calibration.js";
import { ASSUMED_SLOTS } from "./calibration-collector.js";
import { formatLogTime } from "./loguru.js";
import { INCIDENT_POLICY_ARMS } from "./policy-arms.js";
import { DEFAULT_MPS_PER_KUDOS, MATCH_TOLERANCE } from "./request-classes.js";

const q = (s: string) => JSON.stringify(s);

/** At most 4 significant digits, no exponent. */
export function n4(x: number): string {
  if (x === 0) return "0";
  const r = Number(x.toPrecision(4));
  return Math.abs(r) >= 1e-4 ? String(r) : r.toFixed(8).replace(/0+$/, "");
}

function streamLines(s: CalibratedStream): string[] {
  const out: string[] = [];
  const from = s.shapes.reduce(
    (acc, x) => ({
      exact: acc.exact + x.from.exact,
      kudos: acc.kudos + x.from.kudos,
      unknown: acc.unknown + x.from.unknown,
    }),
    { exact: 0, kudos: 0, unknown: 0 },
  );
  out.push(`  - name: ${q(s.name)}`);
  out.push(
    `    # ${s.count} requests: ${from.exact} sized by their abort or faulted lines, ${from.kudos} by the kudos of their delivery${from.unknown > 0 ? `, ${from.unknown} of unknown size counted here (the most common shape)` : ""}`,
  );
  if (s.times !== null) {
    out.push("    # the first pop of each request, seconds from start_time (trace replay)");
    out.push("    times: [");
    for (let i = 0; i < s.times.length; i += 10) {
      const chunk = s.times.slice(i, i + 10).map((t) => String(t));
      out.push(`      ${chunk.join(", ")}${i + 10 < s.times.length ? "," : ""}`);
    }
    out.push("    ]");
  } else {
    out.push("    # requests first popped in each hour of the log");
    out.push("    rate:");
    for (const r of s.rates ?? []) out.push(`      - { from: ${r.from}h, rate: ${n4(r.perHour)}/h }`);
  }
  out.push("    mix:");
  for (const sh of s.shapes) {
    const c0 = sh.config;
    const weight = s.shapes.length > 1 ? `weight: ${sh.count}, ` : "";
    out.push(
      `      - { ${weight}width: ${c0.width}, height: ${c0.height}, steps: ${c0.steps}, sampler: ${q(c0.sampler)}, n: ${sh.n}, model: ${q(modelName(c0))} }`,
    );
  }
  return out;
}

function workerLines(w: CalibratedWorker): string[] {
  const out: string[] = [];
  out.push(`  - name: ${q(w.name)}`);
  out.push(
    `    # ${w.id === "" ? "id not in the log" : `id ${w.id}`}: ${w.pops} pops, ${w.deliveries} deliveries, ${w.timeouts} timeouts, ${w.reportedFaults} reported faults`,
  );
  out.push("    count: 1");
  out.push(`    models: [${w.models.map(q).join(", ")}]   # the request shapes it popped`);
  out.push(`    max_pixels: ${w.maxPixels}   # the largest of those`);
  out.push(`    slots: ${ASSUMED_SLOTS}   # assumed: reGen's default (queue_size 1 + max_threads 1)`);
  const sp = w.speed;
  if (sp.fleetDefault) {
    out.push(`    # no timed delivery: the median of the other workers' speeds`);
    out.push(`    speed: { dist: lognormal, median: ${n4(sp.median)}, sigma: ${sp.sigma} }`);
  } else {
    out.push(
      `    # service time = overhead + MPS / speed, fitted to ${sp.samples} deliveries (${sp.fromKudos} sized by kudos): overhead by least squares, speed lognormal`,
    );
    out.push(
      `    speed: { dist: lognormal, median: ${n4(sp.median)}, sigma: ${n4(sp.sigma)} }   # sigma: standard error of the median's log`,
    );
    out.push(`    jitter: ${n4(sp.jitter)}   # spread of log speed between its jobs`);
  }
  out.push(
    `    overhead: ${n4(sp.overhead)}s   # ${sp.overhead > 0 ? "upload, safety check and HTTP, as the fit sees them" : "not separable from the speed (one job size, or no delivery): folded into it"}`,
  );
  const failures: string[] = [];
  if (w.hang !== null) {
    failures.push(
      `      # ${w.timeouts} timeouts / ${w.pops} pops; hold: ${w.hang.holdBound ? `${w.hang.hold} s, the most it can be: it popped again while its server-side open jobs filled its ${ASSUMED_SLOTS} slots` : "no bound in the log, the scenario default"}`,
      `      - { mode: hang, probability: ${n4(w.hang.probability)}, hold: ${w.hang.hold}s }`,
    );
  }
  if (w.fault !== null) {
    failures.push(
      `      # ${w.reportedFaults} reported faults / ${w.pops} pops; delay: their median time from pop to abort`,
      `      - { mode: fault, probability: ${n4(w.fault.probability)}, delay: ${n4(w.fault.delay)}s }`,
    );
  }
  if (failures.length > 0) out.push("    failures:", ...failures);
  return out;
}

export function scenarioYaml(c: Calibration, name: string): string {
  const out: string[] = [];
  const span = `${formatLogTime(c.first)} to ${formatLogTime(c.last)}`;
  out.push(
    `# Calibrated by \`hordesim calibrate${c.replay ? " --replay" : ""}\` from ${c.files.join(", ")} (${span}, read as UTC).`,
  );
  out.push("# The log has no submission lines and names no models: a request's first pop stands for its arrival, and");
  out.push(
    "# the request shapes a worker popped stand for the models it serves. Sizes show only on abort and faulted lines;",
  );
  out.push(
    `# other requests are sized from their delivery's kudos at ${n4(c.ratio.value)} MPS per kudos (${c.ratio.learned ? `the median over ${c.ratio.pairs} requests with both` : `the simulator's convention, ${DEFAULT_MPS_PER_KUDOS}: too few requests show both`}), matched to a known shape within ${MATCH_TOLERANCE * 100} % or given a square one.`,
  );
  out.push(`name: ${q(name)}`);
  out.push(
    `description: ${q(`Calibrated from ${c.files.join(", ")}: ${c.requests.total} requests, ${c.workers.length} workers, ${span}${c.replay ? "; exact arrival times (trace replay)" : "; hourly arrival rates"}`)}`,
  );
  out.push(`horizon: ${c.horizonHours}h   # from the hour of the first event to the last event`);
  out.push(
    "warmup: 0s   # every request of the log counts; the simulation starts empty where the log had work in flight",
  );
  out.push(`start_time: ${q(new Date(c.start).toISOString().replace(".000Z", "Z"))}   # the hour of the first event`);
  out.push("seed: 1");
  out.push("replications: 5");
  out.push("# server and client: the real Horde's defaults; resubmissions are separate requests in the log already");
  out.push("arrivals:");
  for (const s of c.streams) out.push(...streamLines(s));
  out.push("workers:");
  for (const w of c.workers) out.push(...workerLines(w));
  out.push("# the arms of scenarios/incident-2025-09-29.yaml");
  out.push(INCIDENT_POLICY_ARMS);
  return `${out.join("\n")}\n`;
}
