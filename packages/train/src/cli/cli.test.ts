import { Command, normalizeFlagSpellings, type Row } from '@msc/core';
import { describe, expect, it } from 'vitest';
import { readOnnxMetadata } from '../export/onnx/export.js';
import { seriesRows } from '../test-support/series-rows.js';
import { TRAIN_ALIASES, configureTrain, siteOptionsFrom, trainOptionsFrom, type TrainFlags } from './options.js';
import { formatSummary, runTrain, type TrainIo, type TrainRunOptions } from '../train-from-table.js';

/** Flags → TrainRunOptions the way msc-train checks them (commander through core's kit). */
function parseTrainArgs(argv: string[]): TrainRunOptions {
  const command = configureTrain(new Command())
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  command.parse(normalizeFlagSpellings(argv, TRAIN_ALIASES), { from: 'user' });
  return trainOptionsFrom(command.opts() as TrainFlags, command.args);
}

/** Flags → SiteTrainOptions (msc-train --base … --corrections …). */
function parseSiteArgs(argv: string[]) {
  const command = configureTrain(new Command())
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  command.parse(normalizeFlagSpellings(argv, TRAIN_ALIASES), { from: 'user' });
  return siteOptionsFrom(command.opts() as TrainFlags, command.args, '/cache');
}

describe('msc-train --base (site models)', () => {
  it('reads the site flags, with the default margin and cache', () => {
    expect(parseSiteArgs(['site.parquet', '--base', 'b.onnx', '--corrections', 'c.csv', '-o', 's.onnx'])).toEqual({
      input: 'site.parquet',
      output: 's.onnx',
      base: 'b.onnx',
      corrections: 'c.csv',
      maxBaseDrop: 0.01,
      cacheDir: '/cache',
    });
    expect(
      parseSiteArgs(['s.parquet', '--base', 'b.onnx', '--corrections', 'c.csv', '-o', 's.onnx', '--correction-weight', '5', '--max-base-drop', '0']),
    ).toMatchObject({
      correctionWeight: 5,
      maxBaseDrop: 0,
    });
  });

  it('refuses half a site run, and flags that would change the recorded training options', () => {
    expect(() => parseSiteArgs(['s.parquet', '--corrections', 'c.csv', '-o', 's.onnx'])).toThrow(/--corrections needs --base/);
    expect(() => parseSiteArgs(['s.parquet', '--base', 'b.onnx', '-o', 's.onnx'])).toThrow(/--base needs --corrections/);
    expect(() => parseSiteArgs(['s.parquet', '--base', 'b.onnx', '--corrections', 'c.csv', '-o', 's.onnx', '--param', 'max_depth=3'])).toThrow(
      /--param cannot be used with --base/,
    );
    expect(() => parseSiteArgs(['b.onnx', '--base', 'b.onnx', '--corrections', 'c.csv', '-o', 'b.onnx'])).toThrow(/the output model/);
  });
});

