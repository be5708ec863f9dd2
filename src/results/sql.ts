// Quoting for the SQL that the result layer builds (DuckDB's dialect).

/** A quoted identifier: "name", with " doubled. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A string literal: 'text', with ' doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
