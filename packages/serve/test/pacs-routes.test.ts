/**
 * msc-serve over real HTTP against a real Orthanc (REST and DICOMweb plugin), loaded with a
 * synthetic cohort and nibabel's real Siemens DWI mosaics: the same labels through /predict,
 * /predict-orthanc and /predict-dicomweb as msc-predict on the same files (and through
 * msc-predict --orthanc/--dicomweb); b-values found; labels written back and read again; filters
 * listing what they leave out; HTTP calls per study in O(series).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { extractSeries } from '@msc/extract';
import { OrthancClient, localOrthancAvailable, startLocalOrthanc, supportsLabels, type LocalOrthanc, type OrthancSystem } from '@msc/pacs';
import { createServer, type MscServer } from '@msc/serve';
import { generateCohort } from '@msc/synth';
import { main as predictMain } from '../../predict/src/cli/main.js';
import { NIBABEL_DWI_SERIES, NIBABEL_DWI_STUDY, nibabelFolder } from '../../pacs/test/support/nibabel.js';
import { DEFAULT_MODEL, writeConfig } from './support/serve-fixtures.js';
import { filesBelow } from '../../pacs/test/support/files.js';

const orthancReady = localOrthancAvailable();
if (!orthancReady.ok) console.warn(`pacs-routes.test: skipped: ${orthancReady.reason}`);

interface Reply {
  series_uid: string[];
  series_number: string[];
  series_group: string[];
  prediction: string[];
  prediction_heuristics: string[];
  rule: string[];
  confidence: number[];
  filtered: { study_uid: string[]; series_uid: string[]; series_description: string[]; reason: string[] };
  not_found: string[];
  pacs_calls: number;
  labels?: { method: string; key?: string; written: number };
}
interface Label {
  series_number: string;
  series_group: string;
  prediction: string;
  prediction_heuristics: string;
  rule: string;
  confidence: number;
}

/** series_uid → label, from a reply's column lists. */
function labelsOf(reply: Reply): Map<string, Label> {
  return new Map(
    (reply.series_uid as string[]).map((uid, i) => [
      uid,
      {
        series_number: String(reply.series_number[i]),
        series_group: String(reply.series_group[i]),
        prediction: String(reply.prediction[i]),
        prediction_heuristics: String(reply.prediction_heuristics[i]),
        rule: String(reply.rule[i]),
        confidence: Number(reply.confidence[i]),
      },
    ]),
  );
}

/** series_uid → label, from msc-predict's CSV on stdout. */
function labelsOfCsv(csv: string): Map<string, Label> {
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  return new Map(
    lines.map((line) => {
      const cells = line.split(',');
      return [
        cells[at('series_uid')]!,
        {
          series_number: cells[at('series_number')]!,
          series_group: cells[at('series_group')]!,
          prediction: cells[at('prediction')]!,
          prediction_heuristics: cells[at('prediction_heuristics')]!,
          rule: cells[at('rule')]!,
          confidence: Number(cells[at('confidence')]),
        },
      ];
    }),
  );
}

