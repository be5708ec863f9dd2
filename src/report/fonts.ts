// The font the charts use. The project ships DejaVu Sans (regular and bold) under assets/fonts/ with its
// licence: resvg draws no text at all without font files, and vega lays out text with the same family's
// advance widths (font-metrics.ts), so labels are sized for the glyphs that are actually drawn.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The family named in every chart's config (the CSS fallbacks have similar widths). */
export const FONT_FAMILY = "DejaVu Sans";
export const FONT_STACK = "DejaVu Sans, Verdana, sans-serif";

export interface FontFiles {
  regular: string;
  bold: string;
}

let cached: FontFiles | null = null;

/**
 * Finds assets/fonts/ by walking up from this module: it sits at src/report/ when run from source (tsx, vitest)
 * and at dist/src/report/ when compiled.
 */
export function fontFiles(): FontFiles {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const regular = join(dir, "assets", "fonts", "DejaVuSans.ttf");
    const bold = join(dir, "assets", "fonts", "DejaVuSans-Bold.ttf");
    if (existsSync(regular) && existsSync(bold)) {
      cached = { regular, bold };
      return cached;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(
    "hordesim: the chart fonts are missing (assets/fonts/DejaVuSans.ttf and DejaVuSans-Bold.ttf in the package)",
  );
}
