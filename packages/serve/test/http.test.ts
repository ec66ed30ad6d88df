/**
 * The service without a PACS (fastify inject): bodies validated, limits enforced, folders confined
 * to their roots, a token when configured, configuration errors with their line, OpenAPI and docs
 * served offline. Every reply here also passes the reply-schema check (a mismatch would be 500).
 */
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '@msc/synth';
import { createServer, loadServeConfig, parseServeConfig, type MscServer } from '@msc/serve';
import { DEFAULT_MODEL, silentServer, writeConfig } from './support/serve-fixtures.js';

let dir: string;
let root: string;
let outside: string;
let server: MscServer;
let silent: Awaited<ReturnType<typeof silentServer>>;
const TOKEN = 'test-token-5d1f';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-serve-http-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  await generateCohort({ outDir: join(root, 'cohort'), studies: 1, seed: 3101, maxInstancesPerSeries: 2 });
  await generateCohort({ outDir: outside, studies: 1, seed: 3102, maxInstancesPerSeries: 2 });
  // Links inside the root that lead out of it: a folder link and a file link.
  await symlink(outside, join(root, 'escape'));
  await mkdir(join(root, 'linked-file'));
  const someFile = readdirSync(outside, { recursive: true, withFileTypes: true }).find((entry) => entry.isFile() && entry.name.endsWith('.dcm'))!;
  await symlink(join(someFile.parentPath, someFile.name), join(root, 'linked-file', 'IM1.dcm'));
  silent = await silentServer();
  const configPath = await writeConfig(dir, {
    models: { prostate_mpmri: { model: DEFAULT_MODEL, heuristics: 'prostate_mpmri', filters: { Modality: ['MR'] } } },
    server: {
      allowed_roots: [root],
      body_limit_bytes: 2048,
      max_concurrent_requests: 1,
      max_queued_requests: 0,
      upstream_timeout_ms: 1500,
      max_studies_per_request: 3,
      allowed_dicomweb_urls: [`${silent.url}/dicom-web`],
    },
  });
  server = await createServer({ configPath, env: { MSC_API_TOKEN: TOKEN }, logger: false });
});

