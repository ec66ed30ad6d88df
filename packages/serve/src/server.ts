/**
 * The HTTP service (fastify): the original's three routes with their bodies and replies, health,
 * models, OpenAPI and docs, metrics; bounded bodies and concurrency; reload without dropping
 * requests. `createServer` is the library entry; `msc-serve` is a thin shell around it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { basename } from 'node:path';
import { fastify, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { normalizeForReduction } from '@msc/core';
import { extractSeries } from '@msc/extract';
import {
  DicomWebClient,
  OrthancClient,
  endpointFromEnv,
  normalizeEndpoint,
  readStudiesSeries,
  supportsLabels,
  type PacsEndpoint,
  type PacsSeries,
  type StudySource,
} from '@msc/pacs';
import { loadServeConfig, type ServeConfig } from './config.js';
import { HttpError, errorReply } from './errors.js';
import { Gate } from './gate.js';
import { Metrics } from './metrics.js';
import { resolveDicomPath } from './paths.js';
import { ERROR_REPLY, HEALTH_REPLY, MODELS_REPLY, PREDICT_REPLY, bodySchemas } from './schemas.js';
import { Service, type LoadedModel, type PredictionResult } from './service.js';

export interface ServerOptions {
  /** config-api.yaml. */
  configPath: string;
  /** ORTHANC_*, DICOMWEB_*, MSC_API_TOKEN (default: process.env); read again on reload. */
  env?: NodeJS.ProcessEnv;
  /** fastify's logger option (pino); default: info level, Authorization headers redacted. */
  logger?: FastifyServerOptions['logger'];
  /** Check every reply against its route's schema (a mismatch is a 500). Default true. */
  validateReplies?: boolean;
}

export interface MscServer {
  readonly app: FastifyInstance;
  /** The configuration in force. */
  readonly config: ServeConfig;
  readonly metrics: Metrics;
  /** Starts listening (default: the config's host and port); resolves to the address. */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /** Reads the configuration again and swaps models; requests under way finish on the old ones. */
  reload(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Stops accepting, lets requests under way finish, closes models. */
  close(): Promise<void>;
}

interface ModelBody {
  prediction_model_id?: string;
  model_id?: string;
}
interface PredictBody extends ModelBody {
  dicom_path: string;
}
interface OrthancBody extends ModelBody {
  study_uid: string | string[];
  update_labels?: boolean;
}
interface DicomWebBody extends ModelBody {
  study_uid: string | string[];
  dicom_web_url?: string;
}

/** Routes anyone may call even when a bearer token is configured. */
const OPEN_ROUTES = ['/health', '/openapi.json', '/docs'];

/** The token check compares digests, so its time does not depend on where the texts differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A validation error as one sentence: where, and what is expected. */
function formatValidation(errors: ErrorObject[], dataVar: string): Error {
  // Inside an anyOf, a list that is too long says more than "not a string".
  const error = errors.find((candidate) => candidate.keyword === 'maxItems') ?? errors.find((candidate) => candidate.keyword !== 'anyOf') ?? errors[0]!;
  const field = error.instancePath.split('/').filter(Boolean);
  const where = [dataVar, ...field].join('.');
  const params = error.params as Record<string, unknown>;
  let message: string;
  if (field[0] === 'study_uid' && error.keyword !== 'maxItems')
    message = `${where}: expected a StudyInstanceUID (digits and dots, at most 64 characters) or a list of them`;
  else if (error.keyword === 'additionalProperties') message = `${where}: unknown field '${String(params.additionalProperty)}'`;
  else if (error.keyword === 'required') message = `${where}: missing '${String(params.missingProperty)}'`;
  else if (error.keyword === 'maxItems') message = `${where}: at most ${String(params.limit)} per request`;
  else message = `${where} ${error.message ?? 'is invalid'}`;
  return new Error(message);
}

const DEFAULT_LOGGER: FastifyServerOptions['logger'] = { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] };

