// Data flows one way through src/: every import (static, type-only, re-export, dynamic, or a worker script's
// `new URL(…, import.meta.url)`) goes from a layer to itself or to a layer below it in LAYERS. A new folder
// under src/ fails this test until it is given its place in the order (docs/ARCHITECTURE.md draws it).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** Lowest first. `(root)` is the files directly in src/ (errors.ts, version.ts). */
const LAYERS = [
  "(root)",
  "engine",
  "scenario",
  "horde",
  "policies",
  "scenario-file",
  "api",
  "user-rules",
  "metrics",
  "experiment",
  "conformance",
  "results",
  "report",
  "analyze",
  "cli",
] as const;

interface Source {
  /** Relative to src/, with forward slashes. */
  path: string;
  text: string;
}

interface Edge {
  from: string;
  to: string;
  specifier: string;
}

/** The layer of a file (path relative to src/), or undefined for a folder the order does not name. */
function layerOf(path: string): number | undefined {
  const parts = path.split("/");
  const name = parts.length === 1 ? "(root)" : parts[0];
  const i = (LAYERS as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

/** Every relative module a file refers to: imports of every kind, re-exports, and worker-script URLs. */
function specifiers(text: string): string[] {
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/new\s+URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) found.push(m[1]);
  return found.filter((s) => s.startsWith("./") || s.startsWith("../"));
}

function edges(sources: readonly Source[]): Edge[] {
  const out: Edge[] = [];
  for (const src of sources) {
    for (const specifier of specifiers(src.text)) {
      const to = normalize(join(dirname(src.path), specifier))
        .split(sep)
        .join("/");
      out.push({ from: src.path, to, specifier });
    }
  }
  return out;
}

/** The imports that go up the order, leave src/, or touch a folder the order does not name. */
function violations(sources: readonly Source[]): string[] {
  const bad: string[] = [];
  for (const src of sources) {
    if (layerOf(src.path) === undefined) bad.push(`${src.path}: its folder has no place in LAYERS`);
  }
  for (const e of edges(sources)) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (e.to.startsWith("../")) bad.push(`${e.from} imports ${e.specifier}: outside src/`);
    else if (from !== undefined && to === undefined)
      bad.push(`${e.from} imports ${e.specifier}: a folder not in LAYERS`);
    else if (from !== undefined && to !== undefined && to > from)
      bad.push(`${e.from} (${LAYERS[from]}) imports ${e.specifier} (${LAYERS[to]}): upward`);
  }
  return bad;
}

function readTree(root: string): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts"))
        out.push({ path: relative(root, full).split(sep).join("/"), text: readFileSync(full, "utf8") });
    }
  };
  walk(root);
  return out;
}

describe("layers: imports only point down the declared order", () => {
  const sources = readTree(join(import.meta.dirname, "..", "..", "src"));

  it("every import in src/ goes to the same layer or a lower one", () => {
    expect(violations(sources)).toEqual([]);
  });

  it("reads the whole tree, and each layer of the order has files", () => {
    const used = new Set(sources.map((s) => layerOf(s.path)));
    expect(LAYERS.filter((_, i) => !used.has(i))).toEqual([]);
    // the checker sees the model's own imports, so an empty edge list cannot pass for a clean tree
    expect(edges(sources).some((e) => e.from === "horde/model.ts" && e.to === "horde/state.js")).toBe(true);
  });

  it("catches every kind of upward reference", () => {
    const text = [
      'import { a } from "../cli/main.js";',
      'import type { B } from "../results/run-folder.js";',
      'export { c } from "../report/html.js";',
      'const d = await import("../analyze/analyzer.js");',
      'const w = new URL("../results/run-worker.js", import.meta.url);',
      'import { e } from "../engine/simulator.js";',
      'import { f } from "./state.js";',
      'import yargs from "yargs";',
    ].join("\n");
    expect(violations([{ path: "horde/x.ts", text }])).toEqual([
      "horde/x.ts (horde) imports ../cli/main.js (cli): upward",
      "horde/x.ts (horde) imports ../results/run-folder.js (results): upward",
      "horde/x.ts (horde) imports ../report/html.js (report): upward",
      "horde/x.ts (horde) imports ../analyze/analyzer.js (analyze): upward",
      "horde/x.ts (horde) imports ../results/run-worker.js (results): upward",
    ]);
  });

  it("places the files directly in src/ lowest, and refuses a folder the order does not name", () => {
    expect(violations([{ path: "errors.ts", text: 'import { x } from "./engine/random.js";' }])).toEqual([
      "errors.ts ((root)) imports ./engine/random.js (engine): upward",
    ]);
    expect(violations([{ path: "util/x.ts", text: "" }])).toEqual(["util/x.ts: its folder has no place in LAYERS"]);
    expect(violations([{ path: "engine/x.ts", text: 'import "../util/y.js";' }])).toEqual([
      "engine/x.ts imports ../util/y.js: a folder not in LAYERS",
    ]);
  });
});
