// Users' own rules and failure modes from files: a scenario names `rule: ./rules/my-rule.ts` (a timeout,
// detector or reassignment rule) or `mode: ./modes/my-mode.ts` (a failure mode), relative to the scenario
// file, TypeScript or JavaScript. The file default-exports what a built-in is (defineRule or
// defineFailureMode from "hordesim"). Loading imports each file once per thread, registers it under its
// absolute path, rewrites the scenario's reference to that path and validates the scenario as usual, so a
// rule's constants are checked by its own schema with the same file:line:col messages as a built-in's.
// Worker threads load the same files again (ensureModules) before they run a unit; the file's hash, taken
// when the scenario was loaded, must still match.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { UserError } from "../errors.js";
import type { FailureModeModule } from "../horde/failure-mode.js";
import { registerFailureModeModule } from "../horde/failure-modes.js";
import { registerRuleModule, type RuleKind } from "../policies/registry.js";
import type { RuleModule } from "../policies/rule-module.js";
import type { Scenario, UserModuleFile } from "../scenario/types.js";
import {
  formatPath,
  type Problem,
  positionIn,
  readScenarioText,
  readScenarioYaml,
  ScenarioError,
  type ScenarioYaml,
  type Segment,
  validateScenarioData,
} from "../scenario-file/load.js";

type ModuleKind = UserModuleFile["kind"];

/** A rule or mode named by a file path rather than a built-in's name. */
export function isModuleReference(value: unknown): value is string {
  return typeof value === "string" && /^(\.{1,2}[/\\]|\/)/.test(value);
}

