// The conformance driver: plays a plan (plan.ts) against a real AI Horde server in real time, as fake users
// (asynchronous requests from kudos classes, status checks, resubmission) and fake workers (reGen's pop loop,
// pop-loop.ts; jobs as sleeps, hanging and fault-reporting failure modes), and logs everything it does and sees
// (events.ts), with the server's own sweep lines read from its log as they are written.
import { closeSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { compile } from "../engine/distributions.js";
import { RandomStreams } from "../engine/random.js";
import { megapixelSteps } from "../horde/request.js";
import type { Scenario } from "../scenario/types.js";
import { encodeEvent, type LoggedEvent } from "./events.js";
import { answerError, HordeApi } from "./horde-api.js";
import { drawFate, type Plan, type PlannedSubmission, type PlannedWorker } from "./plan.js";
import { PopLoop } from "./pop-loop.js";

export interface DriverOptions {
  scenario: Scenario;
  scenarioName: string;
  plan: Plan;
  url: string;
  /** The server's -vv log, read for the sweep's lines. */
  serverLog: string;
  /** Where the conformance log goes. */
  logFile: string;
  minutes: number;
}

/** The server's log lines the comparison reads: requests activated, the sweep's ticks, its aborts and faults. */
export const SERVER_LINE =
  /New txt2img prompt with ID|Pruned \d+ expired Waiting Prompts|Aborted Stale Generation|New faulted WPs|Faulting waiting prompt|[Mm]aintenance/;

const BRIDGE_AGENT = "AI Horde Worker reGen:10.0.0:hordesim-conformance";

interface OpenRequest {
  req: number;
  wp: string;
  planned: PlannedSubmission;
  resubmission: number;
  lastCheck: number;
  last: string;
}

export async function drive(opts: DriverOptions): Promise<{ events: number }> {
  const api = new HordeApi(opts.url);
  const out = openSync(opts.logFile, "wx");
  let events = 0;
  const start = performance.now();
  const clock = () => (performance.now() - start) / 1000;
  const log = (e: LoggedEvent) => {
    writeSync(out, encodeEvent(e));
    events++;
  };
  const end = opts.minutes * 60;
  let stopped = false;
  const waiters = new Set<() => void>();
  /** Sleeps until `t` on the run's clock, or until the run stops; false when it stopped. */
  const sleepUntil = (t: number) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(false);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve(!stopped);
      };
      const timer = setTimeout(done, Math.max(0, (t - clock()) * 1000));
      waiters.add(done);
    });

  // Users and worker owners, each a test user with its kudos.
  const userKeys = new Map<string, string>();
  for (const [user, kudos] of opts.plan.users) userKeys.set(user, await api.testUser(`conformance_${user}`, kudos));
  const workerKeys: string[] = [];
  for (const w of opts.plan.workers) workerKeys.push(await api.testUser(`conformance_owner_${w.index}`, 0));

  log({ ev: "start", epoch_ms: Date.now() - clock() * 1000, scenario: opts.scenarioName, minutes: opts.minutes });
  const tail = tailServerLog(opts.serverLog, (line) => log({ ev: "server", t: clock(), line }));

  /** Work started and not awaited where it started (a submission, a job, a resubmission): awaited at the end. */
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const open = new Map<string, OpenRequest>();
  let nextReq = 0;
  const streams = new RandomStreams(opts.scenario.seed, 1);
  const resubmitRng = streams.stream("conformance/resubmit");
  const resubmitDelay = compile(opts.scenario.client.resubmit.delay);

  const submit = async (p: PlannedSubmission, resubmission: number) => {
    const req = nextReq++;
    const prompt = `conformance request ${req} arrival ${p.arrival}`;
    const t0 = clock();
    const a = await api.call("POST", "/generate/async", userKeys.get(p.user) ?? null, {
      prompt,
      params: {
        width: p.template.width,
        height: p.template.height,
        steps: p.template.steps,
        sampler_name: p.template.sampler,
        n: p.template.n,
      },
      models: p.template.model === null ? [] : [p.template.model],
      r2: true,
      nsfw: false,
      slow_workers: p.template.slow_workers,
      extra_slow_workers: p.template.extra_slow_workers,
    });
    const t1 = clock();
    const wp = typeof a.body.id === "string" ? a.body.id : null;
    const error = answerError(a);
    log({
      ev: "submit",
      t0,
      t1,
      req,
      arrival: p.arrival,
      resubmission,
      user: p.user,
      kudos: p.kudos,
      stream: p.stream,
      wp,
      error,
    });
    if (wp === null) return;
    open.set(wp, { req, wp, planned: p, resubmission, lastCheck: t1, last: "" });
  };

  const users = (async () => {
    for (const p of opts.plan.submissions) {
      if (p.at >= end) break;
      if (!(await sleepUntil(p.at))) break;
      track(submit(p, 0));
    }
  })();

  const checker = (async () => {
    const interval = Math.max(0.5, opts.scenario.client.poll_interval);
    for (let tick = interval; tick < end; tick += interval) {
      if (!(await sleepUntil(tick))) break;
      await Promise.all(
        [...open.values()].map(async (o) => {
          const t0 = clock();
          const a = await api.call("GET", `/generate/check/${o.wp}`, null);
          const t1 = clock();
          const prev = o.lastCheck;
          o.lastCheck = t0;
          if (a.status === 404) {
            // Deleted at expiry.
            log({
              ev: "check",
              t0,
              t1,
              prev,
              wp: o.wp,
              waiting: 0,
              processing: 0,
              restarted: 0,
              finished: 0,
              done: false,
              faulted: true,
            });
            open.delete(o.wp);
            return;
          }
          if (a.status !== 200) return;
          const b = a.body;
          const num = (k: string) => (typeof b[k] === "number" ? (b[k] as number) : 0);
          const seen = {
            waiting: num("waiting"),
            processing: num("processing"),
            restarted: num("restarted"),
            finished: num("finished"),
            done: b.done === true,
            faulted: b.faulted === true,
          };
          const key = JSON.stringify(seen);
          if (key !== o.last) log({ ev: "check", t0, t1, prev, wp: o.wp, ...seen });
          o.last = key;
          // The server answers done for a request whose faulted jobs, less those processing, reach its jobs
          // (WaitingPrompt.is_completed counts a faulted job as finished): also while its next attempt runs, and
          // in a sweep between an abort's commit and its n += 1. A done without every image is checked again.
          const complete = seen.faulted || (seen.done && seen.finished >= o.planned.template.n);
          if (complete) {
            open.delete(o.wp);
            if (seen.faulted && o.resubmission < opts.scenario.client.resubmit.max) {
              const at = clock() + resubmitDelay(resubmitRng);
              track(
                (async () => {
                  if (await sleepUntil(at)) await submit(o.planned, o.resubmission + 1);
                })(),
              );
            }
          }
        }),
      );
    }
  })();

  const workerLoop = async (w: PlannedWorker) => {
    const key = workerKeys[w.index];
    const rng = streams.stream(`conformance/worker/${w.index}`);
    let held = 0;
    const loop = new PopLoop(w.pollInterval, w.errorPollInterval, w.pollInterval * rng.next());
    const runJob = async (job: string, mps: number) => {
      const fate = drawFate(w, opts.scenario, mps, rng);
      const t = clock();
      if (fate.kind === "hang") {
        if (await sleepUntil(t + fate.hold)) log({ ev: "forget", t: clock(), worker: w.index, job });
      } else {
        const ok = fate.kind === "ok";
        if (await sleepUntil(t + (ok ? fate.seconds : fate.after))) {
          const state = ok ? "ok" : "faulted";
          const t0 = clock();
          const a = await api.call("POST", "/generate/submit", key, { id: job, generation: "R2", state, seed: 1 });
          const t1 = clock();
          log({ ev: "result", t0, t1, worker: w.index, job, state, status: a.status, error: answerError(a) });
          if (loop.learnJobEnd(t1, !ok || a.status !== 200))
            log({ ev: "pause", t: t1, worker: w.index, until: loop.pausedUntil });
        }
      }
      held--;
    };
    while (await sleepUntil(loop.next)) {
      if (!loop.sends(held < w.slots)) {
        loop.skipped();
        continue;
      }
      const t0 = clock();
      const a = await api.call("POST", "/generate/pop", key, {
        name: w.name,
        models: w.models,
        max_pixels: w.maxPixels,
        amount: 1,
        threads: 1,
        nsfw: true,
        bridge_agent: BRIDGE_AGENT,
      });
      const t1 = clock();
      const job = typeof a.body.id === "string" ? a.body.id : null;
      const payload = (a.body.payload ?? {}) as Record<string, unknown>;
      const prompt = typeof payload.prompt === "string" ? payload.prompt : "";
      const req = job === null ? null : requestOfPrompt(prompt);
      const ttl = typeof a.body.ttl === "number" ? a.body.ttl : null;
      log({ ev: "pop", t0, t1, worker: w.index, job, req, ttl, status: a.status, error: answerError(a) });
      loop.answered(t0, t1, a.status === 403);
      if (job === null) continue;
      held++;
      const width = typeof payload.width === "number" ? payload.width : 512;
      const height = typeof payload.height === "number" ? payload.height : 512;
      const steps = typeof payload.ddim_steps === "number" ? payload.ddim_steps : 30;
      track(runJob(job, megapixelSteps(width, height, steps, "k_euler")));
    }
  };
  const workers = opts.plan.workers.map((w) => workerLoop(w));

  await sleepUntil(end);
  stopped = true;
  for (const wake of [...waiters]) wake();
  await Promise.all([users, checker, ...workers]);
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  tail.stop();
  log({ ev: "end", t: clock() });
  closeSync(out);
  return { events };
}

/** The driver's number of the request whose prompt this is ("conformance request N ..."), or null. */
export function requestOfPrompt(prompt: string): number | null {
  const m = /conformance request (\d+)/.exec(prompt);
  return m === null ? null : Number(m[1]);
}

/** Reads the lines appended to the server's log every 50 ms and hands on those SERVER_LINE matches. */
function tailServerLog(path: string, onLine: (line: string) => void): { stop(): void } {
  let offset = 0;
  try {
    offset = statSync(path).size;
  } catch {
    offset = 0;
  }
  let rest = "";
  const buf = Buffer.alloc(1 << 16);
  const read = () => {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return;
    }
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        rest += buf.subarray(0, n).toString("utf8");
      }
    } finally {
      closeSync(fd);
    }
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (SERVER_LINE.test(line)) onLine(line);
  };
  const timer = setInterval(read, 50);
  return {
    stop() {
      clearInterval(timer);
      read();
    },
  };
}
