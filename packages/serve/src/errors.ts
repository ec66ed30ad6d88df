/**
 * Errors → HTTP replies. User mistakes are 4xx with the MscError's message and hint; a PACS that is
 * down is 502, one that is too slow 504; anything else is a 500 whose details stay in the log.
 */
import { STATUS_CODES } from 'node:http';
import { MscError, isMscError } from '@msc/core';
import { isUpstreamError } from '@msc/pacs';

/** An error with the HTTP status it answers with. */
export class HttpError extends MscError {
  constructor(
    readonly statusCode: number,
    /** Stable code clients can test (`E_USAGE`, `E_BUSY`, …). */
    readonly replyCode: string,
    message: string,
    hint?: string,
  ) {
    super('E_USAGE', message, hint ? { hint } : {});
  }
}

export interface ErrorReply {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  hint?: string;
}

const STATUS_BY_CODE: Record<string, number> = {
  E_USAGE: 400,
  E_CONFIG: 500,
  E_INPUT_NOT_FOUND: 404,
  E_TABLE_FORMAT: 422,
  E_MISSING_COLUMNS: 422,
  E_BAD_DATA: 422,
  E_DICOM_PARSE: 422,
  E_MODEL: 500,
  E_OUTPUT: 500,
};

/** Fastify's own errors that are the client's doing. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'E_BODY_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'E_MEDIA_TYPE'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'E_USAGE'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'E_USAGE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'E_USAGE'],
};

function reply(statusCode: number, code: string, message: string, hint?: string): ErrorReply {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message, ...(hint ? { hint } : {}) };
}

export function errorReply(error: unknown): ErrorReply {
  if (error instanceof HttpError) return reply(error.statusCode, error.replyCode, error.message, error.hint);
  if (isUpstreamError(error)) {
    return reply(error.reason === 'timeout' ? 504 : 502, error.code, error.message, error.hint);
  }
  if (isMscError(error)) return reply(STATUS_BY_CODE[error.code] ?? 500, error.code, error.message, error.hint);
  const fastifyError = error as { code?: string; statusCode?: number; validation?: unknown; message?: string };
  if (fastifyError.validation) return reply(400, 'E_USAGE', fastifyError.message ?? 'invalid request');
  const known = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return reply(known[0], known[1], fastifyError.message ?? 'invalid request');
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return reply(fastifyError.statusCode, 'E_USAGE', fastifyError.message ?? 'invalid request');
  }
  return reply(500, 'E_INTERNAL', 'internal error (details are in the server log)');
}
