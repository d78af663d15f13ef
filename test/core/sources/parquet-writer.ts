/**
 * A minimal Parquet writer for test fixtures (hyparquet only reads): one row group, one
 * uncompressed PLAIN data page per column, REQUIRED columns of UTF-8 strings or INT64. Enough to
 * give the Parquet source real files with text in them.
 */
export type ParquetColumn = { name: string; type: 'string'; values: string[] } | { name: string; type: 'int64'; values: bigint[] };

const TYPE = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

/** Thrift compact protocol, only what the footer and page headers need. */
class CompactWriter {
  readonly bytes: number[] = [];
  #lastField: number[] = [0];

  #varint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.bytes.push(Number((rest & 0x7fn) | 0x80n));
      rest >>= 7n;
    }
    this.bytes.push(Number(rest));
  }
  #zigzag(value: bigint): void {
    this.#varint(value >= 0n ? value << 1n : (-value << 1n) - 1n);
  }
  #field(id: number, type: number): void {
    const last = this.#lastField[this.#lastField.length - 1] ?? 0;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.#zigzag(BigInt(id));
    }
    this.#lastField[this.#lastField.length - 1] = id;
  }
  i32(id: number, value: number): this {
    this.#field(id, TYPE.I32);
    this.#zigzag(BigInt(value));
    return this;
  }
  i64(id: number, value: number | bigint): this {
    this.#field(id, TYPE.I64);
    this.#zigzag(BigInt(value));
    return this;
  }
  string(id: number, value: string): this {
    this.#field(id, TYPE.BINARY);
    const encoded = new TextEncoder().encode(value);
    this.#varint(BigInt(encoded.length));
    this.bytes.push(...encoded);
    return this;
  }
  struct(id: number, body: (writer: this) => void): this {
    this.#field(id, TYPE.STRUCT);
    this.#structBody(body);
    return this;
  }
  #structBody(body: (writer: this) => void): void {
    this.#lastField.push(0);
    body(this);
    this.bytes.push(0);
    this.#lastField.pop();
  }
  #listHeader(id: number, size: number, elementType: number): void {
    this.#field(id, TYPE.LIST);
    if (size < 15) this.bytes.push((size << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.#varint(BigInt(size));
    }
  }
  structList<T>(id: number, items: T[], body: (writer: this, item: T) => void): this {
    this.#listHeader(id, items.length, TYPE.STRUCT);
    for (const item of items) this.#structBody((writer) => body(writer, item));
    return this;
  }
  i32List(id: number, items: number[]): this {
    this.#listHeader(id, items.length, TYPE.I32);
    for (const item of items) this.#zigzag(BigInt(item));
    return this;
  }
  stringList(id: number, items: string[]): this {
    this.#listHeader(id, items.length, TYPE.BINARY);
    for (const item of items) {
      const encoded = new TextEncoder().encode(item);
      this.#varint(BigInt(encoded.length));
      this.bytes.push(...encoded);
    }
    return this;
  }
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

function plainValues(column: ParquetColumn): Uint8Array {
  if (column.type === 'int64') {
    const out = new DataView(new ArrayBuffer(8 * column.values.length));
    column.values.forEach((value, index) => out.setBigInt64(index * 8, value, true));
    return new Uint8Array(out.buffer);
  }
  const parts = column.values.map((value) => new TextEncoder().encode(value));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + 4 + part.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length, true);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

export function writeParquet(columns: ParquetColumn[]): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  if (columns.some((column) => column.values.length !== rows)) throw new Error('columns differ in length');
  const chunks: number[] = [...new TextEncoder().encode('PAR1')];
  const chunkMeta: Array<{ column: ParquetColumn; offset: number; size: number }> = [];
  for (const column of columns) {
    const data = plainValues(column);
    const header = new CompactWriter()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (page) => page.i32(1, rows).i32(2, 0).i32(3, 3).i32(4, 3))
      .end();
    chunkMeta.push({ column, offset: chunks.length, size: header.length + data.length });
    chunks.push(...header, ...data);
  }
  const footer = new CompactWriter()
    .i32(1, 1)
    .structList(2, [undefined, ...columns], (writer, column) => {
      if (column === undefined) writer.string(4, 'schema').i32(5, columns.length);
      else if (column.type === 'string') writer.i32(1, 6).i32(3, 0).string(4, column.name).i32(6, 0);
      else writer.i32(1, 2).i32(3, 0).string(4, column.name);
    })
    .i64(3, rows)
    .structList(4, [chunkMeta], (group, metas) => {
      group
        .structList(1, metas, (chunk, meta) => {
          chunk.i64(2, meta.offset).struct(3, (metadata) =>
            metadata
              .i32(1, meta.column.type === 'string' ? 6 : 2)
              .i32List(2, [0])
              .stringList(3, [meta.column.name])
              .i32(4, 0)
              .i64(5, rows)
              .i64(6, meta.size)
              .i64(7, meta.size)
              .i64(9, meta.offset),
          );
        })
        .i64(2, metas.reduce((sum, meta) => sum + meta.size, 0))
        .i64(3, rows);
    })
    .end();
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, footer.length, true);
  return Uint8Array.from([...chunks, ...footer, ...length, ...new TextEncoder().encode('PAR1')]);
}
