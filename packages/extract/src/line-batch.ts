/**
 * Builds a `LineBatch`: each row's line is encoded into one growing byte buffer as soon as it is
 * made, so the line and the header text it was sliced from die young (a batch of strings kept
 * until the reply is posted survived the worker's scavenges and was copied and marked again), and
 * the batch crosses threads as one transferred buffer instead of a cloned string per row.
 */
import type { LineBatch, LineNote } from './events.js';

/** The first batch's buffer; later ones start a little above the last batch's size (the receiver holds the whole buffer). */
const INITIAL_BYTES = 64 * 1024;
let lastBatchBytes = INITIAL_BYTES;
/** A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4). */
const MAX_UTF8_PER_UNIT = 3;

export class LineBatchBuilder {
  private text: Buffer = Buffer.allocUnsafeSlow(lastBatchBytes + (lastBatchBytes >> 3));
  private used = 0;
  private readonly lineEnds: number[] = [];
  private readonly rowSeries: number[] = [];
  private readonly series: [string, string][] = [];
  private readonly seriesIndex = new Map<string, number>();
  private readonly notes: LineNote[] = [];
  private files = 0;

  skipped(path: string, reason: string): void {
    this.files += 1;
    this.notes.push({ kind: 'skipped', path, reason, row: -1 });
  }

  row(path: string, studyUid: string, seriesUid: string, line: string, imageNote?: string, partial?: string): void {
    const row = this.lineEnds.length;
    this.files += 1;
    if (partial) this.notes.push({ kind: 'partial', path, reason: partial, row });
    if (imageNote) this.notes.push({ kind: 'image', path, reason: imageNote, row });
    this.rowSeries.push(this.seriesOf(studyUid, seriesUid));
    const needed = this.used + line.length * MAX_UTF8_PER_UNIT;
    if (needed > this.text.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.text.length * 2));
      this.text.copy(grown, 0, 0, this.used);
      this.text = grown;
    }
    this.used += this.text.write(line, this.used, 'utf8');
    this.lineEnds.push(this.used);
  }

  private seriesOf(studyUid: string, seriesUid: string): number {
    const last = this.series.length - 1;
    if (last >= 0 && this.series[last]![1] === seriesUid && this.series[last]![0] === studyUid) return last;
    const key = `${studyUid}\t${seriesUid}`;
    let index = this.seriesIndex.get(key);
    if (index === undefined) {
      index = this.series.length;
      this.series.push([studyUid, seriesUid]);
      this.seriesIndex.set(key, index);
    }
    return index;
  }

  finish(): LineBatch {
    lastBatchBytes = Math.max(INITIAL_BYTES, this.used);
    return {
      files: this.files,
      text: new Uint8Array(this.text.buffer, this.text.byteOffset, this.used),
      lineEnds: Uint32Array.from(this.lineEnds),
      rowSeries: Uint32Array.from(this.rowSeries),
      series: this.series,
      notes: this.notes,
    };
  }
}

/** The buffers of a batch that move to the receiving thread rather than being copied. */
export function lineBatchTransfer(batch: LineBatch): ArrayBuffer[] {
  return [batch.text.buffer as ArrayBuffer, batch.lineEnds.buffer as ArrayBuffer, batch.rowSeries.buffer as ArrayBuffer];
}
