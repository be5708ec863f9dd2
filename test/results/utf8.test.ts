import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8, invalidUtf8At, lineColOfByte } from "../../src/utf8.js";

const bytes = (...b: number[]) => Uint8Array.from(b);

describe("invalidUtf8At", () => {
  it.each([
    [bytes(0x61, 0x62), -1],
    [bytes(0x61, 0xff), 1],
    [bytes(0xc3, 0xa9, 0x80), 2], // é, then a lone continuation byte
    [bytes(0x61, 0xe2, 0x82), 1], // € cut short
    [bytes(0xc0, 0xaf), 0], // overlong '/'
    [bytes(0xed, 0xa0, 0x80), 0], // a UTF-16 surrogate
    [bytes(0xf4, 0x90, 0x80, 0x80), 0], // beyond U+10FFFF
    [bytes(0xf0, 0x9f, 0x98, 0x80), -1], // 😀
  ])("%j → %d", (input, expected) => expect(invalidUtf8At(input)).toBe(expected));

  it("agrees with a strict decoder on any bytes", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        let valid = true;
        try {
          strict.decode(b);
        } catch {
          valid = false;
        }
        expect(invalidUtf8At(b) === -1).toBe(valid);
      }),
    );
  });
});

describe("lineColOfByte and decodeUtf8", () => {
  it("count lines and characters before the bad byte", () => {
    const b = Buffer.concat([Buffer.from("ab\nçé x"), bytes(0xff)]);
    expect(lineColOfByte(b, b.length - 1)).toEqual({ line: 2, col: 5 });
    expect(decodeUtf8(b)).toEqual({ line: 2, col: 5 });
    expect(decodeUtf8(Buffer.from("ok\n"))).toEqual({ text: "ok\n" });
  });
});
