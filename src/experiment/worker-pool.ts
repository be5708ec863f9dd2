// A small pool of worker threads that runs independent tasks (replications, sweep cells) and hands each result
// back to the main thread as it finishes. The worker script calls serveTasks(handler); the main thread calls
// runPool. Tasks go out in the order given, each to the next free worker.
import { isMainThread, parentPort, workerData as threadData, Worker } from "node:worker_threads";
import { UserError } from "../errors.js";

export interface PoolOptions<T, R> {
  /** Module URL of a worker script that calls serveTasks(handler). */
  worker: URL;
  /** Structured-cloneable, given to every worker once. */
  workerData: unknown;
  /** Structured-cloneable. */
  tasks: readonly T[];
  /** Number of worker threads (>= 1); never more threads than tasks. */
  jobs: number;
  /** Main thread, called as each task finishes (any order). */
  onResult: (index: number, result: R) => void;
  /** When aborted: hand out no new task, wait for running ones (their onResult is still called), then resolve. */
  signal?: AbortSignal;
}

/** Main thread → worker. */
interface TaskMessage<T> {
  index: number;
  task: T;
}

/** Worker → main thread. */
type ReplyMessage<R> =
  | { index: number; ok: true; result: R }
  | { index: number; ok: false; message: string; stack: string | undefined; user: boolean };

interface Slot {
  thread: Worker;
  /** The task it runs, or -1 when idle. */
  task: number;
  /** The uncaught error the thread reported before it exited, if any. */
  died: Error | undefined;
  exited: Promise<void>;
}

function taskError(reply: { message: string; stack: string | undefined; user: boolean }): Error {
  const err = reply.user ? new UserError(reply.message) : new Error(reply.message);
  if (reply.stack !== undefined) err.stack = reply.stack;
  return err;
}

/**
 * Runs every task on up to `jobs` worker threads and resolves once all of them have finished and every thread
 * has exited. The first failure (a task that throws, a thread that dies, an onResult that throws) terminates
 * every thread and rejects with an Error carrying the original message — a UserError if the task threw one.
 */
export function runPool<T, R>(opts: PoolOptions<T, R>): Promise<void> {
  const { tasks, signal } = opts;
  if (!Number.isSafeInteger(opts.jobs) || opts.jobs < 1) {
    return Promise.reject(new RangeError(`runPool: jobs must be an integer >= 1, got ${opts.jobs}`));
  }
  if (tasks.length === 0 || signal?.aborted) return Promise.resolve();

  return new Promise<void>((resolve, reject) => {
    const slots: Slot[] = [];
    let next = 0;
    let running = 0;
    let failure: Error | undefined;
    let finished = false;

    const finish = () => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener("abort", onAbort);
      // terminate() is harmless on a thread that has already exited; wait for every thread to be gone.
      Promise.all(slots.map((s) => s.thread.terminate().then(() => s.exited))).then(
        () => (failure === undefined ? resolve() : reject(failure)),
        (err) => reject(failure ?? err),
      );
    };

    const fail = (err: Error) => {
      if (failure !== undefined || finished) return;
      failure = err;
      finish();
    };

    const dispatch = (slot: Slot) => {
      if (failure !== undefined || finished) return;
      if (signal?.aborted || next >= tasks.length) {
        if (running === 0) finish();
        return;
      }
      const index = next++;
      slot.task = index;
      running++;
      const message: TaskMessage<T> = { index, task: tasks[index] };
      try {
        slot.thread.postMessage(message);
      } catch (err) {
        fail(new Error(`task ${index}: cannot send it to a worker thread: ${(err as Error).message}`));
      }
    };

    const onAbort = () => {
      if (running === 0) finish();
    };
    signal?.addEventListener("abort", onAbort);

    const count = Math.min(opts.jobs, tasks.length);
    for (let i = 0; i < count; i++) {
      let thread: Worker;
      try {
        thread = new Worker(opts.worker, { workerData: opts.workerData });
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      let exited!: () => void;
      const slot: Slot = { thread, task: -1, died: undefined, exited: new Promise<void>((r) => (exited = r)) };
      slots.push(slot);
      thread.on("message", (reply: ReplyMessage<R>) => {
        if (failure !== undefined || finished || reply.index !== slot.task) return;
        slot.task = -1;
        running--;
        if (!reply.ok) {
          fail(taskError(reply));
          return;
        }
        try {
          opts.onResult(reply.index, reply.result);
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        dispatch(slot);
      });
      thread.on("error", (err) => {
        slot.died = err instanceof Error ? err : new Error(String(err));
      });
      thread.on("exit", (code) => {
        exited();
        if (finished) return;
        const what = slot.task >= 0 ? `while running task ${slot.task}` : "while idle";
        const why = slot.died === undefined ? `exit code ${code}` : slot.died.message;
        const err = new Error(`a worker thread died ${what} (${why})`);
        if (slot.died?.stack !== undefined) err.stack = `${err.message}\n${slot.died.stack}`;
        fail(err);
      });
      dispatch(slot);
    }
  });
}

/**
 * Serves the tasks runPool sends to this worker thread, one at a time, with `handler(task, workerData)`.
 * Call it at the top level of the worker module, when `!isMainThread`.
 */
export function serveTasks<T, R>(handler: (task: T, workerData: unknown) => R | Promise<R>): void {
  const port = parentPort;
  if (isMainThread || port === null) throw new Error("serveTasks must be called in a worker thread started by runPool");
  port.on("message", async ({ index, task }: TaskMessage<T>) => {
    let reply: ReplyMessage<R>;
    try {
      reply = { index, ok: true, result: await handler(task, threadData) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { index, ok: false, message: e.message, stack: e.stack, user: err instanceof UserError };
    }
    try {
      port.postMessage(reply);
    } catch (err) {
      // The result cannot be cloned (a function, a class instance with private state, …): report that instead.
      port.postMessage({
        index,
        ok: false,
        message: `task ${index}: its result cannot be sent to the main thread: ${(err as Error).message}`,
        stack: undefined,
        user: false,
      } satisfies ReplyMessage<R>);
    }
  });
}
