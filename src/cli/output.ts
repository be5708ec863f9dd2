// What a command prints, and where. stdout carries the result: the tables and where the files are, or with --json
// one JSON document and nothing else, or with --quiet (and no --json) nothing. stderr carries how it went: the
// progress bar (on a terminal only), one summary line (runs, events, wall time) and notices, all silenced by
// --quiet; warnings and errors always.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Argv } from "yargs";

export interface QuietArgs {
  quiet: boolean;
}

export interface OutputArgs extends QuietArgs {
  json: boolean;
}

export function quietOption<T>(
  y: Argv<T>,
  describe = "Print nothing but warnings and errors (on stderr)",
): Argv<T & QuietArgs> {
  return y.option("quiet", { alias: "q", type: "boolean", default: false, describe });
}

export function outputOptions<T>(y: Argv<T>): Argv<T & OutputArgs> {
  return quietOption(y, "Print nothing but warnings and errors (on stderr), and the --json document").option("json", {
    type: "boolean",
    default: false,
    describe: "Print the result on stdout as one JSON document, and nothing else there",
  });
}

export class Output {
  private readonly quiet: boolean;
  private readonly json: boolean;

  constructor(
    args: Partial<OutputArgs>,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.quiet = args.quiet === true;
    this.json = args.json === true;
  }

  /** Where the progress bar may draw: stderr, unless --quiet. */
  get progressStream(): NodeJS.WriteStream | null {
    return this.quiet ? null : this.stderr;
  }

  /** Lines of the human-readable result: stdout, unless --quiet or --json. */
  result(...lines: string[]): void {
    if (!this.quiet && !this.json) this.stdout.write(lines.map((l) => `${l}\n`).join(""));
  }

  /** The --json document (only with --json). */
  document(value: unknown): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A line about how it went (timings, notices): stderr, unless --quiet. */
  note(line: string): void {
    if (!this.quiet) this.stderr.write(`${line}\n`);
  }

  /** A line the user must see whatever the options (an interrupted run and how to finish it): stderr. */
  warn(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}

/** The report and charts a result folder holds, as paths (null when there are none). */
export interface FolderFiles {
  out: string;
  report: string | null;
  charts: string | null;
}

export function folderFiles(out: string): FolderFiles {
  const report = join(out, "report.html");
  const charts = join(out, "charts");
  return { out, report: existsSync(report) ? report : null, charts: existsSync(charts) ? charts : null };
}

/** The last lines of a command that wrote a result folder: where it is, its report.html and its charts. */
export function folderLines(f: FolderFiles): string[] {
  const lines = [`results in ${f.out}`];
  if (f.report !== null) lines.push(`  report: ${f.report}`);
  if (f.charts !== null) {
    const n = readdirSync(f.charts).filter((name) => name.endsWith(".png")).length;
    lines.push(`  charts: ${f.charts}/ (${n} charts, each as .png, .svg and .vl.json)`);
  }
  return lines;
}
