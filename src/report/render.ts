// Renders a vega-lite spec headlessly: vega-lite compile → vega View (no canvas, renderer "none") → SVG →
// resvg → PNG, with the shipped DejaVu Sans files (resvg silently draws no text without font files).
// vega, vega-lite and resvg are imported lazily: together they cost about half a second of startup.
import type { LoggerInterface } from "vega";
import type { TopLevelSpec } from "vega-lite";
import { loadFontMetrics } from "./font-metrics.js";
import { fontFiles } from "./fonts.js";

export interface RenderedChart {
  svg: string;
  png: Buffer;
  /** PNG size in pixels (the SVG's size times the scale). */
  width: number;
  height: number;
  /** Warnings from vega-lite and vega (an empty list for a clean chart). */
  warnings: string[];
}

export interface PngOptions {
  /** Pixels per SVG unit; 2 gives sharp text on high-density screens and in documents. */
  scale?: number;
  /** Font files for resvg; defaults to the shipped DejaVu Sans. An empty list renders without any font. */
  fontFiles?: string[];
}

/** PNG pixels per SVG pixel. */
export const PNG_SCALE = 2;

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
type Resvg = typeof import("@resvg/resvg-js");

interface Modules {
  vega: Vega;
  vl: VegaLite;
  resvg: Resvg;
}

let modules: Promise<Modules> | null = null;

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/** Makes vega size text with the shipped font's advance widths instead of its 0.8 em-per-character guess. */
function installTextMetrics(vega: Vega): void {
  const files = fontFiles();
  const regular = loadFontMetrics(files.regular);
  const bold = loadFontMetrics(files.bold);
  const tm = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  tm.width = (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const s = text == null ? "" : `${text}`.trim();
    if (size <= 0 || s === "") return 0;
    const w = item.fontWeight;
    const isBold = w === "bold" || w === "bolder" || (Number(w) >= 600 && Number.isFinite(Number(w)));
    const width = (isBold ? bold : regular).width(s, size);
    // vega truncates to item.limit through this same function; what it draws never exceeds the limit
    return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

function load(): Promise<Modules> {
  if (!modules) {
    modules = (async () => {
      const [vega, vl, resvg] = await Promise.all([import("vega"), import("vega-lite"), import("@resvg/resvg-js")]);
      installTextMetrics(vega);
      return { vega, vl, resvg };
    })();
  }
  return modules;
}

/** A vega logger that keeps warnings and errors as text instead of printing them. */
function collector(vega: Vega, warnings: string[]): LoggerInterface {
  const push = (level: string, args: unknown[]) => {
    warnings.push(`${level}: ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ")}`);
  };
  let lvl: number = vega.Warn;
  const logger: LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...args: unknown[]) {
      push("error", args);
      return this;
    },
    warn(...args: unknown[]) {
      push("warn", args);
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
  return logger;
}

/**
 * Renumbers the ids in an SVG in order of appearance (clip1, clip2, …). vega numbers clip paths with a
 * process-wide counter, so the same chart would otherwise differ between renders in one process.
 */
export function normalizeSvgIds(svg: string): string {
  const map = new Map<string, string>();
  const perStem = new Map<string, number>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) {
    const id = m[1];
    if (map.has(id)) continue;
    const stem = id.replace(/\d+$/, "");
    const n = (perStem.get(stem) ?? 0) + 1;
    perStem.set(stem, n);
    map.set(id, `${stem}${n}`);
  }
  if (map.size === 0) return svg;
  return svg.replace(/(\bid="|url\(#|href="#)([^")]+)/g, (m, pre: string, id: string) => {
    const to = map.get(id);
    return to === undefined ? m : `${pre}${to}`;
  });
}

/** Compiles and renders a spec to SVG text. */
export async function specToSvg(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  const { vega, vl } = await load();
  const warnings: string[] = [];
  const logger = collector(vega, warnings);
  const compiled = vl.compile(spec, { logger });
  const view = new vega.View(vega.parse(compiled.spec), {
    renderer: "none",
    logger,
    logLevel: vega.Warn,
  });
  try {
    const svg = normalizeSvgIds(await view.toSVG());
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/** Rasterises SVG text with resvg. */
export async function svgToPng(
  svg: string,
  opts: PngOptions = {},
): Promise<{ png: Buffer; width: number; height: number }> {
  const { resvg } = await load();
  const files = opts.fontFiles ?? [fontFiles().regular, fontFiles().bold];
  const r = new resvg.Resvg(svg, {
    fitTo: { mode: "zoom", value: opts.scale ?? PNG_SCALE },
    background: "white",
    font: {
      loadSystemFonts: false,
      fontFiles: files,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
    logLevel: "off",
  });
  const img = r.render();
  return { png: img.asPng(), width: img.width, height: img.height };
}

/** Renders one spec to SVG and PNG. */
export async function renderChart(spec: TopLevelSpec, opts: PngOptions = {}): Promise<RenderedChart> {
  const { svg, warnings } = await specToSvg(spec);
  const { png, width, height } = await svgToPng(svg, opts);
  return { svg, png, width, height, warnings };
}
