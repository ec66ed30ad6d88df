/**
 * HTTP to a PACS: one place that sends credentials, bounds time and concurrency, counts calls and
 * turns network failures into `UpstreamError`s whose messages name the server and the call but
 * never the credentials.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, request as undiciRequest } from 'undici';
import { MscError } from '@msc/core';

/** Where a PACS is and how to log in (credentials come from the environment, see `endpointFromEnv`). */
export interface PacsEndpoint {
  /** Base URL, e.g. `http://orthanc:8042` or `http://pacs/dicom-web`. */
  url: string;
  user?: string;
  password?: string;
  /** Bearer token (instead of user and password). */
  token?: string;
}

export interface PacsHttpOptions {
  /** Longest wait for one call, in ms (default 30,000). */
  timeoutMs?: number;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** Aborts every call (e.g. the HTTP client of the service went away). */
  signal?: AbortSignal;
  /**
   * Largest answer read, in bytes (default 256 MiB): a larger one is an UpstreamError, never a
   * buffer that grows until the process dies.
   */
  maxResponseBytes?: number;
  /** Series read per study (default 2,000): a study announcing more is refused, not followed. */
  maxSeriesPerStudy?: number;
  /** Instances read per study (default 100,000). */
  maxInstancesPerStudy?: number;
}

export const DEFAULT_MAX_SERIES_PER_STUDY = 2_000;
export const DEFAULT_MAX_INSTANCES_PER_STUDY = 100_000;

export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 2 ** 20;

export type UpstreamReason = 'unreachable' | 'timeout' | 'status' | 'protocol';

/** The PACS did not answer, answered too late, answered with an error status or with nonsense. */
export class UpstreamError extends MscError {
  readonly reason: UpstreamReason;
  readonly status: number | undefined;

  constructor(reason: UpstreamReason, message: string, options: { status?: number; hint?: string; cause?: unknown } = {}) {
    super('E_UPSTREAM', message, { ...(options.hint ? { hint: options.hint } : {}), ...(options.cause ? { cause: options.cause } : {}) });
    this.name = 'UpstreamError';
    this.reason = reason;
    this.status = options.status;
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/** Reads `<PREFIX>_URL`, `_USER`, `_PASSWORD` and `_TOKEN` (e.g. `ORTHANC_URL`); undefined without a URL. */
export function endpointFromEnv(prefix: 'ORTHANC' | 'DICOMWEB', env: NodeJS.ProcessEnv = process.env, url = env[`${prefix}_URL`]): PacsEndpoint | undefined {
  if (!url) return undefined;
  const endpoint: PacsEndpoint = { url };
  const user = env[`${prefix}_USER`];
  const password = env[`${prefix}_PASSWORD`];
  const token = env[`${prefix}_TOKEN`];
  if (user !== undefined) endpoint.user = user;
  if (password !== undefined) endpoint.password = password;
  if (token !== undefined) endpoint.token = token;
  return endpoint;
}

/** A URL as it may be shown: no user, no password, no query (which may carry tokens). */
export function displayUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}

/** A percent-encoded URL user or password; a lone `%` is a usage error that names no secret. */
function decodeUserInfo(text: string, name: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MscError('E_USAGE', `${name} URL: the ${what} written in it is not valid percent-encoding (a '%' must be written %25)`, {
      hint: `write % as %25, or give the ${what} in the environment instead of the URL`,
    });
  }
}

