/**
 * Patterns of real prostate exams the generator writes, each in several vendors' versions, checked
 * in the bytes written (read back with dcmjs): split-phase DCE without temporal tags, private
 * values as OB/UN, trace and calculated-b DWI whose only evidence is ImageType and the sequence
 * name, three-plane localizers, variable-flip-angle T1 mapping, DTI raw with its maps, B1 maps and
 * PD references; and the acquisition groups of labels.csv.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableAll } from '@msc/tables';
import { generateCohort, type CohortResult, type LabelRow } from './cohort.js';
import { planCohort } from './plan.js';
import { mrInstance } from './dataset.js';
import { filesUnder, readDicomBytes, value, type DcmjsDict, type DcmjsElement } from '../test/read-back.js';

type Element = DcmjsElement;
type Dict = DcmjsDict;

interface File {
  path: string;
  bytes: Buffer;
  meta: Dict;
  dict: Dict;
}

const values = (dict: Dict, tag: string): string => (dict[tag]?.Value ?? []).map(String).join('\\');
const seconds = (time: unknown): number => {
  const text = String(time);
  return Number(text.slice(0, 2)) * 3600 + Number(text.slice(2, 4)) * 60 + Number(text.slice(4));
};
/** Bytes of an OB/UN value (dcmjs gives an ArrayBuffer per value). */
const rawOf = (element: Element | undefined): Uint8Array => new Uint8Array(element!.Value![0] as ArrayBuffer);
/** Whether the file holds the element with this VR written out (explicit little endian): tag bytes, then the VR's two letters. */
function writtenWithVr(bytes: Buffer, group: number, element: number, vr: string): boolean {
  const needle = Buffer.from([group & 0xff, group >> 8, element & 0xff, element >> 8, vr.charCodeAt(0), vr.charCodeAt(1)]);
  return bytes.includes(needle);
}
/** Tags that describe one acquisition's protocol and geometry. */
const PROTOCOL_TAGS = ['00180024', '00180080', '00180081', '00181314', '00180050', '00200037', '00280030', '00280010', '00181310'];

let cohort: CohortResult;
let bySeries: Map<string, File[]>;
let labels: Map<string, LabelRow>;
const seriesOf = (kind: string) => [...labels.values()].filter((label) => label.kind === kind);
const vendorsOf = (rows: readonly LabelRow[]) => new Set(rows.map((row) => row.vendor));
const first = (label: LabelRow) => bySeries.get(label.series_uid)![0]!;
const groupsOf = (rows: readonly LabelRow[]) => {
  const groups = new Map<string, LabelRow[]>();
  for (const row of rows) groups.set(row.acquisition_group, [...(groups.get(row.acquisition_group) ?? []), row]);
  return groups;
};

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'msc-synth-real-'));
  cohort = await generateCohort({
    outDir: join(dir, 'cohort'),
    studies: 15,
    seed: 11,
    pixels: 'none',
    maxInstancesPerSeries: 3,
    includeKinds: [
      'localizer',
      'localizer-single-shot',
      'dwi',
      'adc',
      'dwi-calculated',
      'dce',
      't1-vfa',
      'dti',
      'dti-trace',
      'dti-tensor',
      'b1-map',
      'pd-reference',
    ],
  });
  bySeries = new Map();
  for (const path of filesUnder(cohort.outDir)) {
    const bytes = readFileSync(path);
    const { meta, dict } = readDicomBytes(bytes);
    if (value(dict, '00080060') !== 'MR') continue;
    const uid = String(value(dict, '0020000E'));
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), { path, bytes, meta, dict }]);
  }
  labels = new Map(cohort.labels.map((label) => [label.series_uid, label]));
}, 120_000);

