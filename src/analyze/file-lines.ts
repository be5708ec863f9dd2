// Splits a byte stream into lines, a chunk's worth at a time, in constant memory: a line longer than
// MAX_LINE characters is cut off and reported instead of being accumulated.
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

export const MAX_LINE = 1 << 20;

export interface RawLine {
  text: string;
  /** 1-based line number in the (decompressed) file. */
  lineNo: number;
  /** False for a last line with no newline after it. */
  terminated: boolean;
  /** The line was longer than MAX_LINE; text holds its start only. */
  overlong: boolean;
}

/** Yields the lines of each chunk together; `onError` hears why the stream stopped early, if it did. */
export async function* lineBatches(stream: Readable, onError: (e: Error) => void): AsyncGenerator<RawLine[]> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let skipping = false;
  let lineNo = 0;
  try {
    for await (const chunk of stream) {
      const text = pending + decoder.write(chunk as Buffer);
      const batch: RawLine[] = [];
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lineNo++;
        if (skipping) skipping = false;
        else batch.push({ text: text.slice(start, end), lineNo, terminated: true, overlong: false });
        start = nl + 1;
      }
      pending = text.slice(start);
      if (pending.length > MAX_LINE) {
        if (!skipping)
          batch.push({ text: pending.slice(0, 200), lineNo: lineNo + 1, terminated: true, overlong: true });
        skipping = true;
        pending = "";
      }
      if (batch.length > 0) yield batch;
    }
  } catch (e) {
    onError(e instanceof Error ? e : new Error(String(e)));
  }
  pending += decoder.end();
  if (pending.length > 0 && !skipping)
    yield [{ text: pending, lineNo: lineNo + 1, terminated: false, overlong: false }];
}
