import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { runPool } from "../../src/experiment/worker-pool.js";

// The worker script is plain JS over the built pool (dist/), which `npm test` builds first.
const root = join(import.meta.dirname, "..", "..");
const worker = pathToFileURL(join(import.meta.dirname, "fixtures", "echo-worker.mjs"));
const builtPool = pathToFileURL(join(root, "dist", "src", "experiment", "worker-pool.js"));

interface Task {
  op?: "throw" | "user-error" | "exit" | "sleep" | "wait-for";
  value?: number;
  message?: string;
  code?: number;
  ms?: number;
  count?: number;
}
interface Reply {
  value: number | null;
  thread: number;
  tag: string;
  finished: number;
}

/** Counters shared with the workers: [0] tasks started, [1] tasks finished. */
function counters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

async function run(tasks: Task[], jobs: number, signal?: AbortSignal, onEach?: (i: number) => void) {
  const shared = counters();
  const results: { index: number; reply: Reply }[] = [];
  const promise = runPool<Task, Reply>({
    worker,
    workerData: { counters: shared, tag: "hello" },
    tasks,
    jobs,
    signal,
    onResult: (index, reply) => {
      results.push({ index, reply });
      onEach?.(index);
    },
  });
  return { promise, results, shared };
}

const echo = (n: number): Task[] => Array.from({ length: n }, (_, i) => ({ value: i * 10 }));

describe("runPool", () => {
  beforeAll(() => {
    if (!existsSync(fileURLToPath(builtPool))) throw new Error("dist/ is missing: run `npm run build` first");
  });

  it("returns every task's result exactly once, with the worker data", async () => {
    const { promise, results } = await run(echo(20), 3);
    await promise;
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    for (const { index, reply } of results) {
      expect(reply.value).toBe(index * 10);
      expect(reply.tag).toBe("hello");
    }
    expect(new Set(results.map((r) => r.reply.thread)).size).toBeLessThanOrEqual(3);
  });

  it("hands tasks out in order: one thread runs them in order, each thread's share is increasing", async () => {
    const one = await run(echo(8), 1);
    await one.promise;
    expect(one.results.map((r) => r.index)).toEqual([...Array(8).keys()]);

    const three = await run(echo(12), 3);
    await three.promise;
    const byThread = new Map<number, number[]>();
    for (const { index, reply } of three.results)
      byThread.set(reply.thread, [...(byThread.get(reply.thread) ?? []), index]);
    for (const share of byThread.values()) expect(share).toEqual([...share].sort((a, b) => a - b));
  });

  it("gives the next task to whichever worker is free", async () => {
    // Task 0 blocks its thread until tasks 1..5 are done: only the other thread can run them.
    const { promise, results } = await run([{ op: "wait-for", count: 5 }, ...echo(5)], 2);
    await promise;
    // Replies from two threads may reach the main thread in either order: order them by when they finished.
    const byFinish = [...results].sort((a, b) => a.reply.finished - b.reply.finished);
    expect(byFinish.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 0]);
    const other = byFinish[0].reply.thread;
    expect(byFinish.slice(0, 5).every((r) => r.reply.thread === other)).toBe(true);
    expect(byFinish[5].reply.thread).not.toBe(other);
  });

  it("starts no more threads than tasks, and none for no task", async () => {
    const { promise, results } = await run(echo(2), 8);
    await promise;
    expect(new Set(results.map((r) => r.reply.thread)).size).toBeLessThanOrEqual(2);
    const none = await run([], 4);
    await none.promise;
    expect(none.results).toEqual([]);
  });

  it("rejects with the task's message; a UserError stays a UserError", async () => {
    const tasks: Task[] = [...echo(3), { op: "throw", message: "boom at 3" }, ...echo(20)];
    // One thread: nothing after the failing task starts.
    const one = await run(tasks, 1);
    await expect(one.promise).rejects.toThrow("boom at 3");
    expect(Atomics.load(one.shared, 0)).toBe(4);
    // Two threads: the other thread gets no new task once the failure is in. Its tasks take 100 ms each so
    // that an OS that pauses the failing thread for a while cannot let it run them all.
    const slow = tasks.map((t): Task => (t.op === undefined ? { ...t, op: "sleep", ms: 100 } : t));
    const two = await run(slow, 2);
    await expect(two.promise).rejects.toThrow("boom at 3");
    expect(Atomics.load(two.shared, 0)).toBeLessThan(tasks.length);

    const user = await run([{ value: 1 }, { op: "user-error", message: "bad input here" }], 1);
    const err = await user.promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("bad input here");
  });

  it("rejects, naming the task, when a worker thread dies", async () => {
    const { promise } = await run([...echo(2), { op: "exit", code: 3 }, ...echo(2)], 1);
    await expect(promise).rejects.toThrow(/task 2.*exit code 3/);
  });

  it("rejects when onResult throws", async () => {
    const p = runPool<Task, Reply>({
      worker,
      workerData: { counters: counters(), tag: "" },
      tasks: echo(5),
      jobs: 2,
      onResult: () => {
        throw new Error("main-thread failure");
      },
    });
    await expect(p).rejects.toThrow("main-thread failure");
  });

  it("refuses jobs < 1", async () => {
    await expect(runPool({ worker, workerData: null, tasks: [1], jobs: 0, onResult: () => {} })).rejects.toThrow(
      /jobs/,
    );
  });

  it("stops handing out tasks once aborted, and still reports the running ones", async () => {
    const ac = new AbortController();
    const tasks = echo(10).map((t) => ({ ...t, op: "sleep" as const, ms: 50 }));
    const { promise, results, shared } = await run(tasks, 2, ac.signal, () => ac.abort());
    await promise;
    // Every task that started was reported; at most the two that ran when the first one finished.
    expect(results.length).toBe(Atomics.load(shared, 0));
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThanOrEqual(2);

    const already = new AbortController();
    already.abort();
    const none = await run(echo(3), 2, already.signal);
    await none.promise;
    expect(none.results).toEqual([]);
  });
});

