/**
 * Conditions compiled to predicates over one series row. Text is matched case-insensitively;
 * words are split on anything that is not a letter or digit (the original split on white space
 * only, so `t2_tse_tra` never had the word `t2`).
 */
import { isMissing, type Cell, type Row } from '@msc/core';
import { cellNumbers, planesOf, textPieces } from '@msc/features';
import { compilePattern, type Comparison, type Condition, type NumberCondition } from './rule-schema.js';

export type Predicate = (row: Row) => boolean;

/** The lower-cased words of a cell (the featurizer's pieces, so rules and model see the same words); empty for missing cells. */
function wordsOf(cell: Cell | undefined): Set<string> {
  if (isMissing(cell)) return new Set();
  return new Set(textPieces(String(cell).toLowerCase()));
}

/** The numbers in a cell (the featurizer's reading: values split on white space, `\\`, `;`). */
function numbersOf(cell: Cell | undefined): number[] {
  return cell === undefined || isMissing(cell) ? [] : cellNumbers(cell);
}

export function compile(condition: Condition): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map(compile);
    return (row) => parts.every((part) => part(row));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compile);
    return (row) => parts.some((part) => part(row));
  }
  if ('not' in condition) {
    const inner = compile(condition.not);
    return (row) => !inner(row);
  }
  if ('max' in condition || 'min' in condition || 'count' in condition) return compileNumbers(condition as NumberCondition);
  const { column } = condition as { column: string };
  if ('has_word' in condition && condition.has_word !== undefined) {
    const wanted = [condition.has_word].flat().map((word) => word.toLowerCase());
    return (row) => {
      const words = wordsOf(row[column]);
      return wanted.some((word) => words.has(word));
    };
  }
  if ('contains' in condition && condition.contains !== undefined) {
    const needle = condition.contains.toLowerCase();
    return (row) => !isMissing(row[column]) && String(row[column]).toLowerCase().includes(needle);
  }
  if ('plane' in condition && condition.plane !== undefined) {
    const wanted = new Set([condition.plane].flat());
    return (row) => planesOf(row[column]).some((plane) => wanted.has(plane));
  }
  if ('matches' in condition && condition.matches !== undefined) {
    const pattern = compilePattern(condition.matches);
    return (row) => !isMissing(row[column]) && pattern.test(String(row[column]));
  }
  const expectMissing = (condition as { is_missing: boolean }).is_missing;
  return (row) => isMissing(row[column]) === expectMissing;
}

function compileNumbers(condition: NumberCondition): Predicate {
  const columns = [condition.column].flat();
  const checks: ((values: number[]) => boolean)[] = [];
  if (condition.max) {
    const test = comparator(condition.max);
    checks.push((values) => values.length > 0 && test(Math.max(...values)));
  }
  if (condition.min) {
    const test = comparator(condition.min);
    checks.push((values) => values.length > 0 && test(Math.min(...values)));
  }
  if (condition.count) {
    const test = comparator(condition.count);
    checks.push((values) => test(values.length));
  }
  return (row) => {
    // The first listed column that holds any number supplies the values (b-value precedence).
    let values: number[] = [];
    for (const column of columns) {
      values = numbersOf(row[column]);
      if (values.length > 0) break;
    }
    return checks.every((check) => check(values));
  };
}

function comparator(comparison: Comparison): (value: number) => boolean {
  return (value) =>
    (comparison.gt === undefined || value > comparison.gt) &&
    (comparison.gte === undefined || value >= comparison.gte) &&
    (comparison.lt === undefined || value < comparison.lt) &&
    (comparison.lte === undefined || value <= comparison.lte) &&
    (comparison.eq === undefined || value === comparison.eq);
}
