/**
 * Progress for msc-train: on a TTY one line rewritten in place (fold, round, elapsed), at most
 * every `intervalMs`; elsewhere (CI logs, pipes) nothing, so logs stay clean.
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export class Progress {
  private readonly start: number;
  private last = -Infinity;
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  update(message: string): void {
    if (!this.stream.isTTY) return;
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    const elapsed = ((t - this.start) / 1000).toFixed(1);
    // \r + clear-line keeps one status line at the bottom of the terminal
    this.stream.write(`\r\x1b[2K${message}  ${elapsed} s`);
    this.shown = true;
  }

  /** Clears the status line before the summary is printed. */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
