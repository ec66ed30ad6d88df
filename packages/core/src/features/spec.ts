/**
 * FeatureSpec: the fitted featurizer state. It travels inside the model file (JSON in the ONNX
 * metadata), so prediction rebuilds exactly the training columns without the trainer.
 */
import { MscError } from '../errors.js';
import type { MultiStat } from './numeric.js';

export const FEATURE_SPEC_VERSION = 1;

/** One output column of the feature matrix. */
export type FeatureRef =
  | { kind: 'term'; column: string; term: string }
  | { kind: 'multi'; column: string; stat: MultiStat }
  | { kind: 'numeric'; column: string };

export interface FeatureSpec {
  version: typeof FEATURE_SPEC_VERSION;
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
  if (!spec || spec.version !== FEATURE_SPEC_VERSION || !Array.isArray(spec.features) || !Array.isArray(spec.columns) || typeof spec.maxNgram !== 'number') {
    throw new MscError('E_MODEL', `unsupported feature spec (expected version ${FEATURE_SPEC_VERSION})`, {
      hint: 'retrain the model with this version of msc-train',
    });
  }
  return spec as FeatureSpec;
}
