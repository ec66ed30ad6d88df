export * from './params.js';
export { fitBinMapper, valueToBin, type BinMapper } from './dataset/bin-mapper.js';
export { buildBinnedDataset, type BinnedDataset } from './dataset/binned-dataset.js';
export { trainBooster, type LabelledMatrix, type RoundInfo, type TrainOptions, type TrainResult } from './boosting/gbdt.js';
export * from './model/tree.js';
export * from './model/booster.js';
export { exportOnnx, readOnnxMetadata, ONNX_INPUT, ONNX_OUTPUTS, type OnnxExportOptions } from './export/onnx/export.js';
export * from './metrics/classification.js';
export * from './validation/folds.js';
export * from './validation/cross-validate.js';
export { classIndexOf, trainModel, type FeatureImportance, type TrainModelOptions, type TrainedModel } from './train.js';
export { gainImportance } from './explain/gain-importance.js';
export { checkTagDropout, tagDropoutRows, type AugmentedRows, type TagDropout } from './augment/tag-dropout.js';
export * from './metrics/long-table.js';
export * from './validation/random-search.js';
export * from './validation/test-set.js';
export * from './validation/subset.js';
export { formatSummary, runTrain, type TrainIo, type TrainRunOptions, type TrainSummary } from './train-from-table.js';
export { readLabelledTable, type LabelledTable } from './labelled-table.js';
export { splitByStudy } from './validation/split.js';
export { fileTrainIo, columnsOf } from './file-io.js';
export {
  ORIGINAL_EXCLUSIONS,
  ORIGINAL_FRACTIONS,
  exclusionColumns,
  exclusionName,
  planGrid,
  studiesKept,
  type GridJob,
  type GridPlanOptions,
  type GridTrainSettings,
  type Grouping,
} from './grid/plan.js';
export { runGrid, type GridEvent, type GridJobResult, type GridOptions, type GridRun, type GridSummary } from './grid/run.js';
export { collectGridTables, IMPORTANCE_COLUMNS, type GridTables } from './grid/collect.js';
export { vendorOf, vendorOfStudies } from './grid/vendor.js';
export { trainAllMain, formatGridSummary } from './cli/all.js';
