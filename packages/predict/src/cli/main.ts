/**
 * msc-predict: DICOM folders or tables (CSV, TSV, parquet, JSON, the original's nested JSON; per
 * instance or per series) → one label per series with probabilities, confidence and the heuristic
 * rule that fired.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  MscError,
  Option,
  assertDistinctPaths,
  atomicWriteFile,
  checkOutputPath,
  defineCli,
  parse,
  parseShard,
  readShardRecord,
  shardRecord,
  shardRecordPath,
  writeSummary,
  type CliIo,
  type Command,
  type Shard,
} from '@msc/core';
// The PACS clients, DICOM extraction (--sort-into) and their dependencies load only when used:
// together a third of startup's module loading for a table input.
import type { DicomWebClient, OrthancClient } from '@msc/pacs';
import { formatDelimitedLine, formatDelimitedRows, formatFromPath, writeTable } from '@msc/tables';
import { compileRuleSet, loadRuleSet } from '@msc/heuristics';
import { defaultModelPath } from '../default-model.js';
import { parseColumnMap, type PredictionLevel } from '../inputs.js';
import { openModel, type ModelBundle } from '../model-bundle.js';
import { predictFiles, type PredictFilesResult } from '../predict-files.js';
import type { PredictStudiesOptions } from '../predict-pacs.js';

interface Flags {
  inputPath?: string[];
  modelPath?: string[];
  heuristics?: string;
  output?: string;
  vote: 'soft' | 'hard';
  minConfidence?: number;
  reduce: PredictionLevel;
  columnMap?: string[];
  classes?: string;
  dicomRecursion?: number;
  shard?: Shard;
  explain?: number | true;
  orthanc?: string | true;
  dicomweb?: string | true;
  studyUid?: string[];
  updateLabels?: boolean;
  metadataKey: string;
  upstreamTimeout: number;
  sortInto?: string;
  copy?: boolean;
}

/** The PACS asked for with --orthanc / --dicomweb (the same client code as msc-serve), if any. */
async function pacsSource(flags: Flags, inputs: readonly string[], env: CliIo['env']): Promise<OrthancClient | DicomWebClient | undefined> {
  if (flags.orthanc && flags.dicomweb) throw new MscError('E_USAGE', '--orthanc and --dicomweb cannot be combined', { hint: 'run once per PACS' });
  const kind = flags.orthanc ? 'ORTHANC' : flags.dicomweb ? 'DICOMWEB' : undefined;
  if (!kind) {
    if (flags.studyUid || flags.updateLabels) throw new MscError('E_USAGE', '--study-uid and --update-labels need --orthanc or --dicomweb');
    return undefined;
  }
  const flag = `--${kind.toLowerCase()}`;
  if (inputs.length > 0)
    throw new MscError('E_USAGE', `${flag} reads studies from the PACS; give no file inputs with it`, { hint: 'run once for the files, once for the PACS' });
  if (flags.reduce !== 'series' || flags.columnMap) throw new MscError('E_USAGE', `--reduce and --column-map apply to files, not to ${flag}`);
  const { DicomWebClient, OrthancClient, assertStudyUid, endpointFromEnv } = await import('@msc/pacs');
  const given = kind === 'ORTHANC' ? flags.orthanc : flags.dicomweb;
  const endpoint = endpointFromEnv(kind, env as NodeJS.ProcessEnv, given === true ? undefined : given);
  if (!endpoint) throw new MscError('E_USAGE', `${flag} needs a URL`, { hint: `give it (${flag} http://host:port) or set ${kind}_URL` });
  if (!flags.studyUid || flags.studyUid.length === 0)
    throw new MscError('E_USAGE', `${flag} needs --study-uid`, { hint: 'give one or more StudyInstanceUIDs' });
  if (flags.updateLabels && kind !== 'ORTHANC') throw new MscError('E_USAGE', '--update-labels works with --orthanc only');
  for (const uid of flags.studyUid) assertStudyUid(uid, kind === 'ORTHANC');
  const options = { timeoutMs: flags.upstreamTimeout };
  return kind === 'ORTHANC' ? new OrthancClient(endpoint, options) : new DicomWebClient(endpoint, options);
}

