// A JSON file that hordesim wrote and reads back (summary.json, sweep.json): read with positions, so that a
// damaged one is named with the line and column of the damage, never by echoing its bytes.
import { readFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { JsonSyntaxError, lineCol, type ParsedJson, parseJsonWithPositions } from "../json-positions.js";
import { decodeUtf8 } from "../utf8.js";

export interface JsonFile extends ParsedJson {
  path: string;
  /** `path:line:col` of the value at `field` (a path such as `policies[2].name`; the document's start if missing). */
  at(field: string): string;
}

/** Reads and parses `path`; a file that is not UTF-8 JSON is a UserError naming its line and column. */
export function readJsonFile(path: string): JsonFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const decoded = decodeUtf8(bytes);
  if (!("text" in decoded))
    throw new UserError(`${path}:${decoded.line}:${decoded.col}: not UTF-8 text: the file is damaged`);
  const text = decoded.text;
  let parsed: ParsedJson;
  try {
    parsed = parseJsonWithPositions(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, col } = lineCol(text, err.offset);
    throw new UserError(`${path}:${line}:${col}: not valid JSON (${err.message}): the file is damaged`);
  }
  return {
    ...parsed,
    path,
    at: (field) => {
      // a field that is missing is placed at the document's start
      const offset = parsed.offsetOf(field) ?? parsed.offsetOf("");
      if (offset === undefined) return path;
      const { line, col } = lineCol(text, offset);
      return `${path}:${line}:${col}`;
    },
  };
}
