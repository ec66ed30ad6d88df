#!/usr/bin/env node
// Cohort generation speed: instances/s with tiny pixels (target: 20,000 instances in < 60 s) and
// MB/s with realistic pixel payloads (≈130–300 KB per file).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCohort } from '@msc/synth';

const dir = await mkdtemp(join(tmpdir(), 'msc-bench-synth-'));
const tiny = await generateCohort({ outDir: join(dir, 'tiny'), studies: Number(process.env.BENCH_STUDIES ?? 110), seed: 1, pixels: 'tiny' });
console.log(
  `tiny pixels:      ${tiny.instances} instances in ${tiny.seconds.toFixed(1)} s = ${Math.round(tiny.instances / tiny.seconds)} instances/s; 20,000 instances ≈ ${(20000 / (tiny.instances / tiny.seconds)).toFixed(1)} s`,
);
const real = await generateCohort({ outDir: join(dir, 'real'), studies: 10, seed: 2, pixels: 'realistic' });
console.log(
  `realistic pixels: ${real.instances} instances, ${(real.bytes / 1e6).toFixed(0)} MB in ${real.seconds.toFixed(1)} s = ${Math.round(real.instances / real.seconds)} instances/s, ${(real.bytes / 1e6 / real.seconds).toFixed(0)} MB/s, ${(real.bytes / real.files / 1e3).toFixed(0)} KB/file`,
);
await rm(dir, { recursive: true, force: true });