export async function createServer(options: ServerOptions): Promise<MscServer> {
  const env = options.env ?? process.env;
  let config = await loadServeConfig(options.configPath);
  let service = await Service.open(config);
  const limits = config.server;
  const gate = new Gate(limits.maxConcurrentRequests, limits.maxQueuedRequests);
  const metrics = new Metrics();
  let closing = false;

  const app = fastify({
    logger: options.logger ?? DEFAULT_LOGGER,
    bodyLimit: limits.bodyLimitBytes,
    // Bodies are checked as they are: no type coercion, unknown fields refused (a typo such as
    // `update_label` must not silently mean "do not write labels").
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    schemaErrorFormatter: formatValidation,
    // Requests under way finish on close; idle keep-alive connections are closed.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'MSC — DICOM series classification',
        version: '0.1.0',
        description: 'Labels MRI series (T2W, ADC, DWI, DCE, Others) of DICOM folders, Orthanc and DICOMweb studies.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  if (options.validateReplies !== false) addReplyValidation(app);

  app.setErrorHandler((error, request, reply) => {
    const body = errorReply(error);
    if (body.statusCode >= 500 && body.code === 'E_INTERNAL') request.log.error({ err: error }, 'request failed');
    else request.log.warn({ status: body.statusCode, code: body.code, message: body.message }, 'request refused');
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ statusCode: 404, error: 'Not Found', code: 'E_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.addHook('onRequest', async (request) => {
    const token = env.MSC_API_TOKEN;
    if (!token) return;
    const path = request.url.split('?')[0]!;
    if (OPEN_ROUTES.some((route) => path === route || path.startsWith(`${route}/`))) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || !sameSecret(match[1]!, token))
      throw new HttpError(401, 'E_AUTH', 'missing or wrong bearer token', 'send Authorization: Bearer <MSC_API_TOKEN>');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route) metrics.request(route, reply.statusCode, reply.elapsedTime / 1000);
  });

  /** Runs a prediction within the concurrency bound, on the service generation current at its start. */
  async function predicting<T>(reply: FastifyReply, work: (service: Service, signal: AbortSignal) => Promise<T>): Promise<T> {
    const aborted = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) aborted.abort(new Error('the client closed the connection'));
    });
    try {
      return await gate.run(async () => {
        const current = service;
        current.hold();
        try {
          return await work(current, aborted.signal);
        } finally {
          current.release();
        }
      }, aborted.signal);
    } catch (error) {
      // Nobody reads this reply; say so in the log instead of reporting an internal error.
      if (aborted.signal.aborted) throw new HttpError(499, 'E_CLIENT_CLOSED', 'the client closed the connection before the reply');
      throw error;
    }
  }

  function modelFor(current: Service, body: ModelBody): LoadedModel {
    const id = body.prediction_model_id ?? body.model_id;
    if (body.prediction_model_id && body.model_id && body.prediction_model_id !== body.model_id) {
      throw new HttpError(400, 'E_USAGE', `prediction_model_id '${body.prediction_model_id}' and model_id '${body.model_id}' differ`, 'give one of them');
    }
    if (!id) throw new HttpError(400, 'E_USAGE', "body: missing 'prediction_model_id' (or 'model_id')", `configured models: ${current.modelIds.join(', ')}`);
    const model = current.model(id);
    if (!model)
      throw new HttpError(
        404,
        'E_UNKNOWN_MODEL',
        `no model '${id}' in ${basename(current.config.source)}`,
        `configured models: ${current.modelIds.join(', ')}`,
      );
    return model;
  }

  function replyBody(model: LoadedModel, result: PredictionResult, extra: { notFound?: string[]; skipped: number; pacsCalls?: number }, started: number) {
    return {
      model_id: model.config.id,
      ...result.columns,
      filtered: {
        study_uid: result.filtered.map((item) => String(item.row.study_uid)),
        series_uid: result.filtered.map((item) => String(item.row.series_uid)),
        series_description: result.filtered.map((item) => normalizeForReduction(item.row.series_description)),
        reason: result.filtered.map((item) => item.reason),
      },
      not_found: extra.notFound ?? [],
      skipped_instances: extra.skipped,
      ...(extra.pacsCalls !== undefined ? { pacs_calls: extra.pacsCalls } : {}),
      time: Number(((performance.now() - started) / 1000).toFixed(4)),
    };
  }

  function studiesOf(body: { study_uid: string | string[] }): string[] {
    const studies = [body.study_uid].flat();
    if (studies.length > service.config.server.maxStudiesPerRequest) {
      throw new HttpError(400, 'E_USAGE', `at most ${service.config.server.maxStudiesPerRequest} studies per request`);
    }
    return studies;
  }

  async function pacsSeries(source: StudySource, studies: readonly string[], request: FastifyRequest): Promise<PacsSeries> {
    const found = await readStudiesSeries(source, studies);
    if (found.notFound.length === studies.length) {
      throw new HttpError(
        404,
        'E_INPUT_NOT_FOUND',
        `${source.name} has no study ${studies.join(', ')}`,
        'give the StudyInstanceUID (0020,000D) of a study stored there',
      );
    }
    request.log.info(
      {
        studies: studies.length,
        series: found.rows.length,
        instances: found.instances,
        pacs_calls: source.calls,
        pacs_retries: source.retries,
        pacs: source.name,
      },
      'studies read',
    );
    return found;
  }

  const schemas = bodySchemas(limits.maxStudiesPerRequest);
  const responses = (ok: object) => ({ 200: ok, '4xx': ERROR_REPLY, '5xx': ERROR_REPLY });

  app.post<{ Body: PredictBody }>(
    '/predict',
    {
      schema: {
        summary: 'Label the series of a DICOM folder on the server',
        body: schemas.predict,
        response: responses(PREDICT_REPLY),
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const started = performance.now();
      return predicting(reply, async (current) => {
        const model = modelFor(current, request.body);
        const limitsNow = current.config.server;
        const path = await resolveDicomPath(request.body.dicom_path, limitsNow.allowedRoots, limitsNow.allowedRootsAsWritten);
        // On this thread (no worker pool per request); symbolic links inside the folder are not followed.
        const extracted = await extractSeries([path], { workers: 0, followLinks: false });
        if (extracted.rows.length === 0) {
          throw new HttpError(404, 'E_INPUT_NOT_FOUND', `no DICOM image series in ${request.body.dicom_path} (${extracted.skipped.length} files skipped)`);
        }
        const result = await current.predict(model, extracted.rows);
        metrics.work('/predict', {
          studies: new Set(extracted.rows.map((row) => row.study_uid)).size,
          series: extracted.rows.length,
          pacsCalls: 0,
          pacsRetries: 0,
        });
        return replyBody(model, result, { skipped: extracted.skipped.length }, started);
      });
    },
  );

  app.post<{ Body: OrthancBody }>(
    '/predict-orthanc',
    {
      schema: {
        summary: 'Label the series of Orthanc studies (and write the labels back)',
        body: schemas.orthanc,
        response: responses(PREDICT_REPLY),
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const started = performance.now();
      return predicting(reply, async (current, signal) => {
        const model = modelFor(current, request.body);
        const endpoint = endpointFromEnv('ORTHANC', env);
        if (!endpoint)
          throw new HttpError(
            400,
            'E_NOT_CONFIGURED',
            'Orthanc is not configured on this server',
            'set ORTHANC_URL (and ORTHANC_USER / ORTHANC_PASSWORD) in its environment',
          );
        const studies = studiesOf(request.body);
        const limitsNow = current.config.server;
        const client = new OrthancClient(endpoint, {
          timeoutMs: limitsNow.upstreamTimeoutMs,
          concurrency: limitsNow.upstreamConcurrency,
          maxResponseBytes: limitsNow.maxPacsReplyBytes,
          maxSeriesPerStudy: limitsNow.maxSeriesPerStudy,
          maxInstancesPerStudy: limitsNow.maxInstancesPerStudy,
          signal,
        });
        const found = await pacsSeries(client, studies, request);
        const result = await current.predict(model, found.rows);
        let labels: { method: 'labels' | 'metadata'; key?: string; written: number } | undefined;
        if (request.body.update_labels) {
          const ids = new Map(found.series.map((series) => [`${series.patientId}\u0000${series.studyUid}\u0000${series.seriesUid}`, series.orthancId!]));
          const finals = result.columns.prediction_heuristics!;
          const targets = result.predicted.map((row, i) => ({
            orthancId: ids.get(`${normalizeForReduction(row.patient_id)}\u0000${row.study_uid}\u0000${row.series_uid}`)!,
            label: String(finals[i]),
          }));
          const written = await client.writeLabels(
            targets.filter((target) => target.orthancId),
            { modelId: model.config.id, metadataKey: limitsNow.orthancMetadataKey },
          );
          labels = written.method === 'metadata' ? { ...written, key: limitsNow.orthancMetadataKey } : written;
          request.log.info({ labels: labels.method, written: labels.written }, 'labels written');
        }
        metrics.work('/predict-orthanc', { studies: studies.length, series: found.rows.length, pacsCalls: client.calls, pacsRetries: client.retries });
        return {
          ...replyBody(model, result, { notFound: found.notFound, skipped: found.skipped.length, pacsCalls: client.calls }, started),
          ...(labels ? { labels } : {}),
        };
      });
    },
  );

  app.post<{ Body: DicomWebBody }>(
    '/predict-dicomweb',
    { schema: { summary: 'Label the series of DICOMweb studies', body: schemas.dicomweb, response: responses(PREDICT_REPLY), security: [{ bearer: [] }] } },
    async (request, reply) => {
      const started = performance.now();
      return predicting(reply, async (current, signal) => {
        const model = modelFor(current, request.body);
        const endpoint = dicomWebEndpoint(request.body.dicom_web_url, current.config, env);
        const studies = studiesOf(request.body);
        const limitsNow = current.config.server;
        const client = new DicomWebClient(endpoint, {
          timeoutMs: limitsNow.upstreamTimeoutMs,
          concurrency: limitsNow.upstreamConcurrency,
          maxResponseBytes: limitsNow.maxPacsReplyBytes,
          maxSeriesPerStudy: limitsNow.maxSeriesPerStudy,
          maxInstancesPerStudy: limitsNow.maxInstancesPerStudy,
          signal,
        });
        const found = await pacsSeries(client, studies, request);
        const result = await current.predict(model, found.rows);
        metrics.work('/predict-dicomweb', { studies: studies.length, series: found.rows.length, pacsCalls: client.calls, pacsRetries: client.retries });
        return replyBody(model, result, { notFound: found.notFound, skipped: found.skipped.length, pacsCalls: client.calls }, started);
      });
    },
  );

  app.get('/health', { schema: { summary: 'Models loaded, PACS reachable', response: { 200: HEALTH_REPLY, 503: HEALTH_REPLY } } }, async (_request, reply) => {
    const current = service;
    const timeoutMs = Math.min(2000, current.config.server.upstreamTimeoutMs);
    const orthanc = endpointFromEnv('ORTHANC', env);
    const dicomweb = endpointFromEnv('DICOMWEB', env);
    const notConfigured: PacsHealth = { configured: false };
    const [orthancHealth, dicomwebHealth] = await Promise.all([
      orthanc ? orthancStatus(orthanc, timeoutMs) : notConfigured,
      dicomweb ? dicomWebStatus(dicomweb, timeoutMs) : notConfigured,
    ]);
    const reachable = [orthancHealth, dicomwebHealth].every((pacs) => !pacs.configured || pacs.reachable);
    const status = closing ? 'unavailable' : reachable ? 'ok' : 'degraded';
    void reply.status(closing ? 503 : 200);
    return { status, models: Object.fromEntries(current.modelIds.map((id) => [id, 'ready'])), orthanc: orthancHealth, dicomweb: dicomwebHealth };
  });

  app.get('/models', { schema: { summary: 'The configured models', response: responses(MODELS_REPLY), security: [{ bearer: [] }] } }, async () => ({
    models: service.listModels().map((model) => ({
      id: model.config.id,
      files: model.config.paths.map((path) => basename(path)),
      classes: [...model.classNames],
      heuristics: model.heuristics?.name ?? null,
      filters: Object.fromEntries(model.config.filters.map((filter) => [filter.keyword, filter.values])),
    })),
  }));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/metrics', { schema: { summary: 'Counters in Prometheus text format', security: [{ bearer: [] }] } }, async (_request, reply) => {
    void reply.type('text/plain; version=0.0.4');
    return metrics.text({ active: gate.active, queued: gate.queued });
  });

  const server: MscServer = {
    app,
    metrics,
    get config() {
      return config;
    },
    async listen(listenOptions = {}) {
      return app.listen({ host: listenOptions.host ?? config.server.host, port: listenOptions.port ?? config.server.port });
    },
    async reload() {
      try {
        const nextConfig = await loadServeConfig(options.configPath);
        const next = await Service.open(nextConfig);
        const previous = service;
        service = next;
        config = nextConfig;
        gate.limit = nextConfig.server.maxConcurrentRequests;
        gate.queueLimit = nextConfig.server.maxQueuedRequests;
        for (const fixed of ['host', 'port', 'bodyLimitBytes', 'maxStudiesPerRequest'] as const) {
          if (nextConfig.server[fixed] !== limits[fixed]) app.log.warn({ setting: fixed }, 'this setting changes only when the server restarts');
        }
        app.log.info({ models: next.modelIds }, 'configuration reloaded');
        void previous.retire();
        return { ok: true };
      } catch (error) {
        const message = (error as Error).message;
        app.log.error({ error: message }, 'reload failed; the previous configuration stays in force');
        return { ok: false, error: message };
      }
    },
    async close() {
      closing = true;
      await app.close();
      await service.retire();
    },
  };
  return server;
}

