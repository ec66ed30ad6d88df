#!/usr/bin/env node
// The install check (part of `pnpm test`, alongside the static checks: scripts/checks.mjs): packs every package under packages/ the
// way a release would (`pnpm pack`: workspace:* rewritten, only `files`), installs the tarballs with
// npm into a temporary global prefix outside the checkout, and runs the demo there with nothing of
// the checkout on the module path or PATH: `msc synth --out X --studies 2`, then `msc predict X` with
// the default model the predict package ships. Its predictions must equal the checkout's, byte for
// byte. npm reads its cache first (--prefer-offline): the first run downloads the dependencies
// (onnxruntime-node is 113 MB), later ones do not. Scripts are not run on install: onnxruntime-node's
// would fetch CUDA libraries from NuGet, and the CPU runtime is in its package.
//   node scripts/install-check.mjs [--keep]   (--keep leaves the temporary folder for a look)
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const tmp = mkdtempSync(join(tmpdir(), 'msc-install-'));
if (!relative(root, tmp).startsWith('..')) throw new Error(`install-check: the temporary folder ${tmp} is inside the checkout ${root}`);
const packs = join(tmp, 'packs');
const prefix = join(tmp, 'prefix');
const work = join(tmp, 'work');
mkdirSync(work);

const seconds = {};
function step(name, fn) {
  const start = performance.now();
  const result = fn();
  seconds[name] = Math.round((performance.now() - start) / 100) / 10;
  return result;
}
const run = (command, args, options = {}) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });

try {
  // Built once here (nothing to do after `pnpm build`), so each package's prepack (tsc -b) is skipped.
  step('build', () => run('pnpm', ['exec', 'tsc', '-b'], { cwd: root }));
  step('pack', () =>
    run('pnpm', ['-r', '--filter', './packages/*', '--config.ignore-scripts=true', 'pack', '--pack-destination', packs], { cwd: root, stdio: 'ignore' }),
  );
  const tarballs = readdirSync(packs)
    .filter((name) => name.endsWith('.tgz'))
    .map((name) => join(packs, name));
  step('install', () =>
    run('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
      cwd: work,
    }),
  );

  // Only the prefix's bin and node itself on PATH; no NODE_PATH, no MSC_DEFAULT_MODEL, cwd outside the checkout.
  const env = { PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter), HOME: process.env.HOME ?? tmp, LANG: 'C.UTF-8' };
  const msc = (args) => JSON.parse(run('msc', args, { cwd: work, env }));
  const synth = step('synth', () => msc(['synth', '--out', 'X', '--studies', '2']));
  const predict = step('predict', () => msc(['predict', 'X', '-o', 'predictions.csv']));
  const labelled =
    readFileSync(join(work, 'X', 'labels.csv'), 'utf8')
      .trim()
      .split('\n').length - 1;
  if (synth.studies !== 2 || predict.series !== labelled)
    throw new Error(`install-check: msc synth/predict summaries ${JSON.stringify({ synth, predict })} do not match ${labelled} labelled series`);

  const model = join(prefix, 'lib', 'node_modules', '@msc', 'predict', 'models', 'prostate_mpmri.onnx');
  if (!lstatSync(model).isFile()) throw new Error(`install-check: the installed default model ${model} is not a file`);
  const reference = join(tmp, 'checkout-predictions.csv');
  run(process.execPath, [join(root, 'packages/predict/bin/msc-predict.mjs'), join(work, 'X'), '-o', reference], {
    cwd: root,
    env: { ...process.env, MSC_DEFAULT_MODEL: '' },
  });
  if (readFileSync(reference, 'utf8') !== readFileSync(join(work, 'predictions.csv'), 'utf8'))
    throw new Error('install-check: the installed msc predict wrote other predictions than the checkout');

  console.error(
    `install-check: ${tarballs.length} tarballs installed with npm and the demo run from ${prefix}: ${predict.series} series predicted as in the checkout; seconds ${JSON.stringify(seconds)}`,
  );
} finally {
  if (keep) console.error(`install-check: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
