// The grids of a sweep: where each swept value goes in the scenario, which arms each grid runs, and the cells
// (one arm under one assignment of values) in their canonical order. Values are set in the scenario's plain
// data before validation, so a swept "60s" is read exactly as the same text in the file would be.
import { parse as parseYamlValue } from "yaml";
import { UserError } from "../errors.js";
import type { PolicyConfig, Scenario } from "../scenario/types.js";
import {
  formatPath,
  type Problem,
  positionIn,
  ScenarioError,
  type ScenarioYaml,
  type Segment,
  validateScenarioData,
} from "../scenario-file/load.js";
import { sweepBlockSchema } from "../scenario-file/schema.js";
import type { SweepCell, SweepGrid } from "./sweep-types.js";

/** Where a swept value was given: a place in the scenario file, or a `--set` option. */
export type ValueSource = { kind: "file"; path: Segment[] } | { kind: "option"; text: string };

export interface ResolvedParam {
  path: string;
  /** The path in the scenario's plain data, `policies[backoff]` resolved to its index. */
  segments: Segment[];
  values: unknown[];
  labels: string[];
  sources: ValueSource[];
}

export interface ResolvedGrid {
  arms: string[];
  params: ResolvedParam[];
}

export interface PlannedCell extends SweepCell {
  /** The index of each parameter's value, in the grid's parameter order. */
  choice: number[];
}

/** A grid as the user wrote it: in the scenario's `sweep:` block or as `--set` options. */
export interface GridInput {
  arms?: string[];
  params: { path: string; values: unknown[]; labels: string[]; sources: ValueSource[]; keySource: ValueSource }[];
}

type Step = { key: string } | { index: number } | { name: string };

class PathError extends Error {}

