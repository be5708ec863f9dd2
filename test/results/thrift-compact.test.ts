import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  T,
  type ThriftField,
  type ThriftList,
  ThriftReader,
  type ThriftStruct,
  type ThriftValue,
  ThriftWriter,
} from "../../src/results/thrift-compact.js";

const encode = (s: ThriftStruct) => {
  const w = new ThriftWriter();
  w.struct(s);
  return [...w.bytes()];
};

const struct = (...fields: ThriftField[]): ThriftStruct => ({ kind: "struct", fields });

type Node = { type: number; value: ThriftValue };

/** Fields with ids that grow by each child's gap (1–40: short and long field headers). */
function withIds(children: { gap: number; child: Node }[]): ThriftField[] {
  const fields: ThriftField[] = [];
  let id = 0;
  for (const { gap, child } of children) {
    id += gap;
    fields.push({ id, ...child });
  }
  return fields;
}

describe("Thrift compact protocol", () => {
  it("writes the bytes the protocol specifies (short and long field headers, zigzag varints, lists)", () => {
    // field 1 i32 5: header (1 << 4) | 5, zigzag(5) = 10, stop
    expect(encode(struct({ id: 1, type: T.I32, value: 5 }))).toEqual([0x15, 0x0a, 0x00]);
    // field 1 i64 -1: zigzag(-1) = 1; field 20 (delta 19 > 15) binary "ab": long header type, zigzag(20) = 40
    expect(
      encode(struct({ id: 1, type: T.I64, value: -1n }, { id: 20, type: T.BINARY, value: new Uint8Array([97, 98]) })),
    ).toEqual([0x16, 0x01, 0x08, 0x28, 0x02, 97, 98, 0x00]);
    // a boolean field carries its value in the header; i64 300 = zigzag 600 = varint 0xd8 0x04
    expect(encode(struct({ id: 2, type: T.TRUE, value: false }, { id: 3, type: T.I64, value: 300n }))).toEqual([
      0x22, 0x16, 0xd8, 0x04, 0x00,
    ]);
    // a list of 16 i32 zeros: the long list header 0xf5 then the size
    const list: ThriftList = { kind: "list", type: T.LIST, elementType: T.I32, items: Array(16).fill(0) };
    expect(encode(struct({ id: 1, type: T.LIST, value: list }))).toEqual([0x19, 0xf5, 16, ...Array(16).fill(0), 0]);
  });

  const leaf: fc.Arbitrary<Node> = fc.oneof(
    fc.boolean().map((b) => ({ type: b ? T.TRUE : T.FALSE, value: b })),
    fc.integer({ min: -128, max: 127 }).map((v) => ({ type: T.I8, value: v })),
    fc.integer({ min: -32768, max: 32767 }).map((v) => ({ type: T.I16, value: v })),
    fc.integer().map((v) => ({ type: T.I32, value: v })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ type: T.I64, value: v })),
    fc.double({ noNaN: true }).map((v) => ({ type: T.DOUBLE, value: v })),
    fc.uint8Array({ maxLength: 20 }).map((v) => ({ type: T.BINARY, value: v })),
  );
  const { node } = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc
        .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 20 })
        .map((items): Node => ({ type: T.LIST, value: { kind: "list", type: T.LIST, elementType: T.I32, items } })),
      fc
        .array(fc.record({ gap: fc.integer({ min: 1, max: 40 }), child: tie("node") }), { maxLength: 6 })
        .map((children): Node => ({ type: T.STRUCT, value: struct(...withIds(children)) })),
    ),
  }));

  it("reads back what it wrote, and writes what it read byte for byte", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 1, max: 40 }), child: node }), { maxLength: 8 }),
        (cs) => {
          const s = struct(...withIds(cs));
          const bytes = new ThriftWriter();
          bytes.struct(s);
          const written = bytes.bytes();
          const reader = new ThriftReader(written);
          const back = reader.struct();
          expect(reader.pos).toBe(written.length);
          expect(back).toEqual(s);
          const again = new ThriftWriter();
          again.struct(back);
          expect([...again.bytes()]).toEqual([...written]);
        },
      ),
    );
  });

  it("refuses truncated data instead of reading past it", () => {
    const w = new ThriftWriter();
    w.struct(struct({ id: 1, type: T.BINARY, value: new Uint8Array(10) }));
    const bytes = w.bytes();
    expect(() => new ThriftReader(bytes.subarray(0, 5)).struct()).toThrow(/unexpected end/);
  });
});
