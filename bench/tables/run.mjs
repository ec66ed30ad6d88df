#!/usr/bin/env node
// Table I/O benchmark: 60K series rows × 45 string columns through each format and library, plus
// instance-TSV read throughput with projection (the msc-predict hot path). Ratios are measured in
// one run on one machine; absolute times vary with load.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvParse } from 'csv-parse';
import * as arrow from 'apache-arrow';
import parquetjs from 'parquetjs-lite';
import { COLUMNS } from '@msc/core';
import { readTable, writeTable } from '@msc/tables';

const ROWS = Number(process.env.BENCH_ROWS ?? 60_000);
const INSTANCE_ROWS = Number(process.env.BENCH_INSTANCE_ROWS ?? 500_000);
const TARGET_INSTANCES = 5_520_218;
const columns = COLUMNS.filter((spec) => spec.origin === 'original')
  .map((spec) => spec.name)
  .slice(0, 45);
while (columns.length < 45) columns.push(`extra_${columns.length}`);

function makeRow(i) {
  const row = {};
  for (const [c, column] of columns.entries()) {
    row[column] =
      column === 'study_uid'
        ? `1.2.826.0.1.3680043.8.498.${1000 + (i >> 4)}`
        : column === 'series_uid'
          ? `1.2.826.0.1.3680043.8.498.${1000 + (i >> 4)}.${i}`
          : column === 'file_path'
            ? `/archive/patient${i >> 4}/study/series${i}/IM-0001-${String(i % 30).padStart(4, '0')}.dcm`
            : column === 'number_of_images'
              ? String((i % 30) + 1)
              : c % 5 === 0
                ? '-'
                : c % 3 === 0
                  ? `${(i * 7 + c) % 1000} ${(i * 13 + c) % 1000}`
                  : `value ${c} ${(i + c) % 17}`;
  }
  return row;
}

async function time(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

async function countRows(path, options) {
  let n = 0;
  for await (const batch of readTable(path, options)) n += batch.length;
  return n;
}

const dir = await mkdtemp(join(tmpdir(), 'msc-bench-tables-'));
const rows = Array.from({ length: ROWS }, (_, i) => makeRow(i));
const results = [];
const record = (name, op, seconds, path) => results.push({ name, op, seconds, path });

// --- parquet: ours (hyparquet) vs parquetjs-lite
{
  const path = join(dir, 'ours.parquet');
  record('parquet hyparquet-writer', 'write', (await time(() => writeTable(path, columns, rows))).seconds, path);
  const read = await time(() => countRows(path));
  record('parquet hyparquet', 'read', read.seconds, path);
  const pjPath = join(dir, 'parquetjs.parquet');
  const schema = new parquetjs.ParquetSchema(Object.fromEntries(columns.map((c) => [c, { type: 'UTF8' }])));
  const pjWrite = await time(async () => {
    const writer = await parquetjs.ParquetWriter.openFile(schema, pjPath);
    for (const row of rows) await writer.appendRow(row);
    await writer.close();
  });
  record('parquet parquetjs-lite', 'write', pjWrite.seconds, pjPath);
  const pjRead = await time(async () => {
    const reader = await parquetjs.ParquetReader.openFile(pjPath);
    const cursor = reader.getCursor();
    let n = 0;
    while (await cursor.next()) n++;
    await reader.close();
    return n;
  });
  record('parquet parquetjs-lite', 'read', pjRead.seconds, pjPath);
  // Our reader on parquetjs-lite's file too (reading other tools' files is what matters).
  record('parquet hyparquet (parquetjs file)', 'read', (await time(() => countRows(pjPath))).seconds, pjPath);
}

// --- CSV/TSV: ours vs csv-parse
for (const ext of ['csv', 'tsv']) {
  const path = join(dir, `rows.${ext}`);
  record(`${ext} msc`, 'write', (await time(() => writeTable(path, columns, rows))).seconds, path);
  record(`${ext} msc`, 'read', (await time(() => countRows(path))).seconds, path);
  const parsed = await time(
    () =>
      new Promise((resolve, reject) => {
        let n = 0;
        createReadStream(path)
          .pipe(csvParse({ delimiter: ext === 'tsv' ? '\t' : ',', columns: true, relax_quotes: true }))
          .on('data', () => n++)
          .on('end', () => resolve(n))
          .on('error', reject);
      }),
  );
  record(`${ext} csv-parse`, 'read', parsed.seconds, path);
}

// --- apache-arrow: build an in-memory table and write IPC
{
  const path = join(dir, 'rows.arrow');
  const built = await time(async () => {
    const table = arrow.tableFromArrays(Object.fromEntries(columns.map((c) => [c, rows.map((row) => row[c])])));
    const bytes = arrow.tableToIPC(table, 'file');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, bytes);
  });
  record('arrow IPC (build + write)', 'write', built.seconds, path);
  const { readFile } = await import('node:fs/promises');
  record('arrow IPC', 'read', (await time(async () => arrow.tableFromIPC(await readFile(path)).numRows)).seconds, path);
}

// --- instance TSV with projection (predict hot path)
const instancePath = join(dir, 'instances.tsv');
await writeTable(
  instancePath,
  columns,
  (function* () {
    for (let i = 0; i < INSTANCE_ROWS; i++) yield makeRow(i);
  })(),
);
const projected = columns.filter((c) => c !== 'file_path' && !c.startsWith('extra')).slice(0, 40);
const instanceRead = await time(() => countRows(instancePath, { columns: projected }));
const instanceBytes = (await stat(instancePath)).size;

console.log(`\nTable I/O, ${ROWS} rows × ${columns.length} string columns`);
console.log('format/library'.padEnd(38), 'op'.padEnd(6), 'seconds'.padStart(8), 'MB'.padStart(8));
for (const r of results) {
  const size = (await stat(r.path)).size / 1e6;
  console.log(r.name.padEnd(38), r.op.padEnd(6), r.seconds.toFixed(3).padStart(8), size.toFixed(1).padStart(8));
}
const get = (name, op) => results.find((r) => r.name === name && r.op === op).seconds;
console.log('\nratios (higher = msc choice faster):');
console.log(
  `  parquet write parquetjs-lite / hyparquet-writer: ${(get('parquet parquetjs-lite', 'write') / get('parquet hyparquet-writer', 'write')).toFixed(1)}×`,
);
console.log(`  parquet read  parquetjs-lite / hyparquet:        ${(get('parquet parquetjs-lite', 'read') / get('parquet hyparquet', 'read')).toFixed(1)}×`);
console.log(`  csv read      csv-parse / msc:                   ${(get('csv csv-parse', 'read') / get('csv msc', 'read')).toFixed(1)}×`);
console.log(`  tsv read      csv-parse / msc:                   ${(get('tsv csv-parse', 'read') / get('tsv msc', 'read')).toFixed(1)}×`);
const rate = instanceRead.result / instanceRead.seconds;
console.log(`\ninstance TSV: ${instanceRead.result} rows, ${(instanceBytes / 1e6).toFixed(0)} MB, ${projected.length} of ${columns.length} columns projected:`);
console.log(
  `  ${Math.round(rate).toLocaleString('en')} rows/s, ${(instanceBytes / 1e6 / instanceRead.seconds).toFixed(0)} MB/s; ${TARGET_INSTANCES.toLocaleString('en')} rows ≈ ${(TARGET_INSTANCES / rate).toFixed(1)} s`,
);
await rm(dir, { recursive: true, force: true });
