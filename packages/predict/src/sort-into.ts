/**
 * `msc-predict --sort-into DIR`: each predicted series' files placed under
 * `DIR/<patient>/<study>/<label>/<series_number>_<description>/`, so an archive can be browsed by
 * label. Files are hard links where DIR shares the source's file system (no extra space), else
 * copies (`copy: true` always copies). Nothing is ever overwritten:
 * - two files of one run that would take one name (same file name in two source folders) get
 *   `~2`, `~3`… before the extension, in source order;
 * - a destination that already exists is left alone when it is the very file (a rerun: same inode,
 *   or for copies the same bytes) and is an E_OUTPUT error otherwise — checked for every file
 *   before the first one is placed, so a refused run places nothing.
 * `DIR/msc-sort-manifest.csv` (source, destination, series_uid, label) is written atomically last.
 */
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { MscError, checkOutputPath, isMissing, type Cell, type Row } from '@msc/core';
import { extractBatches } from '@msc/extract';
import { isTablePath, readTableAll, writeTable } from '@msc/tables';
import type { Prediction } from './predict.js';

export const SORT_MANIFEST = 'msc-sort-manifest.csv';
export const SORT_MANIFEST_COLUMNS = ['source', 'destination', 'series_uid', 'label'] as const;

/** One DICOM file and the keys that place it. */
export interface SortSource {
  path: string;
  patientId: string;
  studyUid: string;
  seriesUid: string;
  /** `series_number` when the input has that column, else missing. */
  seriesNumber: string;
  description: string;
}

export interface SortEntry {
  source: string;
  destination: string;
  series_uid: string;
  label: string;
}

export interface SortResult {
  /** Files hard-linked, copied, or found already in place (a rerun). */
  linked: number;
  copied: number;
  present: number;
  manifest: string;
}

const cellText = (cell: Cell | undefined): string => (isMissing(cell) ? '-' : String(cell).trim());

function sourceOf(row: Row, path: string): SortSource {
  return {
    path: resolve(path),
    patientId: cellText(row['patient_id']),
    studyUid: cellText(row['study_uid']),
    seriesUid: cellText(row['series_uid']),
    seriesNumber: cellText(row['series_number']),
    description: cellText(row['series_description']),
  };
}

/**
 * The files of the inputs with their keys: DICOM folders (and files) are walked and their headers
 * read again (cheap beside prediction); tables must be per instance, with `file_path`.
 */
export async function collectSortSources(inputs: readonly string[], options: { dicomRecursion?: number } = {}): Promise<SortSource[]> {
  const sources: SortSource[] = [];
  for (const input of inputs) {
    if (isTablePath(input)) {
      const table = await readTableAll(input, { columns: ['file_path', 'patient_id', 'study_uid', 'series_uid', 'series_number', 'series_description'] });
      if (!table.columns.includes('file_path')) {
        throw new MscError('E_MISSING_COLUMNS', `--sort-into needs the files of each series, and ${input} has no file_path column`, {
          path: input,
          hint: 'give the DICOM folders, or a per-instance table from msc-extract (without --per-series)',
        });
      }
      // A relative file_path is relative to where msc-extract ran; resolve() keeps that reading.
      for (const row of table.rows) if (!isMissing(row['file_path'])) sources.push(sourceOf(row, String(row['file_path'])));
      continue;
    }
    for await (const batch of extractBatches([input], options.dicomRecursion !== undefined ? { maxDepth: options.dicomRecursion } : {})) {
      for (const event of batch) if (event.kind === 'row') sources.push(sourceOf(event.row as unknown as Row, event.path));
    }
  }
  return sources;
}

/**
 * One path segment from a DICOM value: path separators, control and reserved characters become `_`,
 * leading dots and trailing dots and spaces go (no `..`, no hidden folders, no names Windows
 * refuses), at most 80 characters; nothing left reads `-`.
 */
export function pathSegment(value: string): string {
  const cleaned = value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '')
    .slice(0, 80)
    .trim();
  return cleaned === '' ? '-' : cleaned;
}

const seriesKey = (patientId: string, studyUid: string, seriesUid: string) => `${patientId}\u0000${studyUid}\u0000${seriesUid}`;

/**
 * Where each source goes, by its series' final label (prediction_heuristics). Sources of series
 * with no prediction (another shard's, a row left out) are not placed. Deterministic: sources are
 * taken in path order, and names taken twice in one folder get `~2`, `~3`… in that order.
 */
