import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, captureIo, shardOf, type Row } from '@msc/core';
import { writeTable } from '@msc/tables';
import { main } from '../src/cli/main.js';

// msc-predict in-process with its default model: sharding needs no process of its own.
async function run(args: string[]): Promise<{ status: number; stderr: string }> {
  const io = captureIo();
  const status = await main(args, io);
  return { status, stderr: io.err() };
}

/** Instance rows with every column of the tag table: 24 studies × 5 series × 3 instances. */
function instanceRows(): Row[] {
  const kinds = [
    { series_description: 't2_tse_tra', image_type: 'ORIGINAL\\PRIMARY\\M\\ND', diffusion_bvalue: ['-'], echo_time: '104', repetition_time: '4000' },
    {
      series_description: 'ep2d_diff_b50_800',
      image_type: 'ORIGINAL\\PRIMARY\\DIFFUSION\\NONE',
      diffusion_bvalue: ['50', '800', '1400'],
      echo_time: '72',
      repetition_time: '3600',
    },
    { series_description: 'ep2d_diff_ADC', image_type: 'DERIVED\\PRIMARY\\DIFFUSION\\ADC', diffusion_bvalue: ['-'], echo_time: '72', repetition_time: '3600' },
    { series_description: 't1_vibe_dyn', image_type: 'ORIGINAL\\PRIMARY\\M\\ND', diffusion_bvalue: ['-'], echo_time: '1.5', repetition_time: '4.1' },
    { series_description: 'localizer', image_type: 'ORIGINAL\\PRIMARY\\M\\ND', diffusion_bvalue: ['-'], echo_time: '5', repetition_time: '8.6' },
  ];
  const rows: Row[] = [];
  for (let s = 0; s < 24; s++) {
    kinds.forEach((kind, k) => {
      for (let i = 0; i < 3; i++) {
        const row: Row = Object.fromEntries(COLUMNS.map((column) => [column.name, '-']));
        Object.assign(row, {
          patient_id: `P${s}`,
          study_uid: `1.2.826.0.1.${s}`,
          series_uid: `1.2.826.0.1.${s}.${k + 1}`,
          file_path: `/d/${s}/${k}/${i}.dcm`,
          series_description: kind.series_description,
          protocol_name: kind.series_description,
          image_type: kind.image_type,
          diffusion_bvalue: kind.diffusion_bvalue[i % kind.diffusion_bvalue.length]!,
          echo_time: kind.echo_time,
          repetition_time: kind.repetition_time,
          manufacturer: s % 2 ? 'SIEMENS' : 'GE',
          modality: 'MR',
          number_of_images: '-',
        });
        rows.push(row);
      }
    });
  }
  return rows;
}

let dir: string;
let table: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-predict-shard-'));
  table = join(dir, 'instances.tsv');
  await writeTable(
    table,
    COLUMNS.map((column) => column.name),
    instanceRows(),
  );
});

async function predictLines(extra: string[]): Promise<string[]> {
  const out = join(dir, `out-${extra.join('').replace(/\W/g, '_') || 'all'}.csv`);
  const result = await run([table, '-o', out, ...extra]);
  expect(result.status, result.stderr).toBe(0);
  const [header, ...lines] = (await readFile(out, 'utf8')).trimEnd().split('\n');
  expect(header).toMatch(/^patient_id,study_uid,series_uid,series_number,series_description,series_group,prediction/);
  return lines;
}

describe('msc-predict --shard', () => {
  it('n shards are disjoint and together give exactly the one-run output', async () => {
    const all = await predictLines([]);
    expect(all).toHaveLength(120);
    const parts = [];
    for (let k = 1; k <= 3; k++) parts.push(await predictLines(['--shard', `${k}/3`]));
    for (const part of parts) expect(part.length).toBeGreaterThan(0);
    // Each series is in the shard of its study (core's shardOf, which msc-extract uses too): a study is never split.
    parts.forEach((part, k) => {
      for (const line of part) {
        const [, study] = line.split(',');
        expect(shardOf(study!, 3)).toBe(k + 1);
      }
    });
    const union = parts.flat();
    expect(new Set(union).size).toBe(union.length);
    expect([...union].sort()).toEqual([...all].sort());
    expect(await predictLines(['--shard', '1/1'])).toEqual(all);
  });

  it('rejects malformed shards with a usage error', async () => {
    for (const shard of ['0/2', '3/2', 'a/b', '2', '1/0']) {
      const result = await run([table, '--shard', shard]);
      expect(result.status, shard).toBe(2);
      expect(result.stderr).toMatch(/E_USAGE/);
    }
  });
});
