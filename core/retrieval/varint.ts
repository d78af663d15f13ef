/**
 * Unsigned LEB128 varints: 7 bits a byte, high bit set while more follow. Small numbers (the
 * gaps between sorted document ids, term frequencies) take one byte, so postings stay compact.
 */
export class VarintWriter {
  #bytes = new Uint8Array(1024);
  #length = 0;

  write(value: number): void {
    if (this.#length + 5 > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    let rest = value >>> 0;
    while (rest >= 0x80) {
      this.#bytes[this.#length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.#bytes[this.#length++] = rest;
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** Reads what {@link VarintWriter} wrote; `read()` returns -1 past the end. */
export class VarintReader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get done(): boolean {
    return this.#offset >= this.#bytes.length;
  }

  read(): number {
    let value = 0;
    let shift = 0;
    while (this.#offset < this.#bytes.length) {
      const byte = this.#bytes[this.#offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
      if (shift > 28) break;
    }
    return -1;
  }
}
