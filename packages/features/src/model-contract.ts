/**
 * What an MSC model file is, as far as train and predict must agree: the ONNX graph's input and
 * output names and the metadata_props keys. train writes it, predict reads it; neither imports the
 * other.
 */
export const MODEL_INPUT = 'input';

export const MODEL_OUTPUTS = {
  /** Classification: the class name (string tensor [N]). */
  label: 'label',
  /** Classification: class probabilities averaged over fold models (float [N, classes]). */
  probabilities: 'probabilities',
  /** Regression: the mean prediction over fold models (float [N, 1]). */
  prediction: 'prediction',
} as const;

export const MODEL_METADATA = {
  task: 'msc.task',
  nFeatures: 'msc.n_features',
  nFolds: 'msc.n_folds',
  /** JSON array of class names, in probability column order. */
  classNames: 'msc.class_names',
  /** JSON FeatureSpec (core/features/spec.ts). */
  featureSpec: 'msc.feature_spec',
  trainingArgs: 'msc.training_args',
  dataSummary: 'msc.data_summary',
  metrics: 'msc.metrics',
  /**
   * JSON recipe of the training data when it was a synthetic cohort (train's cohort/recipe.ts):
   * generator version, seed, studies, vendors, the table's hash and the training options, so
   * `msc-train --base` can regenerate it and train a site model on top.
   */
  trainingCohort: 'msc.training_cohort',
} as const;
