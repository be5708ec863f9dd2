// What the reader saw: lines by kind, events by kind, and the lines it could not use, with a few examples.
import type { LogEvent } from "./events.js";
import { escapeGarbage } from "./garbage.js";
import type { ProblemKind } from "./parse-line.js";

export const MAX_EXAMPLES = 5;

export const PROBLEM_TEXT: Record<ProblemKind, string> = {
  malformed: "scheduling-like lines that do not parse",
  garbage: "lines with garbage bytes",
  truncated: "truncated last lines",
  overlong: `lines longer than 1 MiB`,
  unreadable: "files that stopped early (corrupt or truncated compressed data)",
};

export interface FileStats {
  path: string;
  compression: string | null;
  lines: number;
  records: number;
  events: number;
  /** Time of the first and last record, ms; NaN when none. */
  first: number;
  last: number;
}

export interface ProblemExample {
  file: string;
  line: number;
  kind: ProblemKind;
  text: string;
}

export class ReadStats {
  readonly files: FileStats[] = [];
  lines = 0;
  /** Lines with a loguru header. */
  records = 0;
  /** Headerless lines: the continuation of a multi-line message. */
  continuation = 0;
  readonly events: Record<LogEvent["kind"], number> = { pop: 0, deliver: 0, abort: 0, faulted: 0, suspicion: 0 };
  readonly problems: Record<ProblemKind, number> = {
    malformed: 0,
    garbage: 0,
    truncated: 0,
    overlong: 0,
    unreadable: 0,
  };
  readonly examples: ProblemExample[] = [];
  /** Events older than the one handed out before them (several server nodes, several files overlapping). */
  outOfOrder = 0;

  problem(kind: ProblemKind, file: string, line: number, text: string): void {
    this.problems[kind]++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push({ file, line, kind, text: printable(text) });
  }

  get problemCount(): number {
    return Object.values(this.problems).reduce((a, b) => a + b, 0);
  }

  /** "N lines skipped: …" with the examples, one per line; empty when nothing was skipped. */
  problemLines(): string[] {
    if (this.problemCount === 0) return [];
    const parts = (Object.keys(this.problems) as ProblemKind[])
      .filter((k) => this.problems[k] > 0)
      .map((k) => `${this.problems[k]} ${PROBLEM_TEXT[k]}`);
    return [
      `could not use ${this.problemCount} line(s): ${parts.join(", ")}`,
      ...this.examples.map((e) => `  ${e.file}:${e.line}: ${e.kind}: ${e.text}`),
    ];
  }
}

/** At most 120 characters, control characters and invalid bytes shown as escapes. */
function printable(text: string): string {
  const cut = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return escapeGarbage(cut);
}
