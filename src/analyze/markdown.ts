// Markdown helpers: tables and number formats.

/** A number with `digits` decimals, "–" for NaN or null. */
export function num(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(x: number): string {
  if (!Number.isFinite(x)) return "–";
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
}

/** Seconds, as whole seconds from 10 s up and one decimal below. */
export function secs(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return Math.abs(x) >= 10 ? `${Math.round(x)} s` : `${x.toFixed(1)} s`;
}

export function table(header: string[], rows: string[][], align: ("l" | "r")[] = []): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const sep = header.map((_, i) => ((align[i] ?? "l") === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(esc)).join(" | ")} |`).join("\n");
}
