/**
 * msc-serve: the HTTP service. Reads config-api.yaml, loads its models, listens; SIGHUP reloads
 * the configuration without dropping requests, SIGTERM/SIGINT stop after the requests under way.
 */
import { Option, defineCli, parse, writeSummary, type Command } from '@msc/core';
import { loadServeConfig } from '../config.js';
import { createServer } from '../server.js';
import { Service } from '../service.js';

/** Longest wait for requests under way at shutdown before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

interface Flags {
  config?: string;
  host?: string;
  port?: number;
  logLevel: string;
  check?: boolean;
}

export const main = defineCli<Flags>({
  name: 'msc-serve',
  description: 'HTTP service: label the MRI series of DICOM folders, Orthanc and DICOMweb studies (POST /predict, /predict-orthanc, /predict-dicomweb)',
  configure: (command: Command) =>
    command
      .option('-c, --config <file>', 'models, filters and limits (default: MSC_CONFIG, else ./config-api.yaml)')
      .option('--host <address>', 'address to listen on (default: server.host, else 127.0.0.1)')
      .option('-p, --port <port>', 'port to listen on (default: server.port, else 8000)', parse.count(0))
      .addOption(
        new Option('--log-level <level>', 'log level (JSON lines on stdout)')
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      )
      .option('--check', 'check the configuration and load its models, then exit (0 when usable)'),
  helpText: `
Environment: ORTHANC_URL, ORTHANC_USER, ORTHANC_PASSWORD (or ORTHANC_TOKEN); DICOMWEB_URL,
DICOMWEB_USER, DICOMWEB_PASSWORD (or DICOMWEB_TOKEN); MSC_API_TOKEN makes every route but /health,
/openapi.json and /docs ask for "Authorization: Bearer <token>".
Signals: SIGHUP reloads the configuration (requests under way finish on the old models); SIGTERM
and SIGINT stop after the requests under way (exit 0).`,
  // The server stops on SIGTERM/SIGINT itself, after the requests under way.
  interrupted: false,
  async run(flags, _args, io) {
    const configPath = flags.config ?? io.env.MSC_CONFIG ?? 'config-api.yaml';
    if (flags.check) {
      const config = await loadServeConfig(configPath);
      const service = await Service.open(config);
      await service.retire();
      writeSummary(
        io,
        { config: config.source, models: service.modelIds, allowedRoots: config.server.allowedRoots },
        `msc-serve: ${config.source} is usable: models ${service.modelIds.join(', ')}`,
      );
      return 0;
    }
    const server = await createServer({
      configPath,
      env: io.env as NodeJS.ProcessEnv,
      logger: { level: flags.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    });
    const log = server.app.log;
    // A failing request is answered with an error; a stray rejection elsewhere is logged, not fatal.
    const onRejection = (reason: unknown) => log.error({ err: reason }, 'unhandled rejection');
    process.on('unhandledRejection', onRejection);
    await server.listen({ ...(flags.host ? { host: flags.host } : {}), ...(flags.port !== undefined ? { port: flags.port } : {}) });
    return new Promise<number>((resolve) => {
      let stopping = false;
      const reload = () => {
        log.info('SIGHUP: reloading the configuration');
        void server.reload();
      };
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping after the requests under way');
        const force = setTimeout(() => {
          log.error('requests still running after the grace period; exiting');
          resolve(1);
        }, SHUTDOWN_GRACE_MS);
        force.unref();
        server.close().then(
          () => {
            process.off('SIGHUP', reload);
            process.off('unhandledRejection', onRejection);
            resolve(0);
          },
          (error: unknown) => {
            log.error({ err: error }, 'error while stopping');
            resolve(1);
          },
        );
      };
      process.on('SIGHUP', reload);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
  },
});
