// Thrift's compact protocol, read into a generic tree and written back byte for byte: enough to edit a few
// numbers in a Parquet footer (parquet-concat.ts) without a schema of every Parquet struct. Field order, the
// short and long field headers and list headers are written the way Apache Thrift writes them, so a footer
// read and written unchanged comes back identical (tested on DuckDB's footers).

export const T = {
  TRUE: 1,
  FALSE: 2,
  I8: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

/** A boolean inside a list is its raw byte (1 or 2 as Thrift writes it); a boolean field's value is a boolean. */
export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftList | ThriftMap | ThriftStruct;

export interface ThriftField {
  id: number;
  type: number;
  value: ThriftValue;
}

export interface ThriftStruct {
  kind: "struct";
  fields: ThriftField[];
}

export interface ThriftList {
  kind: "list";
  /** T.LIST or T.SET. */
  type: number;
  elementType: number;
  items: ThriftValue[];
}

export interface ThriftMap {
  kind: "map";
  keyType: number;
  valueType: number;
  entries: [ThriftValue, ThriftValue][];
}

export class ThriftReader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError("thrift: unexpected end of data");
    return this.bytes[this.pos++];
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new RangeError("thrift: varint too long");
    }
  }

  private zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  private value(type: number, inList: boolean): ThriftValue {
    switch (type) {
      case T.TRUE:
      case T.FALSE:
        return inList ? this.byte() : type === T.TRUE;
      case T.I8:
        return (this.byte() << 24) >> 24;
      case T.I16:
      case T.I32:
        return Number(this.zigzag());
      case T.I64:
        return this.zigzag();
      case T.DOUBLE: {
        if (this.pos + 8 > this.bytes.length) throw new RangeError("thrift: unexpected end of data");
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case T.BINARY: {
        const n = Number(this.varint());
        if (this.pos + n > this.bytes.length) throw new RangeError("thrift: unexpected end of data");
        const v = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case T.LIST:
      case T.SET: {
        const header = this.byte();
        const elementType = header & 0x0f;
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(elementType, true));
        return { kind: "list", type, elementType, items };
      }
      case T.MAP: {
        const size = Number(this.varint());
        const types = size === 0 ? 0 : this.byte();
        const entries: [ThriftValue, ThriftValue][] = [];
        for (let i = 0; i < size; i++) entries.push([this.value(types >> 4, true), this.value(types & 0x0f, true)]);
        return { kind: "map", keyType: types >> 4, valueType: types & 0x0f, entries };
      }
      case T.STRUCT:
        return this.struct();
      default:
        throw new RangeError(`thrift: unknown type ${type}`);
    }
  }

  struct(): ThriftStruct {
    const fields: ThriftField[] = [];
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return { kind: "struct", fields };
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      fields.push({ id, type, value: this.value(type, false) });
      last = id;
    }
  }
}

export class ThriftWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b & 0xff;
  }

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private zigzag(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }

  private value(type: number, v: ThriftValue, inList: boolean): void {
    switch (type) {
      case T.TRUE:
      case T.FALSE:
        if (inList) this.byte(v as number);
        return; // a boolean field's value is in its header
      case T.I8:
        this.byte(v as number);
        return;
      case T.I16:
      case T.I32:
        this.zigzag(BigInt(v as number));
        return;
      case T.I64:
        this.zigzag(v as bigint);
        return;
      case T.DOUBLE: {
        this.ensure(8);
        new DataView(this.buf.buffer, this.length, 8).setFloat64(0, v as number, true);
        this.length += 8;
        return;
      }
      case T.BINARY: {
        const b = v as Uint8Array;
        this.varint(BigInt(b.length));
        this.ensure(b.length);
        this.buf.set(b, this.length);
        this.length += b.length;
        return;
      }
      case T.LIST:
      case T.SET: {
        const l = v as ThriftList;
        if (l.items.length < 15) this.byte((l.items.length << 4) | l.elementType);
        else {
          this.byte(0xf0 | l.elementType);
          this.varint(BigInt(l.items.length));
        }
        for (const item of l.items) this.value(l.elementType, item, true);
        return;
      }
      case T.MAP: {
        const m = v as ThriftMap;
        this.varint(BigInt(m.entries.length));
        if (m.entries.length === 0) return;
        this.byte((m.keyType << 4) | m.valueType);
        for (const [k, val] of m.entries) {
          this.value(m.keyType, k, true);
          this.value(m.valueType, val, true);
        }
        return;
      }
      case T.STRUCT:
        this.struct(v as ThriftStruct);
        return;
      default:
        throw new RangeError(`thrift: unknown type ${type}`);
    }
  }

  struct(s: ThriftStruct): void {
    let last = 0;
    for (const f of s.fields) {
      const type = f.type === T.TRUE || f.type === T.FALSE ? (f.value === true ? T.TRUE : T.FALSE) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.zigzag(BigInt(f.id));
      }
      this.value(type, f.value, false);
      last = f.id;
    }
    this.byte(0);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function field(s: ThriftStruct, id: number): ThriftField | undefined {
  return s.fields.find((f) => f.id === id);
}
