/**
 * The rule-set format: what a YAML file may say, checked into typed, compiled rules. Every problem
 * is reported with its place in the file (`rules[1].when.all[0]`, line and column when known).
 */
import { createRequire } from 'node:module';
import { MscError, parseClassLabel, type ClassLabel, errorMessage } from '@msc/core';
import { PLANES, type Plane } from '@msc/features';
import type { Locate } from './yaml-source.js';

/**
 * A rule's `matches` pattern, case-insensitive, on RE2 (re2js, pure JavaScript): matching time is
 * linear in the text, so a pattern such as `^(a+)+$` cannot take minutes on a crafted description
 * as JavaScript's backtracking engine does. The price: no look-around and no back-references.
 */
export function compilePattern(pattern: string): { test(text: string): boolean } {
  const { RE2JS } = re2();
  return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
}

let re2js: typeof import('re2js') | undefined;
/** re2js loads when a rule set is compiled: msc-predict without --heuristics never needs it (its import was ≈ 12-19 ms of start-up). */
const re2 = (): typeof import('re2js') => (re2js ??= createRequire(import.meta.url)('re2js') as typeof import('re2js'));

export interface Comparison {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | TextCondition | NumberCondition;

export interface TextCondition {
  column: string;
  /** The cell has one of these words (split on non-alphanumerics, case-insensitive). */
  has_word?: string | string[];
  /** The cell contains this text anywhere (case-insensitive). */
  contains?: string;
  /** The cell matches this regular expression (case-insensitive, RE2 syntax: linear time, no look-around or back-references). */
  matches?: string;
  /** The cell is missing (`-`, empty) — or present, with `false`. */
  is_missing?: boolean;
  /**
   * Geometry, for image_orientation_patient: one of the series' orientations lies in one of these
   * planes (the largest component of the slice normal). Words name planes in one language; the
   * cosines do in all.
   */
  plane?: Plane | Plane[];
}

export interface NumberCondition {
  /** A column, or a list of which the first holding any number is used. */
  column: string | string[];
  max?: Comparison;
  min?: Comparison;
  count?: Comparison;
}

export interface Rule {
  id: string;
  label: ClassLabel;
  description?: string;
  when: Condition;
}

export interface RuleSet {
  name: string;
  description?: string;
  rules: Rule[];
}

const TEXT_OPERATORS = ['has_word', 'contains', 'matches', 'is_missing', 'plane'] as const;
const NUMBER_OPERATORS = ['max', 'min', 'count'] as const;
const COMPARATORS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;

class Checker {
  constructor(
    private readonly source: string,
    private readonly locate: Locate,
  ) {}

  fail(path: readonly (string | number)[], message: string): never {
    const where = formatPath(path);
    throw new MscError('E_CONFIG', `${this.source}: ${where ? `${where}: ` : ''}${message}${this.locate(path)}`, {
      hint: 'see packages/heuristics/README.md for the rule-set format',
    });
  }

