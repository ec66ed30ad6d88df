/**
 * The review page's script (runs in the browser; compiled by tsc and inlined by html.ts). The list
 * is virtualised: only the cards in and near the view are in the DOM, positioned from precomputed
 * offsets, so 10,000 series scroll as smoothly as 10. Every text from the table (descriptions,
 * UIDs, vendors, rules) is set with textContent, never parsed as HTML.
 */
import type { Correction, CorrectionReply, ReviewData, ReviewSeries } from '../data.js';

const STUDY_HEIGHT = 34;
const CARD_HEIGHT = 120;
/** Pixels rendered above and below the view, so a fast scroll does not show blanks. */
const OVERSCAN = 360;
const TOKEN_KEY = 'msc-review-token';

type Item = { kind: 'study'; study: string; patient: string; shown: number; total: number } | { kind: 'card'; series: ReviewSeries; card: number };

interface UndoStep {
  uid: string;
  before: Correction | undefined;
}

const base = document.documentElement.dataset['base'] ?? './';
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const list = byId<HTMLDivElement>('list');
const spacer = byId<HTMLDivElement>('spacer');
const status = byId<HTMLSpanElement>('status');
const filterClass = byId<HTMLSelectElement>('filter-class');
const filterVendor = byId<HTMLSelectElement>('filter-vendor');
const filterConfidence = byId<HTMLInputElement>('filter-confidence');
const filterReviewed = byId<HTMLSelectElement>('filter-reviewed');

let data: ReviewData = { title: '', classes: [], series: [], corrections: {} };
/** Series grouped by study, least confident studies first, least confident series first within. */
let ordered: ReviewSeries[][] = [];
let items: Item[] = [];
let tops = new Float64Array(0);
/** Item index of each card in view. */
let cardItems: number[] = [];
let focus = 0;
const rendered = new Map<number, HTMLElement>();
const undo: UndoStep[] = [];
let pending = 0;
let chain: Promise<unknown> = Promise.resolve();
let token = sessionStorage.getItem(TOKEN_KEY);

// --- talking to the server ------------------------------------------------------------------

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(base + path, { ...init, headers });
  if (response.status === 401) {
    byId('token').classList.add('shown');
    throw new Error('this server wants a bearer token: enter it above');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  }
  return response;
}

function setPending(change: number): void {
  pending += change;
  document.body.dataset['pending'] = String(pending);
}

/** Sends a correction (in order after the ones before it); the page shows it at once. */
function send(series: ReviewSeries, label: string | null): void {
  const before = data.corrections[series.series_uid];
  undo.push({ uid: series.series_uid, before });
  applyLocally(series, label);
  sendOnly(series, label);
}

/** Requests queued per series: only the last one's reply may replace what the page shows. */
const queued = new Map<string, number>();

function sendOnly(series: ReviewSeries, label: string | null): void {
  const uid = series.series_uid;
  setPending(1);
  queued.set(uid, (queued.get(uid) ?? 0) + 1);
  chain = chain
    .then(async () => {
      const response = await call('api/corrections', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ series_uid: series.series_uid, class: label }),
      });
      const reply = (await response.json()) as CorrectionReply;
      // A later change of this series (an undo) is already shown; its own reply will settle it.
      if (queued.get(uid) === 1) {
        if (reply.correction) data.corrections[uid] = reply.correction;
        else delete data.corrections[uid];
      }
      status.textContent = '';
    })
    .catch((error: unknown) => {
      status.textContent = `not saved: ${(error as Error).message}`;
      // What the server holds is the truth: read it again.
      return load();
    })
    .finally(() => {
      const left = queued.get(uid)! - 1;
      if (left === 0) queued.delete(uid);
      else queued.set(uid, left);
      setPending(-1);
      refresh();
    });
}

function applyLocally(series: ReviewSeries, label: string | null): void {
  if (label === null) delete data.corrections[series.series_uid];
  else
    data.corrections[series.series_uid] = {
      study_uid: series.study_uid,
      series_uid: series.series_uid,
      class: label,
      previous: series.label,
      reviewed_at: new Date().toISOString(),
    };
}

// --- what is in view -----------------------------------------------------------------------

