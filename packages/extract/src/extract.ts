/**
 * The library entry: inputs → instance rows and skipped-file reports, in walk order. Headers are
 * read by worker threads (`workers`, default: the machine's cores) or, with `workers: 0`, by the
 * same code on this thread.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MscError, csvFormulaPolicy, type InstanceRow, type Row, type SeriesRow, type Shard } from '@msc/core';
import type { SkippedFile } from './checkpoint.js';
import { lineOf, type ExtractEvent, type LineBatch, type LineFormat } from './events.js';
import { LineBatchBuilder } from './line-batch.js';
import { decodeEvents, decodeLineBatch, packFiles, type PackedFiles, type RequestOptions, type WorkerReply } from './parallel/protocol.js';
import { WorkerPool } from './parallel/worker-pool.js';
import { walkFileBatches, walkFolders, type WalkOptions } from './walk.js';

export interface ExtractOptions extends WalkOptions {
  /** Worker threads reading headers; 0 reads on the calling thread. Default: available cores. */
  workers?: number;
  /** Also compute the image features of docs/behaviour.md §9 (reads each whole file). */
  image?: boolean;
  /** Files not to read at all (e.g. extracted by an earlier run). */
  skipPath?: (path: string) => boolean;
  /** Keep only the rows this returns true for (e.g. series not yet extracted). */
  keepRow?: (row: InstanceRow) => boolean;
  /**
   * Only the files of this shard's studies: every other file is read no further than its study
   * UID (in its first block) and gives no event, rows and skipped-file reasons alike; files whose
   * study UID that block does not give are read whole, as without a shard.
   */
  shard?: Shard;
  /** Told how many files were left out as another shard's (they count as looked at). */
  onOtherShardFiles?: (files: number) => void;
  /** Stops the run between batches (a service whose client went away, a time limit): rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Most files looked at; more is an E_BAD_DATA error naming the bound (a service's per-request limit). */
  maxFiles?: number;
  /**
   * Real folders every file read must lie in, checked on the opened file (a service's allowed
   * roots); others are skipped as 'outside the allowed roots'. On the calling thread only (`workers: 0`).
   */
  confine?: readonly string[];
}