export function planSort(sources: readonly SortSource[], predictions: readonly Prediction[], dir: string): SortEntry[] {
  const labels = new Map<string, string>();
  const seriesLabels = new Map<string, string>();
  for (const p of predictions) {
    labels.set(seriesKey(p.patient_id, p.study_uid, p.series_uid), p.prediction_heuristics);
    seriesLabels.set(`${p.study_uid}\u0000${p.series_uid}`, p.prediction_heuristics);
  }
  const root = resolve(dir);
  const taken = new Set<string>();
  const entries: SortEntry[] = [];
  const seen = new Set<string>();
  for (const source of [...sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (seen.has(source.path)) continue; // the same file given twice (overlapping inputs)
    seen.add(source.path);
    // Predictions of tables without patient_id carry '-' (or ''), so fall back to study + series.
    const label = labels.get(seriesKey(source.patientId, source.studyUid, source.seriesUid)) ?? seriesLabels.get(`${source.studyUid}\u0000${source.seriesUid}`);
    if (label === undefined) continue;
    const folder = join(
      root,
      pathSegment(source.patientId),
      pathSegment(source.studyUid),
      pathSegment(label),
      pathSegment(`${pathSegment(source.seriesNumber)}_${pathSegment(source.description)}`),
    );
    const name = pathSegment(basename(source.path));
    const extension = extname(name);
    let destination = join(folder, name);
    for (let n = 2; taken.has(destination); n++) destination = join(folder, `${name.slice(0, name.length - extension.length)}~${n}${extension}`);
    taken.add(destination);
    entries.push({ source: source.path, destination, series_uid: source.seriesUid, label });
  }
  return entries;
}

async function sameFile(source: string, destination: string): Promise<boolean> {
  const [a, b] = await Promise.all([stat(source), stat(destination)]);
  if (a.dev === b.dev && a.ino === b.ino) return true;
  if (a.size !== b.size) return false;
  return (await readFile(source)).equals(await readFile(destination));
}

/** A refusal to place files into `dir` (inside an input: the next run would read the copies). */
export function assertSortTarget(dir: string, inputs: readonly string[]): void {
  const target = resolve(dir);
  for (const input of inputs) {
    const from = resolve(input);
    const inside = relative(from, target);
    if (inside === '' || (!inside.startsWith('..') && !inside.startsWith(sep) && !isTablePath(input))) {
      throw new MscError('E_USAGE', `--sort-into ${dir} lies inside the input ${input}`, {
        hint: 'sort into a folder outside the inputs: a later run would read the sorted files again',
      });
    }
  }
}

/**
 * Places every entry (hard link, else copy; `copy` forces copies), never over an existing file,
 * then writes the manifest. A copy is written beside its destination under a hidden name and
 * linked into place, so a destination is either absent or whole.
 */
export async function sortInto(entries: readonly SortEntry[], dir: string, options: { copy?: boolean } = {}): Promise<SortResult> {
  const present = new Set<string>();
  const conflicts: string[] = [];
  for (const entry of entries) {
    const existing = await lstat(entry.destination).catch(() => undefined);
    if (!existing) continue;
    if (existing.isFile() && (await sameFile(entry.source, entry.destination))) present.add(entry.destination);
    else conflicts.push(entry.destination);
  }
  if (conflicts.length > 0) {
    throw new MscError('E_OUTPUT', `--sort-into would overwrite ${conflicts.length} file(s) that are not the files sorted, e.g. ${conflicts[0]}`, {
      path: conflicts[0]!,
      hint: 'sort into an empty folder, or move those files away; nothing was placed',
    });
  }
  let linked = 0;
  let copied = 0;
  let copyOnly = options.copy === true;
  for (const entry of entries) {
    if (present.has(entry.destination)) continue;
    await mkdir(dirname(entry.destination), { recursive: true });
    if (!copyOnly) {
      try {
        await link(entry.source, entry.destination);
        linked += 1;
        continue;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Another file system (EXDEV), or one without hard links: copy this one and the rest.
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw outputError(error, entry);
        copyOnly = code !== 'EMLINK';
      }
    }
    const temporary = join(dirname(entry.destination), `.${basename(entry.destination)}.${process.pid}.tmp`);
    try {
      await copyFile(entry.source, temporary, constants.COPYFILE_EXCL);
      await link(temporary, entry.destination); // fails rather than replace a file that appeared meanwhile
      copied += 1;
    } catch (error) {
      throw outputError(error, entry);
    } finally {
      await rm(temporary, { force: true });
    }
  }
  const manifest = join(dir, SORT_MANIFEST);
  await writeTable(manifest, [...SORT_MANIFEST_COLUMNS], entries as unknown as Row[]);
  return { linked, copied, present: present.size, manifest };
}

function outputError(error: unknown, entry: SortEntry): MscError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new MscError('E_OUTPUT', `--sort-into cannot place ${entry.source} at ${entry.destination} (${code})`, {
    path: entry.destination,
    hint: code === 'EEXIST' ? 'another process wrote there meanwhile; rerun into an empty folder' : 'check the folder is writable and has room',
  });
}

/** Checked before any work: a place the manifest can be written, outside the inputs. */
export function checkSortTarget(dir: string, inputs: readonly string[]): void {
  assertSortTarget(dir, inputs);
  checkOutputPath(join(dir, SORT_MANIFEST));
}

/** The whole of `--sort-into`: the inputs' files, placed by their series' labels, and the manifest. */
export async function sortPredictions(
  inputs: readonly string[],
  predictions: readonly Prediction[],
  dir: string,
  options: { copy?: boolean; dicomRecursion?: number } = {},
): Promise<SortResult & { files: number }> {
  const entries = planSort(await collectSortSources(inputs, options), predictions, dir);
  return { ...(await sortInto(entries, dir, options)), files: entries.length };
}
