// Reads a result folder (summary.json, the CSV files, scenario.yaml) into the digest the charts and the HTML
// report need. CSV files are streamed and only what the charts use is kept, so a day-long run with millions
// of rows does not have to fit in memory as objects: the latencies of completed requests (one number each),
// outcome counts, the baseline arm's requests that went wrong with their jobs, every replication (for the
// timeline), workers and queue samples.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type {
  AttemptEnd,
  AttemptRecord,
  QueueSample,
  RequestOutcome,
  RequestRecord,
  WorkerRecord,
} from "../horde/record-types.js";
import { csvBoolean, csvNumber, readCsvFile } from "./csv-read.js";
import { normalizeSummary, type Summary } from "./summary-file.js";
import { type WaitDigest, WaitCollector } from "./wait-digest.js";

export interface ScenarioInfo {
  name: string;
  description: string;
  /** The text of scenario.yaml, or null when the folder has none. */
  yaml: string | null;
  /** The scenario's start_time (ISO text): simulated time 0 as a wall-clock time, when given. */
  startTime: string | null;
}

/**
 * What the timeline chooses from: the baseline arm's requests that did not complete or needed more jobs than
 * images (every request a failed job hit is among them), with all their jobs, in every replication; and the
 * stale aborts of each replication over all of the arm's jobs. A few dozen requests per replication, not all.
 */
export interface TimelineSource {
  policy: string;
  /** The arm's replications seen in requests.csv or attempts.csv, ascending. */
  replications: number[];
  /** Stale aborts per replication (key: the replication number), all of the arm's jobs. */
  staleAborts: Record<number, number>;
  requests: RequestRecord[];
  attempts: AttemptRecord[];
}

export interface OutcomeCounts {
  completed: number;
  faulted: number;
  expired: number;
  open: number;
}

export interface ReportData {
  dir: string;
  summary: Summary;
  scenario: ScenarioInfo;
  /** Policy arms in the summary's order (the first is the baseline), then any others the CSV files name. */
  policies: string[];
  /** Latencies (s) of completed requests submitted after the warm-up, all replications, per policy. */
  latencies: Record<string, number[]>;
  /** Outcomes of requests submitted after the warm-up, all replications, per policy. */
  outcomes: Record<string, OutcomeCounts>;
  /** Replication numbers seen per policy, ascending. */
  replications: Record<string, number[]>;
  /** The baseline arm's requests that may have gone wrong, every replication: the request timeline's source. */
  timeline: TimelineSource | null;
  workers: WorkerRecord[];
  samples: QueueSample[];
  /** Wait (submit → first pop) and processing per arm and model, of completed requests after the warm-up. */
  waits: WaitDigest | null;
  /** Problems met while reading (missing files or columns), shown in the report. */
  notes: string[];
}

type Kind = "n" | "s" | "b";

const REQUEST_COLUMNS: Record<keyof RequestRecord, Kind> = {
  policy: "s",
  replication: "n",
  request_id: "n",
  origin_id: "n",
  arrival_id: "n",
  resubmission: "n",
  stream: "s",
  width: "n",
  height: "n",
  steps: "n",
  sampler: "s",
  model: "s",
  submitted_s: "n",
  done_s: "n",
  outcome: "s",
  images_requested: "n",
  images_delivered: "n",
  attempts: "n",
  latency_s: "n",
  seen_s: "n",
  warmup: "b",
  user_class: "s",
  kudos: "n",
  mps: "n",
  first_pop_s: "n",
  wait_s: "n",
};

const ATTEMPT_COLUMNS: Record<keyof AttemptRecord, Kind> = {
  policy: "s",
  replication: "n",
  request_id: "n",
  job_id: "n",
  attempt: "n",
  worker_id: "n",
  worker_name: "s",
  popped_s: "n",
  ended_s: "n",
  end: "s",
  ttl_s: "n",
  hedge: "b",
  wasted_gpu_s: "n",
  mps: "n",
};

