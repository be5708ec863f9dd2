import { describe, expect, it } from "vitest";
import { parseLoguru } from "../../src/analyze/loguru.js";
import { parseMessage, payloadConfig } from "../../src/analyze/messages.js";
import { classifyLine } from "../../src/analyze/parse-line.js";
import { abortGeneric, deliver, IDS, pop, rec, suspicion } from "./log-lines.js";

const T = "2025-09-29 17:41:08.123";
const t = Date.UTC(2025, 8, 29, 17, 41, 8, 123);

function event(line: string) {
  const c = classifyLine(line);
  if (c.kind !== "event") throw new Error(`not an event: ${JSON.stringify(c)}`);
  return c.event;
}

describe("loguru lines", () => {
  it("reads the time as UTC, the padded level, the location and the message", () => {
    expect(parseLoguru(`${T} | WARNING  | horde.x:y:12 - hello - world`)).toEqual({
      t,
      level: "WARNING",
      where: "horde.x:y:12",
      message: "hello - world",
    });
    expect(parseLoguru("2025-13-29 17:41:08.123 | INFO     | x:y:1 - bad month")).toBeNull();
    expect(parseLoguru("not a record")).toBeNull();
  });
});

describe("scheduling messages", () => {
  it("pop and fake pop", () => {
    expect(event(pop(T, IDS.job1, IDS.wp, IDS.half, "it's (odd) / name", "74.143.56.82", 2))).toEqual({
      kind: "pop",
      t,
      job: IDS.job1,
      wp: IDS.wp,
      workerId: IDS.half,
      worker: "it's (odd) / name",
      ip: "74.143.56.82",
      left: 2,
      fake: false,
    });
    expect(event(pop(T, IDS.job1, IDS.wp, IDS.half, "w", "1.2.3.4", 1, true))).toMatchObject({
      kind: "pop",
      fake: true,
    });
  });

  it("delivered and cancelled", () => {
    expect(event(deliver(T, IDS.job1, IDS.wp, "name for wp x", 12.5))).toEqual({
      kind: "deliver",
      t,
      job: IDS.job1,
      wp: IDS.wp,
      worker: "name for wp x",
      kudos: 12.5,
      cancelled: false,
    });
    expect(event(deliver(T, IDS.job1, IDS.wp, "w", 3, true))).toMatchObject({ cancelled: true });
  });

  it("stale abort, image and generic", () => {
    expect(
      parseMessage(
        t,
        `Aborted Stale Generation ${IDS.job1} of wp ${IDS.wp} (832x1216x30@k_dpmpp_2m) from by worker: a b (${IDS.half})`,
      ),
    ).toEqual({
      event: {
        kind: "abort",
        t,
        job: IDS.job1,
        wp: IDS.wp,
        worker: "a b",
        workerId: IDS.half,
        config: { width: 832, height: 1216, steps: 30, sampler: "k_dpmpp_2m" },
      },
    });
    expect(event(abortGeneric(T, IDS.job1, "text worker", IDS.half))).toMatchObject({
      kind: "abort",
      wp: null,
      config: null,
      worker: "text worker",
    });
  });

  it("faulted request: the payload as a Python dict or JSON", () => {
    expect(payloadConfig("{'sampler_name': 'k_euler', 'width': 1024, 'height': 768, 'steps': 4, 'n': 2}")).toEqual({
      config: { width: 1024, height: 768, steps: 4, sampler: "k_euler" },
      n: 2,
    });
    expect(payloadConfig('{"width":512,"height":512,"steps":30,"sampler_name":"k_euler_a"}').config).toEqual({
      width: 512,
      height: 512,
      steps: 30,
      sampler: "k_euler_a",
    });
    expect(payloadConfig("{'width': 512}")).toEqual({ config: null, n: null });
  });

  it("suspicion", () => {
    expect(event(suspicion(T, IDS.half, "UNREASONABLY_FAST"))).toEqual({
      kind: "suspicion",
      t,
      workerId: IDS.half,
      reason: "UNREASONABLY_FAST",
    });
  });

  it("tells unrelated records, continuations, broken scheduling lines and garbage apart", () => {
    expect(classifyLine(rec(T, "INFO", "horde.x:y:1", "Generation for user x"))).toEqual({ kind: "record" });
    expect(classifyLine("    at foo (bar.py:12)")).toEqual({ kind: "continuation" });
    expect(classifyLine(rec(T, "INFO", "horde.x:y:1", "New Generation 12 worth lots"))).toEqual({
      kind: "problem",
      problem: "malformed",
    });
    expect(classifyLine("2025-09-29 17:41 | INFO | x - y")).toEqual({ kind: "problem", problem: "malformed" });
    expect(classifyLine("junk Procgen with ID x popped from WP y")).toEqual({ kind: "problem", problem: "malformed" });
    expect(classifyLine("\u0000\u0001\ufffd")).toEqual({ kind: "problem", problem: "garbage" });
  });
});
