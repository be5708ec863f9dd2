// Worker-thread entry of `hordesim sweep --jobs N`: runs sweep units handed out by the pool.
import { isMainThread } from "node:worker_threads";
import { type SweepPlanData, SweepUnitRunner, type UnitResult, type UnitTask } from "./sweep-units.js";
import { serveTasks } from "./worker-pool.js";

let runner: SweepUnitRunner | null = null;

if (!isMainThread) {
  serveTasks<UnitTask, UnitResult>(async (task, data) => {
    runner ??= await SweepUnitRunner.create(data as SweepPlanData);
    return runner.run(task);
  });
}
