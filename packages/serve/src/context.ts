/**
 * What every route and plugin of the server is given (fastify's "everything is a plugin"): the
 * service generation in force, the concurrency gate, the counters and the environment.
 */
import type { Gate } from './gate.js';
import type { Metrics } from './metrics.js';
import type { Service } from './service.js';

export interface ServeContext {
  /** The service generation in force now (a reload swaps it; requests under way keep theirs). */
  getService(): Service;
  gate: Gate;
  metrics: Metrics;
  /** ORTHANC_*, DICOMWEB_*, MSC_API_TOKEN. */
  env: NodeJS.ProcessEnv;
  /** True once `close` has begun (health then answers 503). */
  isClosing(): boolean;
}
