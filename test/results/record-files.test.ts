import { describe, expect, it } from "vitest";
import type { AttemptRecord, RequestRecord } from "../../src/horde/record-types.js";
import { RecordFiles, wentWrong } from "../../src/results/record-files.js";

const request = (id: number, over: Partial<RequestRecord> = {}): RequestRecord => ({
  policy: "p",
  replication: 1,
  request_id: id,
  origin_id: id,
  arrival_id: id,
  resubmission: 0,
  stream: "s",
  width: 512,
  height: 512,
  steps: 30,
  sampler: "k_euler_a",
  model: "",
  submitted_s: 0,
  done_s: 10,
  outcome: "completed",
  images_requested: 1,
  images_delivered: 1,
  attempts: 1,
  latency_s: 10,
  seen_s: 10,
  warmup: false,
  user_class: "default",
  kudos: 0,
  mps: 7.86432,
  first_pop_s: 1,
  wait_s: 1,
  ...over,
});

const attempt = (requestId: number, jobId: number): AttemptRecord => ({
  policy: "p",
  replication: 1,
  request_id: requestId,
  job_id: jobId,
  attempt: 1,
  worker_id: 0,
  worker_name: "w",
  popped_s: 1,
  ended_s: 9,
  end: "completed",
  ttl_s: 150,
  hedge: false,
  wasted_gpu_s: 0,
  mps: 7.86432,
});

describe("the jobs --records requests keeps", () => {
  it("calls a request wrong when it did not complete or took more jobs than images", () => {
    expect(wentWrong(request(0))).toBe(false);
    expect(wentWrong(request(0, { outcome: "faulted" }))).toBe(true);
    expect(wentWrong(request(0, { outcome: "open" }))).toBe(true);
    expect(wentWrong(request(0, { attempts: 2 }))).toBe(true);
    expect(wentWrong(request(0, { attempts: 2, images_requested: 2 }))).toBe(false);
    expect(wentWrong(request(0, { attempts: Number.NaN }))).toBe(true);
  });

  it("keeps a wrong request's jobs whether they come before or after its record, and drops a fine one's", () => {
    const files = new RecordFiles(["requests", "attempts"], true);
    files.attempt(attempt(0, 10)); // before its record: waits
    files.attempt(attempt(1, 11));
    files.request(request(0, { attempts: 2 })); // wrong: job 10 kept
    files.request(request(1)); // fine: job 11 dropped
    files.attempt(attempt(0, 12)); // after a wrong record: kept
    files.attempt(attempt(1, 13)); // after a fine record: dropped
    files.attempt(attempt(2, 14)); // its request never comes: dropped
    expect(files.attempts.take().chunks.reduce((n, c) => n + c.rows, 0)).toBe(2);
    const all = new RecordFiles(["requests", "attempts"]);
    for (const id of [0, 1]) all.attempt(attempt(id, id));
    expect(all.attempts.take().chunks.reduce((n, c) => n + c.rows, 0)).toBe(2);
  });
});
