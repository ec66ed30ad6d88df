/**
 * Histogram memory: a SharedArrayBuffer arena of fixed slots the worker thread can reach (one
 * view per slot, numbered), and past it plain arrays that only the main thread handles. Taken
 * histograms are reused, never freed, so growing a tree allocates nothing after the first ones.
 */

/** Above this the arena stops growing; extra histograms are plain arrays. */
const ARENA_MAX_BYTES = 64 * 1024 * 1024;

export class HistogramArena {
  /** The shared memory (undefined when not shared). */
  readonly buffer: SharedArrayBuffer | undefined;
  private readonly views: Float64Array[] = [];
  private readonly slotOf = new Map<Float64Array, number>();
  private readonly freeSlots: number[] = [];
  private readonly overflow: Float64Array[] = [];

  /** `maxLive`: histograms a tree can hold at once; `shared`: whether to make the shared arena. */
  constructor(
    private readonly histLength: number,
    maxLive: number,
    shared: boolean,
  ) {
    if (!shared) return;
    const bytes = 8 * histLength;
    const n = Math.max(1, Math.min(maxLive, Math.floor(ARENA_MAX_BYTES / Math.max(bytes, 1))));
    this.buffer = new SharedArrayBuffer(n * bytes);
    for (let i = 0; i < n; i++) {
      const view = new Float64Array(this.buffer, i * bytes, histLength);
      this.views.push(view);
      this.slotOf.set(view, i);
    }
    for (let i = n - 1; i >= 0; i--) this.freeSlots.push(i);
  }

  /** Number of shared slots. */
  get slots(): number {
    return this.views.length;
  }

  take(): Float64Array {
    const slot = this.freeSlots.pop();
    if (slot !== undefined) return this.views[slot]!;
    return this.overflow.pop() ?? new Float64Array(this.histLength);
  }

  release(hist: Float64Array): void {
    const slot = this.slotOf.get(hist);
    if (slot !== undefined) this.freeSlots.push(slot);
    else this.overflow.push(hist);
  }

  /** The shared slot holding `hist`, or undefined when it is a plain array. */
  slot(hist: Float64Array): number | undefined {
    return this.slotOf.get(hist);
  }
}
