import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs } from "../../src/analyze/analyze-logs.js";
import type { LogEvent } from "../../src/analyze/events.js";
import { openInput } from "../../src/analyze/open-input.js";
import { readLogs } from "../../src/analyze/read-log.js";
import { abortsByWorker, deliveriesByWorker } from "../../src/analyze/tables.js";
import { UserError } from "../../src/errors.js";
import { deliver, IDS, incidentTimeline, pop } from "./log-lines.js";
import { SMALL_LOG_EXPECTED, smallLogBytes } from "./small-log.js";

const dir = mkdtempSync(join(tmpdir(), "hordesim-reader-"));
const FIXTURE_BZ2 = join(import.meta.dirname, "fixtures", "small.log.bz2");

function hasBzip2(): boolean {
  try {
    execFileSync("bzip2", ["--help"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The small log compressed by Debian's bzip2 now, or the fixture made with it when the binary is missing. */
function bz2Copy(plain: string): string {
  if (!hasBzip2()) return FIXTURE_BZ2;
  execFileSync("bzip2", ["-k", "-f", plain]);
  return `${plain}.bz2`;
}

async function events(paths: string[]): Promise<{ events: LogEvent[]; stats: Awaited<ReturnType<typeof readLogs>> }> {
  const out: LogEvent[] = [];
  const stats = await readLogs(paths, (e) => out.push(e));
  return { events: out, stats };
}

describe("the log reader on a small hand-written log", () => {
  const plain = join(dir, "small.log");
  writeFileSync(plain, smallLogBytes());

  it("counts lines, events and every kind of unusable line", async () => {
    const { stats, events: ev } = await events([plain]);
    expect(stats.lines).toBe(SMALL_LOG_EXPECTED.lines);
    expect(stats.records).toBe(SMALL_LOG_EXPECTED.records);
    expect(stats.continuation).toBe(SMALL_LOG_EXPECTED.continuation);
    expect(stats.events).toEqual(SMALL_LOG_EXPECTED.events);
    expect(stats.problems).toEqual(SMALL_LOG_EXPECTED.problems);
    expect(ev).toHaveLength(15);
    expect(stats.examples.map((e) => [e.line, e.kind])).toEqual([
      [7, "garbage"],
      [10, "malformed"],
      [11, "malformed"],
      [24, "truncated"],
    ]);
    expect(stats.examples[0].text).toBe("\\x00\\x07garb\\ufffd\\ufffd");
    expect(stats.problemLines()[0]).toBe(
      "could not use 4 line(s): 2 scheduling-like lines that do not parse, 1 lines with garbage bytes, 1 truncated last lines",
    );
  });

  it("reads the same events from a .bz2 copy", async () => {
    const bz = bz2Copy(plain);
    const a = await events([plain]);
    const b = await events([bz]);
    expect(b.events).toEqual(a.events);
    expect(b.stats.problems).toEqual(a.stats.problems);
    expect(b.stats.files[0].compression).toBe("bzip2");
  });

  it("ships a .bz2 fixture that decodes to the same log", async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of openInput(FIXTURE_BZ2).stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(smallLogBytes())).toBe(true);
  });

  it("joins the events: aborts per worker with their causes, deliveries, the fake job", async () => {
    const { analyzer: a } = await analyzeLogs([plain]);
    const rows = Object.fromEntries(abortsByWorker(a).map((r) => [r.worker, r]));
    expect(rows[IDS.ameli_name]).toMatchObject({
      aborts: 2,
      timeouts: 2,
      reported_faults: 0,
      pops: 3,
      worker_id: IDS.ameli,
    });
    expect(rows[IDS.half_name]).toMatchObject({ aborts: 1, timeouts: 1 });
    expect(rows[IDS.ameli2_name]).toMatchObject({ aborts: 1, timeouts: 0, reported_faults: 1 });
    expect(rows.paused1).toMatchObject({ aborts: 1, timeouts: 1, pops: 1 });
    expect(a.workers.get("paused1")).toMatchObject({ fakePops: 1, fakeAborts: 1, suspicions: 1 });
    const d = Object.fromEntries(deliveriesByWorker(a).map((r) => [r.worker, r]));
    expect(d[IDS.ameli_name]).toMatchObject({ deliveries: 1, timed: 1 });
    expect(d[IDS.ameli_name].median_s).toBeCloseTo(10.5, 1);
    expect(a.workers.get("sdxl-1")).toMatchObject({ deliveries: 1, cancelled: 1 });
    expect(a.deliveriesWithoutPop).toBe(1);
    expect(a.timelines.map((t) => t.wp)).toEqual([IDS.wp]);
    expect(a.faulted).toHaveLength(1);
    expect(a.suspicions[0]).toMatchObject({ worker: "paused1", reason: "TOO_MANY_JOBS_ABORTED" });
  });
});

describe("several files", () => {
  it("are merged in time order whatever order they are named in", async () => {
    const lines = incidentTimeline();
    const first = join(dir, "part1.log");
    const second = join(dir, "part2.log");
    writeFileSync(first, `${lines.slice(0, 3).join("\n")}\n`);
    writeFileSync(second, `${lines.slice(3).join("\n")}\n`);
    const { events: ev, stats } = await events([second, first]);
    expect(ev.map((e) => e.t)).toEqual([...ev.map((e) => e.t)].sort((x, y) => x - y));
    expect(stats.outOfOrder).toBe(0);
    const { analyzer } = await analyzeLogs([second, first]);
    expect(analyzer.timelines[0].entries.filter((e) => e.event === "abort").map((e) => e.sincePop)).toEqual([
      176, 179, 179,
    ]);
  });

  it("report a truncated .bz2 file and keep what it held", async () => {
    if (!hasBzip2()) return;
    const big = join(dir, "big.log");
    const rows: string[] = [];
    for (let i = 0; i < 30000; i++) {
      const s = String(i).padStart(6, "0");
      const t = new Date(Date.UTC(2025, 8, 29) + i * 1000).toISOString().replace("T", " ").replace("Z", "");
      const job = `00000000-0000-4000-a000-000000${s}`;
      rows.push(pop(t, job, `11111111-0000-4000-a000-000000${s}`, IDS.ameli, `w${i % 7}-${"x".repeat(i % 13)}`));
      rows.push(deliver(t, job, `11111111-0000-4000-a000-000000${s}`, `w${i % 7}`, i / 10));
    }
    writeFileSync(big, `${rows.join("\n")}\n`);
    execFileSync("bzip2", ["-k", "-f", big]);
    const whole = readFileSync(`${big}.bz2`);
    const cut = join(dir, "cut.log.bz2");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
    const { stats } = await events([cut]);
    expect(stats.problems.unreadable).toBe(1);
    expect(stats.events.pop).toBeGreaterThan(10000);
    expect(stats.events.pop).toBeLessThan(30000);
    expect(stats.examples.some((e) => e.kind === "unreadable" && /ends early/.test(e.text))).toBe(true);
  });
});

describe("files that are not logs", () => {
  it("a missing file, a directory, a text file, random bytes and an empty file are user errors", async () => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "just\nsome\nnotes\n");
    const random = join(dir, "random.bin");
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const empty = join(dir, "empty.log");
    writeFileSync(empty, "");
    const badBz2 = join(dir, "bad.bz2");
    writeFileSync(badBz2, Buffer.concat([Buffer.from("BZh9"), Buffer.alloc(64, 0x55)]));
    for (const [path, message] of [
      [join(dir, "missing.log"), /missing\.log: no such file/],
      [dir, /is a directory/],
      [text, /notes\.txt: not a horde log/],
      [random, /random\.bin: not a horde log/],
      [empty, /no log records/],
      [badBz2, /bad\.bz2: (corrupt bzip2 data|the bzip2 data ends early)/],
    ] as const) {
      const p = readLogs([path], () => {});
      await expect(p).rejects.toBeInstanceOf(UserError);
      await expect(readLogs([path], () => {})).rejects.toThrow(message);
    }
  });
});
