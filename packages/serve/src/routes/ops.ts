/** GET /health, /models, /openapi.json and /metrics: what operators and clients ask about the service. */
import { basename } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { DicomWebClient, OrthancClient, endpointFromEnv, supportsLabels, type PacsEndpoint } from '@msc/pacs';
import type { ServeContext } from '../context.js';
import { HEALTH_REPLY, MODELS_REPLY } from '../schemas.js';
import { responses } from './predicting.js';
import { errorMessage } from '@msc/core';

interface PacsHealth {
  configured: boolean;
  reachable?: boolean;
  version?: string;
  labels?: boolean;
  error?: string;
}

export const opsRoutes: FastifyPluginAsync<ServeContext> = async (app, { getService, gate, metrics, env, isClosing }) => {
  app.get('/health', { schema: { summary: 'Models loaded, PACS reachable', response: { 200: HEALTH_REPLY, 503: HEALTH_REPLY } } }, async (_request, reply) => {
    const current = getService();
    const timeoutMs = Math.min(2000, current.config.server.upstreamTimeoutMs);
    const orthanc = endpointFromEnv('ORTHANC', env);
    const dicomweb = endpointFromEnv('DICOMWEB', env);
    const notConfigured: PacsHealth = { configured: false };
    const [orthancHealth, dicomwebHealth] = await Promise.all([
      orthanc ? orthancStatus(orthanc, timeoutMs) : notConfigured,
      dicomweb ? dicomWebStatus(dicomweb, timeoutMs) : notConfigured,
    ]);
    const reachable = [orthancHealth, dicomwebHealth].every((pacs) => !pacs.configured || pacs.reachable);
    const closing = isClosing();
    const status = closing ? 'unavailable' : reachable ? 'ok' : 'degraded';
    void reply.status(closing ? 503 : 200);
    return { status, models: Object.fromEntries(current.modelIds.map((id) => [id, 'ready'])), orthanc: orthancHealth, dicomweb: dicomwebHealth };
  });

  app.get('/models', { schema: { summary: 'The configured models', response: responses(MODELS_REPLY), security: [{ bearer: [] }] } }, async () => ({
    models: getService()
      .listModels()
      .map((model) => ({
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
};

async function orthancStatus(endpoint: PacsEndpoint, timeoutMs: number): Promise<PacsHealth> {
  try {
    const system = await new OrthancClient(endpoint, { timeoutMs }).system();
    return { configured: true, reachable: true, version: String(system.Version ?? 'unknown'), labels: supportsLabels(system) };
  } catch (error) {
    return { configured: true, reachable: false, error: errorMessage(error) };
  }
}

async function dicomWebStatus(endpoint: PacsEndpoint, timeoutMs: number): Promise<PacsHealth> {
  try {
    await new DicomWebClient(endpoint, { timeoutMs }).ping();
    return { configured: true, reachable: true };
  } catch (error) {
    return { configured: true, reachable: false, error: errorMessage(error) };
  }
}