  object(value: unknown, path: (string | number)[], allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'expected a mapping');
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) this.fail([...path, key], `unknown key '${key}' (expected one of ${allowed.join(', ')})`);
    }
    return record;
  }

  string(value: unknown, path: (string | number)[]): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, 'expected non-empty text');
    return value;
  }

  stringOrList(value: unknown, path: (string | number)[]): string | string[] {
    if (Array.isArray(value)) {
      if (value.length === 0) this.fail(path, 'expected at least one value');
      return value.map((item, i) => this.string(item, [...path, i]));
    }
    return this.string(value, path);
  }

  ruleSet(value: unknown): RuleSet {
    const record = this.object(value, [], ['name', 'description', 'rules']);
    const name = this.string(record.name, ['name']);
    if (!Array.isArray(record.rules) || record.rules.length === 0) this.fail(['rules'], 'expected a list of at least one rule');
    const rules = record.rules.map((rule, i) => this.rule(rule, ['rules', i]));
    const ids = new Set<string>();
    rules.forEach((rule, i) => {
      if (ids.has(rule.id)) this.fail(['rules', i, 'id'], `duplicate rule id '${rule.id}'`);
      ids.add(rule.id);
    });
    const result: RuleSet = { name, rules };
    if (record.description !== undefined) result.description = this.string(record.description, ['description']);
    return result;
  }

  rule(value: unknown, path: (string | number)[]): Rule {
    const record = this.object(value, path, ['id', 'label', 'description', 'when']);
    const id = this.string(record.id, [...path, 'id']);
    const labelText = this.string(record.label, [...path, 'label']);
    const label = parseClassLabel(labelText);
    if (!label) this.fail([...path, 'label'], `unknown class '${labelText}' (expected ADC, DCE, DWI, Others or T2W)`);
    if (record.when === undefined) this.fail([...path, 'when'], "missing 'when'");
    const rule: Rule = { id, label, when: this.condition(record.when, [...path, 'when']) };
    if (record.description !== undefined) rule.description = this.string(record.description, [...path, 'description']);
    return rule;
  }

  condition(value: unknown, path: (string | number)[]): Condition {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'expected a condition mapping');
    const record = value as Record<string, unknown>;
    if ('all' in record || 'any' in record) {
      const key = 'all' in record ? 'all' : 'any';
      this.object(record, path, [key]);
      const items = record[key];
      if (!Array.isArray(items) || items.length === 0) this.fail([...path, key], 'expected a list of at least one condition');
      const conditions = items.map((item, i) => this.condition(item, [...path, key, i]));
      return key === 'all' ? { all: conditions } : { any: conditions };
    }
    if ('not' in record) {
      this.object(record, path, ['not']);
      return { not: this.condition(record.not, [...path, 'not']) };
    }
    if (!('column' in record)) this.fail(path, "expected 'all', 'any', 'not' or a 'column' condition");
    const operators = [...TEXT_OPERATORS, ...NUMBER_OPERATORS].filter((op) => op in record);
    if (operators.length !== 1) {
      this.fail(path, `a column condition needs exactly one of ${[...TEXT_OPERATORS, ...NUMBER_OPERATORS].join(', ')}`);
    }
    const operator = operators[0]!;
    if ((NUMBER_OPERATORS as readonly string[]).includes(operator)) {
      this.object(record, path, ['column', operator]);
      const column = this.stringOrList(record.column, [...path, 'column']);
      return { column, [operator]: this.comparison(record[operator], [...path, operator]) } as NumberCondition;
    }
    this.object(record, path, ['column', operator]);
    const column = this.string(record.column, [...path, 'column']);
    const operand = record[operator];
    switch (operator) {
      case 'has_word':
        return { column, has_word: this.stringOrList(operand, [...path, operator]) };
      case 'contains':
        return { column, contains: this.string(operand, [...path, operator]) };
      case 'matches': {
        const pattern = this.string(operand, [...path, operator]);
        try {
          compilePattern(pattern);
        } catch (error) {
          this.fail([...path, operator], `invalid regular expression (RE2 syntax: no look-around or back-references): ${errorMessage(error)}`);
        }
        return { column, matches: pattern };
      }
      case 'plane': {
        const planes = [this.stringOrList(operand, [...path, operator])].flat();
        for (const plane of planes)
          if (!(PLANES as readonly string[]).includes(plane)) this.fail([...path, operator], `unknown plane '${plane}' (expected ${PLANES.join(', ')})`);
        return { column, plane: planes as Plane[] };
      }
      default:
        if (typeof operand !== 'boolean') this.fail([...path, operator], 'expected true or false');
        return { column, is_missing: operand };
    }
  }

  comparison(value: unknown, path: (string | number)[]): Comparison {
    const record = this.object(value, path, COMPARATORS);
    if (Object.keys(record).length === 0) this.fail(path, `expected at least one of ${COMPARATORS.join(', ')}`);
    const result: Comparison = {};
    for (const key of COMPARATORS) {
      if (!(key in record)) continue;
      const number = record[key];
      if (typeof number !== 'number' || !Number.isFinite(number)) this.fail([...path, key], 'expected a number');
      result[key] = number;
    }
    return result;
  }
}

/** Checks a parsed YAML/JSON value against the format; throws `E_CONFIG` naming the place. */
export function validateRuleSet(value: unknown, source: string, locate: Locate = () => ''): RuleSet {
  return new Checker(source, locate).ruleSet(value);
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