/** Reads the studies, predicts, writes labels back when asked; notes on stderr. */
async function predictFromPacs(
  pacs: OrthancClient | DicomWebClient,
  flags: Flags,
  models: readonly ModelBundle[],
  options: PredictStudiesOptions,
  io: CliIo,
): Promise<PredictFilesResult> {
  const [{ OrthancClient, labelTargets }, { predictStudies }] = await Promise.all([import('@msc/pacs'), import('../predict-pacs.js')]);
  const result = await predictStudies(pacs, flags.studyUid!, models, options);
  const { read } = result;
  for (const uid of read.notFound) io.stderr.write(`msc-predict: ${pacs.name} has no study ${uid}\n`);
  if (read.notFound.length === new Set(flags.studyUid).size) {
    throw new MscError('E_INPUT_NOT_FOUND', `${pacs.name} has none of the studies asked for`, {
      hint: 'give StudyInstanceUIDs (0020,000D) of studies stored there',
    });
  }
  if (pacs instanceof OrthancClient && flags.updateLabels) {
    const targets = labelTargets(
      read.series,
      result.predictions.map((p) => ({ patient_id: p.patient_id, study_uid: p.study_uid, series_uid: p.series_uid, label: p.prediction_heuristics })),
    );
    const written = await pacs.writeLabels(targets, { modelId: basename(models[0]!.path).replace(/\.onnx$/, ''), metadataKey: flags.metadataKey });
    io.stderr.write(
      `msc-predict: ${written.written} labels written to Orthanc as ${written.method === 'labels' ? 'labels' : `series metadata '${flags.metadataKey}'`}\n`,
    );
  }
  io.stderr.write(`msc-predict: ${read.series.length} series read from ${pacs.name} with ${pacs.calls} HTTP calls\n`);
  return { ...result, skipped: read.skipped.map((item) => ({ path: `${item.study}/${item.instance}`, reason: item.reason })), warnings: [] };
}

/**
 * A table that is one part of an msc-extract `--shard-by folder` (or `balanced`) run (its `<table>.shard.json` says
 * so) may hold only some of a study's series: their study context is then incomplete.
 */
async function warnOfFolderParts(inputs: readonly string[], io: CliIo): Promise<void> {
  for (const input of inputs) {
    const record = await readFile(shardRecordPath(input), 'utf8').then(readShardRecord, () => undefined);
    if (record?.by === 'folder' || record?.by === 'balanced')
      io.stderr.write(
        `msc-predict: warning: ${input} is part ${record.index}/${record.count} of an msc-extract --shard-by ${record.by} run: a study whose series lie in other parts is classified without them; merge the parts (msc-merge-shards), then predict the merged table\n`,
      );
  }
}

