// renderReport on a small synthetic result folder: the files it writes, SVG text, PNGs that decode and
// carry text, byte-identical output on a second render, and charts that survive thin or odd data.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharts, CHART_NAMES } from "../../src/report/charts/index.js";
import { PNG_SCALE, renderChart, svgToPng } from "../../src/report/render.js";
import { renderReport } from "../../src/report/render-report.js";
import { readResultFolder } from "../../src/results/read-results.js";
import { writeFixture } from "./fixture.js";
import { decodePng, differingPixels, PNG_SIGNATURE, pngSize } from "./png.js";

function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `hordesim-report-${tag}-`));
}

/** The chart's title as vega writes it in the SVG (text escaped for XML). */
function svgTitle(spec: unknown): string {
  const t = (spec as { title: { text: string } }).title.text;
  return t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("no width/height on the root svg");
  return { width: Number(m[1]), height: Number(m[2]) };
}

let dir: string;
let files: string[];
let renderMs: number;

beforeAll(async () => {
  dir = tempDir("main");
  writeFixture(dir);
  const t0 = performance.now();
  files = await renderReport(dir);
  renderMs = performance.now() - t0;
  process.stderr.write(`report: rendered the fixture's ${files.length} files in ${renderMs.toFixed(0)} ms\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("renderReport", () => {
  it("writes NAME.vl.json, NAME.svg and NAME.png for every chart, then report.html", () => {
    const expected = CHART_NAMES.flatMap((n) =>
      [`${n}.vl.json`, `${n}.svg`, `${n}.png`].map((f) => join(dir, "charts", f)),
    );
    expect(files).toEqual([...expected, join(dir, "report.html")]);
    for (const f of files) expect(existsSync(f), f).toBe(true);
    // no temporary file left behind
    expect(readFileSync(join(dir, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("writes specs with their data inline, valid JSON, that compile as they are", async () => {
    for (const name of CHART_NAMES) {
      const spec = JSON.parse(readFileSync(join(dir, "charts", `${name}.vl.json`), "utf8"));
      expect(spec.$schema).toMatch(/vega-lite\/v6/);
      // every data source in the spec, top-level or in a layer, is inline
      const sources: { values?: unknown; url?: unknown }[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v !== null && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            if (k === "data") sources.push(x as { values?: unknown });
            else walk(x);
          }
        }
      };
      walk(spec);
      expect(sources.length, name).toBeGreaterThan(0);
      for (const d of sources) {
        expect(Array.isArray(d.values), name).toBe(true);
        expect(d.url, name).toBeUndefined();
      }
      const again = await renderChart(spec);
      expect(again.warnings, name).toEqual([]);
      expect(again.svg).toBe(readFileSync(join(dir, "charts", `${name}.svg`), "utf8"));
    }
  });

  it("writes SVGs with text, the chart's title among it, in the shipped font", () => {
    for (const name of CHART_NAMES) {
      const svg = readFileSync(join(dir, "charts", `${name}.svg`), "utf8");
      const spec = JSON.parse(readFileSync(join(dir, "charts", `${name}.vl.json`), "utf8"));
      expect(svg.startsWith("<svg")).toBe(true);
      expect((svg.match(/<text\b/g) ?? []).length, name).toBeGreaterThan(5);
      expect(svg).toContain(`>${svgTitle(spec)}</text>`);
      expect(svg).toContain('font-family="DejaVu Sans');
    }
  });

  it("writes PNGs that decode, at twice the SVG's size, with text drawn", async () => {
    for (const name of CHART_NAMES) {
      const png = readFileSync(join(dir, "charts", `${name}.png`));
      const svg = readFileSync(join(dir, "charts", `${name}.svg`), "utf8");
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), name).toBe(true);
      const size = pngSize(png);
      const s = svgSize(svg);
      expect(size).toEqual({ width: Math.round(s.width * PNG_SCALE), height: Math.round(s.height * PNG_SCALE) });
      const image = decodePng(png);
      // the blank-text render: the same SVG with every <text> removed (what resvg draws without fonts)
      const noText = decodePng((await svgToPng(svg.replace(/<text\b[^>]*>[\s\S]*?<\/text>/g, ""))).png);
      const changed = differingPixels(image, noText);
      expect(changed, `${name}: pixels changed by text`).toBeGreaterThan(0.005 * image.width * image.height);
      // and without font files resvg silently draws no text: the check above would catch a missing font
      const noFont = decodePng((await svgToPng(svg, { fontFiles: [] })).png);
      expect(differingPixels(image, noFont), name).toBe(changed);
    }
  });

  it("gives byte-identical files when run again on the same folder", async () => {
    const before = files.map((f) => readFileSync(f));
    const again = await renderReport(dir);
    expect(again).toEqual(files);
    again.forEach((f, i) => {
      expect(readFileSync(f).equals(before[i]), f).toBe(true);
    });
  });

  it("renders the fixture in reasonable time", () => {
    expect(renderMs).toBeLessThan(60_000);
  });
});

describe("charts on thin or odd data render without throwing or warnings", () => {
  async function renderAll(d: string): Promise<Map<string, string>> {
    const data = await readResultFolder(d);
    const out = new Map<string, string>();
    for (const c of buildCharts(data)) {
      const r = await renderChart(c.spec);
      expect(r.warnings, c.name).toEqual([]);
      expect(r.svg, c.name).toContain(`>${svgTitle(c.spec)}</text>`);
      expect(pngSize(r.png).width).toBeGreaterThan(100);
      out.set(c.name, r.svg);
    }
    expect(data.notes.filter((n) => n.startsWith("chart "))).toEqual([]);
    return out;
  }

  it("one policy, one replication (no intervals, nothing to compare)", async () => {
    const d = tempDir("one");
    writeFixture(d, { policies: ["horde"], replications: 1 });
    const svgs = await renderAll(d);
    expect(svgs.get("forest")).toContain("only one policy was run");
    expect(svgs.get("latency-tail")).toContain("horde (fail");
    rmSync(d, { recursive: true, force: true });
  });

  it("no failures at all: the timeline and the abort chart say so", async () => {
    const d = tempDir("clean");
    writeFixture(d, { failures: false, replications: 2 });
    const svgs = await renderAll(d);
    expect(svgs.get("worker-aborts")).toContain("no stale aborts in the horde arm");
    expect(svgs.get("timeline")).toContain("no stale aborts or failed jobs");
    expect(svgs.get("latency-tail")).toContain("(fail 0%)");
    rmSync(d, { recursive: true, force: true });
  });

  it("a summary with nulls and missing figures", async () => {
    const d = tempDir("nulls");
    writeFixture(d, { replications: 2 });
    const summary = JSON.parse(readFileSync(join(d, "summary.json"), "utf8"));
    summary.policies[1].latency_s = { mean: null, p50: { mean: null, ci95: null }, p90: null, p99: { mean: 12 } };
    summary.policies[1].wasted_gpu_s = { mean: null, ci95: null };
    summary.policies[1].vs_baseline.latency_p99_s = { diff: null, ci95: null, significant: null, n: null };
    summary.policies[2].vs_baseline.success_rate = { diff: 0.01, ci95: null, significant: null, n: 2 };
    summary.policies[0].success_rate = { mean: null, ci95: null };
    writeFileSync(join(d, "summary.json"), JSON.stringify(summary));
    await renderAll(d);
    const files = await renderReport(d);
    expect(readFileSync(files[files.length - 1], "utf8")).toContain("n/a");
    rmSync(d, { recursive: true, force: true });
  });

  it("a folder with a bare summary.json and no CSV files", async () => {
    const d = tempDir("empty");
    writeFileSync(join(d, "summary.json"), '{"scenario": {}, "policies": [{"name": "horde"}]}');
    const svgs = await renderAll(d);
    expect(svgs.get("latency-tail")).toContain("no completed requests");
    const files = await renderReport(d);
    const html = readFileSync(files[files.length - 1], "utf8");
    expect(html).toContain("requests: missing (no requests.parquet or requests.csv)");
    rmSync(d, { recursive: true, force: true });
  });

  it("refuses an empty summary.json, naming what a run's summary lacks", async () => {
    const d = tempDir("shapeless");
    writeFileSync(join(d, "summary.json"), "{}");
    await expect(renderReport(d)).rejects.toThrow(
      /summary\.json:1:1: not the summary of a run: scenario is not an object/,
    );
    rmSync(d, { recursive: true, force: true });
  });

  it("refuses a folder without summary.json with a clear message", async () => {
    const d = tempDir("none");
    await expect(renderReport(d)).rejects.toThrow(/not a result folder/);
    rmSync(d, { recursive: true, force: true });
  });
});