const labelOf = (series: ReviewSeries) => data.corrections[series.series_uid]?.class ?? series.label;
const confidenceOrder = (series: ReviewSeries) => series.confidence ?? -1;

function order(): void {
  const studies = new Map<string, ReviewSeries[]>();
  for (const series of data.series) {
    const study = studies.get(series.study_uid);
    if (study) study.push(series);
    else studies.set(series.study_uid, [series]);
  }
  ordered = [...studies.values()];
  for (const study of ordered) study.sort((a, b) => confidenceOrder(a) - confidenceOrder(b));
  ordered.sort((a, b) => confidenceOrder(a[0]!) - confidenceOrder(b[0]!));
}

function fillSelect(select: HTMLSelectElement, values: readonly string[]): void {
  const kept = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value || '(none)';
    select.append(option);
  }
  select.value = values.includes(kept) ? kept : '';
}

function inView(series: ReviewSeries): boolean {
  if (filterClass.value && labelOf(series) !== filterClass.value) return false;
  if (filterVendor.value && series.manufacturer !== filterVendor.value) return false;
  const most = Number(filterConfidence.value);
  if (most < 1 && (series.confidence === null || series.confidence > most)) return false;
  const reviewed = data.corrections[series.series_uid] !== undefined;
  if (filterReviewed.value === 'yes' && !reviewed) return false;
  if (filterReviewed.value === 'no' && reviewed) return false;
  return true;
}

/** Recomputes the items in view and their offsets; keeps the focus on `keep` when it is still in view. */
function layout(keep?: string): void {
  items = [];
  cardItems = [];
  for (const study of ordered) {
    const shown = study.filter(inView);
    if (shown.length === 0) continue;
    items.push({ kind: 'study', study: study[0]!.study_uid, patient: study[0]!.patient_id, shown: shown.length, total: study.length });
    for (const series of shown) {
      cardItems.push(items.length);
      items.push({ kind: 'card', series, card: cardItems.length - 1 });
    }
  }
  tops = new Float64Array(items.length + 1);
  for (let i = 0; i < items.length; i++) tops[i + 1] = tops[i]! + (items[i]!.kind === 'study' ? STUDY_HEIGHT : CARD_HEIGHT);
  spacer.style.height = `${tops[items.length]! + 12}px`;
  if (keep !== undefined) {
    const at = cardItems.findIndex((item) => (items[item] as { series: ReviewSeries }).series.series_uid === keep);
    if (at !== -1) focus = at;
  }
  focus = Math.max(0, Math.min(focus, cardItems.length - 1));
  byId('count').textContent = `${cardItems.length} of ${data.series.length} series in view`;
  clearRendered();
  render();
  progress();
}

function progress(): void {
  const total = data.series.length;
  let reviewed = 0;
  let changed = 0;
  for (const series of data.series) {
    const correction = data.corrections[series.series_uid];
    if (correction) {
      reviewed += 1;
      if (correction.class !== correction.previous) changed += 1;
    }
  }
  byId('progress-fill').style.width = `${total ? (100 * reviewed) / total : 0}%`;
  byId('progress-text').textContent = `${reviewed} of ${total} reviewed, ${changed} relabelled`;
}

// --- drawing -------------------------------------------------------------------------------