/** Parses and checks a base URL; credentials written into it move to the endpoint's user/password. */
export function normalizeEndpoint(endpoint: PacsEndpoint, name: string): { base: URL; authorization: string | undefined } {
  let base: URL;
  try {
    base = new URL(endpoint.url);
  } catch {
    throw new MscError('E_USAGE', `${name} URL is not a URL: ${displayUrl(endpoint.url)}`, { hint: 'give it as http://host:port[/path]' });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new MscError('E_USAGE', `${name} URL must be http or https, not ${base.protocol}`, { hint: 'give it as http://host:port[/path]' });
  }
  let user = endpoint.user;
  let password = endpoint.password;
  if (base.username || base.password) {
    user ??= decodeUserInfo(base.username, name, 'user');
    password ??= decodeUserInfo(base.password, name, 'password');
    base.username = '';
    base.password = '';
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.search = '';
  base.hash = '';
  let authorization: string | undefined;
  if (endpoint.token) authorization = `Bearer ${endpoint.token}`;
  else if (user !== undefined && user !== '') authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  return { base, authorization };
}

export interface PacsResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Why a fetch failed: the socket error's code (undici wraps it in `cause`), else the innermost message. */
function failureReason(error: unknown): string {
  let current: unknown = error;
  let message = (error as Error).message;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (current instanceof Error && current.message) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

/**
 * One connection pool for every PACS client. Orthanc announces `Keep-Alive: timeout=1`; with
 * undici's default margin (1 s) every connection would close after one call, so each call paid a
 * TCP connect on both sides. Connections are reused for up to 0.5 s idle instead; a call that
 * meets a connection the server closed meanwhile is sent once more (see `retryable`).
 */
const agent = new Agent({ keepAliveTimeoutThreshold: 500, connections: 128 });
/** For the one retry: a connection of its own, never a pooled one (which may be stale as well). */
const freshAgent = new Agent({ keepAliveTimeout: 1, keepAliveMaxTimeout: 1, connections: 128 });

/** Socket errors of a connection the server closed between calls: the call never reached it. */
const STALE_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export class PacsHttp {
  /** HTTP calls asked for so far (a call sent again after a stale connection counts once). */
  calls = 0;
  /** Calls sent a second time because a pooled connection had been closed by the server. */
  retries = 0;
  readonly base: URL;
  private readonly authorization: string | undefined;
  private readonly limit: LimitFunction;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(
    endpoint: PacsEndpoint,
    /** How the server is named in messages (`Orthanc`, `DICOMweb server`). */
    readonly name: string,
    private readonly options: PacsHttpOptions = {},
  ) {
    ({ base: this.base, authorization: this.authorization } = normalizeEndpoint(endpoint, name));
    this.limit = pLimit(options.concurrency ?? 8);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** `path` relative to the base URL (`series/x`), or an absolute URL on the base's origin. */
  resolve(path: string): URL {
    const url = new URL(path, this.base);
    if (url.origin !== this.base.origin) {
      throw new UpstreamError('protocol', `${this.name} pointed to another server (${displayUrl(url)}); MSC only calls ${this.base.origin}`, {
        hint: 'configure the PACS to announce its own public URL (e.g. DICOMweb plugin "PublicRoot"/"Host")',
      });
    }
    return url;
  }

  /** One call; resolves for 2xx (and for the statuses in `allow`), else throws `UpstreamError`. */
  request(
    method: string,
    path: string,
    init: { body?: string | Uint8Array; accept?: string; contentType?: string; allow?: readonly number[] } = {},
  ): Promise<PacsResponse> {
    return this.limit(() => this.send(method, this.resolve(path), init));
  }

  async json<T>(method: string, path: string, body?: unknown, allow?: readonly number[]): Promise<{ status: number; value: T | undefined }> {
    const response = await this.request(method, path, {
      accept: 'application/json',
      ...(body !== undefined ? { body: JSON.stringify(body), contentType: 'application/json' } : {}),
      ...(allow ? { allow } : {}),
    });
    if (response.status < 200 || response.status >= 300 || response.body.length === 0) return { status: response.status, value: undefined };
    return { status: response.status, value: this.parseJson<T>(response, path) };
  }

  parseJson<T>(response: PacsResponse, path: string): T {
    try {
      return JSON.parse(Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString('utf8')) as T;
    } catch {
      throw new UpstreamError(
        'protocol',
        `${this.name} answered ${displayUrl(this.resolve(path))} with something that is not JSON (${response.contentType || 'no content type'})`,
      );
    }
  }

  /**
   * Reads an answer only as far as needed: `enough` sees the bytes so far (and whether they are all
   * of them) and returns a result once it has one; the rest of the body is not downloaded.
   */
  prefix<T>(path: string, accept: string, enough: (bytes: Uint8Array, complete: boolean) => T | undefined): Promise<T> {
    return this.limit(async () => {
      const url = this.resolve(path);
      return this.guard(`GET ${displayUrl(url)}`, async (signal, dispatcher) => {
        const response = await undiciRequest(url, { method: 'GET', headers: this.headers({ accept }), signal, dispatcher });
        if (response.statusCode < 200 || response.statusCode >= 300) {
          await response.body.dump();
          throw new UpstreamError('status', `${this.name} answered GET ${displayUrl(url)} with HTTP ${response.statusCode}`, { status: response.statusCode });
        }
        const bytes = new GrowingBuffer(this.tooLarge(`GET ${displayUrl(url)}`), this.maxResponseBytes);
        try {
          for await (const chunk of response.body as AsyncIterable<Buffer>) {
            bytes.append(chunk);
            const result = enough(bytes.view(), false);
            if (result !== undefined) return result;
          }
          const result = enough(bytes.view(), true);
          if (result === undefined) throw new UpstreamError('protocol', `${this.name} answered GET ${displayUrl(url)} with less than expected`);
          return result;
        } finally {
          // The rest of the body (pixel data) is not wanted.
          response.body.destroy();
        }
      });
    });
  }

  private tooLarge(where: string): () => UpstreamError {
    return () =>
      new UpstreamError('protocol', `${this.name} answered ${where} with more than ${this.maxResponseBytes} bytes`, {
        hint: 'the answer was cut off; raise server.max_pacs_reply_bytes (msc-serve) if such answers are expected',
      });
  }

  /**
   * An upstream error body as it may be shown: a server or proxy that echoes request headers
   * must not make MSC echo its own credentials (finding F9).
   */
  private redact(text: string): string {
    let out = text.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 [redacted]');
    const secret = this.authorization?.replace(/^(Basic|Bearer)\s+/i, '');
    if (secret) {
      out = out.split(secret).join('[redacted]');
      if (/^Basic /i.test(this.authorization!)) {
        const decoded = Buffer.from(secret, 'base64').toString('utf8');
        const password = decoded.slice(decoded.indexOf(':') + 1);
        if (password.length >= 4) out = out.split(password).join('[redacted]');
      }
    }
    return out;
  }

  private headers(init: { accept?: string; contentType?: string }): Record<string, string> {
    // Uncompressed: on the networks PACSs live on, gzip costs both sides more CPU than it saves time.
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (this.authorization) headers.authorization = this.authorization;
    if (init.accept) headers.accept = init.accept;
    if (init.contentType) headers['content-type'] = init.contentType;
    return headers;
  }

  /**
   * Counts the call, bounds its time, and turns network failures into UpstreamErrors. A call that
   * fails on a stale pooled connection is sent once more when `retryable` (reads, and writes that
   * set a value): a server that is really gone then fails the second time too.
   */
  private async guard<T>(where: string, call: (signal: AbortSignal, dispatcher: Agent) => Promise<T>, retryable = true): Promise<T> {
    this.options.signal?.throwIfAborted();
    this.calls += 1;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    try {
      try {
        return await call(signal, agent);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!retryable || timeout.aborted || signal.aborted || !code || !STALE_CONNECTION_CODES.has(code)) throw error;
        this.retries += 1;
        return await call(signal, freshAgent);
      }
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      if (timeout.aborted) {
        throw new UpstreamError('timeout', `${this.name} did not answer ${where} within ${this.timeoutMs / 1000} s`, {
          hint: 'the PACS is overloaded or unreachable; raise upstream_timeout_ms if it is only slow',
          cause: error,
        });
      }
      if (this.options.signal?.aborted) throw error;
      throw new UpstreamError('unreachable', `${this.name} is unreachable (${failureReason(error)}) for ${where}`, {
        hint: `check that ${this.name} runs at ${this.base.origin}`,
        cause: error,
      });
    }
  }

  private async send(
    method: string,
    url: URL,
    init: { body?: string | Uint8Array; accept?: string; contentType?: string; allow?: readonly number[] },
  ): Promise<PacsResponse> {
    const where = `${method} ${displayUrl(url)}`;
    const { status, contentType, body } = await this.guard(where, async (signal, dispatcher) => {
      const response = await undiciRequest(url, {
        method: method as 'GET',
        headers: this.headers(init),
        signal,
        dispatcher,
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
      const type = response.headers['content-type'];
      const bytes = new GrowingBuffer(this.tooLarge(where), this.maxResponseBytes, Number(response.headers['content-length']) || 0);
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) bytes.append(chunk);
      } finally {
        response.body.destroy();
      }
      return { status: response.statusCode, contentType: (Array.isArray(type) ? type[0] : type) ?? '', body: bytes.view() };
    });
    if ((status >= 200 && status < 300) || init.allow?.includes(status)) return { status, contentType, body };
    const detail = this.redact(Buffer.from(body.subarray(0, 300)).toString('utf8').replace(/\s+/g, ' ').trim());
    throw new UpstreamError('status', `${this.name} answered ${where} with HTTP ${status}${detail ? `: ${detail}` : ''}`, {
      status,
      ...(status === 401 || status === 403
        ? { hint: `check the credentials in the environment (${this.name === 'Orthanc' ? 'ORTHANC' : 'DICOMWEB'}_USER / _PASSWORD / _TOKEN)` }
        : {}),
    });
  }
}

/** Bytes of an answer, grown by doubling (linear in the answer's size) and bounded. */
class GrowingBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(
    private readonly tooLarge: () => Error,
    private readonly max: number,
    expected = 0,
  ) {
    if (expected > max) throw tooLarge();
    this.buffer = Buffer.allocUnsafe(Math.min(Math.max(expected, 16 * 1024), max));
  }

  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.length;
    if (needed > this.max) throw this.tooLarge();
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed, this.buffer.length * 2), this.max));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length = needed;
  }

  view(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.length);
  }
}
