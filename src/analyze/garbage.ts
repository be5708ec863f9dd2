// Bytes no log line holds: control characters other than tab, and U+FFFD, which invalid UTF-8 decodes to.

export function isGarbageCode(c: number): boolean {
  return (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127 || c === 0xfffd;
}

export function hasGarbage(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isGarbageCode(text.charCodeAt(i))) return true;
  return false;
}

/** The text with garbage shown as escapes (\x00, \ufffd). */
export function escapeGarbage(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) out += "\\ufffd";
    else if (isGarbageCode(c) || c === 10 || c === 13) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += text[i];
  }
  return out;
}
