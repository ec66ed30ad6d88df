/**
 * `config-api.yaml`: the original's `models:` section (model file, matches, heuristics, filters by
 * DICOM keyword) plus an optional `server:` section of limits. Every mistake is `E_CONFIG` naming
 * the file, the place (`models.prostate_mpmri.filters`) and its line.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { COLUMNS, MscError, readInputFile, type ColumnSpec } from '@msc/core';
import { BUILT_IN_RULE_SETS, parseYamlSource, type Locate } from '@msc/heuristics';

/** Keep series whose `column` has one of `values` (case-insensitive, whole values). */
export interface FilterConfig {
  /** As written in the file (`BodyPartExamined`). */
  key: string;
  /** The table column it reads (`body_part_examined`). */
  column: string;
  keyword: string;
  values: string[];
}

export interface ModelConfig {
  id: string;
  /** Model files (several: their probabilities are averaged), absolute. */
  paths: string[];
  /** Class names for a model that stores none; must equal the stored ones otherwise. */
  matches?: string[];
  /** A built-in rule set name or an absolute YAML path. */
  heuristics?: string;
  filters: FilterConfig[];
}

export interface ServerLimits {
  host: string;
  port: number;
  /** Largest request body accepted. */
  bodyLimitBytes: number;
  /** Time a client has to send its whole request (headers and body). */
  requestTimeoutMs: number;
  /** Predictions worked on at once; more wait in a queue of `maxQueuedRequests`, then 503. */
  maxConcurrentRequests: number;
  maxQueuedRequests: number;
  /** Longest wait for one PACS call. */
  upstreamTimeoutMs: number;
  /** PACS calls in flight per request. */
  upstreamConcurrency: number;
  /** Largest PACS answer read (bytes); a larger one is a 502, never a buffer without end. */
  maxPacsReplyBytes: number;
  /** Series and instances read per PACS study; a study announcing more is a 502. */
  maxSeriesPerStudy: number;
  maxInstancesPerStudy: number;
  maxStudiesPerRequest: number;
  /** Files one `/predict` may read, and the time it may take (ms): a bigger folder is 413, a slower one 503. */
  maxFilesPerRequest: number;
  maxRequestMs: number;
  /** `/predict` reads only below these folders (real paths). Empty: `/predict` is refused. */
  allowedRoots: string[];
  /** The same folders as written (absolute), which may pass through symbolic links. */
  allowedRootsAsWritten: string[];
  /** `dicom_web_url` values a request may name besides DICOMWEB_URL (credentials never go there). */
  allowedDicomwebUrls: string[];
  /** Series metadata key for labels on an Orthanc without labels (declared in its UserMetadata). */
  orthancMetadataKey: string;
  /** Where PACS predictions leave one thumbnail per series (`<series_uid>.png`, thumbnails.csv); none when unset. */
  thumbnailsDir?: string;
}

/** `review:`: every prediction reply is also kept as a table, and /review serves the review page over them. */
export interface ReviewConfig {
  /** Folder the prediction tables are written to (absolute). */
  predictions: string;
  /** The corrections file (CSV, absolute). */
  corrections: string;
  /** Thumbnails (`<series_uid>.png`, msc-extract --thumbnails), if any (absolute). */
  thumbnails?: string;
}

export interface ServeConfig {
  /** The file it was read from. */
  source: string;
  models: ModelConfig[];
  server: ServerLimits;
  review?: ReviewConfig;
  /** ` (line L, column C)` of a place in the file, for errors found while loading models. */
  locate: Locate;
}

export const DEFAULT_LIMITS: Omit<ServerLimits, 'allowedRoots' | 'allowedRootsAsWritten' | 'allowedDicomwebUrls'> = {
  host: '127.0.0.1',
  port: 8000,
  bodyLimitBytes: 64 * 1024,
  requestTimeoutMs: 30_000,
  maxConcurrentRequests: 8,
  maxQueuedRequests: 256,
  upstreamTimeoutMs: 30_000,
  upstreamConcurrency: 8,
  maxPacsReplyBytes: 256 * 2 ** 20,
  maxSeriesPerStudy: 2_000,
  maxInstancesPerStudy: 100_000,
  maxStudiesPerRequest: 100,
  maxFilesPerRequest: 100_000,
  maxRequestMs: 300_000,
  orthancMetadataKey: 'msc_label',
};

const textOrList = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};
const positive = (maximum: number) => ({ type: 'integer', minimum: 1, maximum });

