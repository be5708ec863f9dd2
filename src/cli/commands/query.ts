import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import type { QueryResult } from "../../results/query.js";

interface QueryArgs {
  dir: string;
  sql: string;
  json: boolean;
  csv: boolean;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The rows as an aligned text table: numbers right-aligned, a rule under the header. */
export function formatTable(result: QueryResult): string {
  const cells = result.rows.map((row) => row.map(text));
  const numeric = result.columns.map((_, i) => result.rows.every((r) => r[i] === null || typeof r[i] === "number"));
  const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(result.columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)]
    .map((l) => `${l}\n`)
    .join("");
}

function csvField(value: unknown): string {
  const s = text(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const queryCommand: CommandModule<object, QueryArgs> = {
  command: "query <dir> <sql>",
  describe:
    "Run one SQL statement (DuckDB) over a result folder: its tables requests, users, attempts, workers, samples",
  builder: (y) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "A run's result folder" })
      .positional("sql", { type: "string", demandOption: true, describe: "The SQL statement" })
      .option("json", { type: "boolean", default: false, describe: "Print the rows as a JSON array of objects" })
      .option("csv", { type: "boolean", default: false, describe: "Print the rows as CSV with a header row" })
      .example(
        "$0 query results/incident-2025-09-29 \"SELECT policy, count(*) FROM requests WHERE outcome <> 'completed' GROUP BY ALL\"",
        "failed requests per arm",
      ),
  handler: async (argv) => {
    if (argv.json && argv.csv) throw new UserError("--json and --csv contradict each other: choose one");
    const result = await (await import("../../results/query.js")).queryFolder(argv.dir, argv.sql);
    if (argv.json) {
      const objects = result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i]])));
      process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
    } else if (argv.csv) {
      const lines = [result.columns, ...result.rows].map((r) => r.map(csvField).join(","));
      process.stdout.write(lines.map((l) => `${l}\n`).join(""));
    } else {
      process.stdout.write(formatTable(result));
    }
  },
};
