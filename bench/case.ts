// One benchmark case in a fresh process, so that its peak RSS is its own:
//   node dist/bench/case.js '<json>'
// prints one line of JSON: the case's result plus the process's peak RSS and CPU time.
import { runQueue } from "./engine-queues.js";
import { hold } from "./hold.js";
import { runHorde } from "./horde.js";

export type CaseSpec =
  | { kind: "hold"; size: number; ops: number }
  | {
      kind: "queue";
      lambda: number;
      mu: number;
      servers: number;
      customers: number;
      seed: number;
      pregenerated?: boolean;
    }
  | {
      kind: "horde";
      file: string;
      arm: string;
      seed: number;
      horizon?: number;
      rateScale?: number;
      workerScale?: number;
    };

function run(spec: CaseSpec): object {
  switch (spec.kind) {
    case "hold":
      return hold(spec.size, spec.ops);
    case "queue":
      return runQueue(spec);
    case "horde": {
      const { kind: _kind, ...c } = spec;
      return runHorde(c);
    }
  }
}

const spec = JSON.parse(process.argv[2] ?? "null") as CaseSpec | null;
if (spec === null) {
  console.error("usage: node dist/bench/case.js '<json case>'");
  process.exit(2);
}
const result = run(spec);
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    ...result,
    peak_rss_mb: usage.maxRSS / 1024,
    cpu_s: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  }),
);
