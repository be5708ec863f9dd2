// The shipped batch recipes, run here as the batch engines would run them: the Kubernetes Indexed Job's shell
// command once per completion index, the Slurm array script once per task id, then each one's merge step.
// The merged folder must be the folder an unsharded sweep writes. Paths are pointed at a small scenario and a
// temporary folder; the commands themselves are the shipped ones.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bin, root, snapshot } from "../helpers/cli.js";

const scenario = join(root, "test", "cli", "fixtures", "small-sweep.yaml");
const parent = mkdtempSync(join(tmpdir(), "hordesim-deploy-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function sh(shell: string, script: string, env: Record<string, string>) {
  const r = spawnSync(shell, ["-c", script], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stderr: r.stderr };
}

interface JobSpec {
  spec: {
    completionMode?: string;
    completions: number;
    parallelism?: number;
    template: { spec: { containers: { command: string[]; args: string[] }[] } };
  };
}

const unsharded = join(parent, "unsharded");
const ref = spawnSync(process.execPath, [bin, "sweep", scenario, "--out", unsharded], { cwd: root, encoding: "utf8" });

describe("deploy/k8s: an Indexed Job and its merge", () => {
  const job = parse(readFileSync(join(root, "deploy", "k8s", "sweep-job.yaml"), "utf8")) as JobSpec;
  const merge = parse(readFileSync(join(root, "deploy", "k8s", "merge-job.yaml"), "utf8")) as JobSpec;
  const local = (script: string, results: string) =>
    script
      .replaceAll("/app/bin/hordesim.js", bin)
      .replaceAll("/app/scenarios/sweep-ttl.yaml", scenario)
      .replaceAll("/results", results);

  it("is an Indexed Job whose shard count is its number of completions", () => {
    expect(job.spec.completionMode).toBe("Indexed");
    const args = job.spec.template.spec.containers[0].args[0];
    expect(args).toContain(`/${job.spec.completions}"`);
    expect(job.spec.template.spec.containers[0].command).toEqual(["/bin/sh", "-c"]);
  });

  it("every completion index runs its shard, and the merge gives the unsharded folder", () => {
    expect(ref.status, ref.stderr).toBe(0);
    const results = join(parent, "k8s");
    const args = local(job.spec.template.spec.containers[0].args[0], results);
    for (let k = 0; k < job.spec.completions; k++) {
      const r = sh("/bin/sh", args, { JOB_COMPLETION_INDEX: String(k) });
      expect(r.code, r.stderr).toBe(0);
    }
    // a retried pod of a finished shard does nothing and succeeds
    const again = sh("/bin/sh", args, { JOB_COMPLETION_INDEX: "0" });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already complete/);
    const m = sh("/bin/sh", local(merge.spec.template.spec.containers[0].args[0], results), {});
    expect(m.code, m.stderr).toBe(0);
    expect(snapshot(join(results, "sweep-ttl", "merged"))).toEqual(snapshot(unsharded));
  }, 120000);
});

describe("deploy/slurm: a job array and its merge", () => {
  const array = readFileSync(join(root, "deploy", "slurm", "sweep.sbatch"), "utf8");
  const tasks = /#SBATCH --array=1-(\d+)/.exec(array);

  it("every array task runs its shard, and the merge gives the unsharded folder", () => {
    expect(tasks).not.toBeNull();
    const n = Number(tasks?.[1]);
    const results = join(parent, "slurm");
    for (let i = 1; i <= n; i++) {
      const r = sh("/bin/bash", `bash deploy/slurm/sweep.sbatch`, {
        SLURM_ARRAY_TASK_COUNT: String(n),
        SLURM_ARRAY_TASK_ID: String(i),
        SCENARIO: scenario,
        RESULTS: results,
      });
      expect(r.code, r.stderr).toBe(0);
    }
    const m = sh("/bin/bash", "bash deploy/slurm/merge.sbatch", { RESULTS: results });
    expect(m.code, m.stderr).toBe(0);
    expect(snapshot(join(results, "merged"))).toEqual(snapshot(unsharded));
  }, 120000);
});
