/**
 * Faults against a real Orthanc that asks for credentials, reached through a pass-through TCP proxy
 * that can hold one request (to act while it is under way): credentials never in replies or logs,
 * a reload while a request is under way drops nothing, Orthanc killed mid-request is a 502 and the
 * service goes on answering.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOrthancAvailable, startLocalOrthanc, type LocalOrthanc } from '@msc/pacs/testing';
import { createServer, type MscServer } from '@msc/serve';
import { generateCohort } from '@msc/synth';
import { filesBelow } from '../../pacs/test/support/files.js';
import { DEFAULT_MODEL, writeConfig } from './support/serve-fixtures.js';

const orthancReady = localOrthancAvailable();
if (!orthancReady.ok) console.warn(`faults.test: skipped: ${orthancReady.reason}`);

const USER = 'msc-reader';
const PASSWORD = 'Pa55-w0rd-never-logged';

/**
 * Forwards TCP to a target; `holdNext()` holds the next HTTP request that arrives (resolving once
 * it has) until `release()`. When the target closes a connection, the client side is closed too.
 */
class HoldingProxy {
  private server: Server | undefined;
  private holding: { arrived: () => void } | undefined;
  private held: { upstream: Socket; data: Buffer[] } | undefined;
  url = '';

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createTcpServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      let holdingThis = false;
      const buffered: Buffer[] = [];
      client.on('data', (chunk: Buffer) => {
        if (!holdingThis && this.holding && /^(GET|POST|PUT|DELETE) /.test(chunk.subarray(0, 8).toString('latin1'))) {
          holdingThis = true;
          this.held = { upstream, data: buffered };
          const { arrived } = this.holding;
          this.holding = undefined;
          arrived();
        }
        if (holdingThis) buffered.push(chunk);
        else upstream.write(chunk);
      });
      upstream.on('data', (chunk) => client.write(chunk));
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('close', close);
      upstream.on('error', close);
      client.on('close', close);
      client.on('error', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  holdNext(): Promise<void> {
    return new Promise((arrived) => (this.holding = { arrived }));
  }

  release(): void {
    const held = this.held;
    this.held = undefined;
    if (held && !held.upstream.destroyed) for (const chunk of held.data) held.upstream.write(chunk);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe.skipIf(!orthancReady.ok)('faults', () => {
  let orthanc: LocalOrthanc;
  let proxy: HoldingProxy;
  let dir: string;
  let cohortDir: string;
  let studies: string[];
  let server: MscServer;
  let configPath: string;
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });

  const post = async (path: string, body: unknown, on = server) => {
    const response = await on.app.inject({ method: 'POST', url: path, payload: body as object });
    return { status: response.statusCode, text: response.body, body: response.json() as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-serve-faults-'));
    const cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 2, seed: 5501, maxInstancesPerSeries: 2 });
    cohortDir = cohort.outDir;
    studies = [...new Set(cohort.labels.map((label) => label.study_uid))];
    orthanc = await startLocalOrthanc({ credentials: { user: USER, password: PASSWORD } });
    await orthanc.upload(filesBelow(cohortDir));
    proxy = new HoldingProxy(Number(new URL(orthanc.url).port));
    await proxy.start();
    configPath = await writeConfig(dir, {
      models: { prostate_mpmri: { model: DEFAULT_MODEL, heuristics: 'prostate_mpmri' } },
      server: { allowed_roots: [cohortDir], upstream_timeout_ms: 10_000 },
    });
    server = await createServer({
      configPath,
      env: {
        ORTHANC_URL: proxy.url,
        ORTHANC_USER: USER,
        ORTHANC_PASSWORD: PASSWORD,
        DICOMWEB_URL: `${proxy.url}/dicom-web/`,
        DICOMWEB_USER: USER,
        DICOMWEB_PASSWORD: PASSWORD,
      },
      logger: { level: 'debug', stream: logStream },
    });
  });

