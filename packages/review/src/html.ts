/**
 * The review page: one HTML document with its style and script inlined (nothing fetched but the
 * data, corrections and thumbnails from its own server), so it works offline. The script is
 * src/page/review-page.ts, compiled by tsc; the page carries no DICOM text itself (the script
 * fetches the data and sets every text with textContent).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerScriptUrl } from '@msc/core';

let script: string | undefined;
/** The compiled page script (dist/page/review-page.js; tests running src/ read the built one). */
function pageScript(): string {
  script ??= readFileSync(fileURLToPath(workerScriptUrl(import.meta.url, './page/review-page.js')), 'utf8')
    .replace(/^\/\/# sourceMappingURL=.*$/m, '')
    .replace(/<\/(script)/gi, '<\\/$1');
  return script;
}

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
:root { --ink: #1d2330; --muted: #5b6474; --line: #dfe3e8; --accent: #2f6fb0; --ok: #2e7d4f; --warn: #b5651d; --bg: #f5f6f8; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { padding: 10px 16px 8px; background: white; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0 0 6px; }
.bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
label { color: var(--muted); font-size: 13px; }
select, input { font: inherit; }
#progress { display: flex; align-items: center; gap: 8px; min-width: 260px; }
#progress-track { flex: 1; height: 8px; background: #e8ebef; border-radius: 4px; overflow: hidden; min-width: 120px; }
#progress-fill { height: 100%; width: 0; background: var(--ok); }
.keys { color: var(--muted); font-size: 12px; margin-top: 4px; }
kbd { border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 3px; padding: 0 4px; background: #fafbfc; font-size: 11px; }
#status { color: var(--warn); }
#list { flex: 1; overflow-y: auto; position: relative; contain: strict; outline: none; }
#spacer { position: relative; width: 100%; }
.study, .card { position: absolute; left: 12px; right: 12px; overflow: hidden; contain: content; }
.study { height: 30px; padding: 8px 4px 0; color: var(--muted); font-size: 12px; white-space: nowrap; text-overflow: ellipsis; }
.study b { color: var(--ink); }
.card { height: 112px; display: flex; gap: 12px; padding: 8px; background: white; border: 1px solid var(--line); border-radius: 6px; }
.card.focused { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent); }
.card.reviewed { background: #f3faf5; }
.thumb { flex: none; width: 94px; height: 94px; border-radius: 4px; background: #22262d; object-fit: contain; }
.placeholder { display: flex; align-items: center; justify-content: center; color: #8a93a3; font-size: 11px; text-align: center; background: #eceef1; }
.info { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 2px; }
.line { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.desc { font-weight: 600; }
.meta, .why { color: var(--muted); font-size: 12px; }
.label { display: inline-block; padding: 0 6px; border-radius: 3px; background: #e6eef7; color: var(--accent); font-weight: 600; }
.card.corrected .label { background: #fdf0e3; color: var(--warn); }
.conf { display: inline-block; width: 60px; height: 6px; background: #e8ebef; border-radius: 3px; vertical-align: middle; margin: 0 4px; }
.conf > span { display: block; height: 100%; background: var(--accent); border-radius: 3px; }
.classes { flex: none; display: flex; flex-direction: column; gap: 2px; }
.classes button { font-size: 11px; height: 17px; line-height: 1; text-align: left; min-width: 84px; padding: 0 6px; border: 1px solid var(--line); background: white; color: var(--ink); border-radius: 3px; cursor: pointer; }
.classes button.current { background: var(--accent); border-color: var(--accent); color: white; }
#token { display: none; gap: 8px; align-items: center; }
#token.shown { display: flex; }
`;

export interface PageOptions {
  title: string;
  /** The page's own path, ending in '/': its data is at `${base}api/data`. */
  base: string;
}

/** A Content-Security-Policy allowing only this page's own script and style and its server. */
export function contentSecurityPolicy(): string {
  const hash = createHash('sha256').update(pageScript()).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function renderPage({ title, base }: PageOptions): string {
  return `<!doctype html>
<html lang="en" data-base="${escapeHtml(base)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1 id="title">${escapeHtml(title)}</h1>
  <div class="bar">
    <label>class <select id="filter-class"><option value="">all</option></select></label>
    <label>vendor <select id="filter-vendor"><option value="">all</option></select></label>
    <label>confidence ≤ <input id="filter-confidence" type="range" min="0" max="1" step="0.01" value="1"> <output id="confidence-value">1.00</output></label>
    <label>show <select id="filter-reviewed"><option value="">all</option><option value="no">not reviewed</option><option value="yes">reviewed</option></select></label>
    <span id="count" class="meta"></span>
    <div id="progress"><div id="progress-track"><div id="progress-fill"></div></div><span id="progress-text"></span></div>
    <form id="token"><label>bearer token <input id="token-input" type="password" autocomplete="off"></label><button>use</button></form>
    <span id="status" role="status"></span>
  </div>
  <div class="keys"><kbd>1</kbd>–<kbd>5</kbd> relabel · <kbd>↑</kbd><kbd>↓</kbd> move · <kbd>Enter</kbd>/<kbd>Space</kbd> label is right · <kbd>u</kbd> or <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo</div>
</header>
<div id="list" tabindex="0" role="list" aria-label="series"><div id="spacer"></div></div>
<script type="module">${pageScript()}</script>
</body>
</html>
`;
}
