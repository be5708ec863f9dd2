// Worker-thread entry of a parallel `hordesim run`: runs one (arm, replication) per task (see run-folder.ts).
import { isMainThread } from "node:worker_threads";
import { serveTasks } from "../experiment/worker-pool.js";
import { ensureModules } from "../user-rules/load.js";
import { runUnitInWorker, type UnitTask, type UnitWorkerData, type WorkerUnitResult } from "./run-unit-folder.js";

if (!isMainThread) {
  serveTasks<UnitTask, WorkerUnitResult>(async (task, data) => {
    await ensureModules((data as UnitWorkerData).scenario);
    return runUnitInWorker(data as UnitWorkerData, task);
  });
}
