// Shared by the pipeline scripts: a synthetic cohort → one labelled series table (extract's
// per-series rows joined with the generator's labels on series_uid). The code is train's, so the
// tables the pipelines train on are those msc-train --base regenerates from a model's recipe.
export { labelledSeriesTable } from '@msc/train/cohort';