export const main = defineCli<Flags>({
  name: 'msc-predict',
  description: 'Classify MRI series (T2W, ADC, DWI, DCE, Others) from DICOM folders or metadata tables',
  writesTables: true,
  configure: (command: Command) =>
    command
      .argument('[inputs...]', 'DICOM folders (series or whole archives) or tables: .csv .tsv .parquet .json .jsonl, per instance or per series')
      .option('-i, --input-path <path...>', 'inputs (as positional arguments; the original spelling)')
      .option('-m, --model-path <path...>', 'one or more .onnx models from msc-train (default: the shipped prostate_mpmri model)')
      .option('--heuristics <name-or-yaml>', "rule set applied on top: 'prostate_mpmri' or a YAML file")
      .option('-o, --output <path>', 'write the table here (format by extension, atomic) instead of CSV on stdout')
      .addOption(new Option('--vote <kind>', 'soft: average probabilities; hard: most common label over models').choices(['soft', 'hard']).default('soft'))
      .option('--min-confidence <p>', "label series whose top probability is below p 'uncertain'", parse.fraction)
      .addOption(new Option('--reduce <level>', 'one row per series, per study, or per instance').choices(['series', 'study', 'instance']).default('series'))
      .option('--column-map <old:new...>', 'rename input columns before predicting')
      .option('--dicom-recursion <depth>', 'folder levels to descend below a DICOM input (default: unlimited)', parse.count(0))
      .option('--classes <names>', 'class names, comma-separated, for a model that carries none')
      .option('--explain [n]', 'add an explanation column: the n features (default 3) that moved each series to its label most (TreeSHAP)', parse.count(1))
      .option(
        '--shard <k/n>',
        "only the k-th of n deterministic parts of the series (by study+series UID); n jobs together give one run's output",
        parse.via(parseShard),
      )
      .option('--orthanc [url]', 'read studies from Orthanc (default ORTHANC_URL; ORTHANC_USER/_PASSWORD/_TOKEN from the environment)')
      .option('--dicomweb [url]', 'read studies from a DICOMweb server (default DICOMWEB_URL; DICOMWEB_USER/_PASSWORD/_TOKEN from the environment)')
      .option('--study-uid <uid...>', 'StudyInstanceUIDs to read from --orthanc or --dicomweb')
      .option('--update-labels', "with --orthanc: write each series' label back (Orthanc labels, else series metadata --metadata-key)")
      .option('--metadata-key <key>', 'Orthanc series metadata key for labels on an Orthanc without labels (declared in its UserMetadata)', 'msc_label')
      .option('--upstream-timeout <ms>', 'longest wait for one PACS call', parse.count(1), 30_000)
      .option(
        '--sort-into <dir>',
        "place each series' files under <dir>/<patient>/<study>/<label>/<series_number>_<description>/ (hard links, else copies; never overwrites) with msc-sort-manifest.csv",
      )
      .option('--copy', 'with --sort-into: copy the files instead of hard-linking them'),
  helpText: `
Output: without -o the table is CSV on stdout; with -o a one-line JSON summary goes to stdout when
it is piped (a readable line on a terminal). Skipped DICOM files are listed on stderr.`,
  interrupted: (flags) => (flags.output ? `nothing was written to ${flags.output}` : 'the output on stdout is incomplete'),
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputPath ?? [])];
    const pacs = await pacsSource(flags, inputs, io.env);
    if (inputs.length === 0 && !pacs) {
      throw new MscError('E_USAGE', 'no input given', {
        hint: 'msc-predict <dicom-folder | table> [more inputs] [--model-path model.onnx], or --orthanc/--dicomweb URL --study-uid UID',
      });
    }
    const columnMap = parseColumnMap(flags.columnMap ?? []);
    if (flags.output) {
      // Checked before any work: a table format we can write, a writable place, not an input.
      formatFromPath(flags.output);
      assertDistinctPaths(
        [{ path: flags.output, role: 'the output' }],
        inputs.map((path) => ({ path, role: 'an input' })),
      );
      checkOutputPath(flags.output);
    }
    if (flags.copy && !flags.sortInto) throw new MscError('E_USAGE', '--copy applies to --sort-into only');
    if (flags.sortInto) {
      if (pacs || flags.reduce !== 'series')
        throw new MscError('E_USAGE', '--sort-into sorts the files of DICOM folders (or instance tables) by series', {
          hint: 'give folders, without --reduce study|instance or a PACS',
        });
      (await import('../sort-into.js')).checkSortTarget(flags.sortInto, inputs);
    }
    await warnOfFolderParts(inputs, io);
    const heuristics = flags.heuristics ? compileRuleSet(await loadRuleSet(flags.heuristics)) : undefined;
    const started = performance.now();
    const classNames = flags.classes?.split(',').map((name) => name.trim());
    // ONNX Runtime loads each model on its scoring thread while the inputs are read.
    const models = [];
    try {
      for (const path of flags.modelPath ?? [defaultModelPath(io.env)]) models.push(await openModel(path, classNames ? { classNames } : {}));
      const predictOptions = {
        vote: flags.vote,
        ...(flags.minConfidence !== undefined ? { minConfidence: flags.minConfidence } : {}),
        ...(heuristics ? { heuristics } : {}),
        ...(flags.shard ? { shard: flags.shard } : {}),
        ...(flags.explain !== undefined ? { explain: flags.explain === true ? 3 : flags.explain } : {}),
      };
      const result = pacs
        ? await predictFromPacs(pacs, flags, models, predictOptions, io)
        : await predictFiles(inputs, models, {
            level: flags.reduce,
            columnMap,
            ...(flags.dicomRecursion !== undefined ? { dicomRecursion: flags.dicomRecursion } : {}),
            ...predictOptions,
          });
      // The scoring threads are done: they shut down while the output is written (awaited below).
      Promise.all(models.map((model) => model.close())).catch(() => undefined);
      for (const { path, reason } of result.skipped) if (reason !== 'not DICOM') io.stderr.write(`msc-predict: skipped ${path}: ${reason}\n`);
      for (const warning of result.warnings) io.stderr.write(`msc-predict: warning: ${warning}\n`);
      if (flags.sortInto) {
        const sortOptions = { copy: flags.copy === true, ...(flags.dicomRecursion !== undefined ? { dicomRecursion: flags.dicomRecursion } : {}) };
        const { sortPredictions } = await import('../sort-into.js');
        const sorted = await sortPredictions(inputs, result.predictions, flags.sortInto, sortOptions);
        io.stderr.write(
          `msc-predict: ${sorted.files} files sorted into ${flags.sortInto} (${sorted.linked} linked, ${sorted.copied} copied, ${sorted.present} already there); ${sorted.manifest}\n`,
        );
      }
      const { columns, rows } = result.table;
      if (!flags.output) {
        io.stdout.write(formatDelimitedLine(columns, ',') + formatDelimitedRows(rows, columns, ','));
        return 0;
      }
      await writeTable(flags.output, columns, rows);
      if (flags.shard) await atomicWriteFile(shardRecordPath(flags.output), shardRecord(flags.shard, 'msc-predict'));
      const labels: Record<string, number> = {};
      for (const prediction of result.predictions) labels[prediction.prediction_heuristics] = (labels[prediction.prediction_heuristics] ?? 0) + 1;
      const seconds = (performance.now() - started) / 1000;
      writeSummary(
        io,
        {
          series: result.predictions.length,
          labels,
          skipped: result.skipped.length,
          studyContext: result.studyContext,
          seconds: Number(seconds.toFixed(2)),
          output: flags.output,
        },
        `msc-predict: ${result.predictions.length} ${flags.reduce === 'series' ? 'series' : `${flags.reduce} rows`} → ${flags.output} (${
          Object.entries(labels)
            .map(([label, n]) => `${n} ${label}`)
            .join(', ') || 'none'
        }), ${seconds.toFixed(1)} s`,
      );
      return 0;
    } finally {
      // Also reports a failure of the early close above.
      await Promise.all(models.map((model) => model.close()));
    }
  },
});