const WORKER_COLUMNS: Record<keyof WorkerRecord, Kind> = {
  policy: "s",
  replication: "n",
  worker_id: "n",
  worker_name: "s",
  group: "s",
  pops: "n",
  completed: "n",
  stale_aborts: "n",
  reported_faults: "n",
  late_discarded: "n",
  maintenance_entries: "n",
  busy_s: "n",
  wasted_gpu_s: "n",
};

const SAMPLE_COLUMNS: Record<keyof QueueSample, Kind> = {
  policy: "s",
  replication: "n",
  t_s: "n",
  queued: "n",
  in_flight: "n",
  queued_requests: "n",
  queued_mps: "n",
  delivered_mps: "n",
};

/** Builds a row → record converter for a header; missing columns are noted once and read as empty. */
function converter<T>(
  file: string,
  header: string[],
  columns: Record<keyof T, Kind>,
  notes: string[],
): (row: string[]) => T {
  const entries = Object.entries(columns) as [string, Kind][];
  const index = entries.map(([name]) => header.indexOf(name));
  const missing = entries.filter((_, i) => index[i] < 0).map(([name]) => name);
  if (missing.length > 0 && header.length > 0) notes.push(`${file}: missing column(s) ${missing.join(", ")}`);
  return (row) => {
    const rec: Record<string, unknown> = {};
    for (let i = 0; i < entries.length; i++) {
      const [name, kind] = entries[i];
      const s = index[i] >= 0 ? row[index[i]] : undefined;
      rec[name] = kind === "n" ? csvNumber(s) : kind === "b" ? csvBoolean(s) : (s ?? "");
    }
    return rec as T;
  };
}

