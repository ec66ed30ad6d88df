/**
 * Tags → small numbers, as an open-addressing table in typed arrays: a lookup is a multiply and a
 * few array reads that optimized code inlines. The parser asks of every element of a header whether
 * it is kept (and in implicit-VR files its VR); a Map's or Set's lookup, a call that hashes its key,
 * costs several times more.
 */
export class TagTable {
  private readonly tags: Uint32Array;
  /** value + 1 per slot; 0 marks an empty slot. */
  private readonly values: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(entries: Iterable<readonly [tag: number, value: number]>) {
    const list = [...entries];
    // At most a quarter full: probes stay short.
    let bits = 4;
    while (1 << bits < list.length * 4) bits++;
    this.tags = new Uint32Array(1 << bits);
    this.values = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    for (const [tag, value] of list) {
      if (!Number.isInteger(value) || value < 0 || value >= 0x7fffffff) throw new RangeError(`tag table value out of range: ${value}`);
      let slot = this.slotOf(tag >>> 0);
      while (this.values[slot] !== 0 && this.tags[slot] !== tag >>> 0) slot = (slot + 1) & this.mask;
      this.tags[slot] = tag >>> 0;
      this.values[slot] = value + 1;
    }
  }

  private slotOf(tag: number): number {
    return Math.imul(tag, 0x9e3779b1) >>> this.shift;
  }

  /** The tag's value, -1 when the table does not hold the tag. */
  get(tag: number): number {
    for (let slot = this.slotOf(tag); ; slot = (slot + 1) & this.mask) {
      const value = this.values[slot]!;
      if (value === 0) return -1;
      if (this.tags[slot] === tag) return value - 1;
    }
  }

  has(tag: number): boolean {
    return this.get(tag) >= 0;
  }
}
