/**
 * Bounds-checked little/big-endian reads over a file prefix. Running past the end throws
 * `NeedMoreBytes`, so the caller can read a longer prefix and parse again; running past the end of
 * the whole file throws `DamagedData`.
 */
export class NeedMoreBytes extends Error {
  constructor(readonly wanted: number) {
    super(`header continues past byte ${wanted}`);
  }
}

/** The bytes stop being a well-formed dataset at `offset` (truncated, broken sequence, …). */
export class DamagedData extends Error {
  constructor(
    readonly what: string,
    readonly offset: number,
  ) {
    super(`${what} at byte ${offset}`);
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
      if (this.complete) throw new DamagedData(`file truncated (${length} bytes needed, ${Math.max(0, this.bytes.length - offset)} left)`, offset);
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