export async function assertInputsExist(inputs: readonly string[]): Promise<void> {
  for (const input of inputs) {
    await stat(input).catch(() => {
      throw new MscError('E_INPUT_NOT_FOUND', `no such file or folder: ${input}`, { path: input, hint: 'check the path (give DICOM folders or files)' });
    });
  }
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The most worker threads a run starts: reading headers waits on storage, so a few threads per
 * core help (network file systems), but each thread costs ~10 MB and thousands exhaust memory.
 */
export function maxWorkers(): number {
  return availableParallelism() * 4;
}

/**
 * Files of header reading that repay one more reading thread. Each thread's isolate compiles the
 * header code again (≈ 0.1 s CPU on V8's helper threads) and reads its first ≈ 2,000 files
 * interpreted (≈ 0.1 s more): with threads on every core, that competes with the reading itself, so
 * a second thread shortens the run only when the half it takes over (at ≈ 20 µs a file) lasts
 * longer: from ≈ 10,000 files taken over, so a thread per whole 10,000 files. A quarter of a
 * 31,775-file tree (8,009 files) read by two threads cost 1.3× the CPU of one (bench/README, "a
 * balanced part's threads").
 */
const FILES_PER_THREAD = 10_000;

/**
 * Reading threads for a run of `workers`: a balanced shard part knows its file count from the
 * listing before it reads (`FolderShard.balanced`), and starts one thread per `FILES_PER_THREAD`
 * of them (at least one, at most `workers`). Whole files (`image`) cost far more a file: all asked.
 * Other runs do not know their size in advance: all asked, started as work needs them.
 */
export function readingThreads(workers: number, options: Pick<ExtractOptions, 'folderShard' | 'image'>): number {
  const balanced = options.folderShard?.balanced;
  if (workers === 0 || !balanced || options.image) return workers;
  const files = balanced.partFiles[options.folderShard!.shard.index - 1] ?? 0;
  return Math.max(1, Math.min(workers, Math.floor(files / FILES_PER_THREAD)));
}

/** Events in walk order, a batch at a time (what the table writers consume). */
export async function* extractBatches(inputs: readonly string[], options: ExtractOptions = {}): AsyncGenerator<ExtractEvent[]> {
  await assertInputsExist(inputs);
  // Confined reads check each opened file on the calling thread.
  const workers = options.confine ? 0 : Math.min(options.workers ?? defaultWorkers(), maxWorkers());
  const batches =
    workers > 0
      ? extractInWorkers(
          inputs,
          workers,
          options,
          (pool, files) => pool.run(files, requestOptions(options)),
          decodeEvents,
          (skipped): ExtractEvent[] => skipped,
        )
      : extractOnThisThread(inputs, options);
  const keep = options.keepRow;
  let files = 0;
  for await (const batch of batches) {
    options.signal?.throwIfAborted();
    files += batch.length;
    if (options.maxFiles !== undefined && files > options.maxFiles)
      throw new MscError('E_BAD_DATA', `more than ${options.maxFiles} files to read`, {
        hint: 'give a smaller folder (one study), or raise the bound (server.max_files_per_request)',
      });
    yield keep ? batch.filter((event) => event.kind === 'skipped' || keep(event.row)) : batch;
  }
}

/**
 * As `extractBatches`, with each row formatted as a delimited line by the thread that read it:
 * for writing instance tables, where the main thread would otherwise spend its time building,
 * formatting and collecting row objects. `keepRow` does not apply; `signal` stops it between batches.
 */
export async function* extractLineBatches(inputs: readonly string[], format: LineFormat, options: ExtractOptions = {}): AsyncGenerator<LineBatch> {
  for await (const batch of lineBatches(inputs, format, options)) {
    options.signal?.throwIfAborted();
    yield batch;
  }
}

async function* lineBatches(inputs: readonly string[], format: LineFormat, options: ExtractOptions): AsyncGenerator<LineBatch> {
  await assertInputsExist(inputs);
  const workers = Math.min(options.workers ?? defaultWorkers(), maxWorkers());
  if (workers > 0)
    return yield* extractInWorkers(
      inputs,
      workers,
      options,
      (pool, files) => pool.run(files, { ...requestOptions(options), lines: format, csvFormulas: csvFormulaPolicy() }),
      decodeLineBatch,
      (skipped) => {
        const batch = new LineBatchBuilder();
        for (const file of skipped) batch.skipped(file.path, file.reason);
        return batch.finish();
      },
    );
  for await (const events of extractOnThisThread(inputs, options)) {
    const batch = new LineBatchBuilder();
    for (const event of events) {
      if (event.kind === 'skipped') batch.skipped(event.path, event.reason);
      else batch.row(event.path, event.row.study_uid, event.row.series_uid, lineOf(event.row, format), event.imageNote, event.partial);
    }
    yield batch.finish();
  }
}

export interface ExtractRowsOptions extends Omit<ExtractOptions, 'keepRow'> {
  /** One row per series (default), per study, or per instance (no reduction). */
  level?: 'series' | 'study' | 'instance';
  /** Rewrites each instance row before it is kept and reduced (e.g. a column map). */
  mapRow?: (row: Row) => Row;
  /** Keeps only the (rewritten) rows this returns true for, e.g. one shard; `instances` still counts every row read. */
  keepRow?: (row: Row) => boolean;
}

export interface ExtractedRows<R extends Row = Row> {
  rows: R[];
  /** Files that gave no row, with the reason. */
  skipped: SkippedFile[];
  /** Files that gave a row but could not be read whole (the row has what was read), with the reason. */
  partial: SkippedFile[];
  /** Instance rows read (before `keepRow`). */
  instances: number;
  /** The columns of the instance rows (before `mapRow`); empty when no row was read. */
  instanceColumns: string[];
  /** Kept rows the reducer left out for a missing study or series UID. */
  blankKeyRows: number;
}

/**
 * Inputs → rows at the level asked for, in memory (bounded by series count, or by instance count
 * at `level: 'instance'`): for callers that predict directly (msc-predict on folders, msc-serve).
 */
export async function extractRows(inputs: readonly string[], options: ExtractRowsOptions = {}): Promise<ExtractedRows> {
  const { level = 'series', mapRow, keepRow, ...extractOptions } = options;
  // Loaded here: msc-extract's main thread, which writes instance rows, starts sooner without the reducer.
  const reducer = level === 'instance' ? undefined : new (await import('@msc/tables')).SeriesReducer({ level });
  const instanceRows: Row[] = [];
  const result: ExtractedRows = { rows: [], skipped: [], partial: [], instances: 0, instanceColumns: [], blankKeyRows: 0 };
  for await (const batch of extractBatches(inputs, extractOptions)) {
    for (const event of batch) {
      if (event.kind === 'skipped') {
        result.skipped.push({ path: event.path, reason: event.reason });
        continue;
      }
      if (result.instances === 0) result.instanceColumns = Object.keys(event.row);
      result.instances += 1;
      if (event.partial) result.partial.push({ path: event.path, reason: event.partial });
      // An instance row is a Row whose key columns are typed (an interface, so without an index signature).
      const instance = event.row as unknown as Row;
      const row = mapRow ? mapRow(instance) : instance;
      if (keepRow && !keepRow(row)) continue;
      if (reducer) reducer.add(row);
      else instanceRows.push(row);
    }
  }
  result.rows = reducer ? reducer.finish() : instanceRows;
  result.blankKeyRows = reducer?.blankKeyRows ?? 0;
  return result;
}

/** Inputs → one row per series, in memory (`extractRows` at the series level). */
export async function extractSeries(inputs: readonly string[], options: Omit<ExtractRowsOptions, 'level'> = {}): Promise<ExtractedRows<SeriesRow>> {
  return (await extractRows(inputs, { ...options, level: 'series' })) as ExtractedRows<SeriesRow>;
}

export async function* extractInstances(inputs: readonly string[], options: ExtractOptions = {}): AsyncGenerator<ExtractEvent> {
  for await (const batch of extractBatches(inputs, options)) yield* batch;
}

/** Walk options that also collect what the walk skipped (unreadable folders, broken links) as events, in walk order. */
function collectingWalkSkips(options: ExtractOptions): { walkOptions: ExtractOptions; take: () => WalkSkips } {
  let found: WalkSkips = [];
  return {
    walkOptions: {
      ...options,
      onSkipped: (path, reason) => {
        found.push({ kind: 'skipped', path, reason });
        options.onSkipped?.(path, reason);
      },
    },
    take: () => {
      const taken = found;
      found = [];
      return taken;
    },
  };
}

const requestOptions = (options: ExtractOptions): RequestOptions => ({ image: options.image === true, ...(options.shard ? { shard: options.shard } : {}) });

/** Files read on the calling thread between two turns of its event loop (`workers: 0`). */
const FILES_PER_TURN = 64;

/**
 * `workers: 0`: the worker threads' code on this thread (blocking reads into one reused buffer),
 * a few dozen files at a time, the event loop turning between them.
 */
async function* extractOnThisThread(inputs: readonly string[], options: ExtractOptions): AsyncGenerator<ExtractEvent[]> {
  // Loaded here: with worker threads, the reading code is theirs, and this thread starts sooner without it.
  const [{ extractFileSync, loadImageFeatures }, { createReadBuffer }] = await Promise.all([import('./extract-file.js'), import('./reader/read-file.js')]);
  if (options.image) await loadImageFeatures();
  const buffer = createReadBuffer();
  const readOptions = { ...requestOptions(options), ...(options.confine ? { confine: options.confine } : {}) };
  const { walkOptions, take } = collectingWalkSkips(options);
  let batch: ExtractEvent[] = [];
  let otherShard = 0;
  for await (const folder of walkFileBatches(inputs, walkOptions)) {
    batch.push(...take());
    for (const path of folder) {
      if (options.skipPath?.(path)) continue;
      const event = extractFileSync(path, buffer, readOptions);
      if (event) batch.push(event);
      else otherShard += 1;
      if (batch.length + otherShard >= FILES_PER_TURN) {
        if (otherShard > 0) options.onOtherShardFiles?.(otherShard);
        if (batch.length > 0) yield batch;
        [batch, otherShard] = [[], 0];
        await nextTurn();
      }
    }
  }
  batch.push(...take());
  if (otherShard > 0) options.onOtherShardFiles?.(otherShard);
  if (batch.length > 0) yield batch;
}

/** Paths per message: large enough to amortise messaging, small enough to balance two threads. */
const BATCH_FILES = 256;
/**
 * Batches each thread is kept supplied with (one read, the rest queued), and the most sent ahead of
 * the result the table waits for (the replies held stay under ~10 MB). Results are taken in walk
 * order, so waiting for the oldest alone lets a thread run dry while the system leaves another
 * waiting (under load); batches are sent whenever a thread is short of work instead.
 */
const BATCHES_QUEUED = 3;
const maxInFlight = (workers: number) => Math.max(64, 2 * workers);

/** Files the walk skipped (unreadable folders, broken links), as events. */
type WalkSkips = { kind: 'skipped'; path: string; reason: string }[];

async function* extractInWorkers<B>(
  inputs: readonly string[],
  workers: number,
  options: ExtractOptions,
  request: (pool: WorkerPool, files: PackedFiles) => Promise<WorkerReply>,
  decode: (reply: WorkerReply) => B,
  walkSkips: (skipped: WalkSkips) => B,
): AsyncGenerator<B> {
  workers = readingThreads(workers, options);
  const pool = new WorkerPool(workers);
  const { walkOptions, take } = collectingWalkSkips(options);
  const skipPath = options.skipPath;
  const most = maxInFlight(workers);
  try {
    // Batches go out as the walk finds files while a thread is short of work; results come back
    // in walk order, at most `most` batches ahead, so memory stays flat however large the archive.
    const inFlight: { done: boolean; result: Promise<B> }[] = [];
    const track = (result: Promise<B>) => {
      const entry = { done: false, result };
      const settle = () => {
        entry.done = true;
      };
      result.then(settle, settle);
      inFlight.push(entry);
    };
    let batch: PackedFiles = [];
    let batchFiles = 0;
    const send = () => {
      track(
        request(pool, batch).then((reply) => {
          if (reply.otherShard > 0) options.onOtherShardFiles?.(reply.otherShard);
          return decode(reply);
        }),
      );
      batch = [];
      batchFiles = 0;
    };
    for await (const folder of walkFolders(inputs, walkOptions)) {
      const skipped = take();
      if (skipped.length > 0) {
        if (batchFiles > 0) send();
        track(Promise.resolve(walkSkips(skipped)));
      }
      const prefix = folder.prefix;
      const names = skipPath ? folder.names.filter((name) => !skipPath(prefix + name)) : folder.names;
      for (let from = 0; from < names.length;) {
        const to = Math.min(names.length, from + BATCH_FILES - batchFiles);
        batch.push(packFiles(prefix, from === 0 && to === names.length ? names : names.slice(from, to)));
        batchFiles += to - from;
        from = to;
        if (batchFiles >= BATCH_FILES) send();
      }
      // Until every thread has started, each folder's files go at once: a thread takes ~0.1 s to start.
      if (batchFiles > 0 && pool.started < workers) send();
      // Hand on finished results; walk on once a thread is short of work (and the bound allows).
      while (inFlight.length > 0 && (inFlight[0]!.done || inFlight.length >= most || !pool.shortOfWork(BATCHES_QUEUED))) {
        if (inFlight[0]!.done) yield await inFlight.shift()!.result;
        else await Promise.race([inFlight[0]!.result, pool.nextReply()]);
      }
    }
    if (batchFiles > 0) send();
    const skipped = take();
    if (skipped.length > 0) track(Promise.resolve(walkSkips(skipped)));
    while (inFlight.length > 0) yield await inFlight.shift()!.result;
  } finally {
    await pool.close();
  }
}
