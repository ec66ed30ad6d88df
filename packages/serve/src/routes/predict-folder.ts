/** POST /predict: label the series of a DICOM folder below one of the allowed roots. */
import type { FastifyPluginAsync } from 'fastify';
import { isMscError } from '@msc/core';
import { extractSeries } from '@msc/extract';
import type { ServeContext } from '../context.js';
import { HttpError } from '../errors.js';
import { resolveDicomPath } from '../paths.js';
import { PREDICT_REPLY, bodySchemas, type PredictBody } from '../schemas.js';
import { modelFor, predicting, replyBody, responses } from './predicting.js';

export const predictFolderRoutes: FastifyPluginAsync<ServeContext> = async (app, context) => {
  const schemas = bodySchemas(context.getService().config.server.maxStudiesPerRequest);
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
      return predicting(context, reply, async (current, signal) => {
        const model = modelFor(current, request.body);
        const limits = current.config.server;
        const path = await resolveDicomPath(request.body.dicom_path, limits.allowedRoots, limits.allowedRootsAsWritten);
        // On this thread (no worker pool per request); symbolic links inside the folder are not followed.
        // Bounded in files and time, and stopped when the client goes away (finding F8).
        const extracted = await extractSeries([path], {
          workers: 0,
          followLinks: false,
          maxFiles: limits.maxFilesPerRequest,
          // Each file is checked, once open, to really lie in an allowed root (finding F3).
          confine: limits.allowedRoots,
          signal: AbortSignal.any([signal, AbortSignal.timeout(limits.maxRequestMs)]),
        }).catch((error: unknown) => {
          if (signal.aborted) throw error;
          if (error instanceof DOMException && error.name === 'TimeoutError')
            throw new HttpError(
              503,
              'E_TIMEOUT',
              `reading ${request.body.dicom_path} took longer than ${limits.maxRequestMs} ms`,
              'give a smaller folder, or raise server.max_request_ms',
            );
          if (isMscError(error) && error.code === 'E_BAD_DATA') throw new HttpError(413, 'E_TOO_LARGE', error.message, error.hint);
          throw error;
        });
        // Files read only in part count as skipped instances too (as this reply always counted them).
        const skipped = extracted.skipped.length + extracted.partial.length;
        if (extracted.rows.length === 0) {
          throw new HttpError(404, 'E_INPUT_NOT_FOUND', `no DICOM image series in ${request.body.dicom_path} (${skipped} files skipped)`);
        }
        const result = await current.predict(model, extracted.rows);
        context.metrics.work('/predict', {
          studies: new Set(extracted.rows.map((row) => row.study_uid)).size,
          series: extracted.rows.length,
          pacsCalls: 0,
          pacsRetries: 0,
        });
        return replyBody(model, result, { skipped }, started);
      });
    },
  );
};
