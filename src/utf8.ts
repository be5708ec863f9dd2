// Bytes that should be UTF-8 text: where they stop being UTF-8, as a line and column, so that a message can
// point at the place instead of echoing the bytes.

const strict = new TextDecoder("utf-8", { fatal: true });

/** The offset of the first byte that does not start a well-formed UTF-8 sequence, or -1 when all are. */
export function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= bytes.length) return i;
    for (let k = 1; k <= n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1];
    // overlong forms, UTF-16 surrogates and code points beyond U+10FFFF
    if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f)) return i;
    if ((c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset, counting the valid text before it. */
export function lineColOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      start = i + 1;
    }
  }
  const before = Buffer.from(bytes.buffer, bytes.byteOffset + start, offset - start).toString("utf8");
  return { line, col: [...before].length + 1 };
}

/** The bytes as text, or where they stop being UTF-8 (`line:col`). */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { line: number; col: number } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    return lineColOfByte(bytes, Math.max(0, invalidUtf8At(bytes)));
  }
}