describe.skipIf(!orthancReady.ok)('msc-serve against a real Orthanc', () => {
  let orthanc: LocalOrthanc;
  let dir: string;
  let cohortDir: string;
  let inputs: string[];
  let studies: string[];
  let server: MscServer;
  let nibabel: string | undefined;
  let base: string;
  const env: Record<string, string> = {};

  const call = async (path: string, body: unknown): Promise<{ status: number; body: Reply }> => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Reply };
  };
  const predictCli = async (args: string[]) => {
    const io = captureIo({ env: { ...process.env, ...env } });
    const status = await predictMain([...args, '--heuristics', 'prostate_mpmri'], io);
    return { status, stdout: io.out(), stderr: io.err() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-serve-pacs-'));
    nibabel = await nibabelFolder(dir, 'the msc-serve tests on real Siemens DWI files');
    cohortDir = (await generateCohort({ outDir: join(dir, 'cohort'), studies: 4, seed: 4401, maxInstancesPerSeries: 3 })).outDir;
    inputs = [cohortDir, ...(nibabel ? [nibabel] : [])];
    orthanc = await startLocalOrthanc({ userMetadata: { msc_label: 1024 } });
    await orthanc.upload(inputs.flatMap(filesBelow));
    studies = [...new Set((await extractSeries(inputs, { workers: 0 })).rows.map((row) => String(row.study_uid)))];
    env.ORTHANC_URL = orthanc.url;
    env.DICOMWEB_URL = orthanc.dicomWebUrl;
    const configPath = await writeConfig(dir, {
      models: {
        prostate_mpmri: { model: DEFAULT_MODEL, heuristics: 'prostate_mpmri' },
        prostate_only: { model: DEFAULT_MODEL, heuristics: 'prostate_mpmri', filters: { Modality: 'MR', BodyPartExamined: ['PROSTATE'] } },
      },
      server: { allowed_roots: inputs },
    });
    server = await createServer({ configPath, env, logger: false });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives the same labels through the three routes as msc-predict on the files', async () => {
    const cli = await predictCli(inputs);
    expect(cli.status, cli.stderr).toBe(0);
    const expected = labelsOfCsv(cli.stdout);
    expect(expected.size).toBeGreaterThan(30);
    // Study context joins series (a diffusion scan's maps): every route must find the same groups.
    const groups = [...expected.values()].map((label) => label.series_group);
    expect(new Set(groups).size).toBeLessThan(groups.length);

    const fromFolders = new Map<string, Label>();
    for (const input of inputs) {
      const reply = await call('/predict', { prediction_model_id: 'prostate_mpmri', dicom_path: input });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      for (const [uid, label] of labelsOf(reply.body)) fromFolders.set(uid, label);
    }
    const orthancReply = await call('/predict-orthanc', { prediction_model_id: 'prostate_mpmri', study_uid: studies });
    const dicomwebReply = await call('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: studies });
    expect(orthancReply.status, JSON.stringify(orthancReply.body)).toBe(200);
    expect(dicomwebReply.status, JSON.stringify(dicomwebReply.body)).toBe(200);

    const cliOrthanc = await predictCli(['--orthanc', orthanc.url, '--study-uid', ...studies]);
    const cliDicomweb = await predictCli(['--dicomweb', '--study-uid', ...studies]); // URL from DICOMWEB_URL
    expect(cliOrthanc.status, cliOrthanc.stderr).toBe(0);
    expect(cliDicomweb.status, cliDicomweb.stderr).toBe(0);

    for (const [name, got] of [
      ['/predict', fromFolders],
      ['/predict-orthanc', labelsOf(orthancReply.body)],
      ['/predict-dicomweb', labelsOf(dicomwebReply.body)],
      ['msc-predict --orthanc', labelsOfCsv(cliOrthanc.stdout)],
      ['msc-predict --dicomweb', labelsOfCsv(cliDicomweb.stdout)],
    ] as const) {
      expect([...got.keys()].sort(), name).toEqual([...expected.keys()].sort());
      for (const [uid, label] of expected) {
        const other = got.get(uid)!;
        expect({ ...other, confidence: 0 }, `${name} ${uid}`).toEqual({ ...label, confidence: 0 });
        expect(Math.abs(other.confidence - label.confidence), `${name} ${uid}`).toBeLessThan(1e-5);
      }
    }
  });

  it('finds the Siemens b-values that only a private UN element holds, and the DWI rule fires', async ({ skip }) => {
    if (!nibabel) skip('nibabel files not in the real-scanner cache');
    const study = NIBABEL_DWI_STUDY;
    for (const route of ['/predict-orthanc', '/predict-dicomweb']) {
      const reply = await call(route, { model_id: 'prostate_mpmri', study_uid: study });
      expect(reply.status).toBe(200);
      const i = (reply.body.series_uid as string[]).indexOf(NIBABEL_DWI_SERIES);
      expect(reply.body.rule[i], route).toBe('dwi-positive-bvalue');
      expect(reply.body.prediction_heuristics[i], route).toBe('DWI');
      // One call for the study, one for its series, one per instance for its UN b-value.
      expect(reply.body.pacs_calls, route).toBe(4);
    }
  });

  it('writes labels back to Orthanc (labels from 1.12, series metadata before) and reads them again', async () => {
    const labels = supportsLabels((await (await fetch(`${orthanc.url}/system`)).json()) as OrthancSystem);
    const reply = await call('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies[0], update_labels: true });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const uids = reply.body.series_uid as string[];
    expect(reply.body.labels).toEqual(labels ? { method: 'labels', written: uids.length } : { method: 'metadata', key: 'msc_label', written: uids.length });
    for (const [i, uid] of uids.entries()) {
      const [id] = (await (
        await fetch(`${orthanc.url}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Series', Query: { SeriesInstanceUID: uid } }) })
      ).json()) as string[];
      const stored = await new OrthancClient({ url: orthanc.url }).readLabel(id!, 'msc_label');
      if (labels) expect(stored.labels, uid).toContain(reply.body.prediction_heuristics[i]);
      else expect(stored.metadata, uid).toBe(reply.body.prediction_heuristics[i]);
    }
    const cli = await predictCli(['--orthanc', '--study-uid', studies[1]!, '--update-labels']);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(labels ? /labels written to Orthanc as labels/ : /labels written to Orthanc as series metadata 'msc_label'/);
  });

  it('lists the series a filter leaves out, with the reason, and predicts the rest', async () => {
    const all = await call('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies });
    const some = await call('/predict-orthanc', { model_id: 'prostate_only', study_uid: studies });
    expect(some.status).toBe(200);
    const kept = some.body.series_uid as string[];
    const { filtered } = some.body;
    expect(filtered.series_uid.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    expect([...kept, ...filtered.series_uid].sort()).toEqual([...(all.body.series_uid as string[])].sort());
    for (const reason of filtered.reason) expect(reason).toMatch(/^BodyPartExamined is ('[A-Z ]+'|missing) \(wanted PROSTATE\)$/);
  });

  it('asks Orthanc once per series (plus unreadable values), not once per instance', async () => {
    const reply = await call('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: studies[0] });
    const [study] = (await (
      await fetch(`${orthanc.url}/tools/find`, {
        method: 'POST',
        body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studies[0] }, Expand: true }),
      })
    ).json()) as { Series: string[] }[];
    const instances = (await (await fetch(`${orthanc.url}/studies/${(study as unknown as { ID: string }).ID}/instances`)).json()) as unknown[];
    expect(reply.body.pacs_calls).toBeGreaterThanOrEqual(1 + study!.Series.length);
    expect(reply.body.pacs_calls).toBeLessThan(1 + study!.Series.length + instances.length);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/msc_pacs_calls_total\{route="\/predict-orthanc"\} \d+/);
  });

  it('reports studies the PACS does not have, and 404 when it has none of them', async () => {
    const some = await call('/predict-dicomweb', { model_id: 'prostate_mpmri', study_uid: [studies[0], '1.2.3.4'] });
    expect(some.status).toBe(200);
    expect(some.body.not_found).toEqual(['1.2.3.4']);
    const none = await call('/predict-orthanc', { model_id: 'prostate_mpmri', study_uid: '1.2.3.4' });
    expect(none.status).toBe(404);
  });

  it('reports the PACS in /health', async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toEqual({
      status: 'ok',
      models: { prostate_mpmri: 'ready', prostate_only: 'ready' },
      orthanc: { configured: true, reachable: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$|^mainline$/), labels: expect.any(Boolean) },
      dicomweb: { configured: true, reachable: true },
    });
  });
});
