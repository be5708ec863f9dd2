// The failure modes a worker may have, built once per worker and mode when the fleet is built: the built-in
// modes of the worker's rules (docs/model.md §5.4), and a user's own from a module (registered by
// the scenario loader before the scenario is validated, in every thread that runs it).
//
// - hang: accepts the job, never returns it; reGen forgets it after `hold` (_purge_jobs).
// - crash: the worker process dies a uniform fraction into the run (worker-outages.ts), offline for `downtime`.
// - slow: the job takes `multiplier` times longer.
// - fault: the worker reports the job faulted `delay` after its run starts (handle_job_fault).
// - late: the result comes back `delay` after the job's TTL (refused if the job was aborted by then).
//
// The built-in modes draw from the worker's job stream, in this order: nothing for slow, the crash point for
// crash, the hold, fault delay or late delay from their distributions (a constant draws nothing).
import type { FailureMode } from "../scenario/types.js";
import {
  completeBehaviour,
  type FailureBehaviour,
  type FailureModeContext,
  type FailureModeModule,
} from "./failure-mode.js";
import type { Job } from "./worker.js";

type Mode<K extends FailureMode["mode"]> = Extract<FailureMode, { mode: K }>;

const builtIn: {
  [K in Exclude<FailureMode["mode"], "module">]: (m: Mode<K>, ctx: FailureModeContext) => FailureBehaviour;
} = {
  hang: (m, ctx) => {
    const hold = ctx.sampler(m.hold);
    return completeBehaviour({
      silent: true,
      strike: (job) => {
        job.fateParam = hold(ctx.rng);
        return true;
      },
      hold: (job) => job.fateParam,
    });
  },
  crash: (m, ctx) => {
    const downtime = ctx.sampler(m.downtime);
    return completeBehaviour({
      strike: (job) => {
        job.fateParam = ctx.rng.next();
        return true;
      },
      crashAfter: (job: Job, work: number) => job.fateParam * work,
      downtime: () => downtime(ctx.outageRng),
    });
  },
  slow: (m) =>
    completeBehaviour({
      strike: (job) => {
        job.slowdown *= m.multiplier;
        return false;
      },
    }),
  fault: (m, ctx) => {
    const delay = ctx.sampler(m.delay);
    return completeBehaviour({
      reportsFault: true,
      strike: (job) => {
        job.fateParam = delay(ctx.rng);
        return true;
      },
      runEnd: (job, start) => start + job.fateParam,
    });
  },
  late: (m, ctx) => {
    const delay = ctx.sampler(m.delay);
    return completeBehaviour({
      strike: (job) => {
        job.fateParam = delay(ctx.rng);
        return true;
      },
      runEnd: (job, start, work) => Math.max(start + work, job.popped + job.ttl + job.fateParam),
    });
  },
};

/** A user's failure modes by key (the module file's absolute path), registered by the scenario loader. */
const modules = new Map<string, FailureModeModule>();

export function registerFailureModeModule(key: string, module: FailureModeModule): void {
  modules.set(key, module);
}

export function failureModeModule(key: string): FailureModeModule | undefined {
  return modules.get(key);
}

/**
 * The behaviour of one mode for one worker. A module's mode gets a context whose `rng` is a stream of its
 * own (`streamOf`); a built-in mode draws from the worker's job stream.
 */
export function buildFailureMode(
  m: FailureMode,
  ctx: Omit<FailureModeContext, "rng"> & { jobRng: FailureModeContext["rng"] },
  streamOf: (name: string) => FailureModeContext["rng"],
): FailureBehaviour {
  const base = { outageRng: ctx.outageRng, sampler: ctx.sampler, worker: ctx.worker };
  if (m.mode === "module") {
    const module = modules.get(m.module);
    if (module === undefined) throw new Error(`failure mode module ${m.module} was not loaded`);
    const params = module.params.parse(m.params);
    return completeBehaviour(module.create(params, { ...base, rng: streamOf(module.name) }));
  }
  const make = builtIn[m.mode] as (m: FailureMode, ctx: FailureModeContext) => FailureBehaviour;
  return make(m, { ...base, rng: ctx.jobRng });
}