describe('split-phase DCE', () => {
  it('writes one series per phase in several vendors: same protocol and geometry, own UID and number, later in time, no temporal tags', () => {
    const split = [...groupsOf(seriesOf('dce')).values()].filter((group) => group.length > 1);
    expect(vendorsOf(split.flat()).size).toBeGreaterThanOrEqual(2);
    for (const group of split) {
      expect(group.length).toBeGreaterThanOrEqual(10);
      expect(group.length).toBeLessThanOrEqual(80);
      expect(group.every((row) => row.class === 'DCE')).toBe(true);
      const files = group.map(first).sort((a, b) => Number(value(a.dict, '00200011')) - Number(value(b.dict, '00200011')));
      expect(new Set(files.map((file) => value(file.dict, '00200011'))).size).toBe(group.length);
      for (const file of files) {
        for (const tag of ['00200105', '00200100', '00200110', '00180010']) expect(file.dict[tag], tag).toBeUndefined();
        expect(Number(value(file.dict, '00280008') ?? 1)).toBe(1);
        for (const tag of PROTOCOL_TAGS) expect(values(file.dict, tag), tag).toBe(values(files[0]!.dict, tag));
      }
      const times = files.map((file) => seconds(value(file.dict, '00080032')));
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
      const triggers = files.map((file) => value(file.dict, '00181060')).filter((time) => time !== undefined);
      if (triggers.length === files.length) expect(Number(triggers[0])).toBe(0);
    }
    // 15–30 slices per phase in the full series.
    expect(split.flat().every((row) => row.planned_instances >= 15 && row.planned_instances <= 30)).toBe(true);
  });

  it('keeps the one-series DCE with temporal tags, TemporalResolution in ms, in seconds or empty', () => {
    const single = [...groupsOf(seriesOf('dce')).values()].filter((group) => group.length === 1).flat();
    expect(single.length).toBeGreaterThan(0);
    for (const row of single) expect(first(row).dict['00200105'], row.description).toBeDefined();
    const styles = planCohort({ studies: 300, seed: 5, noise: true, maxInstancesPerSeries: 1 })
      .flatMap((study) => study.series)
      .filter((series) => series.template.id === 'dce' && series.temporalTags)
      .map((series) => series.temporalResolutionStyle);
    expect(new Set(styles)).toEqual(new Set(['ms', 's', 'empty']));
    for (const row of single) {
      const resolution = first(row).dict['00200110'];
      if (resolution?.Value?.length) expect(Number(resolution.Value[0]) > 1000 || Number(resolution.Value[0]) < 100).toBe(true);
    }
  });

  it('is drawn for about a third of studies, and the class balance stays sensible', () => {
    const studies = planCohort({ studies: 400, seed: 3, noise: true, maxInstancesPerSeries: 1 });
    const split = studies.filter((study) => study.series.filter((series) => series.template.id === 'dce').length > 1).length / studies.length;
    expect(split).toBeGreaterThan(0.18);
    expect(split).toBeLessThan(0.38);
    const series = studies.flatMap((study) => study.series);
    const share = (label: string) => series.filter((s) => s.label === label).length / series.length;
    expect(share('DCE')).toBeLessThan(0.42);
    for (const label of ['T2W', 'DWI', 'ADC']) expect(share(label), label).toBeGreaterThan(0.04);
    expect(Math.max(...studies.map((study) => study.series.length))).toBeLessThanOrEqual(120);
  });
});

