// loguru's default line: "YYYY-MM-DD HH:mm:ss.SSS | LEVEL    | module:function:line - message".

export interface LoguruLine {
  /** Milliseconds since the epoch, the wall-clock time read as UTC. */
  t: number;
  level: string;
  where: string;
  message: string;
}

const HEADER = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) \| ([A-Z]+) *\| (\S+) - /;
const DATE_START = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:/;

/** The header and message of a loguru line, or null when the line has no well-formed header. */
export function parseLoguru(line: string): LoguruLine | null {
  const m = HEADER.exec(line);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const t = Date.UTC(Number(y), month - 1, day, hour, minute, second, Number(ms));
  return { t, level: m[8], where: m[9], message: line.slice(m[0].length) };
}

/** The line starts like a log record (a date and an hour) whether or not the rest of the header parses. */
export function startsLikeRecord(line: string): boolean {
  return DATE_START.test(line);
}

/** "YYYY-MM-DD HH:mm:ss" (UTC) of a time in milliseconds. */
export function formatLogTime(t: number, withDate = true): string {
  const iso = new Date(t).toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
}
