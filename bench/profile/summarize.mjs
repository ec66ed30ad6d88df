#!/usr/bin/env node
// Self time of V8 .cpuprofile files (node --cpu-prof), summed over every profile named or found in
// the folders named (one per thread: --cpu-prof writes the main thread's and each worker's), by
// cost category, by source file and by function.
//   node bench/profile/summarize.mjs bench/out/profile/extract [--top 15]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 15;
if (args.length === 0 || args.includes('--help')) {
  console.log('Usage: node bench/profile/summarize.mjs <profile.cpuprofile | folder> ... [--top N]');
  process.exit(args.length === 0 ? 1 : 0);
}
const files = args.flatMap((path) =>
  statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(path, name))
    : [path],
);

/** Where a frame's code lives, short: a workspace package file, a dependency, a Node module or a V8 pseudo-frame. */
function place(url) {
  if (url === '') return '';
  const workspace = /\/packages\/([^/]+)\/(?:dist|src)\/(.+)$/.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return `dep:${dependency[1]}`;
  return url.replace(/^file:\/\//, '');
}

// Native functions (empty url) that are system calls or their bindings.
const SYSCALLS =
  /^(open|read|close|write|fstat|stat|lstat|readdir|opendir|scandir|rename|fsync|ftruncate|mkdir|rmdir|unlink|writeBuffer|writeString|writeBuffers|readFileUtf8|readFileSync|realpath|access|existsSync|internalModuleStat)(Sync)?$/;

/** The cost category of a frame: what kind of work the time went to. */
function category(name, where) {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle (waiting: I/O, other threads)';
  if (name === '(program)') return 'V8/native outside JS ((program))';
  if (name === '(root)') return 'other';
  if (where === '' && SYSCALLS.test(name)) return 'syscalls (fs bindings)';
  if (where === '' && /^(decode|utf8Slice|latin1Slice|asciiSlice|ucs2Slice|toString|slice|utf8Write|latin1Write|TextDecoder)/.test(name))
    return 'string decoding (native)';
  if (where === '') return `native: other (${name || 'anonymous'})`;
  if (where.startsWith('node:internal/worker') || where.startsWith('node:worker') || /MessagePort|postMessage/.test(name)) return 'thread hand-off';
  if (where.startsWith('node:internal/fs') || where === 'node:fs') return 'fs (Node JS layer)';
  if (where.startsWith('node:internal/modules') || where.startsWith('node:internal/bootstrap')) return 'module loading';
  if (where.startsWith('node:')) return `node: ${where.replace(/^node:(internal\/)?/, '')}`;
  if (where.startsWith('dep:')) return where;
  return `${where.split('/')[0]} (package code)`;
}

const byCategory = new Map();
const byFile = new Map();
const byFunction = new Map();
const byLine = new Map(); // function key → Map(line → ticks): where inside a function its samples fell
const perProfile = [];
let total = 0;
let idle = 0;
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => add(self, id, profile.timeDeltas[i] ?? 0));
  let sum = 0;
  let profileIdle = 0;
  const profileCategories = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    // Idle is a thread waiting (on I/O or another thread), not a cost: counted apart, out of the %.
    if (functionName === '(idle)') {
      profileIdle += us;
      continue;
    }
    const where = place(url);
    add(byCategory, category(functionName, where), us);
    add(profileCategories, category(functionName, where), us);
    add(byFile, where || '(native / V8)', us);
    const key = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : '(native)'}`;
    add(byFunction, key, us);
    if (!byLine.has(key)) byLine.set(key, new Map());
    for (const { line, ticks } of nodes.get(id).positionTicks ?? []) add(byLine.get(key), line, ticks);
    sum += us;
  }
  const busiest = [...profileCategories].sort((a, b) => b[1] - a[1]).slice(0, 3);
  perProfile.push([basename(file), sum, profileIdle, busiest]);
  total += sum;
  idle += profileIdle;
}

function table(title, map, limit) {
  console.log(`\n| ${title} | self ms | % |`);
  console.log('|---|---:|---:|');
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, limit);
  for (const [key, us] of rows) console.log(`| ${key.replaceAll('|', '\\|')} | ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} |`);
}
const seconds = (us) => `${(us / 1e6).toFixed(2)} s`;
console.log(`${files.length} profile(s) (threads): ${seconds(total)} busy, ${seconds(idle)} idle; % below are of busy time`);
for (const [name, us, profileIdle, busiest] of perProfile) {
  console.log(`- ${name}: ${seconds(us)} busy, ${seconds(profileIdle)} idle; most: ${busiest.map(([key, t]) => `${key} ${seconds(t)}`).join(', ')}`);
}
table('category', byCategory, top);
table('file', byFile, top);
table('function', byFunction, top);
// Inlined callees and blocking waits (Atomics.wait) count as their caller's self time: the source
// lines of the costliest functions say which it was.
console.log('\nsource lines of the 5 costliest functions (share of their samples):');
for (const [key] of [...byFunction]
  .sort((a, b) => b[1] - a[1])
  .filter(([key]) => byLine.get(key)?.size)
  .slice(0, 5)) {
  const lines = [...byLine.get(key)].sort((a, b) => b[1] - a[1]);
  const ticks = lines.reduce((sum, [, t]) => sum + t, 0);
  console.log(
    `- ${key}: ${lines
      .slice(0, 4)
      .map(([line, t]) => `line ${line} ${((100 * t) / ticks).toFixed(0)} %`)
      .join(', ')}`,
  );
}