/** The first item whose bottom is below `y` (binary search over the offsets). */
function itemAt(y: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function clearRendered(): void {
  for (const element of rendered.values()) element.remove();
  rendered.clear();
}

function render(): void {
  const top = list.scrollTop - OVERSCAN;
  const bottom = list.scrollTop + list.clientHeight + OVERSCAN;
  const first = itemAt(Math.max(0, top));
  let last = first;
  while (last < items.length && tops[last]! < bottom) last++;
  for (const [index, element] of rendered) {
    if (index < first || index >= last) {
      element.remove();
      rendered.delete(index);
    }
  }
  for (let index = first; index < last; index++) {
    if (rendered.has(index)) continue;
    const element = draw(items[index]!);
    element.style.top = `${tops[index]}px`;
    spacer.append(element);
    rendered.set(index, element);
  }
  loadThumbnailsSoon();
}

/** Redraws what is on screen (after a correction or a focus move). */
function refresh(): void {
  clearRendered();
  render();
  progress();
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function draw(item: Item): HTMLElement {
  if (item.kind === 'study') {
    const row = element('div', 'study');
    row.append(element('b', '', `patient ${item.patient || '–'}`), ` · study ${item.study} · ${item.shown} of ${item.total} series`);
    return row;
  }
  const { series, card } = item;
  const correction = data.corrections[series.series_uid];
  const label = labelOf(series);
  const node = element('div', 'card');
  node.setAttribute('role', 'listitem');
  node.dataset['uid'] = series.series_uid;
  node.dataset['card'] = String(card);
  if (card === focus) node.classList.add('focused');
  if (correction) node.classList.add('reviewed');
  if (correction && correction.class !== correction.previous) node.classList.add('corrected');

  if (series.thumbnail) {
    const image = element('img', 'thumb');
    image.alt = '';
    image.title = series.thumbnail_note; // a placeholder image says why the series could not be drawn
    image.decoding = 'async';
    image.dataset['pending'] = series.series_uid;
    node.append(image);
  } else {
    const placeholder = element('div', 'thumb placeholder', 'no image');
    placeholder.title = series.thumbnail_note;
    node.append(placeholder);
  }

  const info = element('div', 'info');
  const description = element(
    'div',
    'line desc',
    `${series.series_number ? `#${series.series_number} ` : ''}${series.series_description || '(no description)'}`,
  );
  description.title = series.series_description;
  const meta = element('div', 'line meta', [series.manufacturer || 'vendor unknown', series.series_uid].join(' · '));
  const verdict = element('div', 'line');
  verdict.append(element('span', 'label', label));
  if (correction && correction.class !== correction.previous) verdict.append(` was ${correction.previous}`);
  else if (correction) verdict.append(' ✓ reviewed');
  if (series.confidence !== null) {
    const bar = element('span', 'conf');
    const fill = element('span', '');
    fill.style.width = `${Math.round(series.confidence * 100)}%`;
    bar.append(fill);
    verdict.append(bar, `${(series.confidence * 100).toFixed(0)}%`);
  }
  if (series.rule) verdict.append(element('span', 'meta', ` · rule ${series.rule}`));
  const why = element('div', 'line why', series.explanation ? `why: ${series.explanation}` : '');
  why.title = series.explanation;
  info.append(description, meta, verdict, why);
  node.append(info);

  const buttons = element('div', 'classes');
  data.classes.forEach((name, i) => {
    const button = element('button', name === label ? 'current' : '', `${i + 1} ${name}`);
    button.type = 'button';
    button.tabIndex = -1;
    button.addEventListener('click', () => {
      focus = card;
      relabel(name);
    });
    buttons.append(button);
  });
  node.append(buttons);
  node.addEventListener('mousedown', () => {
    if (focus !== card) moveFocus(card - focus);
  });
  return node;
}

/**
 * Thumbnails are requested once scrolling pauses, for the cards then in the page: a fast scroll
 * through thousands of series does not start (and then drop) an image load per card it passes.
 */
const THUMBNAIL_PAUSE_MS = 120;
let thumbnailTimer: ReturnType<typeof setTimeout> | undefined;
function loadThumbnailsSoon(): void {
  clearTimeout(thumbnailTimer);
  thumbnailTimer = setTimeout(() => {
    for (const image of spacer.querySelectorAll<HTMLImageElement>('img[data-pending]')) {
      showThumbnail(image, image.dataset['pending']!);
      delete image.dataset['pending'];
    }
  }, THUMBNAIL_PAUSE_MS);
}

/** Thumbnails are plain image requests; behind a bearer token they are fetched with it. */
const blobUrls = new Map<string, string>();
function showThumbnail(image: HTMLImageElement, uid: string): void {
  const path = `thumbnails/${encodeURIComponent(uid)}.png`;
  if (!token) {
    image.src = base + path;
    return;
  }
  const known = blobUrls.get(uid);
  if (known) {
    image.src = known;
    return;
  }
  call(path)
    .then((response) => response.blob())
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      blobUrls.set(uid, url);
      image.src = url;
    })
    .catch(() => undefined);
}

// --- the keyboard --------------------------------------------------------------------------