function dicomWebEndpoint(requested: string | undefined, config: ServeConfig, env: NodeJS.ProcessEnv): PacsEndpoint {
  const configured = endpointFromEnv('DICOMWEB', env);
  if (requested === undefined) {
    if (!configured)
      throw new HttpError(
        400,
        'E_NOT_CONFIGURED',
        'no DICOMweb server is configured on this server',
        'set DICOMWEB_URL (and DICOMWEB_USER / DICOMWEB_PASSWORD) in its environment, or send dicom_web_url',
      );
    return configured;
  }
  const wanted = normalizeEndpoint({ url: requested }, 'dicom_web_url').base.href;
  // The configured server (with its credentials), or a listed one (without any): never an arbitrary host.
  if (configured && normalizeEndpoint(configured, 'DICOMWEB_URL').base.href === wanted) return configured;
  if (config.server.allowedDicomwebUrls.some((url) => normalizeEndpoint({ url }, 'allowed URL').base.href === wanted)) return { url: wanted };
  throw new HttpError(
    400,
    'E_FORBIDDEN',
    'dicom_web_url is not a DICOMweb server this service may call',
    'use DICOMWEB_URL, or list the URL under server.allowed_dicomweb_urls',
  );
}

interface PacsHealth {
  configured: boolean;
  reachable?: boolean;
  version?: string;
  labels?: boolean;
  error?: string;
}