  afterAll(async () => {
    await server?.close();
    await proxy?.stop();
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs in with the credentials from the environment and never shows them', async () => {
    const orthancReply = await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies });
    const dicomwebReply = await post('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: studies });
    expect(orthancReply.status, orthancReply.text).toBe(200);
    expect(dicomwebReply.status, dicomwebReply.text).toBe(200);
    expect(orthancReply.body.series_uid).toEqual(dicomwebReply.body.series_uid);

    // Wrong password, and credentials written into the URL: refused or accepted, never echoed.
    const wrong = await createServer({
      configPath,
      env: { ORTHANC_URL: orthanc.url, ORTHANC_USER: USER, ORTHANC_PASSWORD: 'wrong-secret-xyz' },
      logger: { level: 'debug', stream: logStream },
    });
    const inUrl = await createServer({
      configPath,
      env: { ORTHANC_URL: `http://${USER}:${PASSWORD}@127.0.0.1:${new URL(orthanc.url).port}` },
      logger: { level: 'debug', stream: logStream },
    });
    try {
      const refused = await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies[0] }, wrong);
      expect(refused.status).toBe(502);
      expect(refused.body.message).toMatch(/^Orthanc answered POST http:\/\/127\.0\.0\.1:\d+\/tools\/find with HTTP 401/);
      expect(refused.body.hint).toMatch(/ORTHANC_USER/);
      expect(refused.text).not.toContain('wrong-secret-xyz');
      const accepted = await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies[0] }, inUrl);
      expect(accepted.status, accepted.text).toBe(200);
      const health = await inUrl.app.inject({ method: 'GET', url: '/health' });
      expect(health.json().orthanc.reachable).toBe(true);
    } finally {
      await wrong.close();
      await inUrl.close();
    }
    const logged = logs.join('');
    expect(logged).toContain('studies read'); // the logs are there…
    for (const secret of [PASSWORD, 'wrong-secret-xyz', Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) expect(logged).not.toContain(secret); // …the secrets are not
  });

  it('reloads the configuration while a request is under way without dropping it', async () => {
    const held = proxy.holdNext();
    const pending = post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies[0] });
    await held;
    await writeConfig(dir, { models: { renamed: { model: DEFAULT_MODEL } }, server: { allowed_roots: [cohortDir], upstream_timeout_ms: 10_000 } });
    expect(await server.reload()).toEqual({ ok: true });
    // New requests see the new configuration at once…
    expect((await server.app.inject({ method: 'GET', url: '/models' })).json().models.map((model: { id: string }) => model.id)).toEqual(['renamed']);
    expect((await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies[0] })).status).toBe(404);
    // …while the one under way finishes on the models it started with.
    proxy.release();
    const reply = await pending;
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.model_id).toBe('prostate_mpmri');

    // A broken configuration is refused with its line; the one in force stays.
    await writeConfig(dir, { models: { renamed: { model: join(dir, 'missing.onnx') } } });
    const failed = await server.reload();
    expect(failed).toEqual({ ok: false, error: expect.stringMatching(/models\.renamed\.model: no model file at .*missing\.onnx \(line 3, column 12\)/) });
    const after = await post('/predict-orthanc', { model_id: 'renamed', study_uid: studies[0] });
    expect(after.status, after.text).toBe(200);
  });

  it('answers 502 when Orthanc dies mid-request, and goes on serving', async () => {
    const held = proxy.holdNext();
    const pending = post('/predict-orthanc', { model_id: 'renamed', study_uid: studies[0] });
    await held;
    orthanc.kill();
    proxy.release();
    const reply = await pending;
    expect(reply.status, reply.text).toBe(502);
    expect(reply.body.code).toBe('E_UPSTREAM');
    expect(reply.body.message).toMatch(/^Orthanc is unreachable \(.+\) for (GET|POST) http:\/\/127\.0\.0\.1:\d+\//);

    const again = await post('/predict-dicomweb', { model_id: 'renamed', study_uid: studies[0] });
    expect(again.status).toBe(502);
    const health = (await server.app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.status).toBe('degraded');
    expect(health.orthanc.reachable).toBe(false);
    const folder = await post('/predict', { model_id: 'renamed', dicom_path: cohortDir });
    expect(folder.status, folder.text).toBe(200);
  });
});