function focusedSeries(): ReviewSeries | undefined {
  const index = cardItems[focus];
  return index === undefined ? undefined : (items[index] as { series: ReviewSeries }).series;
}

function moveFocus(step: number): void {
  if (cardItems.length === 0) return;
  focus = Math.max(0, Math.min(cardItems.length - 1, focus + step));
  const index = cardItems[focus]!;
  const top = tops[index]!;
  const bottom = tops[index + 1]!;
  // the study header above the first card of a study stays in view
  if (top - STUDY_HEIGHT < list.scrollTop) list.scrollTop = Math.max(0, top - STUDY_HEIGHT);
  else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight + 8;
  refresh();
}

/** Sets the focused series' class and moves on to the next card. */
function relabel(label: string): void {
  const series = focusedSeries();
  if (!series) return;
  const nextIndex = cardItems[focus + 1];
  const next = nextIndex === undefined ? undefined : (items[nextIndex] as { series: ReviewSeries }).series.series_uid;
  send(series, label);
  layout(next ?? series.series_uid);
  moveFocus(0);
}

function undoLast(): void {
  const step = undo.pop();
  if (!step) {
    status.textContent = 'nothing to undo';
    return;
  }
  const series = data.series.find((candidate) => candidate.series_uid === step.uid)!;
  if (step.before) data.corrections[step.uid] = step.before;
  else delete data.corrections[step.uid];
  sendOnly(series, step.before?.class ?? null);
  layout(step.uid);
  moveFocus(0);
}

document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (target.closest('select, input, textarea, form')) return;
  if (event.altKey || event.metaKey) return;
  if (event.ctrlKey) {
    if (event.key === 'z') {
      event.preventDefault();
      undoLast();
    }
    return;
  }
  const digit = /^[1-9]$/.test(event.key) ? Number(event.key) : 0;
  if (digit > 0 && digit <= data.classes.length) relabel(data.classes[digit - 1]!);
  else if (event.key === 'ArrowDown' || event.key === 'ArrowRight' || event.key === 'j') moveFocus(1);
  else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft' || event.key === 'k') moveFocus(-1);
  else if (event.key === 'PageDown') moveFocus(Math.max(1, Math.floor(list.clientHeight / CARD_HEIGHT)));
  else if (event.key === 'PageUp') moveFocus(-Math.max(1, Math.floor(list.clientHeight / CARD_HEIGHT)));
  else if (event.key === 'Enter' || event.key === ' ') {
    const series = focusedSeries();
    if (series && data.classes.includes(labelOf(series))) relabel(labelOf(series));
    else if (series) status.textContent = `'${labelOf(series)}' is not a class: choose one with 1–${data.classes.length}`;
  } else if (event.key === 'u') undoLast();
  else return;
  event.preventDefault();
});

// --- start ---------------------------------------------------------------------------------

async function load(): Promise<void> {
  const response = await call('api/data');
  data = (await response.json()) as ReviewData;
  document.title = data.title;
  byId('title').textContent = data.title;
  order();
  fillSelect(filterClass, [...data.classes, ...new Set(data.series.map((s) => s.label).filter((label) => !data.classes.includes(label)))]);
  fillSelect(filterVendor, [...new Set(data.series.map((s) => s.manufacturer))].sort());
  layout(focusedSeries()?.series_uid);
}

for (const control of [filterClass, filterVendor, filterReviewed]) control.addEventListener('change', () => layout(focusedSeries()?.series_uid));
filterConfidence.addEventListener('input', () => {
  byId('confidence-value').textContent = Number(filterConfidence.value).toFixed(2);
  layout(focusedSeries()?.series_uid);
});
list.addEventListener('scroll', () => render(), { passive: true });
window.addEventListener('resize', () => render());
byId<HTMLFormElement>('token').addEventListener('submit', (event) => {
  event.preventDefault();
  token = byId<HTMLInputElement>('token-input').value.trim() || null;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  byId('token').classList.remove('shown');
  start();
});

function start(): void {
  setPending(1);
  load()
    .then(() => {
      document.body.dataset['ready'] = 'true';
      list.focus();
    })
    .catch((error: unknown) => {
      status.textContent = (error as Error).message;
    })
    .finally(() => setPending(-1));
}
start();