async function orthancStatus(endpoint: PacsEndpoint, timeoutMs: number): Promise<PacsHealth> {
  try {
    const system = await new OrthancClient(endpoint, { timeoutMs }).system();
    return { configured: true, reachable: true, version: String(system.Version ?? 'unknown'), labels: supportsLabels(system) };
  } catch (error) {
    return { configured: true, reachable: false, error: (error as Error).message };
  }
}

async function dicomWebStatus(endpoint: PacsEndpoint, timeoutMs: number): Promise<PacsHealth> {
  try {
    await new DicomWebClient(endpoint, { timeoutMs }).ping();
    return { configured: true, reachable: true };
  } catch (error) {
    return { configured: true, reachable: false, error: (error as Error).message };
  }
}

/** Checks each reply against its route's response schema before it is sent. */
function addReplyValidation(app: FastifyInstance): void {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const compiled = new WeakMap<object, ValidateFunction>();
  app.addHook('preSerialization', async (request, reply, payload) => {
    const responses = (request.routeOptions.schema?.response ?? {}) as Record<string, object>;
    const status = reply.statusCode;
    const schema = responses[String(status)] ?? responses[`${String(status)[0]}xx`];
    if (!schema) return payload;
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
    if (!validate(payload)) {
      (request.log as FastifyBaseLogger).error({ errors: validate.errors }, 'reply does not match its schema');
      throw new Error(`reply does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
    return payload;
  });
}
