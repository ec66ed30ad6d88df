/**
 * One generation of the service: the configuration, its models loaded (ONNX Runtime sessions on
 * their scoring threads) and rule sets compiled. A SIGHUP builds a new generation and retires the
 * old one once the requests that hold it are done.
 */
import { MscError, isMscError, normalizeForReduction, parseClassLabel, type Row, type SeriesRow } from '@msc/core';
import { compileRuleSet, loadRuleSet, type CompiledRuleSet } from '@msc/heuristics';
import { addStudyContext, openModel, predictSeries, predictionRows, type ModelBundle } from '@msc/predict';
import type { FilterConfig, ModelConfig, ServeConfig } from './config.js';
import { keepForReview } from './review-tables.js';

export interface LoadedModel {
  readonly config: ModelConfig;
  readonly bundles: readonly ModelBundle[];
  readonly heuristics: CompiledRuleSet | undefined;
  readonly classNames: readonly string[];
}

/** A series a filter left out, and why. */
export interface FilteredSeries {
  row: SeriesRow;
  reason: string;
}

/** The reply's prediction part: each column a list, one entry per series (the original's shape). */
export type PredictionColumns = Record<string, (string | number | null)[]>;

export interface PredictionResult {
  columns: PredictionColumns;
  filtered: FilteredSeries[];
  /** Series rows that were predicted, in reply order. */
  predicted: SeriesRow[];
}

/** Does the series cell hold one of the wanted values (case-insensitive, whole values)? */
export function matchesFilter(cell: Row[string] | undefined, filter: FilterConfig): boolean {
  const text = ` ${normalizeForReduction(cell).toLowerCase()} `;
  return filter.values.some((value) => text.includes(` ${value.trim().toLowerCase()} `));
}

/** Splits series into those every filter keeps and those left out (with the first failing filter). */
export function applyFilters(rows: readonly SeriesRow[], filters: readonly FilterConfig[]): { kept: SeriesRow[]; filtered: FilteredSeries[] } {
  const kept: SeriesRow[] = [];
  const filtered: FilteredSeries[] = [];
  for (const row of rows) {
    const failing = filters.find((filter) => !matchesFilter(row[filter.column], filter));
    if (!failing) kept.push(row);
    else {
      const cell = normalizeForReduction(row[failing.column]);
      filtered.push({ row, reason: `${failing.keyword} is ${cell === '-' ? 'missing' : `'${cell}'`} (wanted ${failing.values.join(', ')})` });
    }
  }
  return { kept, filtered };
}

async function loadModel(config: ModelConfig, serve: ServeConfig): Promise<LoadedModel> {
  const where = (key: string) => serve.locate(['models', config.id, key]);
  const bundles: ModelBundle[] = [];
  try {
    for (const path of config.paths) {
      // A model that stores no class names takes them from `matches` (the original's use of it).
      const bundle = await openModel(path, config.matches ? { fallbackClassNames: config.matches } : {});
      bundles.push(bundle);
      await bundle.ready;
      const stored = bundle.classNames.map((name) => parseClassLabel(name) ?? name);
      const matches = config.matches?.map((name) => parseClassLabel(name) ?? name);
      if (matches && matches.join('\u0000') !== stored.join('\u0000')) {
        throw new MscError(
          'E_CONFIG',
          `${serve.source}: models.${config.id}.matches [${config.matches!.join(', ')}] differs from the classes ${path} predicts [${bundle.classNames.join(', ')}]${where('matches')}`,
          {
            hint: "drop matches (the model stores its classes) or list them in the model's order",
          },
        );
      }
      if (bundle.task !== 'classification')
        throw new MscError('E_CONFIG', `${serve.source}: models.${config.id}: ${path} is a regression model${where('model')}`);
      if (bundles.length > 1 && bundle.classNames.join('\u0000') !== bundles[0]!.classNames.join('\u0000')) {
        throw new MscError('E_CONFIG', `${serve.source}: models.${config.id}: ${path} predicts other classes than ${bundles[0]!.path}${where('model')}`);
      }
    }
    const heuristics = config.heuristics ? compileRuleSet(await loadRuleSet(config.heuristics)) : undefined;
    return { config, bundles, heuristics, classNames: bundles[0]!.classNames };
  } catch (error) {
    await closeBundles(bundles);
    if (isMscError(error) && error.code === 'E_MODEL') {
      throw new MscError('E_CONFIG', `${serve.source}: models.${config.id}: ${error.message}${where(config.paths.length > 0 ? 'model' : 'path')}`, {
        ...(error.hint ? { hint: error.hint } : {}),
        cause: error,
      });
    }
    throw error;
  }
}

async function closeBundles(bundles: readonly ModelBundle[]): Promise<void> {
  // Only once ONNX Runtime has finished loading: ending a thread mid-load aborts the process.
  await Promise.all(bundles.map((bundle) => bundle.ready.catch(() => undefined).then(() => bundle.close())));
}

export class Service {
  private holders = 0;
  private retired: (() => void) | undefined;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly config: ServeConfig,
    private readonly models: ReadonlyMap<string, LoadedModel>,
  ) {}

  /** Loads every model of the configuration (all or nothing). */
  static async open(config: ServeConfig): Promise<Service> {
    const loaded = new Map<string, LoadedModel>();
    try {
      for (const model of config.models) loaded.set(model.id, await loadModel(model, config));
    } catch (error) {
      await Promise.all([...loaded.values()].map((model) => closeBundles(model.bundles)));
      throw error;
    }
    return new Service(config, loaded);
  }

  get modelIds(): string[] {
    return [...this.models.keys()];
  }

  listModels(): LoadedModel[] {
    return [...this.models.values()];
  }

  model(id: string): LoadedModel | undefined {
    return this.models.get(id);
  }

  /** Marks the service in use by a request (`release` when done); a retired service closes after its last holder. */
  hold(): void {
    this.holders += 1;
  }

  release(): void {
    this.holders -= 1;
    if (this.holders === 0) this.retired?.();
  }

  /** Closes the models once no request holds this generation. */
  retire(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.retired = resolve;
      if (this.holders === 0) resolve();
    }).then(() => Promise.all([...this.models.values()].map((model) => closeBundles(model.bundles))).then(() => undefined));
    return this.closed;
  }

  /** Filters, then model + heuristics, then the reply columns (the original's, plus probabilities, confidence and rule). */
  async predict(model: LoadedModel, rows: readonly SeriesRow[]): Promise<PredictionResult> {
    // Study context over every series of the study, before filters leave some out.
    const { kept, filtered } = applyFilters(addStudyContext(rows).rows as SeriesRow[], model.config.filters);
    const predictions = await predictSeries(kept, model.bundles, model.heuristics ? { heuristics: model.heuristics } : {});
    const table = predictionRows(predictions, model.classNames);
    if (this.config.review) await keepForReview(this.config.review.predictions, model.config.id, table);
    const columns: PredictionColumns = {};
    for (const column of table.columns) columns[column] = table.rows.map((row) => row[column] ?? null);
    return { columns, filtered, predicted: kept };
  }
}
