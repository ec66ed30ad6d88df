#!/usr/bin/env node
// Checks that every relative link in README.md, docs/*.md and the folders' READMEs (or the .md files
// given as arguments) points to a file that exists, and that a `#anchor` on a Markdown target names one of
// its headings (GitHub's slugs). Links to other sites are not fetched. Exit 1 with each broken
// link listed as file:line.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const files =
  process.argv.length > 2
    ? process.argv.slice(2).map((f) => resolve(f))
    : [
        join(root, 'README.md'),
        ...readdirSync(join(root, 'docs'))
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(root, 'docs', f)),
        // the READMEs one level down (pipelines/, models/, bench/, …) and of every package
        ...['.', 'packages']
          .flatMap((dir) =>
            readdirSync(join(root, dir), { withFileTypes: true })
              .filter((d) => d.isDirectory() && d.name !== 'node_modules')
              .map((d) => join(root, dir, d.name, 'README.md')),
          )
          .filter((f) => existsSync(f)),
      ];

/** GitHub's heading anchors: lower case, punctuation dropped (but - and _), spaces → -, repeats numbered. */
function anchorsOf(markdown) {
  const anchors = new Set();
  const seen = new Map();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Links outside code: inline `[text](target)`; fenced blocks and `code spans` are skipped. */
function* linksOf(markdown) {
  let inFence = false;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('```')) inFence = !inFence;
    if (inFence) continue;
    const text = lines[i].replace(/`[^`]*`/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) yield { line: i + 1, target: match[1] };
  }
}

const broken = [];
for (const file of files) {
  const markdown = readFileSync(file, 'utf8');
  for (const { line, target } of linksOf(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [pathPart, anchor] = target.split('#', 2);
    const path = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart));
    const where = `${relative(root, file)}:${line}`;
    if (!existsSync(path)) {
      broken.push(`${where}: ${target}: no such file`);
      continue;
    }
    if (anchor && path.endsWith('.md') && statSync(path).isFile() && !anchorsOf(readFileSync(path, 'utf8')).has(anchor)) {
      broken.push(`${where}: ${target}: no heading with that anchor`);
    }
  }
}
if (broken.length > 0) {
  process.stderr.write(`broken documentation links:\n  ${broken.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`doc links: ${files.length} files checked\n`);
