/**
 * The HTTP service (fastify): the original's three routes with their bodies and replies, health,
 * models, OpenAPI and docs, metrics; bounded bodies and concurrency; reload without dropping
 * requests. `createServer` is the library entry; `msc-serve` is a thin shell around it.
 */
import { fastify, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { ErrorObject } from 'ajv';
import { loadServeConfig, type ServeConfig } from './config.js';
import type { ServeContext } from './context.js';
import { errorReply } from './errors.js';
import { Gate } from './gate.js';
import { Metrics } from './metrics.js';
import { authPlugin } from './plugins/auth.js';
import { replyValidationPlugin } from './plugins/reply-validation.js';
import { unknownFieldsPlugin } from './plugins/unknown-fields.js';
import { opsRoutes } from './routes/ops.js';
import { predictFolderRoutes } from './routes/predict-folder.js';
import { predictPacsRoutes } from './routes/predict-pacs.js';
import { reviewRoutes } from './routes/review.js';
import { Service } from './service.js';
import { MscError, errorMessage } from '@msc/core';

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
  // An empty token would switch authentication off without a word (finding F19): refuse it.
  if (env.MSC_API_TOKEN !== undefined && env.MSC_API_TOKEN.trim() === '')
    throw new MscError('E_CONFIG', 'MSC_API_TOKEN is set but empty', {
      hint: 'give the service a token, or unset MSC_API_TOKEN to run without authentication',
    });
  let config = await loadServeConfig(options.configPath);
  let service = await Service.open(config);
  const limits = config.server;
  const gate = new Gate(limits.maxConcurrentRequests, limits.maxQueuedRequests);
  const metrics = new Metrics();
  let closing = false;
  const context: ServeContext = { getService: () => service, gate, metrics, env, isClosing: () => closing };

  const app = fastify({
    logger: options.logger ?? DEFAULT_LOGGER,
    bodyLimit: limits.bodyLimitBytes,
    // Bodies are checked as they are: no type coercion, unknown fields refused (a typo such as
    // `update_label` must not silently mean "do not write labels").
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    schemaErrorFormatter: formatValidation,
    // Requests under way finish on close; idle keep-alive connections are closed.
    forceCloseConnections: 'idle',
    // A client has this long to send its whole request (headers and body); slow or half-sent
    // bodies are cut off instead of holding connections (finding F11).
    requestTimeout: limits.requestTimeoutMs,
    // Node checks that timeout every connectionsCheckingInterval (default 30 s): each second here;
    // and it applies only when the headers' timeout (60 s by default) is not longer.
    http: { connectionsCheckingInterval: 1000, headersTimeout: Math.min(60_000, limits.requestTimeoutMs) },
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

  if (options.validateReplies !== false) await app.register(replyValidationPlugin);

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

  await app.register(authPlugin, { env });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route) metrics.request(route, reply.statusCode, reply.elapsedTime / 1000);
  });
  await app.register(unknownFieldsPlugin);

  await app.register(predictFolderRoutes, context);
  await app.register(predictPacsRoutes, context);
  await app.register(opsRoutes, context);
  // The review's folder and corrections file are read at start; a reload keeps them.
  if (config.review) await app.register(reviewRoutes, { ...context, review: config.review });

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
        const message = errorMessage(error);
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
