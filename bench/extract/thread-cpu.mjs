#!/usr/bin/env node
// CPU seconds per OS thread of one msc-extract run in this process, read from /proc/self/task
// every 20 ms (a thread that ends keeps its last reading): main thread, worker threads and
// V8's helper threads (GC, compilation) apart, which a whole-process figure adds up.
//   node bench/extract/thread-cpu.mjs <msc-extract arguments…>
import { readFileSync, readdirSync } from 'node:fs';
import { captureIo } from '@msc/core';
import { main } from '@msc/extract/cli';

const readings = new Map();
const names = new Map();
function sample() {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      names.set(tid, stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks (100 a second on Linux)
      readings.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the thread ended between the listing and the read
    }
  }
}
sample();
const before = new Map(readings);
const timer = setInterval(sample, 20);
const start = process.cpuUsage();
const status = await main(process.argv.slice(2), captureIo());
sample();
clearInterval(timer);
const total = process.cpuUsage(start);
const threads = [...readings]
  .map(([tid, cpu]) => ({ thread: tid === String(process.pid) ? 'main' : tid, tid, cpu: cpu - (before.get(tid) ?? 0) }))
  .filter(({ cpu }) => cpu >= 0.01)
  .sort((a, b) => b.cpu - a.cpu);
console.log(`exit ${status}; process CPU ${((total.user + total.system) / 1e6).toFixed(2)} s`);
for (const { thread, cpu } of threads) console.log(`${thread === 'main' ? 'main thread' : `thread ${thread} (${names.get(thread)})`}: ${cpu.toFixed(2)} s`);
