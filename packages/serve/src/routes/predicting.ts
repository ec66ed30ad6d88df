/** What the prediction routes share: the concurrency bound, the model a body names, the reply shape. */
import { basename } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeForReduction } from '@msc/core';
import { readStudiesSeries, type PacsSeries, type StudySource } from '@msc/pacs';
import type { ServeContext } from '../context.js';
import { HttpError } from '../errors.js';
import { ERROR_REPLY, type ModelFields } from '../schemas.js';
import type { LoadedModel, PredictionResult, Service } from '../service.js';

/** A route's reply schemas: its success body, and the error body for every 4xx and 5xx. */
export const responses = (ok: object) => ({ 200: ok, '4xx': ERROR_REPLY, '5xx': ERROR_REPLY });

/** Runs a prediction within the concurrency bound, on the service generation current at its start. */
export async function predicting<T>(
  { getService, gate }: Pick<ServeContext, 'getService' | 'gate'>,
  reply: FastifyReply,
  work: (service: Service, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const aborted = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) aborted.abort(new Error('the client closed the connection'));
  });
  try {
    return await gate.run(async () => {
      const current = getService();
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

export function modelFor(current: Service, body: ModelFields): LoadedModel {
  const id = body.prediction_model_id ?? body.model_id;
  if (body.prediction_model_id && body.model_id && body.prediction_model_id !== body.model_id) {
    throw new HttpError(400, 'E_USAGE', `prediction_model_id '${body.prediction_model_id}' and model_id '${body.model_id}' differ`, 'give one of them');
  }
  if (!id) throw new HttpError(400, 'E_USAGE', "body: missing 'prediction_model_id' (or 'model_id')", `configured models: ${current.modelIds.join(', ')}`);
  const model = current.model(id);
  if (!model)
    throw new HttpError(404, 'E_UNKNOWN_MODEL', `no model '${id}' in ${basename(current.config.source)}`, `configured models: ${current.modelIds.join(', ')}`);
  return model;
}

export function replyBody(model: LoadedModel, result: PredictionResult, extra: { notFound?: string[]; skipped: number; pacsCalls?: number }, started: number) {
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

export function studiesOf(current: Service, body: { study_uid: string | readonly string[] }): string[] {
  const studies = [body.study_uid].flat();
  if (studies.length > current.config.server.maxStudiesPerRequest) {
    throw new HttpError(400, 'E_USAGE', `at most ${current.config.server.maxStudiesPerRequest} studies per request`);
  }
  return studies;
}

export async function pacsSeries(source: StudySource, studies: readonly string[], request: FastifyRequest, keepInstances = false): Promise<PacsSeries> {
  const found = await readStudiesSeries(source, studies, { keepInstances });
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