describe('private values as an anonymizer writes them', () => {
  it('decode in every VR for every vendor: Siemens b-value and directionality as OB holding ASCII, GE and Philips b-values as UN', () => {
    const studies = planCohort({ studies: 6, seed: 2, noise: false, vendors: ['SIEMENS', 'GE', 'PHILIPS'], includeKinds: ['dwi'], maxInstancesPerSeries: 4 });
    let checked = 0;
    for (const study of studies) {
      const dwi = study.series.find((series) => series.template.id === 'dwi')!;
      for (const privateVr of ['native', 'UN', 'OB'] as const) {
        const series = { ...dwi, privateVr, privateBValue: true, geOffsetEncoding: false };
        series.instances.forEach((instance, index) => {
          const bytes = mrInstance({ study, series, index, sopInstanceUid: `2.25.${index + 1}`, frameOfReferenceUid: '2.25.9', pixels: null, size: 0 });
          const { dict } = readDicomBytes(bytes);
          const raw = Buffer.from(bytes);
          const b = instance.bValue!;
          const vr = privateVr === 'native' ? undefined : privateVr;
          if (study.vendor === 'SIEMENS') {
            expect(writtenWithVr(raw, 0x0019, 0x100c, vr ?? 'IS')).toBe(true);
            expect(writtenWithVr(raw, 0x0019, 0x100d, vr ?? 'CS')).toBe(true);
            const text = vr ? new TextDecoder().decode(rawOf(dict['0019100C'])) : String(value(dict, '0019100C'));
            expect(Number(text)).toBe(b);
            if (vr === 'OB') expect(text).toBe(String(b).length % 2 === 0 ? String(b) : `${b} `);
            const directionality = vr ? new TextDecoder().decode(rawOf(dict['0019100D'])).trim() : String(value(dict, '0019100D'));
            expect(directionality).toBe(b === 0 ? 'NONE' : 'ISOTROPIC');
          }
          if (study.vendor === 'GE') {
            expect(writtenWithVr(raw, 0x0043, 0x1039, vr ?? 'IS')).toBe(true);
            const text = vr ? new TextDecoder().decode(rawOf(dict['00431039'])) : values(dict, '00431039');
            expect(Number(text.split('\\')[0])).toBe(b);
          }
          if (study.vendor === 'PHILIPS') {
            expect(writtenWithVr(raw, 0x2001, 0x1003, vr ?? 'FL')).toBe(true);
            const float = vr ? new DataView(rawOf(dict['20011003']).buffer).getFloat32(0, true) : Number(value(dict, '20011003'));
            expect(float).toBe(b);
          }
          checked += 1;
        });
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('are drawn per study: native, UN and OB all occur', () => {
    const vrs = new Set<string>();
    for (const files of bySeries.values())
      for (const file of files) for (const tag of ['0019100C', '00431039', '20011003', '700D1080']) if (file.dict[tag]) vrs.add(file.dict[tag].vr);
    expect([...vrs].some((vr) => vr === 'UN' || vr === 'OB')).toBe(true);
    const drawn = planCohort({ studies: 200, seed: 4, noise: false, maxInstancesPerSeries: 1 }).map((study) => study.privateVr);
    expect(new Set(drawn)).toEqual(new Set(['native', 'UN', 'OB']));
  });
});

describe('diffusion evidence', () => {
  it('writes trace and calculated-b DWI with no b-value tag, told by ImageType and the sequence name, in several vendors', () => {
    const untagged = [...labels.values()].filter(
      (row) => row.class === 'DWI' && bySeries.get(row.series_uid)!.every((file) => !file.dict['00189087'] && !file.dict['0019100C']),
    );
    expect(vendorsOf(untagged).size).toBeGreaterThanOrEqual(2);
    const siemens = untagged.filter((row) => row.vendor === 'SIEMENS').map(first);
    expect(siemens.some((file) => /^\*?(ep|re)_b\d+(t|#\d+)?$|^\*ep_b\d+_\d+$/.test(String(value(file.dict, '00180024'))))).toBe(true);
    expect(siemens.some((file) => values(file.dict, '00080008').includes('DIFFUSION'))).toBe(true);
    // Evidence rule: without a b-value tag, ImageType, the sequence name or the description says what it is.
    for (const row of untagged) {
      const file = first(row);
      const imageType = values(file.dict, '00080008');
      const marked = /TRACEW|CALC_BVALUE|ISOTROPIC/.test(imageType) || /ep_b\d/.test(String(value(file.dict, '00180024') ?? ''));
      const privateB = file.dict['00431039'] || file.dict['20011003'];
      expect(
        marked || privateB !== undefined || /diff|dwi|dw|dti|trace|isotropic|b\d/i.test(row.description),
        `${row.vendor} ${row.kind} ${row.description}`,
      ).toBe(true);
    }
    const calculated = seriesOf('dwi-calculated');
    expect(vendorsOf(calculated).size).toBeGreaterThanOrEqual(2);
    expect(calculated.every((row) => row.class === 'DWI')).toBe(true);
  });

  it('writes DTI raw (Siemens mosaics with gradient directions) with its trace, ADC and tensor maps as one acquisition', () => {
    const dti = seriesOf('dti');
    expect(vendorsOf(dti).size).toBeGreaterThanOrEqual(2);
    expect(dti.every((row) => row.class === 'DWI' && row.planned_instances >= 7)).toBe(true);
    const mosaics = dti.filter((row) => row.vendor === 'SIEMENS').flatMap((row) => bySeries.get(row.series_uid)!);
    expect(mosaics.length).toBeGreaterThan(0);
    expect(mosaics.every((file) => values(file.dict, '00080008').includes('MOSAIC'))).toBe(true);
    expect(mosaics.some((file) => file.dict['0019100E'] !== undefined || file.dict['00189089'] !== undefined)).toBe(true);
    expect(mosaics.some((file) => /#\d+$/.test(String(value(file.dict, '00180024'))))).toBe(true);
    const groups = groupsOf([...labels.values()]);
    for (const row of dti) {
      const members = groups.get(row.acquisition_group)!;
      for (const member of members) {
        expect(['dti', 'dti-trace', 'dti-tensor', 'adc', 'fa-map']).toContain(member.kind);
        expect({ 'dti-trace': 'DWI', 'dti-tensor': 'Others', adc: 'ADC', 'fa-map': 'Others', dti: 'DWI' }[member.kind]).toBe(member.class);
      }
    }
    expect(dti.some((row) => groups.get(row.acquisition_group)!.some((member) => member.kind === 'dti-tensor'))).toBe(true);
  });
});

describe('look-alikes labelled Others', () => {
  /** Planes (S, C, A: the largest component of the slice normal) of a series' files. */
  const planesOf = (row: LabelRow) =>
    new Set(
      bySeries.get(row.series_uid)!.map((file) => {
        const [a, b, c, d, e, f] = values(file.dict, '00200037').split('\\').map(Number) as [number, number, number, number, number, number];
        const normal = [b * f - c * e, c * d - a * f, a * e - b * d].map(Math.abs);
        return 'SCA'[normal.indexOf(Math.max(...normal))];
      }),
    );

  it('three-plane localizers: sagittal, coronal and axial slices in one series, GR with a very short TR or single-shot T2', () => {
    const threePlane = [...seriesOf('localizer'), ...seriesOf('localizer-single-shot')].filter((row) => planesOf(row).size === 3);
    for (const kind of ['localizer', 'localizer-single-shot'])
      expect(vendorsOf(threePlane.filter((row) => row.kind === kind)).size, kind).toBeGreaterThanOrEqual(2);
    for (const row of threePlane) {
      expect(row.class).toBe('Others');
      const tr = Number(value(first(row).dict, '00180080') ?? NaN);
      if (row.kind === 'localizer' && Number.isFinite(tr)) expect(tr).toBeLessThan(15);
    }
    // Single-shot localizers in one plane are never axial (an axial single-shot T2 is T2W).
    for (const row of seriesOf('localizer-single-shot')) expect(planesOf(row).size === 1 && planesOf(row).has('A')).toBe(false);
  });

  it('variable-flip-angle T1 mapping: same sequence, geometry and TR/TE, flips differ, no contrast', () => {
    const studies = new Map<string, LabelRow[]>();
    for (const row of seriesOf('t1-vfa')) studies.set(row.study_uid, [...(studies.get(row.study_uid) ?? []), row]);
    expect(vendorsOf([...studies.values()].flat()).size).toBeGreaterThanOrEqual(2);
    for (const rows of studies.values()) {
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const files = rows.map(first);
      const flips = files.map((file) => Number(value(file.dict, '00181314'))).filter(Number.isFinite);
      expect(new Set(flips).size).toBe(flips.length);
      for (const file of files) {
        expect(file.dict['00180010']).toBeUndefined();
        for (const tag of PROTOCOL_TAGS.filter((tag) => tag !== '00181314')) expect(values(file.dict, tag), tag).toBe(values(files[0]!.dict, tag));
      }
      expect(rows.every((row) => row.class === 'Others')).toBe(true);
      expect(new Set(rows.map((row) => row.acquisition_group)).size).toBe(rows.length);
    }
  });

  it('B1 maps and PD references (very short TE and TR) in several vendors', () => {
    for (const kind of ['b1-map', 'pd-reference']) {
      const rows = seriesOf(kind);
      expect(vendorsOf(rows).size, kind).toBeGreaterThanOrEqual(2);
      expect(rows.every((row) => row.class === 'Others')).toBe(true);
    }
    for (const row of seriesOf('pd-reference')) {
      const dict = first(row).dict;
      if (dict['00180081']) expect(Number(value(dict, '00180081'))).toBeLessThan(2);
      // Siemens turbo-FLASH writes the time between preparation pulses as TR.
      if (dict['00180080']) expect(Number(value(dict, '00180080'))).toBeLessThan(row.vendor === 'SIEMENS' ? 1000 : 6);
    }
  });
});

describe('acquisition groups and timing', () => {
  it('labels.csv groups the series of one acquisition and no others; derived series share their source geometry and acquisition time', async () => {
    const written = await readTableAll(cohort.labelsPath);
    expect(written.columns).toContain('acquisition_group');
    expect(written.rows.map((row) => row.acquisition_group)).toEqual(cohort.labels.map((row) => row.acquisition_group));
    const allowed = [
      new Set(['dce']),
      new Set(['dwi', 'adc', 'dwi-calculated', 'eadc', 'fa-map']),
      new Set(['dti', 'dti-trace', 'dti-tensor', 'adc', 'fa-map']),
    ];
    let shared = 0;
    for (const group of groupsOf(cohort.labels).values()) {
      expect(new Set(group.map((row) => row.study_uid)).size).toBe(1);
      if (group.length === 1) continue;
      shared += 1;
      const kinds = new Set(group.map((row) => row.kind));
      expect(
        allowed.some((set) => [...kinds].every((kind) => set.has(kind))),
        [...kinds].join(','),
      ).toBe(true);
      const files = group.map(first);
      for (const tag of ['00200037', '00280030', '00180050', '00080032'])
        for (const file of files)
          if (file.dict[tag] && files[0]!.dict[tag] && !kinds.has('dce')) expect(values(file.dict, tag), tag).toBe(values(files[0]!.dict, tag));
    }
    expect(shared).toBeGreaterThan(5);
  });

  it('writes SeriesNumber, SeriesTime, AcquisitionTime and ContentTime in every series, increasing through the exam', () => {
    const byStudy = new Map<string, File[]>();
    for (const [uid, files] of bySeries) byStudy.set(labels.get(uid)!.study_uid, [...(byStudy.get(labels.get(uid)!.study_uid) ?? []), files[0]!]);
    for (const files of byStudy.values()) {
      for (const file of files) for (const tag of ['00200011', '00080031', '00080032']) expect(file.dict[tag], tag).toBeDefined();
      expect(files.filter((file) => file.dict['00080033']).length).toBeGreaterThan(files.length / 2);
      const ordered = files.sort((a, b) => Number(value(a.dict, '00200011')) - Number(value(b.dict, '00200011')));
      const times = ordered.map((file) => seconds(value(file.dict, '00080031')));
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    }
  });
});
