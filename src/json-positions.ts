// JSON.parse with positions: the value, and where each value of it starts (by its path, e.g. `[3].count`),
// so that a message can name a field's line and column; a syntax error carries its offset. JSON.parse itself
// gives an offset for some errors and none for others, and never one for a value that parsed.

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

export interface ParsedJson {
  value: unknown;
  /** Where the value at `path` starts ("" is the whole document); undefined for a path not in it. */
  offsetOf(path: string): number | undefined;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * A path below `path`, written as JavaScript would reach it: `.key` for a member whose key is a plain name,
 * `["key"]` (the key as a JSON string) for any other key, `[i]` for an array's element. No two values of a
 * document share a path: a plain name holds no `.`, `[` or `"`, and a quoted key ends at its closing quote.
 */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in a string
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonWithPositions(text: string): ParsedJson {
  const offsets = new Map<string, number>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (what: string): never => {
    if (i >= text.length) throw new JsonSyntaxError("unexpected end of the file (truncated?)", text.length);
    throw new JsonSyntaxError(`${what}, found ${JSON.stringify(text[i])}`, i);
  };
  const skipSpace = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const matchAt = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(text);
    return m === null ? null : m[0];
  };
  const string = (): string => {
    const s = matchAt(STRING);
    if (s === null) {
      // an unterminated string runs to the end of the file
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that would end or break a string
      if (!/[\u0000-\u001f"]/.test(text.slice(i + 1)))
        throw new JsonSyntaxError("unexpected end of the file (truncated?)", text.length);
      return fail("invalid string");
    }
    i += s.length;
    return JSON.parse(s) as string;
  };

  const value = (path: string): unknown => {
    skipSpace();
    offsets.set(path, i);
    const c = text[i];
    if (c === "{") return object(path);
    if (c === "[") return array(path);
    if (c === '"') return string();
    if (c === "-" || (c >= "0" && c <= "9")) {
      const n = matchAt(NUMBER);
      if (n === null) return fail("invalid number");
      i += n.length;
      return Number(n);
    }
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
      if (word.startsWith(text.slice(i)) && i < text.length)
        throw new JsonSyntaxError("unexpected end of the file (truncated?)", text.length);
    }
    return fail("expected a value");
  };

  const object = (path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    skipSpace();
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail("expected a quoted key");
      const key = string();
      skipSpace();
      if (text[i] !== ":") fail("expected ':' after a key");
      i++;
      // an own property even for "__proto__" (plain assignment would set the prototype), as JSON.parse does
      Object.defineProperty(out, key, {
        value: value(childPath(path, key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      skipSpace();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return out;
      }
      fail("expected ',' or '}'");
    }
  };

  const array = (path: string): unknown[] => {
    const out: unknown[] = [];
    i++;
    skipSpace();
    if (text[i] === "]") {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(childPath(path, out.length)));
      skipSpace();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return out;
      }
      fail("expected ',' or ']'");
    }
  };

  const result = value("");
  skipSpace();
  if (i < text.length) fail("unexpected text after the JSON value");
  return { value: result, offsetOf: (path) => offsets.get(path) };
}
