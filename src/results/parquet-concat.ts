// Parquet files of one schema joined into one file without decoding a page: the data of each part (its row
// groups, and any page indexes after them) copied as they are, one after the other, and a footer that lists
// every part's row groups with their byte offsets moved by where the part landed. This lets each unit of a run
// be encoded on DuckDB's threads while the next unit runs, and still gives one file per table.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { field, T, type ThriftList, ThriftReader, type ThriftStruct, ThriftWriter } from "./thrift-compact.js";

const MAGIC = "PAR1";

// Field ids of parquet.thrift (FileMetaData, RowGroup, ColumnChunk, ColumnMetaData) that hold offsets or counts.
const FILE = { schema: 2, numRows: 3, rowGroups: 4 } as const;
const ROW_GROUP = { columns: 1, fileOffset: 5, ordinal: 7 } as const;
const CHUNK = { filePath: 1, fileOffset: 2, metaData: 3, offsetIndexOffset: 4, columnIndexOffset: 6 } as const;
/** data_page_offset, index_page_offset, dictionary_page_offset, bloom_filter_offset. */
const META_OFFSETS = [9, 10, 11, 14] as const;

interface Part {
  path: string;
  bytes: Uint8Array;
  /** Where the footer starts; the data is bytes [4, footerStart). */
  footerStart: number;
  meta: ThriftStruct;
}

function readPart(path: string): Part {
  const bytes = readFileSync(path);
  const magic = (at: number) => bytes.subarray(at, at + 4).toString("latin1") === MAGIC;
  if (bytes.length < 12 || !magic(0) || !magic(bytes.length - 4)) throw new Error(`${path}: not a Parquet file`);
  const footerLength = bytes.readUInt32LE(bytes.length - 8);
  const footerStart = bytes.length - 8 - footerLength;
  if (footerStart < 4) throw new Error(`${path}: Parquet footer length out of range`);
  const meta = new ThriftReader(bytes.subarray(0, bytes.length - 8), footerStart).struct();
  return { path, bytes, footerStart, meta };
}

function shiftI64(s: ThriftStruct, id: number, shift: bigint): void {
  const f = field(s, id);
  if (f !== undefined) f.value = (f.value as bigint) + shift;
}

function list(s: ThriftStruct, id: number): ThriftList {
  const f = field(s, id);
  return f === undefined ? { kind: "list", type: T.LIST, elementType: T.STRUCT, items: [] } : (f.value as ThriftList);
}

/** Moves every byte offset in a row group by `shift` and sets its ordinal. */
function moveRowGroup(rowGroup: ThriftStruct, shift: bigint, ordinal: number, path: string): void {
  shiftI64(rowGroup, ROW_GROUP.fileOffset, shift);
  const ord = field(rowGroup, ROW_GROUP.ordinal);
  if (ord !== undefined) ord.value = ordinal;
  for (const item of list(rowGroup, ROW_GROUP.columns).items) {
    const chunk = item as ThriftStruct;
    if (field(chunk, CHUNK.filePath) !== undefined) throw new Error(`${path}: a column chunk in another file`);
    shiftI64(chunk, CHUNK.fileOffset, shift);
    shiftI64(chunk, CHUNK.offsetIndexOffset, shift);
    shiftI64(chunk, CHUNK.columnIndexOffset, shift);
    const meta = field(chunk, CHUNK.metaData);
    if (meta !== undefined) for (const id of META_OFFSETS) shiftI64(meta.value as ThriftStruct, id, shift);
  }
}

function schemaBytes(meta: ThriftStruct): string {
  const w = new ThriftWriter();
  w.struct({ kind: "struct", fields: [field(meta, FILE.schema)].filter((f) => f !== undefined) });
  return Buffer.from(w.bytes()).toString("hex");
}

/** writeSync may write less than asked (a full disk reports ENOSPC; a short write is retried). */
function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
}

/** Writes the parts' rows, in order, as one Parquet file at `out`; the footer's other fields are the first part's. */
export function concatParquet(parts: readonly string[], out: string): void {
  if (parts.length === 0) throw new Error("concatParquet: no parts");
  const first = readPart(parts[0]);
  const schema = schemaBytes(first.meta);
  const rowGroups: ThriftStruct[] = [];
  let rows = 0n;
  const fd = openSync(out, "w");
  try {
    writeAll(fd, Buffer.from(MAGIC, "latin1"));
    let at = 4;
    for (const path of parts) {
      const part = path === parts[0] ? first : readPart(path);
      if (schemaBytes(part.meta) !== schema) throw new Error(`${path}: its schema differs from ${parts[0]}'s`);
      const shift = BigInt(at - 4);
      for (const item of list(part.meta, FILE.rowGroups).items) {
        const rowGroup = item as ThriftStruct;
        moveRowGroup(rowGroup, shift, rowGroups.length, path);
        rowGroups.push(rowGroup);
      }
      rows += (field(part.meta, FILE.numRows)?.value as bigint | undefined) ?? 0n;
      const data = part.bytes.subarray(4, part.footerStart);
      writeAll(fd, data);
      at += data.length;
    }
    const meta: ThriftStruct = {
      kind: "struct",
      fields: first.meta.fields.map((f) => {
        if (f.id === FILE.numRows) return { ...f, value: rows };
        if (f.id === FILE.rowGroups)
          return { ...f, value: { kind: "list", type: T.LIST, elementType: T.STRUCT, items: rowGroups } };
        return f;
      }),
    };
    const w = new ThriftWriter();
    w.struct(meta);
    const footer = w.bytes();
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(footer.length, 0);
    tail.write(MAGIC, 4, "latin1");
    writeAll(fd, footer);
    writeAll(fd, tail);
  } finally {
    closeSync(fd);
  }
}

/** CSV parts with one header line each joined into one file with the first part's header. */
export function concatCsv(parts: readonly string[], out: string): void {
  const fd = openSync(out, "w");
  try {
    parts.forEach((path, i) => {
      const bytes = readFileSync(path);
      const body = i === 0 ? 0 : bytes.indexOf(10) + 1;
      if (i > 0 && body === 0) return; // a header without a newline: no rows
      writeAll(fd, bytes.subarray(body));
    });
  } finally {
    closeSync(fd);
  }
}
