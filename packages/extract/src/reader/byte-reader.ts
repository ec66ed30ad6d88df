/**
 * Bounds-checked little/big-endian reads over a file prefix. Running past the end throws
 * `NeedMoreBytes`, so the caller can read a longer prefix and parse again.
 */
export class NeedMoreBytes extends Error {
  constructor(readonly wanted: number) {
    super(`header continues past byte ${wanted}`);
  }
}

export class ByteReader {
  readonly view: DataView;
  littleEndian = true;

  constructor(
    readonly bytes: Uint8Array,
    /** True when `bytes` is the whole file: running out is then truncation, not a short prefix. */
    readonly complete: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  ensure(offset: number, length: number): void {
    if (offset + length > this.bytes.length) {
      if (this.complete) throw new Error(`file truncated: element at byte ${offset} needs ${length} bytes, file has ${this.bytes.length}`);
      throw new NeedMoreBytes(offset + length);
    }
  }

  uint16(offset: number): number {
    this.ensure(offset, 2);
    return this.view.getUint16(offset, this.littleEndian);
  }

  uint32(offset: number): number {
    this.ensure(offset, 4);
    return this.view.getUint32(offset, this.littleEndian);
  }

  slice(offset: number, length: number): Uint8Array {
    this.ensure(offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}
