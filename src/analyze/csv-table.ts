import { formatField } from "../results/csv.js";

/** A whole small table as CSV text with a header line. */
export function csvText<T extends object>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  const lines = [columns.join(",")];
  for (const row of rows) lines.push(columns.map((c) => formatField(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}
