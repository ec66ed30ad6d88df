#!/usr/bin/env node
// msc-serve under load: BENCH_REQUESTS (default 1,000) requests, BENCH_CONCURRENCY (default 32) at
// a time, to POST /predict-dicomweb (then /predict-orthanc) for one 12-series synthetic study held
// by a local Orthanc (Debian orthanc + orthanc-dicomweb, started here on 127.0.0.1 and removed at
// the end). Reports errors, p50/p99 latency, the server's peak RSS (VmHWM) and HTTP calls to the
// PACS per study (from /metrics). The server is the built binary, in its own process.
//   pnpm build && node bench/run.mjs serve
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, localOrthancAvailable, startLocalOrthanc } from '@msc/pacs/testing';
import { generateCohort } from '@msc/synth';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SERIES = 12;

const available = localOrthancAvailable();
if (!available.ok) {
  console.error(`bench serve: ${available.reason}`);
  process.exit(1);
}

const dir = await mkdtemp(join(tmpdir(), 'msc-bench-serve-'));
let orthanc;
let server;
// Interrupted: the server and Orthanc go with it.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server?.kill('SIGKILL');
    orthanc?.kill();
    process.exit(130);
  });
}
try {
  // A study with 12 image series, full instance counts (no cap), from a fixed seed.
  const cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 12, seed: 9090, pixels: 'tiny', noise: false });
  const perStudy = new Map();
  for (const label of cohort.labels) perStudy.set(label.study_uid, [...(perStudy.get(label.study_uid) ?? []), label]);
  const [studyUid, labels] = [...perStudy].find(([, series]) => series.length === SERIES) ?? [];
  if (!studyUid) throw new Error(`no ${SERIES}-series study in the cohort (sizes: ${[...perStudy.values()].map((s) => s.length).join(', ')})`);
  const patient = labels[0].patient_id;
  const files = readdirSync(join(cohort.outDir, patient), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));

  orthanc = await startLocalOrthanc();
  await orthanc.upload(files);
  const instances = labels.reduce((sum, label) => sum + label.instances, 0);

  const config = join(dir, 'config-api.yaml');
  await writeFile(config, `models:\n  prostate_mpmri:\n    model: ${join(root, 'models/prostate_mpmri.onnx')}\n    heuristics: prostate_mpmri\n`);
  const port = await freePort();
  server = spawn(process.execPath, [join(root, 'packages/serve/bin/msc-serve.mjs'), '--config', config, '--port', String(port), '--log-level', 'warn'], {
    env: { ...process.env, DICOMWEB_URL: orthanc.dicomWebUrl, ORTHANC_URL: orthanc.url },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error('msc-serve did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const metric = async (route, name = 'msc_pacs_calls_total') => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const match = new RegExp(`^${name}\\{route="${route}"\\} (\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  const ticks = Number(process.env.BENCH_CLOCK_TICKS ?? 100);
  /** CPU seconds a process has used (user + system, from /proc/<pid>/stat). */
  const cpuSeconds = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  };
  const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) * 1024;

  async function load(route, body) {
    const latencies = [];
    const errors = {};
    let next = 0;
    let sample;
    const callsBefore = await metric(route);
    const retriesBefore = await metric(route, 'msc_pacs_retries_total');
    const cpuBefore = { server: cpuSeconds(server.pid), orthanc: cpuSeconds(orthanc.pid) };
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next += 1;
          const t0 = performance.now();
          try {
            const response = await fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
            const reply = await response.json();
            if (response.status !== 200 || reply.series_uid.length !== SERIES) errors[response.status] = (errors[response.status] ?? 0) + 1;
            else sample ??= reply;
          } catch (error) {
            errors[error.message] = (errors[error.message] ?? 0) + 1;
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const calls = (await metric(route)) - callsBefore;
    const retries = (await metric(route, 'msc_pacs_retries_total')) - retriesBefore;
    return {
      route,
      requests: latencies.length,
      concurrency: CONCURRENCY,
      errors,
      seconds: Number(seconds.toFixed(2)),
      requestsPerSecond: Number((latencies.length / seconds).toFixed(1)),
      p50Ms: Number(at(0.5).toFixed(1)),
      p99Ms: Number(at(0.99).toFixed(1)),
      maxMs: Number(latencies.at(-1).toFixed(1)),
      pacsCallsPerStudy: Number((calls / latencies.length).toFixed(2)),
      pacsRetriesPerStudy: Number((retries / latencies.length).toFixed(2)),
      serverCpuMsPerRequest: Number((((cpuSeconds(server.pid) - cpuBefore.server) * 1000) / latencies.length).toFixed(1)),
      orthancCpuMsPerRequest: Number((((cpuSeconds(orthanc.pid) - cpuBefore.orthanc) * 1000) / latencies.length).toFixed(1)),
      labels: sample
        ? Object.fromEntries([...new Set(sample.prediction_heuristics)].map((label) => [label, sample.prediction_heuristics.filter((l) => l === label).length]))
        : {},
      peakRssMiB: Number((peakRss() / 2 ** 20).toFixed(1)),
    };
  }

  const results = [];
  for (const route of ['/predict-dicomweb', '/predict-orthanc']) {
    const result = await load(route, { prediction_model_id: 'prostate_mpmri', study_uid: studyUid });
    results.push(result);
    console.log(
      `${route}: ${result.requests} requests × ${CONCURRENCY} concurrent, errors ${JSON.stringify(result.errors)}, ${result.requestsPerSecond} req/s, ` +
        `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms, PACS calls/study ${result.pacsCallsPerStudy} (+${result.pacsRetriesPerStudy} resent after a stale connection), CPU per request: msc-serve ${result.serverCpuMsPerRequest} ms, Orthanc ${result.orthancCpuMsPerRequest} ms, peak RSS ${result.peakRssMiB} MiB`,
    );
  }
  const summary = { study: { series: SERIES, instances, files: files.length }, results };
  console.log(`study: ${SERIES} series, ${instances} image instances; labels ${JSON.stringify(results[0].labels)}`);
  mkdirSync(join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(join(root, 'bench', 'out', 'serve.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary));
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await orthanc?.stop();
  await rm(dir, { recursive: true, force: true });
}
