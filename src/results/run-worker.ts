// Worker-thread entry of a parallel `hordesim run`: runs one (arm, replication) per task (see run-folder.ts).
import { isMainThread } from "node:worker_threads";
import { serveTasks } from "../experiment/worker-pool.js";
import { runUnitInWorker, type UnitTask, type UnitWorkerData, type WorkerUnitResult } from "./run-unit-folder.js";

if (!isMainThread) {
  serveTasks<UnitTask, WorkerUnitResult>((task, data) => runUnitInWorker(data as UnitWorkerData, task));
}