/** The file's shape (meaning is checked after: files exist, keywords are known). */
export const CONFIG_SCHEMA = {
  type: 'object',
  required: ['models'],
  additionalProperties: false,
  properties: {
    models: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9_.-]{1,64}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          model: textOrList,
          path: textOrList,
          matches: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
          heuristics: { type: 'string', minLength: 1 },
          filters: {
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                additionalProperties: {
                  anyOf: [
                    { type: 'string', minLength: 1 },
                    { type: 'number' },
                    { type: 'array', minItems: 1, items: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }] } },
                  ],
                },
              },
            ],
          },
        },
      },
    },
    review: {
      type: 'object',
      additionalProperties: false,
      required: ['predictions', 'corrections'],
      properties: {
        predictions: { type: 'string', minLength: 1 },
        corrections: { type: 'string', minLength: 1, pattern: '\\.csv$' },
        thumbnails: { type: 'string', minLength: 1 },
      },
    },
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        body_limit_bytes: positive(64 * 1024 * 1024),
        request_timeout_ms: positive(600_000),
        max_concurrent_requests: positive(1024),
        max_queued_requests: { type: 'integer', minimum: 0, maximum: 100_000 },
        upstream_timeout_ms: positive(3_600_000),
        upstream_concurrency: positive(256),
        max_pacs_reply_bytes: positive(2 ** 31 - 1),
        max_series_per_study: positive(1_000_000),
        max_instances_per_study: positive(10_000_000),
        max_studies_per_request: positive(10_000),
        max_files_per_request: positive(100_000_000),
        max_request_ms: positive(86_400_000),
        allowed_roots: { type: 'array', items: { type: 'string', minLength: 1 } },
        allowed_dicomweb_urls: { type: 'array', items: { type: 'string', pattern: '^https?://' } },
        orthanc_metadata_key: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
        thumbnails_dir: { type: 'string', minLength: 1 },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true, verbose: true });
const validate = ajv.compile(CONFIG_SCHEMA);

const KEYWORD_COLUMNS = new Map<string, ColumnSpec>();
for (const spec of COLUMNS) {
  if (!spec.tag) continue;
  KEYWORD_COLUMNS.set(spec.name.toLowerCase(), spec);
  if (spec.keyword) KEYWORD_COLUMNS.set(spec.keyword.toLowerCase(), spec);
}

