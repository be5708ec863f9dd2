import { z } from "zod";

const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|min|h|d)?\s*$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** "150s", "20m", "1.5h", "2d", "250ms" or a bare number of seconds. Returns NaN when it is not a duration. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * UNIT_SECONDS[m[2] ?? "s"];
}

const RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*\/\s*(s|sec|m|min|h|hour|d|day)\s*$/;
const PER_UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  hour: 3600,
  d: 86400,
  day: 86400,
};

/** "120/h", "2/min", "0.5/s" or a bare number per second. Returns NaN when it is not a rate. */
export function parseRate(text: string): number {
  const m = RATE.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) / PER_UNIT_SECONDS[m[2]];
}

/** A non-negative duration in seconds, written as a number of seconds or a string such as "150s", "20m", "6h". */
export const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const seconds = typeof value === "number" ? value : parseDuration(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as 150s, 20m or 6h (a non-negative number of seconds), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return seconds;
});

/** A non-negative rate in events per second, written as a number per second or "120/h", "2/min", "0.5/s". */
export const rate = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const perSecond = typeof value === "number" ? value : parseRate(value);
  if (!Number.isFinite(perSecond) || perSecond < 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected a rate such as 120/h, 2/min or 0.5/s (a non-negative number per second), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return perSecond;
});

const PERCENT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/;

/** "20%", "0.5 %": a share written as a percentage. Returns NaN when it is not one. */
export function parsePercent(text: string): number {
  const m = PERCENT.exec(text);
  return m ? Number(m[1]) / 100 : Number.NaN;
}

/** A probability from 0 to 1, written as a number (0.2) or a percentage ("20%"), as objectives' bounds are. */
export const probability = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const p = typeof value === "number" ? value : parsePercent(value);
  if (!(p >= 0 && p <= 1)) {
    ctx.addIssue({
      code: "custom",
      message: `expected a probability from 0 to 1 such as 0.2 or 20%, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return p;
});
export const positiveInt = z.number().int().positive();
export const nonNegativeInt = z.number().int().nonnegative();

/** A duration that must be more than zero. */
export const positiveDuration = duration.refine((seconds) => seconds > 0, { message: "must be more than 0 seconds" });
