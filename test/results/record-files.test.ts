import { describe, expect, it } from "vitest";
import type { AttemptRecord, RequestRecord } from "../../src/horde/record-types.js";
import { RecordFiles, wentWrong } from "../../src/results/record-files.js";
import { attemptRecord, requestRecord } from "../helpers/records.js";

const request = (id: number, over: Partial<RequestRecord> = {}): RequestRecord =>
  requestRecord({ request_id: id, origin_id: id, arrival_id: id, ...over });

const attempt = (requestId: number, jobId: number): AttemptRecord =>
  attemptRecord({ request_id: requestId, job_id: jobId });

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
