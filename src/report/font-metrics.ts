// Advance widths read from a TrueType file (cmap format 4 + hmtx), so that vega — which has no canvas here and
// would otherwise guess 0.8 em per character — sizes labels, legends and truncation for the font resvg draws.
// Kerning is ignored (a fraction of a pixel per pair).
import { readFileSync } from "node:fs";

export interface FontMetrics {
  /** Width in px of text at a font size in px. */
  width(text: string, fontSize: number): number;
}

function table(buf: Buffer, tag: string): number {
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    if (buf.toString("latin1", rec, rec + 4) === tag) return buf.readUInt32BE(rec + 8);
  }
  throw new Error(`font: no '${tag}' table`);
}

/** Parses the advance widths of a TTF file's BMP characters (cmap platform 3 encoding 1, format 4). */
export function loadFontMetrics(path: string): FontMetrics {
  const buf = readFileSync(path);
  const head = table(buf, "head");
  const unitsPerEm = buf.readUInt16BE(head + 18);
  const hhea = table(buf, "hhea");
  const numHMetrics = buf.readUInt16BE(hhea + 34);
  const hmtx = table(buf, "hmtx");
  const advanceOfGlyph = (g: number) => buf.readUInt16BE(hmtx + 4 * Math.min(g, numHMetrics - 1));

  const cmap = table(buf, "cmap");
  const numSub = buf.readUInt16BE(cmap + 2);
  let sub = -1;
  for (let i = 0; i < numSub; i++) {
    const platform = buf.readUInt16BE(cmap + 4 + 8 * i);
    const encoding = buf.readUInt16BE(cmap + 6 + 8 * i);
    const offset = buf.readUInt32BE(cmap + 8 + 8 * i);
    if (platform === 3 && encoding === 1 && buf.readUInt16BE(cmap + offset) === 4) sub = cmap + offset;
  }
  if (sub < 0) throw new Error("font: no Unicode BMP cmap (format 4)");
  const segX2 = buf.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;

  // advance (font units) per UTF-16 code unit, filled for the whole BMP once (64 k entries)
  const advance = new Uint16Array(65536);
  const missing = advanceOfGlyph(0);
  advance.fill(missing);
  for (let s = 0; s < segX2 / 2; s++) {
    const end = buf.readUInt16BE(ends + 2 * s);
    const start = buf.readUInt16BE(starts + 2 * s);
    const delta = buf.readInt16BE(deltas + 2 * s);
    const ro = buf.readUInt16BE(rangeOffsets + 2 * s);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (ro === 0) {
        glyph = (c + delta) & 0xffff;
      } else {
        const at = rangeOffsets + 2 * s + ro + 2 * (c - start);
        glyph = buf.readUInt16BE(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      advance[c] = advanceOfGlyph(glyph);
    }
  }
  return {
    width(text: string, fontSize: number): number {
      let units = 0;
      for (let i = 0; i < text.length; i++) units += advance[text.charCodeAt(i)];
      return (units / unitsPerEm) * fontSize;
    },
  };
}