afterAll(async () => {
  await server?.close();
  await silent?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
  server.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('request bodies', () => {
  it('predicts a folder below the root, under either spelling of the model field', async () => {
    const a = await post('/predict', { prediction_model_id: 'prostate_mpmri', dicom_path: join(root, 'cohort') });
    expect(a.statusCode, a.body).toBe(200);
    const b = await post('/predict', { model_id: 'prostate_mpmri', dicom_path: 'cohort' });
    expect(b.statusCode, b.body).toBe(200);
    const reply = a.json();
    expect(reply.series_uid.length).toBeGreaterThan(5);
    for (const column of [
      'patient_id',
      'study_uid',
      'series_number',
      'series_description',
      'series_group',
      'prediction',
      'prediction_heuristics',
      'confidence',
      'rule',
      'probability_dwi',
    ])
      expect(reply[column]).toHaveLength(reply.series_uid.length);
    // What a person reads comes right after the identifiers; every series has a number and a group.
    expect(Object.keys(reply).slice(1, 8)).toEqual([
      'patient_id',
      'study_uid',
      'series_uid',
      'series_number',
      'series_description',
      'series_group',
      'prediction',
    ]);
    expect(reply.series_number.every((n: string) => /^\d+$/.test(n))).toBe(true);
    expect(reply.series_group.every((group: string) => reply.series_uid.includes(group))).toBe(true);
    expect(reply.time).toBeGreaterThan(0);
    expect({ ...b.json(), time: 0 }).toEqual({ ...reply, time: 0 });
  });

  it.each([
    [{ dicom_path: 'cohort' }, 400, /missing 'prediction_model_id' \(or 'model_id'\)/],
    [{ model_id: 'prostate_mpmri' }, 400, /missing 'dicom_path'/],
    [{ model_id: 'prostate_mpmri', dicom_path: 'cohort', extra: 1 }, 400, /^body: unknown field 'extra'$/],
    // A misspelt required field is named as unknown (with the field it likely meant), not reported as missing.
    [{ model_id: 'prostate_mpmri', dicom_pth: 'cohort' }, 400, /^body: unknown field 'dicom_pth' \(did you mean 'dicom_path'\?\)$/],
    [{ modelid: 'prostate_mpmri', dicom_path: 'cohort' }, 400, /^body: unknown field 'modelid' \(did you mean 'model_id'\?\)$/],
    [{ model_id: 'prostate_mpmri', prediction_model_id: 'other', dicom_path: 'cohort' }, 400, /differ/],
    [{ model_id: 'nope', dicom_path: 'cohort' }, 404, /no model 'nope'/],
    [{ model_id: 'prostate_mpmri', dicom_path: 5 }, 400, /dicom_path must be string/],
  ])('refuses %j with %i', async (body, status, message) => {
    const response = await post('/predict', body);
    expect(response.statusCode).toBe(status);
    expect(response.json().message).toMatch(message);
  });

  it('checks study UIDs and flags without coercing them', async () => {
    for (const study_uid of ['*', '1.2.*', 'abc', ['1.2', '../x'], []]) {
      const response = await post('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid });
      expect(response.statusCode, JSON.stringify(study_uid)).toBe(400);
    }
    const many = await post('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: ['1.1', '1.2', '1.3', '1.4'] });
    expect(many.json().message).toMatch(/at most 3/);
    const typo = await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: '1.2', update_label: true });
    expect([typo.statusCode, typo.json().message]).toEqual([400, "body: unknown field 'update_label' (did you mean 'update_labels'?)"]);
    expect(typo.json().hint).toBe('known fields: prediction_model_id, model_id, study_uid, update_labels');
    const flag = await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: '1.2', update_labels: 'yes' });
    expect(flag.statusCode).toBe(400);
    expect(flag.json().message).toMatch(/update_labels must be boolean/);
  });

  it('refuses bodies over the limit and bodies that are not JSON', async () => {
    const big = await post('/predict', { model_id: 'prostate_mpmri', dicom_path: 'x'.repeat(3000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('E_BODY_TOO_LARGE');
    const text = await server.app.inject({
      method: 'POST',
      url: '/predict',
      payload: 'dicom_path=x',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.statusCode).toBe(415);
    const broken = await server.app.inject({
      method: 'POST',
      url: '/predict',
      payload: '{"model_id":',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
  });
});

describe('folders', () => {
  it.each([
    ['cohort/../../outside', 400, 'E_USAGE'],
    ['/etc', 403, 'E_FORBIDDEN'],
    ['escape', 403, 'E_FORBIDDEN'], // a link inside the root to a folder outside
    ['no-such-folder', 404, 'E_INPUT_NOT_FOUND'],
    ['linked-file', 404, 'E_INPUT_NOT_FOUND'], // a folder whose only file links outside: the link is not read
  ])('answers %s with %i', async (path, status, code) => {
    const response = await post('/predict', { model_id: 'prostate_mpmri', dicom_path: path });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().code).toBe(code);
    expect(response.body).not.toContain(outside);
  });

  it('says whether a path outside exists no differently from one that does not', async () => {
    const a = await post('/predict', { model_id: 'prostate_mpmri', dicom_path: join(outside, 'labels.csv') });
    const b = await post('/predict', { model_id: 'prostate_mpmri', dicom_path: join(outside, 'nothing-here') });
    expect([a.statusCode, a.json().message]).toEqual([b.statusCode, b.json().message]);
  });
});

describe('PACS settings', () => {
  it('answers 400 for a PACS route whose server is not configured', async () => {
    const orthanc = await post('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: '1.2' });
    expect([orthanc.statusCode, orthanc.json().code]).toEqual([400, 'E_NOT_CONFIGURED']);
    const web = await post('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: '1.2' });
    expect([web.statusCode, web.json().code]).toEqual([400, 'E_NOT_CONFIGURED']);
  });

  it('calls only listed DICOMweb servers', async () => {
    const other = await post('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: '1.2', dicom_web_url: 'http://127.0.0.2:9/dicom-web' });
    expect([other.statusCode, other.json().code]).toEqual([400, 'E_FORBIDDEN']);
  });

  it('answers 504 within the timeout when the PACS does not answer, and 503 when no slot is free', async () => {
    const started = performance.now();
    const slow = post('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: '1.2', dicom_web_url: `${silent.url}/dicom-web/` });
    await silent.connected; // the first request holds the only slot
    const busy = await post('/predict', { model_id: 'prostate_mpmri', dicom_path: 'cohort' });
    expect([busy.statusCode, busy.json().code]).toEqual([503, 'E_BUSY']);
    const response = await slow;
    const seconds = (performance.now() - started) / 1000;
    expect(response.statusCode, response.body).toBe(504);
    expect(response.json().message).toMatch(/did not answer GET .*\/dicom-web\/studies\/1\.2\/series within 1\.5 s/);
    expect(seconds).toBeLessThan(5);
    // The slot is free again.
    expect((await post('/predict', { model_id: 'prostate_mpmri', dicom_path: 'cohort' })).statusCode).toBe(200);
  });
});

describe('token, health, documents', () => {
  it('asks for the bearer token on every route but health and docs', async () => {
    expect((await post('/predict', { model_id: 'prostate_mpmri', dicom_path: 'cohort' }, {})).statusCode).toBe(401);
    expect((await post('/predict', { model_id: 'prostate_mpmri', dicom_path: 'cohort' }, { authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: '/models' })).statusCode).toBe(401);
    const health = await server.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', models: { prostate_mpmri: 'ready' }, orthanc: { configured: false }, dicomweb: { configured: false } });
    const models = await server.app.inject({ method: 'GET', url: '/models', headers: auth });
    expect(models.json().models[0]).toEqual({
      id: 'prostate_mpmri',
      files: ['prostate_mpmri.onnx'],
      classes: ['ADC', 'DCE', 'DWI', 'Others', 'T2W'],
      heuristics: 'prostate_mpmri',
      filters: { Modality: ['MR'] },
    });
  });

  it('publishes the OpenAPI document and a docs page that needs nothing from the network', async () => {
    const openapi = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/predict', '/predict-orthanc', '/predict-dicomweb', '/health', '/models']));
    expect(Object.keys(openapi.paths['/predict-orthanc'].post.requestBody.content['application/json'].schema.properties)).toEqual([
      'prediction_model_id',
      'model_id',
      'study_uid',
      'update_labels',
    ]);
    const page = await server.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    const scripts = [...page.body.matchAll(/src="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script.startsWith('/docs/'), script).toBe(true);
      expect((await server.app.inject({ method: 'GET', url: script })).statusCode, script).toBe(200);
    }
  });

  it('counts requests in /metrics', async () => {
    const text = (await server.app.inject({ method: 'GET', url: '/metrics', headers: auth })).body;
    expect(text).toMatch(/msc_requests_total\{route="\/predict",status="200"\} \d+/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});

describe('hardening round 2', () => {
  it('refuses to start with an empty MSC_API_TOKEN instead of switching authentication off (finding F19)', async () => {
    await mkdir(join(dir, 'empty-token'), { recursive: true });
    const configPath = await writeConfig(join(dir, 'empty-token'), { models: { prostate_mpmri: { model: DEFAULT_MODEL } } });
    for (const token of ['', '   ']) {
      await expect(createServer({ configPath, env: { MSC_API_TOKEN: token }, logger: false })).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: 'MSC_API_TOKEN is set but empty',
      });
    }
  });

  it('cuts off a half-sent body after request_timeout_ms with 408 (finding F11)', async () => {
    await mkdir(join(dir, 'slow-body'), { recursive: true });
    const configPath = await writeConfig(join(dir, 'slow-body'), {
      models: { prostate_mpmri: { model: DEFAULT_MODEL } },
      server: { request_timeout_ms: 1000 },
    });
    const slow = await createServer({ configPath, env: {}, logger: false });
    try {
      const address = new URL(await slow.listen({ host: '127.0.0.1', port: 0 }));
      const socket = connect(Number(address.port), '127.0.0.1');
      socket.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model_id":');
      // Without the timeout the server waits for the other 88 bytes forever; bounded here at 20 s.
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        setTimeout(() => resolve(`${text}(still open after 20 s)`), 20_000).unref();
      });
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await slow.close();
    }
  }, 30_000);

  it('bounds the files one /predict reads (413), and extraction stops on an aborted signal (finding F8)', async () => {
    await mkdir(join(dir, 'few-files'), { recursive: true });
    const configPath = await writeConfig(join(dir, 'few-files'), {
      models: { prostate_mpmri: { model: DEFAULT_MODEL } },
      server: { allowed_roots: [root], max_files_per_request: 2 },
    });
    const bounded = await createServer({ configPath, env: {}, logger: false });
    try {
      const reply = await bounded.app.inject({ method: 'POST', url: '/predict', payload: { model_id: 'prostate_mpmri', dicom_path: 'cohort' } });
      expect(reply.statusCode).toBe(413);
      expect(reply.json()).toMatchObject({ code: 'E_TOO_LARGE', message: 'more than 2 files to read' });
    } finally {
      await bounded.close();
    }
    const { extractSeries } = await import('@msc/extract');
    const stopped = new AbortController();
    stopped.abort(new Error('the client closed the connection'));
    await expect(extractSeries([join(root, 'cohort')], { workers: 0, signal: stopped.signal })).rejects.toThrow('the client closed the connection');
  });

  it('checks each opened file to really lie in an allowed root, so a folder swapped for a link mid-walk leads nowhere (finding F3)', async () => {
    const { extractSeries } = await import('@msc/extract');
    const { realpath } = await import('node:fs/promises');
    // The walk goes by name through root/escape (a link out of the root), as it would after a swap.
    const confined = await extractSeries([join(root, 'escape')], { workers: 2, confine: [await realpath(root)] });
    expect(confined.rows).toEqual([]);
    expect(confined.skipped.length).toBeGreaterThan(0);
    expect(new Set(confined.skipped.map((file) => file.reason))).toEqual(new Set(['outside the allowed roots']));
    const inside = await extractSeries([join(root, 'cohort')], { workers: 0, confine: [await realpath(root)] });
    expect(inside.rows.length).toBeGreaterThan(0);
    expect(inside.skipped.filter((file) => file.reason === 'outside the allowed roots')).toEqual([]);
  });

  it('accepts classes named with other characters than letters and digits in its reply schema (finding F7)', async () => {
    const { PREDICT_REPLY } = await import('../src/schemas.js');
    const pattern = Object.keys(PREDICT_REPLY.patternProperties)[0]!;
    for (const name of ['probability_t2w-fs', 'probability_t1 post', 'probability_dwi+adc', 'probability_(other)'])
      expect(new RegExp(pattern).test(name)).toBe(true);
  });
});

describe('configuration', () => {
  const check = async (text: string) =>
    parseServeConfig(text, 'config-api.yaml', dir).then(
      () => 'ok',
      (error: Error) => error.message,
    );

  it('reports each mistake with its place and line', async () => {
    expect(await check(`models:\n  m:\n    model: ${DEFAULT_MODEL}\n    filters:\n      BodyPart: [PROSTATE]\n`)).toBe(
      "config-api.yaml: models.m.filters.BodyPart: unknown DICOM keyword 'BodyPart' (line 5, column 17)",
    );
    expect(await check(`models:\n  m:\n    model: nope.onnx\n`)).toBe(
      `config-api.yaml: models.m.model: no model file at ${join(dir, 'nope.onnx')} (line 3, column 12)`,
    );
    expect(await check(`models:\n  m:\n    model: ${DEFAULT_MODEL}\n    heuristic: prostate_mpmri\n`)).toMatch(
      /^config-api.yaml: models.m.heuristic: unknown key 'heuristic' \(expected one of model, path, matches, heuristics, filters\) \(line 4/,
    );
    expect(await check(`models:\n  m:\n    model: ${DEFAULT_MODEL}\nserver:\n  port: eighty\n`)).toBe(
      'config-api.yaml: server.port: expected a whole number (line 5, column 9)',
    );
    expect(await check(`models:\n  m:\n    model: ${DEFAULT_MODEL}\nserver:\n  allowed_roots: [/no/such/root]\n`)).toBe(
      'config-api.yaml: server.allowed_roots[0]: no folder at /no/such/root (line 5, column 19)',
    );
    expect(await check(`models:\n  m:\n    model: [\n`)).toMatch(/not valid YAML at line 4/);
    expect(await check(`models: {}\n`)).toMatch(/^config-api.yaml: models: must NOT have fewer than 1 properties \(line 1/);
    expect(await check(`models:\n  m:\n    heuristics: prostate_mpmri\n`)).toMatch(/models.m: missing 'model' \(the .onnx file\) \(line 3/);
  });

  it("takes the original's keys: path or model, column names or keywords for filters", async () => {
    const config = await parseServeConfig(
      `models:\n  m:\n    path: ${DEFAULT_MODEL}\n    filters: {modality: MR, BodyPartExamined: [prostate, pelvis]}\n`,
      'c.yaml',
      dir,
    );
    expect(config.models[0]!.filters).toEqual([
      { key: 'modality', column: 'modality', keyword: 'Modality', values: ['MR'] },
      { key: 'BodyPartExamined', column: 'body_part_examined', keyword: 'BodyPartExamined', values: ['prostate', 'pelvis'] },
    ]);
  });

  it("loads the repository's config-api.yaml", async () => {
    const config = await loadServeConfig(new URL('../../../config-api.yaml', import.meta.url).pathname);
    expect(config.models.map((model) => model.id)).toEqual(['prostate_mpmri']);
  });

  it('refuses a model whose classes differ from matches, naming the line', async () => {
    const path = await writeConfig(dir, { models: { m: { model: DEFAULT_MODEL, matches: ['T2W', 'ADC', 'DWI', 'DCE', 'Others'] } } }, 'bad-matches.yaml');
    await expect(createServer({ configPath: path, logger: false })).rejects.toThrow(
      /models.m.matches \[T2W, ADC, DWI, DCE, Others\] differs from the classes .* \(line 5/,
    );
  });
});
