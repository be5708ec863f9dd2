// The stale sweep as the server's -vv log shows it (horde/database/threads.py: check_waiting_prompts): per run,
// for images then for text, "Pruned N expired Waiting Prompts", one "Aborted Stale Generation <job> of wp <wp>"
// per job aborted (horde/classes/stable/processing_generation.py: log_aborted_generation), "Found N New faulted
// WPs", then one "Faulting waiting prompt <wp>" per request faulted (WaitingPrompt.log_faulted_prompt). The
// last never shows at fbd5ed46: the loop that logs it re-reads the requests with `faulted == False` after they
// were set faulted, so only the count names them. A reported fault aborts its job outside the sweep and logs
// the same abort line.

export interface ServerLine {
  /** When the driver read the line (seconds from the run's start). */
  t: number;
  line: string;
}

export interface Sweep {
  /** When the sweep's first line was read. */
  t: number;
  /** When its image part's "Found N New faulted WPs" was read (the part that aborts image jobs). */
  end: number;
  expired: number;
  /** Jobs aborted as stale, in the order logged. */
  aborted: string[];
  /** "Found N New faulted WPs" of the image part: requests faulted (3 strikes) in this run. */
  faultedCount: number;
  /** Requests named as faulted (WaitingPrompt.log_faulted_prompt; at fbd5ed46 it logs none: see below). */
  faulted: string[];
}

export interface ParsedServerLog {
  sweeps: Sweep[];
  /** Abort lines outside a sweep (jobs a worker reported faulted), with their times. */
  otherAborts: { t: number; job: string }[];
}

const PRUNED = /Pruned (\d+) expired Waiting Prompts/;
const ABORTED = /Aborted Stale Generation ([0-9a-f-]{36})/;
const FOUND = /Found (\d+) New faulted WPs/;
const FAULTING = /Faulting waiting prompt ([0-9a-f-]{36})/;

/** Groups the sweep's lines into runs: each run logs "Pruned" twice (images, then text). */
export function parseServerLines(lines: readonly ServerLine[]): ParsedServerLog {
  const sweeps: Sweep[] = [];
  const otherAborts: { t: number; job: string }[] = [];
  /** 0: between runs; 1: in the image part; 2: image part done; 3: in the text part. */
  let phase = 0;
  let cur: Sweep | null = null;
  for (const { t, line } of lines) {
    const pruned = PRUNED.exec(line);
    if (pruned !== null) {
      if (phase === 0 || phase === 3) {
        cur = { t, end: t, expired: Number(pruned[1]), aborted: [], faultedCount: 0, faulted: [] };
        sweeps.push(cur);
        phase = 1;
      } else if (phase === 2) {
        phase = 3;
      }
      continue;
    }
    const aborted = ABORTED.exec(line);
    if (aborted !== null) {
      if (phase === 1 && cur !== null) cur.aborted.push(aborted[1]);
      else otherAborts.push({ t, job: aborted[1] });
      continue;
    }
    const found = FOUND.exec(line);
    if (found !== null) {
      if (phase === 1 && cur !== null) {
        cur.end = t;
        cur.faultedCount = Number(found[1]);
        phase = 2;
      } else if (phase === 3) {
        phase = 0;
      }
      continue;
    }
    const faulting = FAULTING.exec(line);
    if (faulting !== null && cur !== null && phase === 2) cur.faulted.push(faulting[1]);
  }
  return { sweeps, otherAborts };
}