/** `server.ttl.floor`, `policies[backoff].reassignment[1].base`: keys, list indices and `[name]` selectors. */
export function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const n = path.length;
  if (n === 0) throw new PathError("the path is empty");
  while (i < n) {
    if (steps.length > 0) {
      if (path[i] === ".") i++;
      else if (path[i] !== "[") throw new PathError(`unexpected "${path[i]}" at character ${i + 1}`);
    }
    if (path[i] !== "[") {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(path.slice(i));
      if (m === null) throw new PathError(`expected a setting name at character ${i + 1}`);
      steps.push({ key: m[0] });
      i += m[0].length;
    }
    while (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) throw new PathError(`"[" at character ${i + 1} is not closed`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === "") throw new PathError(`empty [] at character ${i + 1}`);
      steps.push(/^\d+$/.test(inner) ? { index: Number(inner) } : { name: inner.replace(/^["']|["']$/g, "") });
      i = close + 1;
    }
  }
  return steps;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The concrete path of `steps` in `data`: selectors resolved to indices; missing mapping keys are allowed. */
export function resolvePath(data: unknown, steps: Step[]): Segment[] {
  const out: Segment[] = [];
  let node: unknown = data;
  for (const step of steps) {
    const at = out.length === 0 ? "the scenario" : formatPath(out);
    if ("key" in step) {
      if (node !== undefined && !isRecord(node))
        throw new PathError(`${at} is ${describeValue(node)}, not a mapping: it has no setting "${step.key}"`);
      out.push(step.key);
      node = node === undefined ? undefined : node[step.key];
    } else {
      if (!Array.isArray(node))
        throw new PathError(`${at} is ${node === undefined ? "not set" : describeValue(node)}, not a list`);
      let index: number;
      if ("index" in step) {
        index = step.index;
        if (index >= node.length) throw new PathError(`${at} has ${node.length} item(s): there is no [${index}]`);
      } else {
        index = node.findIndex((item) => isRecord(item) && item.name === step.name);
        if (index < 0) {
          const names = node.filter(isRecord).map((item) => String(item.name));
          throw new PathError(`${at} has no item named "${step.name}" (names: ${names.join(", ") || "none"})`);
        }
      }
      out.push(index);
      node = node[index];
    }
  }
  return out;
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (isRecord(v)) return "a mapping";
  return `the value ${JSON.stringify(v)}`;
}

/** Sets `value` at `segments` in plain data, creating the mappings on the way that are missing. */
export function setAt(data: unknown, segments: readonly Segment[], value: unknown): void {
  let node = data as Record<string | number, unknown>;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i];
    if (node[seg] === undefined || node[seg] === null) node[seg] = {};
    node = node[seg] as Record<string | number, unknown>;
  }
  node[segments[segments.length - 1]] = value;
}

/** A value's label: the text the user wrote (for the file, the YAML scalar as a string). */
export function valueLabel(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Splits `a,b,[c,d],{e: f}` at the commas outside brackets, braces and quotes. */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** One `--set PATH=V1,V2,…` option; each value is read as a YAML scalar or flow collection. */
export function parseSetOption(text: string): GridInput["params"][number] {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new UserError(`--set ${text}: expected PATH=VALUE1,VALUE2,… (e.g. --set server.ttl.floor=60s,150s)`);
  const path = text.slice(0, eq).trim();
  const pieces = splitValues(text.slice(eq + 1));
  if (pieces.some((p) => p === ""))
    throw new UserError(`--set ${text}: a value is empty (two commas in a row, or a trailing comma?)`);
  const values = pieces.map((piece) => {
    try {
      return parseYamlValue(piece) as unknown;
    } catch (e) {
      throw new UserError(`--set ${text}: cannot read the value "${piece}": ${(e as Error).message.split("\n")[0]}`);
    }
  });
  const source: ValueSource = { kind: "option", text: `--set ${text}` };
  return { path, values, labels: pieces, sources: pieces.map(() => source), keySource: source };
}

/** The grids of the scenario's `sweep:` block (none when it has none; the schema has already checked its shape). */
export function gridsFromScenario(yaml: ScenarioYaml): GridInput[] {
  if (!isRecord(yaml.data) || yaml.data.sweep === undefined) return [];
  const block = sweepBlockSchema.parse(yaml.data.sweep);
  return block.map((g, gi) => ({
    arms: g.arms,
    params: Object.entries(g.set).map(([path, values]) => ({
      path,
      values,
      labels: values.map(valueLabel),
      sources: values.map((_, vi): ValueSource => ({ kind: "file", path: ["sweep", gi, "set", path, vi] })),
      keySource: { kind: "file", path: ["sweep", gi, "set", path] },
    })),
  }));
}

function fail(yaml: ScenarioYaml, source: ValueSource, message: string, atKey = false): never {
  if (source.kind === "option") throw new UserError(`${source.text}: ${message}`);
  const { line, col } = positionIn(yaml, source.path, atKey);
  throw new ScenarioError([{ file: yaml.file, line, col, path: formatPath(source.path), message }]);
}

/** At most this many cells: a guard against a typo that would run for weeks. */
export const MAX_CELLS = 10_000;

/**
 * Resolves each grid's paths against the scenario and decides its arms: those it names, else the arms that
 * its `policies[…]` paths point into (a setting of one arm is swept for that arm only), else every arm.
 * `only` (from --policy) keeps those arms; a grid left with none is dropped.
 */
export function resolveGrids(
  yaml: ScenarioYaml,
  inputs: GridInput[],
  arms: PolicyConfig[],
  only?: string[],
): ResolvedGrid[] {
  const armNames = arms.map((a) => a.name);
  const grids: ResolvedGrid[] = [];
  for (const input of inputs) {
    const seen = new Set<string>();
    const params: ResolvedParam[] = input.params.map((p) => {
      let segments: Segment[];
      try {
        segments = resolvePath(yaml.data, parsePath(p.path));
      } catch (e) {
        if (e instanceof PathError) fail(yaml, p.keySource, `${p.path}: ${e.message}`, true);
        throw e;
      }
      if (segments[0] === "sweep" || segments[0] === "name")
        fail(yaml, p.keySource, `${p.path}: the sweep block and the scenario name cannot be swept`, true);
      const key = formatPath(segments);
      if (seen.has(key)) fail(yaml, p.keySource, `${p.path} is swept twice in one grid`, true);
      seen.add(key);
      const dup = p.labels.find((l, i) => p.labels.indexOf(l) !== i);
      if (dup !== undefined) fail(yaml, p.keySource, `${p.path}: the value ${dup} is listed twice`, true);
      return { path: p.path, segments, values: p.values, labels: p.labels, sources: p.sources };
    });
    const firstKey = input.params[0]?.keySource;
    let gridArms: string[];
    if (input.arms !== undefined) {
      const unknown = input.arms.filter((a) => !armNames.includes(a));
      if (unknown.length > 0 && firstKey !== undefined) {
        const where: ValueSource =
          firstKey.kind === "file" ? { kind: "file", path: [...firstKey.path.slice(0, 2), "arms"] } : firstKey;
        fail(yaml, where, `no arm named ${unknown.join(", ")} (arms: ${armNames.join(", ")})`);
      }
      gridArms = armNames.filter((a) => input.arms?.includes(a));
    } else {
      const targeted = new Set<string>();
      for (const p of params) if (p.segments[0] === "policies") targeted.add(armNames[p.segments[1] as number]);
      if (targeted.size > 1 && firstKey !== undefined)
        fail(
          yaml,
          firstKey,
          `this grid sweeps settings of ${targeted.size} arms (${[...targeted].join(", ")}): each cell would change all of them; sweep each arm in its own grid, or name the arms with arms: […]`,
          true,
        );
      gridArms = targeted.size === 1 ? [...targeted] : armNames;
    }
    if (only !== undefined && only.length > 0) gridArms = gridArms.filter((a) => only.includes(a));
    if (gridArms.length > 0) grids.push({ arms: gridArms, params });
  }
  if (grids.length === 0) throw new UserError("no grid is left to run for the chosen --policy arm(s)");
  const cells = grids.reduce((n, g) => n + g.arms.length * g.params.reduce((m, p) => m * p.values.length, 1), 0);
  if (cells > MAX_CELLS)
    throw new UserError(`the sweep has ${cells} cells; the limit is ${MAX_CELLS}: sweep fewer values`);
  return grids;
}

/** The cells in canonical order: grid, arm, then the value combinations with the last parameter varying fastest. */
export function enumerateCells(grids: readonly SweepGrid[]): PlannedCell[] {
  const cells: PlannedCell[] = [];
  grids.forEach((grid, gi) => {
    const sizes = grid.params.map((p) => p.values.length);
    const combos = sizes.reduce((n, s) => n * s, 1);
    for (const policy of grid.arms) {
      for (let k = 0; k < combos; k++) {
        const choice: number[] = new Array(sizes.length);
        let rest = k;
        for (let j = sizes.length - 1; j >= 0; j--) {
          choice[j] = rest % sizes[j];
          rest = Math.floor(rest / sizes[j]);
        }
        const values: Record<string, string> = {};
        grid.params.forEach((p, j) => {
          values[p.path] = p.values[choice[j]];
        });
        const label = [policy, ...grid.params.map((p, j) => `${p.path}=${p.values[choice[j]]}`)].join(" ");
        cells.push({ index: cells.length, grid: gi, policy, values, label, choice });
      }
    }
  });
  return cells;
}

/** The public description of the grids (paths and value labels), as recorded in sweep.json and manifests. */
export function describeGrids(grids: ResolvedGrid[]): SweepGrid[] {
  return grids.map((g) => ({
    arms: [...g.arms],
    params: g.params.map((p) => ({ path: p.path, values: [...p.labels] })),
  }));
}

const startsWith = (path: readonly Segment[], prefix: readonly Segment[]) =>
  prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

/** The scenario of one cell, validated, and its arm. Problems with a swept value are placed where it was given. */
export function cellScenario(
  yaml: ScenarioYaml,
  grid: ResolvedGrid,
  cell: Pick<PlannedCell, "choice" | "policy" | "label">,
): { scenario: Scenario; arm: PolicyConfig } {
  const data = structuredClone(yaml.data) as Record<string, unknown>;
  delete data.sweep;
  grid.params.forEach((p, j) => {
    setAt(data, p.segments, structuredClone(p.values[cell.choice[j]]));
  });
  const place = (path: readonly Segment[]): Omit<Problem, "message"> | undefined => {
    for (let j = 0; j < grid.params.length; j++) {
      const p = grid.params[j];
      if (!startsWith(path, p.segments)) continue;
      const source = p.sources[cell.choice[j]];
      if (source.kind === "option") return { file: source.text, line: 0, col: 0, path: formatPath(path) };
      const { line, col } = positionIn(yaml, source.path);
      return { file: yaml.file, line, col, path: formatPath(source.path) };
    }
    return undefined;
  };
  let scenario: Scenario;
  try {
    scenario = validateScenarioData(data, yaml, place);
  } catch (e) {
    if (e instanceof ScenarioError)
      throw new UserError(`the sweep cell "${cell.label}" is not a valid scenario:\n${e.message}`);
    throw e;
  }
  const arm = scenario.policies.find((a) => a.name === cell.policy);
  if (arm === undefined) throw new Error(`cell ${cell.label}: arm ${cell.policy} vanished`);
  return { scenario, arm };
}

/** Validates every cell's scenario before anything runs (once per value combination: the arm does not matter). */
export function validateCells(yaml: ScenarioYaml, grids: ResolvedGrid[], cells: readonly PlannedCell[]): void {
  const seen = new Set<string>();
  for (const cell of cells) {
    const key = `${cell.grid}:${cell.choice.join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    cellScenario(yaml, grids[cell.grid], cell);
  }
}
