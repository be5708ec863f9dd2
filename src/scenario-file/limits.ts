// What a run may hold in memory, checked before it starts: a scenario beyond these limits is refused with the
// limit named (a run over them would pass several GB, or never end). The requests a replication may submit
// are limited in schema.ts (MAX_EXPECTED_REQUESTS).
import type { Scenario } from "../scenario/types.js";

/** Queue samples per replication (horizon / sample_interval): each is a row of the samples table and a figure. */
export const MAX_SAMPLES = 1_000_000;
/** Workers in all groups together: each is an object, a timeline and rows of the workers table. */
export const MAX_WORKERS = 100_000;
/** The largest scenario file read (a scenario is a few KB; this stops an endless input such as /dev/zero). */
export const MAX_SCENARIO_BYTES = 8 * 1024 * 1024;

export interface LimitProblem {
  path: (string | number)[];
  message: string;
}

/** The limits `s` passes over, each at the field that sets it. */
export function limitProblems(s: Scenario): LimitProblem[] {
  const problems: LimitProblem[] = [];
  if (s.sample_interval > 0) {
    const samples = s.horizon / s.sample_interval;
    if (samples > MAX_SAMPLES)
      problems.push({
        path: ["sample_interval"],
        message: `would take ${samples.toExponential(2)} queue samples per replication (horizon / sample_interval); the limit is ${MAX_SAMPLES.toLocaleString("en-US")}: choose a longer interval`,
      });
  }
  const workers = s.workers.reduce((sum, g) => sum + g.count, 0);
  if (workers > MAX_WORKERS)
    problems.push({
      path: ["workers"],
      message: `${workers.toLocaleString("en-US")} workers in all; the limit is ${MAX_WORKERS.toLocaleString("en-US")}`,
    });
  return problems;
}
