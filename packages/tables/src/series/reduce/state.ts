/**
 * A reducer's state as plain, structured-cloneable data, so that threads can each reduce a part
 * of a table and one reducer merge them (`toState` there, `absorb` here), and the merge of rows
 * that the parts finished themselves (`mergeById`).
 */
import type { Row, SeriesRow } from '@msc/core';
import type { SeriesReducer } from './reducer.js';
import { addUnique } from './rules.js';

export interface ReducerState {
  columnOrder: string[];
  groups: {
    id: string;
    key: Row;
    rows: number;
    single?: Row;
    uniques: [string, string[]][];
    /** Column, running sum, count and, with `exactMerge`, the values in row order. */
    means: [string, number, number, number[]?][];
    fileCounts: number[];
    extraFrames?: number;
  }[];
}

/**
 * The reducer's state as plain data (for other threads), to be `absorb`ed by another reducer;
 * only the series `keep` accepts, when given (the column order is always whole).
 */
export function toState(reducer: SeriesReducer, keep?: (id: string) => boolean): ReducerState {
  const groups = [...reducer.groups].filter(([id]) => !keep || keep(id));
  return {
    columnOrder: [...reducer.columnOrder.keys()],
    groups: groups.map(([id, group]) => {
      const single = reducer.singleRow(group);
      return {
        id,
        key: group.key,
        rows: group.rows,
        ...(single ? { single } : {}),
        uniques: [...group.uniques].map(([column, values]) => [column, typeof values === 'string' ? [values] : [...values]] as [string, string[]]),
        means: [...group.means].map(([column, mean]): [string, number, number, number[]?] =>
          mean.values ? [column, mean.sum, mean.count, mean.values] : [column, mean.sum, mean.count],
        ),
        fileCounts: group.fileCounts,
        ...(group.extraFrames > 0 ? { extraFrames: group.extraFrames } : {}),
      };
    }),
  };
}

/**
 * Adds another reducer's state to `reducer`: the result is as if its rows had been added there,
 * after the reducer's own. Means are exact (as one pass) when the reducer had no values yet for
 * the series' column or the state was made with `exactMerge`.
 */
export function absorb(reducer: SeriesReducer, state: ReducerState): void {
  const { columnOrder } = reducer;
  for (const column of state.columnOrder) if (!columnOrder.has(column)) columnOrder.set(column, columnOrder.size);
  for (const incoming of state.groups) {
    const known = reducer.groups.has(incoming.id);
    const group = reducer.groupOf(incoming.id, incoming.key);
    if (!known && incoming.single && incoming.rows === 1) {
      group.single = incoming.single;
      group.rows = 1;
      continue;
    }
    reducer.materialize(group);
    group.rows += incoming.rows;
    if (incoming.single) reducer.accumulate(group, incoming.single);
    for (const [column, values] of incoming.uniques) for (const value of values) addUnique(group.uniques, column, value);
    for (const [column, sum, count, values] of incoming.means) {
      let mean = group.means.get(column);
      if (!mean) group.means.set(column, (mean = reducer.options.exactMerge ? { sum: 0, count: 0, values: [] } : { sum: 0, count: 0 }));
      // Nothing summed here yet: one pass would have reached exactly the incoming running sum.
      if (mean.count === 0) mean.sum = sum;
      else if (values) for (const value of values) mean.sum += value;
      else mean.sum += sum;
      mean.count += count;
      if (mean.values && values) for (const value of values) mean.values.push(value);
    }
    for (const count of incoming.fileCounts) group.fileCounts.push(count);
    group.extraFrames += incoming.extraFrames ?? 0;
  }
}

/** Rows of disjoint lists, each sorted by id, in one list sorted by id (the order `finish` gives). */
export function mergeById(parts: readonly { ids: string[]; rows: SeriesRow[] }[]): SeriesRow[] {
  const total = parts.reduce((sum, part) => sum + part.rows.length, 0);
  const rows: SeriesRow[] = new Array(total);
  const next = parts.map(() => 0);
  for (let out = 0; out < total; out++) {
    let best = -1;
    for (let p = 0; p < parts.length; p++) {
      if (next[p]! >= parts[p]!.ids.length) continue;
      if (best === -1 || parts[p]!.ids[next[p]!]! < parts[best]!.ids[next[best]!]!) best = p;
    }
    rows[out] = parts[best]!.rows[next[best]!++]!;
  }
  return rows;
}
