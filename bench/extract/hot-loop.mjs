#!/usr/bin/env node
// The worker threads' per-file work on this thread alone, steady state: each round runs a worker's
// request code (extractCellsSync, then encodeCells into a batch of lines) over every file of the
// list in batches of 256, and prints µs of CPU a file per round (the first rounds include the JIT's
// warm-up). A checkout's built code can be named to compare two builds in turn.
//   node bench/extract/hot-loop.mjs <file list> [rounds=5] [checkout=this one]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [list, roundsArg = '5', checkoutArg] = process.argv.slice(2);
if (!list) {
  console.error('Usage: node bench/extract/hot-loop.mjs <file list> [rounds=5] [checkout]');
  process.exit(1);
}
const checkout = resolve(checkoutArg ?? fileURLToPath(new URL('../..', import.meta.url)));
const dist = (file) => pathToFileURL(join(checkout, 'packages/extract/dist', file)).href;
const { extractCellsSync } = await import(dist('extract-file.js'));
const { encodeCells } = await import(dist('parallel/protocol.js'));
const { createReadBuffer } = await import(dist('reader/read-file.js'));
// Since the sixth session of issue 20 the column list has a module of its own; older checkouts export it from instance-row.js.
const { instanceColumns } = await import(dist('instance-columns.js')).catch(() => import(dist('instance-row.js')));

/** This thread's CPU seconds (utime + stime, clock ticks of 10 ms): the rest of the process's is V8's helper threads (compiles, GC). */
function threadCpu() {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// Builds before the branch extract-40k took the batch's cells made first; since, a function that reads each file in turn.
const readsAsItGoes = encodeCells.toString().includes('cellsOf');
const paths = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const buffer = createReadBuffer();
const request = { image: false, lines: { columns: instanceColumns(false), separator: '\t' } };
const BATCH = 256;
const WARM_STEP = Number(process.env.WARM_STEP ?? 2048);
let bytes = 0;
for (let round = 0; round < Number(roundsArg); round++) {
  const start = process.cpuUsage();
  const startThread = threadCpu();
  let mark = start;
  const warmUp = [];
  for (let first = 0; first < paths.length; first += BATCH) {
    // The first round's cost by stretches of WARM_STEP files: how the JIT's warm-up fades.
    if (round === 0 && first > 0 && first % WARM_STEP === 0) {
      const used = process.cpuUsage(mark);
      warmUp.push((used.user + used.system) / WARM_STEP);
      mark = process.cpuUsage();
    }
    const batch = paths.slice(first, first + BATCH);
    const reply = readsAsItGoes
      ? encodeCells(batch, (path) => extractCellsSync(path, buffer, {}), request)
      : encodeCells(
          batch,
          batch.map((path) => extractCellsSync(path, buffer, {})),
          request,
        );
    bytes += reply.text.length;
  }
  const used = process.cpuUsage(start);
  const thread = threadCpu() - startThread;
  const helpers = (used.user + used.system) / 1e6 - thread;
  console.log(
    `round ${round + 1}: ${((used.user + used.system) / paths.length).toFixed(1)} µs CPU a file (${paths.length} files): this thread ${thread.toFixed(2)} s, helper threads ${helpers.toFixed(2)} s`,
  );
  if (warmUp.length > 0) console.log(`  by ${WARM_STEP} files: ${warmUp.map((us) => us.toFixed(0)).join(' ')} µs`);
}
console.log(`${bytes} bytes of lines`);
