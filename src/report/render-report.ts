// `hordesim report DIR` and the end of `hordesim run`: reads a result folder and writes charts/NAME.vl.json,
// charts/NAME.svg, charts/NAME.png for every chart and report.html. Every file is written under a temporary
// name and renamed, so a crash never leaves a half-written file under a final name; the output depends only
// on the folder's files, so the same results give byte-identical charts and report.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readResultFolder } from "../results/read-results.js";
import { type BuiltChart, buildCharts, CHART_NAMES } from "./charts/index.js";
import { buildReportHtml, type HtmlChart } from "./html.js";
import { renderChart } from "./render.js";

export { CHART_NAMES };

/** Writes a file under a temporary name and renames it, so a crash never leaves a half-written final file. */
export async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * JSON for a spec: indented, except that each row of inline data sits on one line, so that the file stays
 * small and still reads well in the Vega editor.
 */
export function specJson(spec: unknown): string {
  const blocks: string[] = [];
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object") return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "values" && Array.isArray(x)) {
        blocks.push(x.length === 0 ? "[]" : `[\n${x.map((row) => `    ${JSON.stringify(row)}`).join(",\n")}\n  ]`);
        out[k] = `\u0000values${blocks.length - 1}\u0000`;
      } else {
        out[k] = walk(x);
      }
    }
    return out;
  };
  const text = JSON.stringify(walk(spec), null, 2);
  return `${text.replace(/"\\u0000values(\d+)\\u0000"/g, (_, i: string) => blocks[Number(i)])}\n`;
}

/** Writes NAME.vl.json, NAME.svg and NAME.png of one rendered chart into `chartsDir`; returns their paths. */
export async function writeChartFiles(
  chartsDir: string,
  name: string,
  spec: unknown,
  rendered: { svg: string; png: Buffer },
): Promise<string[]> {
  const files: [string, string | Buffer][] = [
    [`${name}.vl.json`, specJson(spec)],
    [`${name}.svg`, rendered.svg],
    [`${name}.png`, rendered.png],
  ];
  const paths: string[] = [];
  for (const [file, content] of files) {
    const path = join(chartsDir, file);
    await writeAtomic(path, content);
    paths.push(path);
  }
  return paths;
}

/** Renders every chart and report.html for a result folder; returns the paths of the files written. */
export async function renderReport(dir: string): Promise<string[]> {
  const data = await readResultFolder(dir);
  const charts: BuiltChart[] = buildCharts(data);
  const chartsDir = join(dir, "charts");
  await mkdir(chartsDir, { recursive: true });
  const written: string[] = [];
  const forHtml: HtmlChart[] = [];
  for (const c of charts) {
    const r = await renderChart(c.spec);
    for (const w of r.warnings) data.notes.push(`chart ${c.name}: ${w}`);
    written.push(...(await writeChartFiles(chartsDir, c.name, c.spec, r)));
    forHtml.push({ name: c.name, heading: c.heading, caption: c.caption, svg: r.svg, spec: c.spec });
  }
  const htmlPath = join(dir, "report.html");
  await writeAtomic(htmlPath, buildReportHtml(data, forHtml));
  written.push(htmlPath);
  return written;
}