/** Where a scenario names a module: the path of the value in the data, and what it must be. */
interface Reference {
  path: Segment[];
  file: string;
  kind: ModuleKind;
  /** Rewrites the reference in the data to the module's key. */
  rewrite(key: string): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

function ruleReference(
  holder: Obj | unknown[],
  at: string | number,
  path: Segment[],
  kind: RuleKind,
  out: Reference[],
): void {
  const slot = holder as Obj;
  const value = slot[at];
  if (isModuleReference(value)) {
    out.push({
      path: [...path, at],
      file: value,
      kind,
      rewrite: (key) => {
        slot[at] = key;
      },
    });
  } else if (isObj(value) && isModuleReference(value.rule)) {
    out.push({
      path: [...path, at, "rule"],
      file: value.rule,
      kind,
      rewrite: (key) => {
        value.rule = key;
      },
    });
  }
}

/** Every module reference in plain scenario data (before validation). */
function references(data: unknown): Reference[] {
  const out: Reference[] = [];
  if (!isObj(data)) return out;
  if (Array.isArray(data.policies)) {
    data.policies.forEach((arm, i) => {
      if (!isObj(arm)) return;
      const at: Segment[] = ["policies", i];
      ruleReference(arm, "timeout", at, "timeout", out);
      ruleReference(arm, "detector", at, "detector", out);
      if (Array.isArray(arm.reassignment)) {
        const list = arm.reassignment;
        for (let j = 0; j < list.length; j++) ruleReference(list, j, [...at, "reassignment"], "reassignment", out);
      }
    });
  }
  if (Array.isArray(data.workers)) {
    data.workers.forEach((g, i) => {
      if (!isObj(g) || !Array.isArray(g.failures)) return;
      g.failures.forEach((f, j) => {
        if (!isObj(f) || !isModuleReference(f.mode)) return;
        out.push({
          path: ["workers", i, "failures", j, "mode"],
          file: f.mode,
          kind: "failure",
          rewrite: (key) => {
            f.mode = "module";
            f.module = key;
          },
        });
      });
    });
  }
  return out;
}

let hooked = false;

/** Lets user files import "hordesim" and TypeScript (tsx's loader), once per thread. */
async function hook(): Promise<void> {
  if (hooked) return;
  hooked = true;
  const tsx = await import("tsx/esm/api");
  tsx.register();
  // registered after tsx's, so it runs first: it sees what tsx resolved
  const entry = new URL("../api/index.js", import.meta.url).href;
  register(new URL("./resolve-hook.js", import.meta.url), { data: { entry } });
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

const loaded = new Map<string, ModuleKind>();

function describeKind(kind: ModuleKind): string {
  return kind === "failure" ? "failure mode" : `${kind} rule`;
}

/** What is wrong with a module's default export for this place, or null. */
function shapeProblem(value: unknown, kind: ModuleKind): string | null {
  const how =
    kind === "failure"
      ? 'export default defineFailureMode({ name, params, create }) (import { defineFailureMode } from "hordesim")'
      : `export default defineRule({ kind: "${kind}", name, params, create }) (import { defineRule } from "hordesim")`;
  if (!isObj(value)) return `its default export is not a ${describeKind(kind)}: expected ${how}`;
  if (typeof value.name !== "string" || value.name === "") return `its default export has no name: expected ${how}`;
  if (!(value.params instanceof z.ZodType))
    return `its params is not a zod schema (use the z that "hordesim" exports): expected ${how}`;
  if (typeof value.create !== "function") return `its default export has no create function: expected ${how}`;
  if (kind !== "failure" && value.kind !== kind)
    return `it is a ${value.kind === undefined ? "failure mode" : `${String(value.kind)} rule`}, but this place takes a ${kind} rule`;
  if (kind === "failure" && value.kind !== undefined)
    return `it is a ${String(value.kind)} rule, but this place takes a failure mode (defineFailureMode)`;
  return null;
}

/** Imports the module file and registers it under its absolute path; throws a one-line reason. */
async function importModule(path: string, kind: ModuleKind): Promise<void> {
  const known = loaded.get(path);
  if (known === kind) return;
  if (known !== undefined)
    throw new Error(`it is used both as a ${describeKind(known)} and as a ${describeKind(kind)}`);
  await hook();
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_MODULE_NOT_FOUND" && (err.message ?? "").includes(path)) throw new Error("no such file");
    throw new Error(`it failed to load: ${(err.message ?? String(e)).split("\n")[0]}`);
  }
  const problem = shapeProblem(exported, kind);
  if (problem !== null) throw new Error(problem);
  if (kind === "failure") registerFailureModeModule(path, exported as FailureModeModule);
  else registerRuleModule(path, exported as RuleModule<RuleKind>);
  loaded.set(path, kind);
}

/** Imports and registers every module the scenario data names; rewrites the references; the files' records. */
export async function loadReferencedModules(yaml: ScenarioYaml): Promise<UserModuleFile[]> {
  const refs = references(yaml.data);
  const problems: Problem[] = [];
  const files = new Map<string, UserModuleFile>();
  for (const ref of refs) {
    const path = isAbsolute(ref.file) ? ref.file : resolve(dirname(yaml.file), ref.file);
    try {
      await importModule(path, ref.kind);
      if (!files.has(path)) files.set(path, { file: ref.file, path, sha256: sha256(path), kind: ref.kind });
      ref.rewrite(path);
    } catch (e) {
      const { line, col } = positionIn(yaml, ref.path);
      problems.push({
        file: yaml.file,
        line,
        col,
        path: formatPath(ref.path),
        message: `${ref.file}: ${(e as Error).message}`,
      });
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return [...files.values()];
}

/** Parses and validates scenario YAML whose rules or failure modes may come from files. */
export async function parseScenarioWithModules(text: string, file: string): Promise<Scenario> {
  const yaml = readScenarioYaml(text, file);
  const modules = await loadReferencedModules(yaml);
  const scenario = validateScenarioData(yaml.data, yaml);
  return modules.length === 0 ? scenario : { ...scenario, modules };
}

/** Reads, parses and validates a scenario file, loading the modules it names; a ScenarioError (exit 2) else. */
export async function loadScenarioWithModules(path: string): Promise<Scenario> {
  return parseScenarioWithModules(readScenarioText(path), path);
}

/** In a thread that did not load the scenario (a worker thread): imports the modules it names, unchanged. */
export async function ensureModules(scenario: Scenario): Promise<void> {
  for (const m of scenario.modules ?? []) {
    if (loaded.get(m.path) === m.kind) continue;
    if (sha256(m.path) !== m.sha256) throw new UserError(`${m.file} changed while the run was going on`);
    await importModule(m.path, m.kind);
  }
}

/** Loads one module file on its own (`hordesim check-rule FILE`): what it is, from its default export. */
export async function loadModuleFile(file: string): Promise<UserModuleFile> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError(`${file}: no such file`);
  await hook();
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  } catch (e) {
    throw new UserError(`${file}: it failed to load: ${((e as Error).message ?? String(e)).split("\n")[0]}`);
  }
  const declared = isObj(exported) ? exported.kind : undefined;
  const kind: ModuleKind =
    declared === "timeout" || declared === "detector" || declared === "reassignment" ? declared : "failure";
  try {
    await importModule(path, kind);
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
  return { file, path, sha256: sha256(path), kind };
}