describe("runPool leaves no thread behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "hordesim-pool-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("after success, failure, a dead worker and an abort, the process exits by itself", () => {
    // A thread left running would keep this child process alive until the timeout.
    const script = join(dir, "probe.mjs");
    writeFileSync(
      script,
      `import { runPool } from ${JSON.stringify(builtPool.href)};
const worker = new URL(${JSON.stringify(worker.href)});
const data = () => ({ counters: new Int32Array(new SharedArrayBuffer(8)), tag: "" });
const tasks = (n, extra = {}) => Array.from({ length: n }, (_, i) => ({ value: i, ...extra }));
let results = 0;
await runPool({ worker, workerData: data(), tasks: tasks(6), jobs: 3, onResult: () => results++ });
const failed = await runPool({ worker, workerData: data(), tasks: [...tasks(2), { op: "throw", message: "x" }, ...tasks(5, { op: "sleep", ms: 200 })], jobs: 3, onResult: () => {} }).then(() => "resolved", (e) => e.message);
const died = await runPool({ worker, workerData: data(), tasks: [{ op: "exit", code: 1 }, ...tasks(4, { op: "sleep", ms: 200 })], jobs: 2, onResult: () => {} }).then(() => "resolved", (e) => e.message);
const ac = new AbortController();
await runPool({ worker, workerData: data(), tasks: tasks(6, { op: "sleep", ms: 50 }), jobs: 2, signal: ac.signal, onResult: () => ac.abort() });
console.log(JSON.stringify({ results, failed, died }));
`,
    );
    const started = Date.now();
    const r = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.status, `exited after ${Date.now() - started} ms, signal ${r.signal}`).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results).toBe(6);
    expect(out.failed).toBe("x");
    expect(out.died).toMatch(/task 0/);
  });
});
