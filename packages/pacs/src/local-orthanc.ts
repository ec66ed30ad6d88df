/**
 * A throw-away Orthanc (Debian `orthanc` + `orthanc-dicomweb`) for tests, benchmarks and demos: a
 * user process on 127.0.0.1 and a free port, its storage and JSON configuration in a temporary
 * folder, DICOMweb plugin loaded, stopped and removed by `stop()`.
 *
 * Orthanc 1.10 cannot choose its listening address (it binds 0.0.0.0); a small LD_PRELOAD shim
 * (native/bind-loopback.c, compiled once with the system C compiler) makes that bind loopback only.
 * Without a compiler Orthanc still refuses non-local clients (`RemoteAccessAllowed: false`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';

const ORTHANC_BINARIES = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc'];
const DICOMWEB_PLUGINS = ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so', '/usr/lib/orthanc/libOrthancDicomWeb.so'];
const SHIM_SOURCE = fileURLToPath(new URL('../native/bind-loopback.c', import.meta.url));

export interface LocalOrthancOptions {
  /** Series metadata keys Orthanc accepts (`UserMetadata`), e.g. `{ msc_label: 1024 }`. */
  userMetadata?: Record<string, number>;
  /** HTTP basic authentication: Orthanc then refuses calls without these credentials. */
  credentials?: { user: string; password: string };
  /** Longest wait for Orthanc to answer after starting (default 30 s). */
  startTimeoutMs?: number;
}

export interface LocalOrthanc {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `<url>/dicom-web/` */
  readonly dicomWebUrl: string;
  readonly pid: number;
  /** Its storage, configuration and log. */
  readonly dir: string;
  /** Stores DICOM files through the REST API; resolves to the number of instances Orthanc took. */
  upload(files: readonly string[]): Promise<number>;
  /** SIGKILL now (for fault tests); `stop()` still cleans up. */
  kill(): void;
  /** Ends the process and removes its folder. */
  stop(): Promise<void>;
}

function findFile(candidates: readonly string[], dpkgPackage?: string, pattern?: RegExp): string | undefined {
  const found = candidates.find((path) => existsSync(path));
  if (found || !dpkgPackage || !pattern) return found;
  const listing = spawnSync('dpkg', ['-L', dpkgPackage], { encoding: 'utf8', timeout: 10_000 });
  return listing.status === 0 ? listing.stdout.split('\n').find((line) => pattern.test(line) && existsSync(line)) : undefined;
}

/** Whether Orthanc and its DICOMweb plugin are installed (and if not, what to install). */
export function localOrthancAvailable(): { ok: true } | { ok: false; reason: string } {
  if (!findFile(ORTHANC_BINARIES)) return { ok: false, reason: 'Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)' };
  if (!findFile(DICOMWEB_PLUGINS, 'orthanc-dicomweb', /libOrthancDicomWeb\.so$/))
    return { ok: false, reason: 'the Orthanc DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)' };
  return { ok: true };
}

/** The loopback shim, compiled once per source version into the temp folder; undefined without a C compiler. */
async function loopbackShim(): Promise<string | undefined> {
  const source = readFileSync(SHIM_SOURCE);
  const target = join(tmpdir(), `msc-bind-loopback-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.so`);
  if (existsSync(target)) return target;
  const partial = `${target}.${process.pid}.tmp`;
  const compiled = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', partial, SHIM_SOURCE, '-ldl'], { encoding: 'utf8', timeout: 60_000 });
  if (compiled.status !== 0) return undefined;
  await rename(partial, target);
  return target;
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startLocalOrthanc(options: LocalOrthancOptions = {}): Promise<LocalOrthanc> {
  const available = localOrthancAvailable();
  if (!available.ok) throw new Error(available.reason);
  const binary = findFile(ORTHANC_BINARIES)!;
  const plugin = findFile(DICOMWEB_PLUGINS, 'orthanc-dicomweb', /libOrthancDicomWeb\.so$/)!;
  const dir = await mkdtemp(join(tmpdir(), 'msc-orthanc-'));
  const storage = join(dir, 'storage');
  await mkdir(storage);
  const port = await freePort();
  const configuration = {
    Name: 'msc-test',
    StorageDirectory: storage,
    IndexDirectory: storage,
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: options.credentials !== undefined,
    RegisteredUsers: options.credentials ? { [options.credentials.user]: options.credentials.password } : {},
    Plugins: [plugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
    UserMetadata: options.userMetadata ?? {},
    StableAge: 3600,
    HttpThreadsCount: 64,
  };
  const configPath = join(dir, 'orthanc.json');
  await writeFile(configPath, JSON.stringify(configuration, null, 2));
  const shim = await loopbackShim();
  const log = openSync(join(dir, 'orthanc.log'), 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, [configPath], { stdio: ['ignore', log, log], env: { ...process.env, ...(shim ? { LD_PRELOAD: shim } : {}) } });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const authorization = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  const headers = authorization ? { authorization } : undefined;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  // Bounded wait for the REST API.
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      const text = await readFile(join(dir, 'orthanc.log'), 'utf8').catch(() => '');
      await stop();
      throw new Error(`Orthanc exited at start (code ${child.exitCode}): ${text.slice(-2000)}`);
    }
    const ok = await fetch(`${url}/system`, { ...(headers ? { headers } : {}), signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer within ${options.startTimeoutMs ?? 30_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    dicomWebUrl: `${url}/dicom-web/`,
    pid: child.pid!,
    dir,
    async upload(files) {
      const limit = pLimit(4);
      const stored = await Promise.all(
        files.map((file) =>
          limit(async () => {
            const response = await fetch(`${url}/instances`, {
              method: 'POST',
              headers: { 'content-type': 'application/dicom', ...headers },
              body: await readFile(file),
            });
            if (!response.ok) throw new Error(`Orthanc refused ${file}: HTTP ${response.status} ${await response.text()}`);
            return 1;
          }),
        ),
      );
      return stored.length;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    stop,
  };
}
