/**
 * FeatureSpec: the fitted featurizer state. It travels inside the model file (JSON in the ONNX
 * metadata), so prediction rebuilds exactly the training columns without the trainer.
 */
import { MscError } from '@msc/core';
import { derivedDefinition } from './derived.js';
import { evidenceDefinition } from './evidence.js';
import type { MultiStat } from './numeric.js';

/**
 * Version 2 adds `derived` features; version 3 adds derived features that read several columns
 * (evidence.ts, `inputs`) and unit normalisation of timing columns (units.ts). Version 1 and 2
 * specs still load and featurize exactly as before (no unit rule).
 */
export const FEATURE_SPEC_VERSION = 3;
const SUPPORTED_VERSIONS: readonly number[] = [1, 2, 3];

/** One output column of the feature matrix. */
export type FeatureRef =
  | { kind: 'term'; column: string; term: string }
  | { kind: 'multi'; column: string; stat: MultiStat }
  | { kind: 'numeric'; column: string }
  /**
   * A number computed from one column's cell (derived.ts), e.g. the plane of image_orientation_patient;
   * with `inputs` (version 3), from several columns' cells: `column` then names the evidence
   * definition (evidence.ts) and `inputs` the columns it read in training.
   */
  | { kind: 'derived'; column: string; name: string; inputs?: string[] };

export interface FeatureSpec {
  version: 1 | 2 | 3;
  /** Longest word n-gram. */
  maxNgram: number;
  /** Columns the featurizer read (after include/exclude). */
  columns: string[];
  /** Output columns in matrix order. */
  features: FeatureRef[];
}

export function featureName(ref: FeatureRef): string {
  switch (ref.kind) {
    case 'term':
      return `${ref.column}=${ref.term}`;
    case 'multi':
      return `${ref.column}_${ref.stat}`;
    case 'numeric':
      return ref.column;
    case 'derived':
      return `${ref.column}:${ref.name}`;
  }
}

export function featureNames(spec: FeatureSpec): string[] {
  return spec.features.map(featureName);
}

/** The table columns one feature reads. */
export function featureColumns(ref: FeatureRef): readonly string[] {
  return ref.kind === 'derived' && ref.inputs ? ref.inputs : [ref.column];
}

/** The table columns a spec reads (what prediction must load), in first-use order. */
export function specColumns(spec: FeatureSpec): string[] {
  return [...new Set(spec.features.flatMap(featureColumns))];
}

/**
 * The columns a spec's own features are made from, evidence inputs left out: evidence reads
 * whatever tags a table has and takes an absent one as missing (that is its point), so only
 * these can be required of an input.
 */
export function requiredColumns(spec: FeatureSpec): string[] {
  return [...new Set(spec.features.filter((ref) => !(ref.kind === 'derived' && ref.inputs)).map((ref) => ref.column))];
}

export function serializeFeatureSpec(spec: FeatureSpec): string {
  return JSON.stringify(spec);
}

/** Parses and checks a spec read from a model file. */
export function parseFeatureSpec(json: string): FeatureSpec {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new MscError('E_MODEL', 'the model holds a feature spec that is not valid JSON', { cause });
  }
  const spec = value as Partial<FeatureSpec> | null;
  if (
    !spec ||
    !SUPPORTED_VERSIONS.includes(spec.version as number) ||
    !Array.isArray(spec.features) ||
    !Array.isArray(spec.columns) ||
    typeof spec.maxNgram !== 'number'
  ) {
    throw new MscError('E_MODEL', `unsupported feature spec (expected version ${SUPPORTED_VERSIONS.join(' or ')})`, {
      hint: 'retrain the model with this version of msc-train',
    });
  }
  for (const ref of spec.features as FeatureRef[]) {
    const known = ref.kind !== 'derived' || (ref.inputs ? evidenceDefinition(ref.column) : derivedDefinition(ref.column))?.names.includes(ref.name);
    if (!known || (ref.kind === 'derived' && ref.inputs && !ref.inputs.every((input) => typeof input === 'string'))) {
      throw new MscError('E_MODEL', `the model uses a derived feature this version does not know: ${featureName(ref)}`, {
        hint: 'predict with the version of MSC the model was trained with, or retrain it',
      });
    }
  }
  return spec as FeatureSpec;
}
