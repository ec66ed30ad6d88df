/**
 * msc-serve: the HTTP service. Reads config-api.yaml, loads its models, listens; SIGHUP reloads
 * the configuration without dropping requests, SIGTERM/SIGINT stop after the requests under way.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { normalizeFlagSpellings, runCli } from '@msc/core';
import { loadServeConfig } from '../config.js';
import { createServer } from '../server.js';
import { Service } from '../service.js';

/** Longest wait for requests under way at shutdown before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return number;
}

function program(): Command {
  return new Command('msc-serve')
    .description('HTTP service: label the MRI series of DICOM folders, Orthanc and DICOMweb studies (POST /predict, /predict-orthanc, /predict-dicomweb)')
    .option('-c, --config <file>', 'models, filters and limits (config-api.yaml)', process.env.MSC_CONFIG ?? 'config-api.yaml')
    .option('--host <address>', 'address to listen on (default: server.host, else 127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on (default: server.port, else 8000)', port)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .option('--check', 'check the configuration and load its models, then exit (0 when usable)')
    .addHelpText(
      'after',
      '\nEnvironment: ORTHANC_URL, ORTHANC_USER, ORTHANC_PASSWORD; DICOMWEB_URL, DICOMWEB_USER, DICOMWEB_PASSWORD\n' +
        '(or *_TOKEN for bearer auth); MSC_API_TOKEN makes every route but /health and /docs ask for\n' +
        '"Authorization: Bearer <token>". Signals: SIGHUP reloads config-api.yaml, SIGTERM/SIGINT stop.',
    )
    .showHelpAfterError();
}

interface Flags {
  config: string;
  host?: string;
  port?: number;
  logLevel: string;
  check?: boolean;
}

async function main(argv: readonly string[]): Promise<number> {
  const command = program();
  command.exitOverride();
  command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    command.parse(normalizeFlagSpellings(argv), { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  }
  const flags = command.opts<Flags>();
  if (flags.check) {
    const config = await loadServeConfig(flags.config);
    const service = await Service.open(config);
    process.stdout.write(`${JSON.stringify({ config: config.source, models: service.modelIds, allowedRoots: config.server.allowedRoots })}\n`);
    await service.retire();
    return 0;
  }

  const server = await createServer({ configPath: flags.config, logger: { level: flags.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] } });
  const log = server.app.log;
  // One bad request is answered with an error; a stray rejection elsewhere is logged, not fatal.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  await server.listen({ ...(flags.host ? { host: flags.host } : {}), ...(flags.port !== undefined ? { port: flags.port } : {}) });

  return new Promise<number>((resolve) => {
    let stopping = false;
    process.on('SIGHUP', () => {
      log.info('SIGHUP: reloading the configuration');
      void server.reload();
    });
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping after the requests under way');
      const force = setTimeout(() => {
        log.error('requests still running after the grace period; exiting');
        resolve(1);
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          log.error({ err: error }, 'error while stopping');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

runCli(main);
