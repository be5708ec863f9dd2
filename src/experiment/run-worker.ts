// Worker-thread entry of a parallel `hordesim run`: runs one (arm, replication) per task (see run-scenario.ts).
import { isMainThread } from "node:worker_threads";
import { runUnitInWorker, type UnitResult, type UnitTask, type UnitWorkerData } from "./run-scenario.js";
import { serveTasks } from "./worker-pool.js";

if (!isMainThread) {
  serveTasks<UnitTask, UnitResult>((task, data) => runUnitInWorker(data as UnitWorkerData, task));
}
