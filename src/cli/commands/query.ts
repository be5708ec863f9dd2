import type { CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import type { QueryResult, QuerySink } from "../../results/query.js";

interface QueryArgs {
  dir: string;
  sql: string;
  json: boolean;
  csv: boolean;
}

/** Rows a text table holds before it prints: they, with the header, set its column widths and alignment. */
export const HELD_ROWS = 1000;

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The layout of a text table: each column's width, and whether it is right-aligned (numbers). */
interface Layout {
  widths: number[];
  numeric: boolean[];
}

function layoutOf(columns: string[], rows: unknown[][]): Layout {
  return {
    widths: columns.map((c, i) => Math.max(c.length, ...rows.map((r) => text(r[i]).length))),
    numeric: columns.map((_, i) => rows.every((r) => r[i] === null || typeof r[i] === "number")),
  };
}

function tableLine(cells: string[], layout: Layout): string {
  const padded = cells.map((v, i) => (layout.numeric[i] ? v.padStart(layout.widths[i]) : v.padEnd(layout.widths[i])));
  return `${padded.join("  ").trimEnd()}\n`;
}

function tableRows(rows: unknown[][], layout: Layout): string {
  return rows.map((r) => tableLine(r.map(text), layout)).join("");
}

function tableHead(columns: string[], layout: Layout): string {
  return (
    tableLine(columns, layout) +
    tableLine(
      layout.widths.map((w) => "-".repeat(w)),
      { ...layout, numeric: [] },
    )
  );
}

/** The rows as an aligned text table: numbers right-aligned, a rule under the header. */
export function formatTable(result: QueryResult): string {
  const layout = layoutOf(result.columns, result.rows);
  return tableHead(result.columns, layout) + tableRows(result.rows, layout);
}

function csvField(value: unknown): string {
  const s = text(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes to stdout, waiting while the reader is behind (the rows are never all held). */
function writeOut(chunk: string): Promise<void> {
  if (chunk === "" || process.stdout.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once("drain", resolve));
}

/** Where a format's rows go as they come, and what it writes once they have all come. */
type Printer = QuerySink & { end(): Promise<void> };

/** A text table: the first HELD_ROWS rows set the layout; a longer value after them widens only its own line. */
function tablePrinter(): Printer {
  let columns: string[] = [];
  let held: unknown[][] | null = [];
  let layout: Layout | null = null;
  const release = async () => {
    if (held === null) return;
    layout = layoutOf(columns, held);
    const rows = held;
    held = null;
    await writeOut(tableHead(columns, layout) + tableRows(rows, layout));
  };
  return {
    columns: (names) => {
      columns = names;
    },
    rows: async (rows) => {
      if (held !== null) {
        held.push(...rows);
        if (held.length >= HELD_ROWS) await release();
      } else if (layout !== null) await writeOut(tableRows(rows, layout));
    },
    end: release,
  };
}

/** A JSON array of objects, laid out as JSON.stringify(rows, null, 2) lays it out. */
function jsonPrinter(): Printer {
  let columns: string[] = [];
  let first = true;
  return {
    columns: (names) => {
      columns = names;
    },
    rows: async (rows) => {
      let out = "";
      for (const r of rows) {
        const object = JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i]])), null, 2);
        out += `${first ? "[\n" : ",\n"}  ${object.replaceAll("\n", "\n  ")}`;
        first = false;
      }
      await writeOut(out);
    },
    end: () => writeOut(first ? "[]\n" : "\n]\n"),
  };
}

/** CSV with a header row. */
function csvPrinter(): Printer {
  const line = (r: unknown[]) => `${r.map(csvField).join(",")}\n`;
  return {
    columns: (names) => writeOut(line(names)),
    rows: (rows) => writeOut(rows.map(line).join("")),
    end: () => Promise.resolve(),
  };
}

export const queryCommand: CommandModule<object, QueryArgs> = {
  command: "query <dir> <sql>",
  describe:
    "Run one SELECT statement (DuckDB) over a result folder's tables requests, users, attempts, workers, samples; it reads those files only and writes nothing",
  builder: (y) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "A run's result folder" })
      .positional("sql", { type: "string", demandOption: true, describe: "The SELECT statement" })
      .option("json", { type: "boolean", default: false, describe: "Print the rows as a JSON array of objects" })
      .option("csv", { type: "boolean", default: false, describe: "Print the rows as CSV with a header row" })
      .example(
        "$0 query results/incident-2025-09-29 \"SELECT policy, count(*) FROM requests WHERE outcome <> 'completed' GROUP BY ALL\"",
        "failed requests per arm",
      ),
  handler: async (argv) => {
    if (argv.json && argv.csv) throw new UserError("--json and --csv contradict each other: choose one");
    const printer = argv.json ? jsonPrinter() : argv.csv ? csvPrinter() : tablePrinter();
    await (await import("../../results/query.js")).streamQuery(argv.dir, argv.sql, printer);
    await printer.end();
  },
};
