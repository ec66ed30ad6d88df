/**
 * FeatureSpec: the fitted featurizer state. It travels inside the model file (JSON in the ONNX
 * metadata), so prediction rebuilds exactly the training columns without the trainer.
 */
import { MscError } from '@msc/core';
import { derivedDefinition } from './derived.js';
import type { MultiStat } from './numeric.js';

/** Version 2 adds `derived` features; version 1 specs (no derived features) still load. */
export const FEATURE_SPEC_VERSION = 2;
const SUPPORTED_VERSIONS: readonly number[] = [1, 2];

/** One output column of the feature matrix. */
export type FeatureRef =
  | { kind: 'term'; column: string; term: string }
  | { kind: 'multi'; column: string; stat: MultiStat }
  | { kind: 'numeric'; column: string }
  /** A number computed from one column's cell (derived.ts), e.g. the plane of image_orientation_patient. */
  | { kind: 'derived'; column: string; name: string };

export interface FeatureSpec {
  version: 1 | 2;
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
    if (ref.kind === 'derived' && !derivedDefinition(ref.column)?.names.includes(ref.name)) {
      throw new MscError('E_MODEL', `the model uses a derived feature this version does not know: ${featureName(ref)}`, {
        hint: 'predict with the version of MSC the model was trained with, or retrain it',
      });
    }
  }
  return spec as FeatureSpec;
}
