import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

describe('Progress', () => {
  it('rewrites one line on a TTY, throttled, and clears it at the end', () => {
    const out: string[] = [];
    let t = 0;
    const p = new Progress({ isTTY: true, write: (s) => out.push(s) }, 100, () => t);
    p.update('fold 1: round 1');
    t = 50;
    p.update('fold 1: round 2'); // throttled
    t = 1500;
    p.update('fold 2: round 9');
    p.done();
    expect(out).toEqual(['\r\x1b[2Kfold 1: round 1  0.0 s', '\r\x1b[2Kfold 2: round 9  1.5 s', '\r\x1b[2K']);
  });

  it('writes nothing when not a TTY', () => {
    const out: string[] = [];
    const p = new Progress({ isTTY: false, write: (s) => out.push(s) });
    p.update('fold 1');
    p.done();
    expect(out).toEqual([]);
  });
});