describe('msc-train flags', () => {
  it('reads the original options, in either spelling', () => {
    const o = parseTrainArgs([
      't.parquet',
      '-o',
      'm.onnx',
      '--exclude-cols',
      'percent_phase_field_of_view:sar',
      '--param',
      'max_depth=4',
      '--param',
      'learning_rate=0.2',
      '--subset',
      '0.25',
      '--seed',
      '7',
      '--skip-importance',
    ]);
    expect(o).toMatchObject({
      input: 't.parquet',
      output: 'm.onnx',
      excludeCols: ['percent_phase_field_of_view', 'sar'],
      subset: 0.25,
      seed: 7,
      skipImportance: true,
      folds: 5,
      task: 'classification',
      targetColumn: 'class',
    });
    expect(o.params).toEqual({ max_depth: 4, learning_rate: 0.2, seed: 7 });
    const original = parseTrainArgs(['--input_path', 't.csv', '--output_path', 'm.onnx', '--exclude_cols', 'series_description', '--test_set', 'x.csv']);
    expect(original).toMatchObject({ input: 't.csv', output: 'm.onnx', excludeCols: ['series_description'], testSet: 'x.csv' });
  });

  it("reads the original's train_all_models.smk command line, with the original's meanings", () => {
    // train --n_folds 5 --random_seed … --n_jobs … --save_model --skip_feature_importance --exclude_cols a b c
    const snakefile = parseTrainArgs([
      '--input_path',
      't.parquet',
      '--output_path',
      'models/catboost.standard.100.onnx',
      '--n_folds',
      '5',
      '--random_seed',
      '42',
      '--n_jobs',
      '2',
      '--save_model',
      '--skip_feature_importance',
      '--exclude_cols',
      'percent_phase_field_of_view',
      'sar',
      'series_description',
    ]);
    expect(snakefile).toMatchObject({
      input: 't.parquet',
      output: 'models/catboost.standard.100.onnx',
      folds: 5,
      seed: 42,
      skipImportance: true,
      excludeCols: ['percent_phase_field_of_view', 'sar', 'series_description'],
    });
    expect(snakefile.params).toMatchObject({ seed: 42, n_threads: 2 });
    expect(snakefile.groupFile).toBeUndefined();
    // --folds <file with folds>: the fold file (study_uid → group), not a count.
    const foldFile = parseTrainArgs(['--input_path', 't.parquet', '--output_path', 'm.onnx', '--folds', 'folds/centres.json']);
    expect(foldFile).toMatchObject({ groupFile: 'folds/centres.json', folds: 5 });
    expect(parseTrainArgs(['t.csv', '-o', 'm.onnx', '--folds', '3']).folds).toBe(3);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--folds', 'a.json', '--group-file', 'b.json'])).toThrow(/two fold files/);
  });

  it('rejects bad flags with usage errors', () => {
    expect(() => parseTrainArgs(['t.csv'])).toThrow(/no output model/);
    expect(() => parseTrainArgs(['-o', 'm.onnx'])).toThrow(/no input table/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.csv'])).toThrow(/must be an .onnx file/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--folds', '1'])).toThrow(/--folds/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--param', 'depth=3'])).toThrow(/unknown parameter/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--bogus'])).toThrow(/bogus/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--task', 'ranking'])).toThrow(/--task/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--tag-dropout', '1.5'])).toThrow(/probability must be in/);
    expect(() => parseTrainArgs(['t.csv', '-o', 'm.onnx', '--tag-dropout', 'some'])).toThrow(/probability must be in/);
  });

  it('reads tag dropout: a probability per column or one column per copy', () => {
    expect(parseTrainArgs(['t.csv', '-o', 'm.onnx']).tagDropout).toBeUndefined();
    expect(parseTrainArgs(['t.csv', '-o', 'm.onnx', '--tag-dropout', '0.2']).tagDropout).toEqual({ mode: 'each', probability: 0.2, copies: 1 });
    expect(parseTrainArgs(['t.csv', '-o', 'm.onnx', '--tag-dropout', 'one', '--tag-dropout-copies', '3']).tagDropout).toEqual({ mode: 'one', copies: 3 });
  });
});

function memoryIo(tables: Record<string, Row[]>, texts: Record<string, string> = {}) {
  const files = new Map<string, Uint8Array>();
  const written = new Map<string, Row[]>();
  const io: TrainIo = {
    readRows: async (p) => ({ rows: tables[p] ?? [], inputRows: tables[p]?.length ?? 0, unlabelledRows: 0, blankKeyRows: 0 }),
    readText: async (p) => texts[p] ?? '',
    writeBytes: async (p, b) => void files.set(p, b),
    writeRows: async (p, r) => void written.set(p, r),
  };
  return { io, files, written };
}