/** Reads summary.json and the scenario; throws when summary.json is missing or is not JSON. */
async function readSummary(dir: string): Promise<Summary> {
  const path = join(dir, "summary.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new Error(`${dir}: not a result folder (no summary.json)`);
  }
  try {
    return normalizeSummary(JSON.parse(text));
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

async function readScenario(dir: string, summary: Summary, notes: string[]): Promise<ScenarioInfo> {
  const path = join(dir, "scenario.yaml");
  const info: ScenarioInfo = { name: summary.scenario.name, description: "", yaml: null, startTime: null };
  if (!existsSync(path)) {
    notes.push("scenario.yaml: missing");
    return info;
  }
  info.yaml = await readFile(path, "utf8");
  try {
    const doc = parseYaml(info.yaml) as unknown;
    if (doc !== null && typeof doc === "object") {
      const o = doc as Record<string, unknown>;
      if (typeof o.name === "string" && o.name !== "") info.name = o.name;
      if (typeof o.description === "string") info.description = o.description.trim();
      if (typeof o.start_time === "string") info.startTime = o.start_time;
      else if (o.start_time instanceof Date) info.startTime = o.start_time.toISOString();
    }
  } catch (e) {
    notes.push(`scenario.yaml: could not be parsed (${(e as Error).message.split("\n")[0]})`);
  }
  return info;
}

async function streamIfPresent(
  dir: string,
  file: string,
  notes: string[],
  onHeader: (header: string[]) => void,
  onRow: (row: string[]) => void,
): Promise<void> {
  const path = join(dir, file);
  if (!existsSync(path)) {
    notes.push(`${file}: missing`);
    return;
  }
  await readCsvFile(path, onHeader, onRow);
}

/** The baseline arm's timeline candidates while reading: requests by replication, then their jobs. */
class TimelineCollector {
  readonly replications = new Set<number>();
  readonly staleAborts: Record<number, number> = {};
  readonly requests: RequestRecord[] = [];
  readonly attempts: AttemptRecord[] = [];
  private readonly ids = new Map<number, Set<number>>();

  /** A request that did not complete, or took more jobs than it has images, or whose counts are unreadable. */
  static mayHaveGoneWrong(outcome: string, attempts: number, images: number): boolean {
    const jobs = Number.isFinite(images) && images >= 1 ? images : 1;
    return outcome !== "completed" || !(attempts <= jobs);
  }

  offerRequest(rep: number, keep: boolean, make: () => RequestRecord): void {
    this.replications.add(rep);
    if (!keep) return;
    const r = make();
    this.requests.push(r);
    let set = this.ids.get(rep);
    if (!set) {
      set = new Set();
      this.ids.set(rep, set);
    }
    set.add(r.request_id);
  }

  offerAttempt(rep: number, requestId: number, end: string, make: () => AttemptRecord): void {
    this.replications.add(rep);
    if (end === "stale_abort") this.staleAborts[rep] = (this.staleAborts[rep] ?? 0) + 1;
    if (this.ids.get(rep)?.has(requestId)) this.attempts.push(make());
  }
}

const OUTCOMES: ReadonlySet<string> = new Set<RequestOutcome>(["completed", "faulted", "expired", "open"]);
const ENDS: ReadonlySet<string> = new Set<AttemptEnd>([
  "completed",
  "stale_abort",
  "reported_fault",
  "late_discarded",
  "expired",
  "cancelled",
  "open",
]);

/** Reads a result folder into the report's digest. */
export async function readResultFolder(dir: string): Promise<ReportData> {
  const notes: string[] = [];
  const summary = await readSummary(dir);
  const scenario = await readScenario(dir, summary, notes);
  const policies = summary.policies.map((p) => p.name);
  const seenPolicy = (p: string) => {
    if (!policies.includes(p)) policies.push(p);
  };
  let baseline: string | null = policies[0] ?? null;

  const latencies: Record<string, number[]> = {};
  const outcomes: Record<string, OutcomeCounts> = {};
  const reps: Record<string, Set<number>> = {};
  const base = new TimelineCollector();
  const waits = new WaitCollector();

  // requests.csv: the hot path reads fields by index and converts a whole record only for the baseline's rows
  {
    let toRecord: (row: string[]) => RequestRecord = () => ({}) as RequestRecord;
    let iPolicy = -1;
    let iRep = -1;
    let iOutcome = -1;
    let iLatency = -1;
    let iWarmup = -1;
    let iAttempts = -1;
    let iImages = -1;
    let iId = -1;
    let iModel = -1;
    let iSubmitted = -1;
    let iDone = -1;
    let iFirstPop = -1;
    let iWait = -1;
    const badOutcomes = new Set<string>();
    await streamIfPresent(
      dir,
      "requests.csv",
      notes,
      (h) => {
        toRecord = converter("requests.csv", h, REQUEST_COLUMNS, notes);
        [iPolicy, iRep, iOutcome, iLatency, iWarmup, iAttempts, iImages] = [
          "policy",
          "replication",
          "outcome",
          "latency_s",
          "warmup",
          "attempts",
          "images_requested",
        ].map((c) => h.indexOf(c));
        [iId, iModel, iSubmitted, iDone, iFirstPop, iWait] = [
          "request_id",
          "model",
          "submitted_s",
          "done_s",
          "first_pop_s",
          "wait_s",
        ].map((c) => h.indexOf(c));
        if (iFirstPop >= 0 || iWait >= 0) waits.useColumns();
      },
      (row) => {
        const policy = row[iPolicy] ?? "";
        const rep = csvNumber(row[iRep]);
        if (!Object.hasOwn(outcomes, policy)) {
          seenPolicy(policy);
          if (baseline === null) baseline = policy;
          outcomes[policy] = { completed: 0, faulted: 0, expired: 0, open: 0 };
          latencies[policy] = [];
          reps[policy] = new Set();
        }
        reps[policy].add(rep);
        const outcome = row[iOutcome] ?? "";
        if (policy === baseline) {
          const keep = TimelineCollector.mayHaveGoneWrong(outcome, csvNumber(row[iAttempts]), csvNumber(row[iImages]));
          base.offerRequest(rep, keep, () => toRecord(row));
        }
        if (csvBoolean(row[iWarmup])) return;
        if (!OUTCOMES.has(outcome)) {
          badOutcomes.add(outcome);
          return;
        }
        outcomes[policy][outcome as RequestOutcome]++;
        if (outcome === "completed") {
          const l = csvNumber(row[iLatency]);
          if (Number.isFinite(l)) latencies[policy].push(l);
          waits.offerRequest(
            policy,
            rep,
            csvNumber(row[iId]),
            row[iModel] ?? "",
            csvNumber(row[iSubmitted]),
            csvNumber(row[iDone]),
            csvNumber(row[iFirstPop]),
            csvNumber(row[iWait]),
          );
        }
      },
    );
    if (badOutcomes.size > 0) notes.push(`requests.csv: unknown outcome(s) ${[...badOutcomes].join(", ")} ignored`);
  }

  {
    let toRecord: (row: string[]) => AttemptRecord = () => ({}) as AttemptRecord;
    let iPolicy = -1;
    let iRep = -1;
    let iRequest = -1;
    let iEnd = -1;
    let iPopped = -1;
    const badEnds = new Set<string>();
    await streamIfPresent(
      dir,
      "attempts.csv",
      notes,
      (h) => {
        toRecord = converter("attempts.csv", h, ATTEMPT_COLUMNS, notes);
        [iPolicy, iRep, iRequest, iEnd, iPopped] = ["policy", "replication", "request_id", "end", "popped_s"].map((c) =>
          h.indexOf(c),
        );
      },
      (row) => {
        const policy = row[iPolicy] ?? "";
        seenPolicy(policy);
        waits.offerAttempt(policy, csvNumber(row[iRep]), csvNumber(row[iRequest]), csvNumber(row[iPopped]));
        if (policy !== baseline) return;
        const end = row[iEnd] ?? "";
        if (!ENDS.has(end)) badEnds.add(end);
        base.offerAttempt(csvNumber(row[iRep]), csvNumber(row[iRequest]), end, () => toRecord(row));
      },
    );
    if (badEnds.size > 0) notes.push(`attempts.csv: unknown end(s) ${[...badEnds].join(", ")}`);
  }

  const workers: WorkerRecord[] = [];
  {
    let toRecord: (row: string[]) => WorkerRecord = () => ({}) as WorkerRecord;
    await streamIfPresent(
      dir,
      "workers.csv",
      notes,
      (h) => {
        toRecord = converter("workers.csv", h, WORKER_COLUMNS, notes);
      },
      (row) => workers.push(toRecord(row)),
    );
  }

  const samples: QueueSample[] = [];
  {
    let toRecord: (row: string[]) => QueueSample = () => ({}) as QueueSample;
    await streamIfPresent(
      dir,
      "samples.csv",
      notes,
      (h) => {
        toRecord = converter("samples.csv", h, SAMPLE_COLUMNS, notes);
      },
      (row) => samples.push(toRecord(row)),
    );
  }
  for (const w of workers) seenPolicy(w.policy);
  for (const s of samples) seenPolicy(s.policy);

  let timeline: ReportData["timeline"] = null;
  if (baseline !== null && base.replications.size > 0) {
    timeline = {
      policy: baseline,
      replications: [...base.replications].filter(Number.isFinite).sort((a, b) => a - b),
      staleAborts: base.staleAborts,
      requests: base.requests,
      attempts: base.attempts,
    };
  }

  const replications: Record<string, number[]> = {};
  for (const [p, set] of Object.entries(reps)) replications[p] = [...set].filter(Number.isFinite).sort((a, b) => a - b);

  const waitDigest = waits.finish();
  if (waitDigest && waitDigest.unmatched > 0)
    notes.push(`attempts.csv: no job found for ${waitDigest.unmatched} completed request(s): left out of the waits`);
  return {
    dir,
    summary,
    scenario,
    policies,
    latencies,
    outcomes,
    replications,
    timeline,
    workers,
    samples,
    waits: waitDigest,
    notes,
  };
}
