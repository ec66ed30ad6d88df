#!/usr/bin/env node
// The I/O floor of header extraction: open each file, read its first 8 KB, close it — nothing
// parsed — on the same number of threads as msc-extract (0: the main thread alone).
//   node bench/extract/floor.mjs <file list, one path a line> [workers=2]
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

function readHeads(paths) {
  const buffer = Buffer.allocUnsafe(8192);
  let bytes = 0;
  for (const path of paths) {
    const fd = openSync(path, 'r');
    bytes += readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
  }
  return bytes;
}

if (isMainThread) {
  const [list, workersArg = '2'] = process.argv.slice(2);
  if (!list) {
    console.error('Usage: node bench/extract/floor.mjs <file list> [workers=2]');
    process.exit(1);
  }
  const paths = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const workers = Number(workersArg);
  let bytes;
  if (workers === 0) bytes = readHeads(paths);
  else {
    const parts = Array.from({ length: workers }, (_, w) => paths.filter((_, i) => i % workers === w));
    const counts = await Promise.all(
      parts.map(
        (part) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(new URL(import.meta.url), { workerData: part });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    bytes = counts.reduce((a, b) => a + b, 0);
  }
  console.log(`${paths.length} files, ${bytes} bytes read`);
} else {
  parentPort.postMessage(readHeads(workerData));
}
