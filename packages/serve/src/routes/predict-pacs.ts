/** POST /predict-orthanc (with label write-back) and POST /predict-dicomweb: label the series of PACS studies. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  DicomWebClient,
  OrthancClient,
  endpointFromEnv,
  labelTargets,
  normalizeEndpoint,
  writePacsThumbnails,
  type PacsEndpoint,
  type PacsHttpOptions,
  type PacsSeries,
  type ThumbnailSource,
} from '@msc/pacs';
import type { ServeConfig } from '../config.js';
import type { ServeContext } from '../context.js';
import { HttpError } from '../errors.js';
import { PREDICT_REPLY, bodySchemas, type DicomWebBody, type OrthancBody } from '../schemas.js';
import { modelFor, pacsSeries, predicting, replyBody, responses, studiesOf } from './predicting.js';

export const predictPacsRoutes: FastifyPluginAsync<ServeContext> = async (app, context) => {
  const { env, metrics } = context;
  const schemas = bodySchemas(context.getService().config.server.maxStudiesPerRequest);

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
      return predicting(context, reply, async (current, signal) => {
        const model = modelFor(current, request.body);
        const endpoint = endpointFromEnv('ORTHANC', env);
        if (!endpoint)
          throw new HttpError(
            400,
            'E_NOT_CONFIGURED',
            'Orthanc is not configured on this server',
            'set ORTHANC_URL (and ORTHANC_USER / ORTHANC_PASSWORD) in its environment',
          );
        const studies = studiesOf(current, request.body);
        const limits = current.config.server;
        const client = new OrthancClient(endpoint, pacsClientOptions(limits, signal));
        const found = await pacsSeries(client, studies, request, limits.thumbnailsDir !== undefined);
        const result = await current.predict(model, found.rows);
        const thumbnails = await drawThumbnails(client, found, limits, request);
        let labels: { method: 'labels' | 'metadata'; key?: string; written: number } | undefined;
        if (request.body.update_labels) {
          const finals = result.columns.prediction_heuristics!;
          const targets = labelTargets(
            found.series,
            result.predicted.map((row, i) => ({ patient_id: row.patient_id, study_uid: row.study_uid, series_uid: row.series_uid, label: String(finals[i]) })),
          );
          const written = await client.writeLabels(targets, { modelId: model.config.id, metadataKey: limits.orthancMetadataKey });
          labels = written.method === 'metadata' ? { ...written, key: limits.orthancMetadataKey } : written;
          request.log.info({ labels: labels.method, written: labels.written }, 'labels written');
        }
        metrics.work('/predict-orthanc', { studies: studies.length, series: found.rows.length, pacsCalls: client.calls, pacsRetries: client.retries });
        return {
          ...replyBody(model, result, { notFound: found.notFound, skipped: found.skipped.length, pacsCalls: client.calls }, started),
          ...(labels ? { labels } : {}),
          ...(thumbnails ? { thumbnails } : {}),
        };
      });
    },
  );

  app.post<{ Body: DicomWebBody }>(
    '/predict-dicomweb',
    { schema: { summary: 'Label the series of DICOMweb studies', body: schemas.dicomweb, response: responses(PREDICT_REPLY), security: [{ bearer: [] }] } },
    async (request, reply) => {
      const started = performance.now();
      return predicting(context, reply, async (current, signal) => {
        const model = modelFor(current, request.body);
        const endpoint = dicomWebEndpoint(request.body.dicom_web_url, current.config, env);
        const studies = studiesOf(current, request.body);
        const limits = current.config.server;
        const client = new DicomWebClient(endpoint, pacsClientOptions(limits, signal));
        const found = await pacsSeries(client, studies, request, limits.thumbnailsDir !== undefined);
        const result = await current.predict(model, found.rows);
        const thumbnails = await drawThumbnails(client, found, limits, request);
        metrics.work('/predict-dicomweb', { studies: studies.length, series: found.rows.length, pacsCalls: client.calls, pacsRetries: client.retries });
        return {
          ...replyBody(model, result, { notFound: found.notFound, skipped: found.skipped.length, pacsCalls: client.calls }, started),
          ...(thumbnails ? { thumbnails } : {}),
        };
      });
    },
  );
};

/** With server.thumbnails_dir: one thumbnail per series read, fetched from the same PACS (after the prediction, so labels never wait on pixels). */
async function drawThumbnails(
  client: ThumbnailSource,
  found: PacsSeries,
  limits: ServeConfig['server'],
  request: FastifyRequest,
): Promise<{ decoded: number; placeholders: number } | undefined> {
  if (limits.thumbnailsDir === undefined || !found.instanceRows) return undefined;
  let records;
  try {
    records = await writePacsThumbnails(client, { instanceRows: found.instanceRows, series: found.series }, limits.thumbnailsDir);
  } catch (error) {
    // The labels stand without pictures: a folder that cannot be written is logged, not the request's failure.
    request.log.error({ err: error, dir: limits.thumbnailsDir }, 'thumbnails not written');
    return undefined;
  }
  const placeholders = records.filter((record) => record.status === 'placeholder').length;
  request.log.info({ thumbnails: records.length, placeholders, dir: limits.thumbnailsDir }, 'thumbnails drawn');
  return { decoded: records.length - placeholders, placeholders };
}

/** The server's PACS bounds (time, concurrency, reply bytes, series and instances per study) for one request's client. */
function pacsClientOptions(limits: ServeConfig['server'], signal: AbortSignal): PacsHttpOptions {
  return {
    timeoutMs: limits.upstreamTimeoutMs,
    concurrency: limits.upstreamConcurrency,
    maxResponseBytes: limits.maxPacsReplyBytes,
    maxSeriesPerStudy: limits.maxSeriesPerStudy,
    maxInstancesPerStudy: limits.maxInstancesPerStudy,
    signal,
  };
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