function pathOf(instancePath: string): string[] {
  return instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' || /^\d+$/.test(String(part)) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** One Ajv error → a sentence a person can act on. */
function describe(error: ErrorObject): { path: string[]; message: string } {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const schema = error.parentSchema as { properties?: Record<string, unknown> };
      const allowed = Object.keys(schema.properties ?? {});
      return {
        path: [...path, String(params.additionalProperty)],
        message: `unknown key '${String(params.additionalProperty)}'${allowed.length > 0 ? ` (expected one of ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'required':
      return { path, message: `missing '${String(params.missingProperty)}'` };
    case 'propertyNames':
      return {
        path: [...path, String(params.propertyName)],
        message: `model id '${String(params.propertyName)}' may only have letters, digits, '_', '.', '-'`,
      };
    case 'anyOf':
      return {
        path,
        message:
          path.at(-2) === 'filters'
            ? 'expected a value or a list of values'
            : path.at(-1) === 'filters'
              ? 'expected a mapping of DICOM keyword → values'
              : 'expected text or a list of text',
      };
    case 'type':
      return {
        path,
        message: `expected ${params.type === 'integer' ? 'a whole number' : params.type === 'string' ? 'text' : params.type === 'array' ? 'a list' : params.type === 'object' ? 'a mapping' : String(params.type)}`,
      };
    default:
      return { path, message: error.message ?? 'invalid value' };
  }
}

/** Parses and checks config text; relative paths are taken from `baseDir` (the file's folder). */
export async function parseServeConfig(text: string, source: string, baseDir: string): Promise<ServeConfig> {
  const { value, locate } = parseYamlSource(text, source);
  const fail = (path: readonly (string | number)[], message: string, hint?: string): never => {
    const where = formatPath(path);
    throw new MscError('E_CONFIG', `${source}: ${where ? `${where}: ` : ''}${message}${locate(path)}`, {
      hint: hint ?? 'see docs/serve.md for the config-api.yaml format',
    });
  };
  if (!validate(value)) {
    const first = describe(validate.errors![0]!);
    fail(first.path, first.message);
  }
  const raw = value as {
    models: Record<
      string,
      {
        model?: string | string[];
        path?: string | string[];
        matches?: string[];
        heuristics?: string;
        filters?: Record<string, string | number | (string | number)[]> | null;
      }
    >;
    server?: Record<string, unknown>;
    review?: { predictions: string; corrections: string; thumbnails?: string };
  };
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));

  const models: ModelConfig[] = [];
  for (const [id, entry] of Object.entries(raw.models)) {
    if (entry.model !== undefined && entry.path !== undefined) fail(['models', id, 'path'], "give the model file as 'model' or 'path', not both");
    const files = entry.model ?? entry.path;
    if (files === undefined) fail(['models', id], "missing 'model' (the .onnx file)");
    const key = entry.model !== undefined ? 'model' : 'path';
    const paths = [files!].flat().map(absolute);
    for (const [i, path] of paths.entries()) {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile())
        fail(
          Array.isArray(files) ? ['models', id, key, i] : ['models', id, key],
          `no model file at ${path}`,
          'give the path of an .onnx model written by msc-train (relative paths start at the config file)',
        );
    }
    let heuristics: string | undefined;
    if (entry.heuristics !== undefined) {
      const builtIn = (BUILT_IN_RULE_SETS as readonly string[]).includes(entry.heuristics);
      heuristics = builtIn ? entry.heuristics : absolute(entry.heuristics);
      if (!builtIn) {
        const info = await stat(heuristics).catch(() => undefined);
        if (!info?.isFile())
          fail(['models', id, 'heuristics'], `'${entry.heuristics}' is neither a built-in rule set (${BUILT_IN_RULE_SETS.join(', ')}) nor a YAML file`);
      }
    }
    const filters: FilterConfig[] = [];
    for (const [filterKey, wanted] of Object.entries(entry.filters ?? {})) {
      const spec = KEYWORD_COLUMNS.get(filterKey.toLowerCase());
      if (!spec)
        fail(
          ['models', id, 'filters', filterKey],
          `unknown DICOM keyword '${filterKey}'`,
          `filters take DICOM keywords of the extracted tags, e.g. ${['BodyPartExamined', 'Modality', 'Manufacturer', 'SeriesDescription'].join(', ')}`,
        );
      filters.push({ key: filterKey, column: spec!.name, keyword: spec!.keyword ?? spec!.name, values: [wanted].flat().map(String) });
    }
    models.push({ id, paths, ...(entry.matches ? { matches: entry.matches } : {}), ...(heuristics ? { heuristics } : {}), filters });
  }

  const server = (raw.server ?? {}) as Record<string, unknown>;
  const roots: string[] = [];
  for (const [i, root] of ((server.allowed_roots as string[] | undefined) ?? []).entries()) {
    const real = await realpath(absolute(root)).catch(() => undefined);
    if (!real || !(await stat(real)).isDirectory()) fail(['server', 'allowed_roots', i], `no folder at ${absolute(root)}`);
    roots.push(real!);
  }
  const urls = ((server.allowed_dicomweb_urls as string[] | undefined) ?? []).map((url, i) => {
    try {
      return new URL(url).href;
    } catch {
      return fail(['server', 'allowed_dicomweb_urls', i], `not a URL: ${url}`);
    }
  });
  const pick = <K extends keyof typeof DEFAULT_LIMITS>(key: K, name: string): (typeof DEFAULT_LIMITS)[K] =>
    (server[name] as (typeof DEFAULT_LIMITS)[K] | undefined) ?? DEFAULT_LIMITS[key];
  const review = raw.review && {
    predictions: absolute(raw.review.predictions),
    corrections: absolute(raw.review.corrections),
    // the PACS routes' thumbnails (server.thumbnails_dir) unless the review names its own folder
    ...(raw.review.thumbnails
      ? { thumbnails: absolute(raw.review.thumbnails) }
      : typeof server.thumbnails_dir === 'string'
        ? { thumbnails: absolute(server.thumbnails_dir) }
        : {}),
  };
  if (raw.review?.thumbnails && review?.thumbnails && !(await stat(review.thumbnails).catch(() => undefined))?.isDirectory())
    fail(['review', 'thumbnails'], `no folder at ${review.thumbnails}`, 'give the folder msc-extract --thumbnails wrote, or leave thumbnails out');
  return {
    source,
    locate,
    models,
    ...(review ? { review } : {}),
    server: {
      host: pick('host', 'host'),
      port: pick('port', 'port'),
      bodyLimitBytes: pick('bodyLimitBytes', 'body_limit_bytes'),
      requestTimeoutMs: pick('requestTimeoutMs', 'request_timeout_ms'),
      maxConcurrentRequests: pick('maxConcurrentRequests', 'max_concurrent_requests'),
      maxQueuedRequests: pick('maxQueuedRequests', 'max_queued_requests'),
      upstreamTimeoutMs: pick('upstreamTimeoutMs', 'upstream_timeout_ms'),
      upstreamConcurrency: pick('upstreamConcurrency', 'upstream_concurrency'),
      maxPacsReplyBytes: pick('maxPacsReplyBytes', 'max_pacs_reply_bytes'),
      maxSeriesPerStudy: pick('maxSeriesPerStudy', 'max_series_per_study'),
      maxInstancesPerStudy: pick('maxInstancesPerStudy', 'max_instances_per_study'),
      maxStudiesPerRequest: pick('maxStudiesPerRequest', 'max_studies_per_request'),
      maxFilesPerRequest: pick('maxFilesPerRequest', 'max_files_per_request'),
      maxRequestMs: pick('maxRequestMs', 'max_request_ms'),
      orthancMetadataKey: pick('orthancMetadataKey', 'orthanc_metadata_key'),
      allowedRoots: roots,
      allowedRootsAsWritten: ((server.allowed_roots as string[] | undefined) ?? []).map(absolute),
      allowedDicomwebUrls: urls,
      ...(typeof server.thumbnails_dir === 'string' ? { thumbnailsDir: absolute(server.thumbnails_dir) } : {}),
    },
  };
}

export async function loadServeConfig(path: string): Promise<ServeConfig> {
  const text = await readInputFile(
    path,
    { code: 'E_CONFIG', what: 'the configuration', hint: 'give it with --config (default ./config-api.yaml)', maxBytes: 16 * 2 ** 20 },
    'utf8',
  );
  return parseServeConfig(text, path, dirname(resolve(path)));
}
