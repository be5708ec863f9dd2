// Worker-thread entry of a parallel `hordesim run`: runs one (arm, replication) per task (see run-folder.ts).
import { isMainThread } from "node:worker_threads";
import type { UnitResult } from "../experiment/run-unit.js";
import { serveTasks } from "../experiment/worker-pool.js";
import { runUnitInWorker, type UnitTask, type UnitWorkerData } from "./run-folder.js";

if (!isMainThread) {
  serveTasks<UnitTask, UnitResult>((task, data) => runUnitInWorker(data as UnitWorkerData, task));
}
