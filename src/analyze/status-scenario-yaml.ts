// Writes a status calibration as scenario YAML, with comments saying where each number came from.
import { INCIDENT_POLICY_ARMS } from "./policy-arms.js";
import { n4 } from "./scenario-yaml.js";
import { JITTER, OVERHEAD_S, REGISTERED_KUDOS, SIZES, SPEED_SIGMA, type StatusFit } from "./status-fit.js";

const q = (s: string) => JSON.stringify(s);

/** A comment as lines of at most `width` characters (a longer word stays whole). */
export function commentLines(text: string, width = 116): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line.length > 1 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

export interface StatusYamlOptions {
  name: string;
  /** The command line that wrote it, for the first comment. */
  command: string;
  performanceFile: string;
  modelsFile: string | null;
  /** Where the snapshot comes from (free text), or null. */
  source: string | null;
  horizonHours: number;
  warmupHours: number;
  replications: number;
  /** Lines saying what was fitted and how (comments). */
  fitted: string[];
  /** Lines of the confirming run's figures (comments), once there are some. */
  confirmed: string[];
}

function streamLines(fit: StatusFit, name: string, rate: number, kudos: number, user: string): string[] {
  const totalWeight = SIZES.reduce((s, x) => s + x.weight, 0);
  const out = [`  - name: ${name}`, `    rate: ${n4(rate * 3600)}/h`, "    mix:"];
  for (const m of fit.models) {
    for (const size of SIZES) {
      const weight = n4((m.share * size.weight) / totalWeight);
      const model = m.name === null ? "" : `, model: ${q(m.name)}`;
      out.push(
        `      - { weight: ${weight}, width: ${size.width}, height: ${size.height}, steps: ${m.steps}, sampler: k_euler_a${model}, kudos: ${kudos}, user: ${user} }`,
      );
    }
  }
  return out;
}

export function statusScenarioYaml(fit: StatusFit, o: StatusYamlOptions): string {
  const p = fit.performance;
  const out: string[] = [];
  out.push(`# Calibrated by \`${o.command}\`.`);
  out.push(
    `# From a saved answer of GET /api/v2/status/performance (${o.performanceFile})${o.modelsFile === null ? "" : ` and of /api/v2/status/models (${o.modelsFile})`}.`,
  );
  if (o.source !== null) out.push(...commentLines(`Source: ${o.source}`));
  out.push(
    `# The snapshot: queued_requests ${p.queued_requests}, worker_count ${p.worker_count}, thread_count ${p.thread_count}, queued_megapixelsteps ${p.queued_megapixelsteps},`,
  );
  out.push(
    `# past_minute_megapixelsteps ${p.past_minute_megapixelsteps}: ${n4(fit.deliveredPerS)} MPS/s delivered, ${n4(fit.meanMps)} MPS per queued request, ${n4(p.queued_megapixelsteps / fit.deliveredPerS / 60)} minutes of queued work.`,
  );
  out.push("#");
  out.push(
    "# How: one FIFO class cannot hold a steady queue that long at that throughput (near ρ = 1 it is unstable);",
  );
  out.push(
    `# an overloaded Horde with two classes can. Registered users (kudos ${REGISTERED_KUDOS}, more than a request ages to`,
  );
  out.push(
    "# before it expires: +50 per 10 s × 20 min = 6,000) are served first; anonymous users (kudos 0) come faster than",
  );
  out.push(
    `# the capacity they are left (about ${Math.round((100 * (fit.imagesPerS - fit.registeredRate)) / fit.anonymousRate)} % of their requests served, the rest expire after 20 min), so their queue settles at`,
  );
  out.push(
    "# about their rate × the expiry. Requests are 512², 512×768 and 768² (weights 6/3/1) with steps that give the",
  );
  out.push(
    `# snapshot's MPS per request${o.modelsFile === null ? "" : " (per model: its queued pixelsteps / its jobs)"}; workers: ${p.thread_count} threads over ${p.worker_count} workers, slots = threads + 1,`,
  );
  out.push(
    `# ${OVERHEAD_S} s of overhead per job${o.modelsFile === null ? "" : "; each model on as many workers as its thread count (count) makes, request shares from its jobs"}.`,
  );
  for (const line of [...o.fitted, ...o.confirmed]) out.push(...commentLines(line));
  out.push(`name: ${q(o.name)}`);
  out.push(
    `description: ${q(`An overloaded Horde calibrated from ${o.performanceFile}: ${p.queued_requests} requests queued (${p.queued_megapixelsteps} MPS), ${n4(fit.deliveredPerS)} MPS/s delivered by ${p.worker_count} workers`)}`,
  );
  out.push(`horizon: ${o.horizonHours}h`);
  out.push(`warmup: ${o.warmupHours}h   # the anonymous queue fills in about the expiry (20 min)`);
  out.push("seed: 1");
  out.push(`replications: ${o.replications}`);
  out.push("sample_interval: 30s");
  out.push("# the snapshot's figures: `hordesim run` prints the run's time-averages after the warm-up beside them");
  out.push("targets:");
  out.push(`  source: ${q(o.performanceFile)}`);
  out.push(`  queued_requests: ${p.queued_requests}`);
  out.push(`  queued_mps: ${p.queued_megapixelsteps}`);
  out.push(`  delivered_mps_per_s: ${n4(fit.deliveredPerS)}   # past_minute_megapixelsteps / 60`);
  out.push("arrivals:");
  out.push(...streamLines(fit, "registered", fit.registeredRate, REGISTERED_KUDOS, "registered"));
  out.push(...streamLines(fit, "anonymous", fit.anonymousRate, 0, "anonymous"));
  out.push("workers:");
  for (const g of fit.workers) {
    out.push(`  - name: ${q(g.name)}`);
    out.push(`    count: ${g.count}`);
    if (g.models.length > 0) out.push(`    models: [${g.models.map(q).join(", ")}]`);
    out.push(`    threads: ${g.threads}`);
    out.push(`    slots: ${g.threads + 1}`);
    out.push(`    speed: { dist: lognormal, median: ${n4(fit.speed)}, sigma: ${SPEED_SIGMA} }`);
    out.push(`    jitter: ${JITTER}`);
    out.push(`    overhead: ${OVERHEAD_S}s`);
  }
  out.push("# the arms of scenarios/incident-2025-09-29.yaml");
  out.push(INCIDENT_POLICY_ARMS);
  return `${out.join("\n")}\n`;
}
