// Plain-language messages for zod issues, shared by the scenario schema and the loader.
import type { z } from "zod";
import { duration, probability, rate } from "../scenario/units.js";

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

const normalize = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");

/** The closest candidate when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const dist = normalize(c) === normalize(word) ? 0 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  if (bestDistance <= limit) return best;
  const prefixed = candidates.filter((c) => word.length >= 3 && c.toLowerCase().startsWith(word.toLowerCase()));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? "" : ` (did you mean "${c}"?)`;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return hint === "" ? `unknown key "${key}"; allowed keys: ${known.join(", ")}` : `unknown key "${key}"${hint}`;
}

/** A short description of a value found in the file. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  null: "null",
  never: "nothing",
};

export function expectedPhrase(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

const fmt = (n: unknown) => (typeof n === "bigint" ? n.toString() : String(n));

/** Per-parse error map: every built-in zod issue in the words a scenario author would use. */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "required";
      if (iss.expected === "int") return `expected an integer, got ${describe(iss.input)}`;
      return `expected ${expectedPhrase(iss.expected)}, got ${describe(iss.input)}`;
    case "too_small": {
      const bound = fmt(iss.minimum);
      if (iss.origin === "array" || iss.origin === "set")
        return `needs at least ${bound} item${bound === "1" ? "" : "s"}`;
      if (iss.origin === "string")
        return iss.minimum === 1 ? "must not be empty" : `needs at least ${bound} characters`;
      return `${iss.inclusive ? `must be at least ${bound}` : `must be more than ${bound}`}, got ${describe(iss.input)}`;
    }
    case "too_big": {
      const bound = fmt(iss.maximum);
      if (iss.origin === "array" || iss.origin === "set") return `allows at most ${bound} items`;
      if (iss.origin === "string") return `allows at most ${bound} characters`;
      return `${iss.inclusive ? `must be at most ${bound}` : `must be less than ${bound}`}, got ${describe(iss.input)}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${fmt(iss.divisor)}, got ${describe(iss.input)}`;
    case "invalid_value": {
      const values = iss.values.map((v) => String(v));
      const hint = typeof iss.input === "string" ? didYouMean(iss.input, values) : "";
      return `expected one of ${values.join(", ")}, got ${describe(iss.input)}${hint}`;
    }
    case "unrecognized_keys":
      return iss.keys.map((k) => `unknown key "${k}"`).join("\n");
    case "invalid_union":
      if (iss.input === undefined) return "required";
      if (iss.inst === duration.in)
        return `expected a duration such as 150s, 20m or 6h (or a number of seconds), got ${describe(iss.input)}`;
      if (iss.inst === probability.in)
        return `expected a probability from 0 to 1 such as 0.2 or 20%, got ${describe(iss.input)}`;
      if (iss.inst === rate.in)
        return `expected a rate such as 120/h, 2/min or 0.5/s (or a number per second), got ${describe(iss.input)}`;
      return undefined;
    case "invalid_format":
      return `expected ${iss.format}, got ${describe(iss.input)}`;
    default:
      return undefined;
  }
};