describe('runTrain', () => {
  it('trains, scores a test set and writes model, metrics and importance', async () => {
    const { io, files, written } = memoryIo({ 'train.csv': seriesRows(30, 1), 'test.csv': seriesRows(8, 2) });
    const opts = parseTrainArgs([
      'train.csv',
      '-o',
      'out/model.onnx',
      '--test-set',
      'test.csv',
      '--folds',
      '3',
      '--param',
      'n_estimators=15',
      '--exclude-cols',
      'series_description',
    ]);
    const summary = await runTrain(opts, io);
    expect(summary.outputs).toEqual([
      'out/model.onnx',
      'out/model.metrics.json',
      'out/model.metrics.csv',
      'out/model.importance.csv',
      'out/model.predictions.csv',
    ]);
    expect(summary.folds).toHaveLength(3);
    expect(summary.testScore).toBeGreaterThan(0.8);
    expect(readOnnxMetadata(files.get('out/model.onnx')!)['msc.feature_spec']).not.toContain('series_description');
    const metrics = written.get('out/model.metrics.csv')!;
    expect(new Set(metrics.map((r) => r['split']))).toEqual(new Set(['cv', 'test', 'test_consensus', 'test_ensemble']));
    expect(metrics.every((r) => r['exclusion'] === 'series_description')).toBe(true);
    expect(written.get('out/model.importance.csv')!.length).toBeGreaterThan(0);
    // every test series with its label and the fold ensemble's output
    const predictions = written.get('out/model.predictions.csv')!;
    expect(predictions).toHaveLength(40);
    expect(Object.keys(predictions[0]!)).toEqual([
      'study_uid',
      'series_uid',
      'series_number',
      'series_description',
      'series_group',
      'true',
      'prediction',
      'confidence',
      'probability_adc',
      'probability_dce',
      'probability_dwi',
      'probability_others',
      'probability_t2w',
    ]);
    const accuracy = predictions.filter((row) => row['true'] === row['prediction']).length / predictions.length;
    expect(accuracy).toBeCloseTo(Number(metrics.find((row) => row['split'] === 'test_ensemble' && row['metric'] === 'accuracy')!['value']), 10);
    expect(JSON.parse(new TextDecoder().decode(files.get('out/model.metrics.json')!)).folds).toHaveLength(3);
    expect(formatSummary(summary, 'classification')).toMatch(/cv\s+\d\.\d{4}/);
  });

  it('follows a group file and reports bad test labels and empty tables', async () => {
    const rows = seriesRows(12, 3);
    const groups = Object.fromEntries([...new Set(rows.map((r) => String(r['study_uid'])))].map((s, i) => [s, i % 2 ? 'b' : 'a']));
    const { io } = memoryIo({ 't.csv': rows, 'bad.csv': [{ ...rows[0]!, class: 'flair' }] }, { 'g.json': JSON.stringify(groups), 'x.json': '[1]' });
    const base = ['t.csv', '-o', 'm.onnx', '--param', 'n_estimators=3', '--skip-importance'];
    const summary = await runTrain(parseTrainArgs([...base, '--group-file', 'g.json']), io);
    expect(summary.folds.map((f) => f.name)).toEqual(['a', 'b']);
    await expect(runTrain(parseTrainArgs([...base, '--group-file', 'x.json']), io)).rejects.toThrow(/map study_uid to a group/);
    await expect(runTrain(parseTrainArgs([...base, '--test-set', 'bad.csv']), io)).rejects.toThrow(/"flair" is not one of the model's classes/);
    await expect(runTrain(parseTrainArgs(['empty.csv', '-o', 'm.onnx']), io)).rejects.toThrow(/has no rows/);
  });

  it('adds study context before featurizing, with the unlabelled series of a study in view', async () => {
    // Half the studies' DCE is split into 5 phase series, of which only the first is labelled:
    // study_dynamic_phases varies (5 or 1) only if the unlabelled phases count.
    const rows = seriesRows(30, 5);
    const unlabelledSeries: Row[] = [];
    rows.forEach((row, i) => {
      if (row.class !== 'DCE') return;
      Object.assign(row, {
        sequence_name: 'fldyn3d1',
        flip_angle: '12',
        image_orientation_patient: '1 0 0 0 1 0',
        pixel_spacing: '1.8 1.8',
        acquisition_time: '100000',
      });
      if (i % 2 === 0) return;
      for (let phase = 1; phase < 5; phase++)
        unlabelledSeries.push({ ...row, class: '-', series_uid: `${String(row.series_uid)}.${phase}`, acquisition_time: `1000${phase}0` });
    });
    const { io, files } = memoryIo({});
    io.readRows = async () => ({
      rows,
      inputRows: rows.length + unlabelledSeries.length,
      unlabelledRows: unlabelledSeries.length,
      blankKeyRows: 0,
      unlabelledSeries,
    });
    const summary = await runTrain(parseTrainArgs(['t.csv', '-o', 'm.onnx', '--folds', '3', '--param', 'n_estimators=5', '--skip-importance']), io);
    expect(summary.studyContext).toBe(true);
    expect(summary.rows).toBe(rows.length);
    const spec = readOnnxMetadata(files.get('m.onnx')!)['msc.feature_spec']!;
    const features = (JSON.parse(spec) as { features: { column: string }[] }).features.map((feature) => feature.column);
    expect(features).toContain('study_dynamic_phases');
    // Every study has 5 labelled series; the count varies (5 or 9) only with the unlabelled ones.
    expect(features).toContain('study_series_count');
  });
});
