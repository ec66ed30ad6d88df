// How well MSC's study context (series_group) finds the generator's acquisitions (labels.csv
// acquisition_group): a synthetic cohort → extract → addStudyContext, then every pair of series in
// a study counted as grouped by both, missed (one acquisition, not grouped) or extra (grouped, two
// acquisitions), with the kinds behind the misses.
//   node pipelines/synth-acquisition-groups.mjs [studies=30] [seed=21] [kind,kind,... every study draws]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractSeries } from '@msc/extract';
import { addStudyContext } from '@msc/features';
import { generateCohort } from '@msc/synth';

const studies = Number(process.argv[2] ?? 30);
const seed = Number(process.argv[3] ?? 21);
const includeKinds = process.argv[4]?.split(',');
const outDir = mkdtempSync(join(tmpdir(), 'msc-synth-groups-'));
try {
  const cohort = await generateCohort({ outDir, studies, seed, maxInstancesPerSeries: 3, pixels: 'none', ...(includeKinds ? { includeKinds } : {}) });
  const truth = new Map(cohort.labels.map((label) => [label.series_uid, label]));
  const byStudy = new Map();
  for (const row of addStudyContext((await extractSeries([outDir])).rows).rows) {
    const label = truth.get(String(row.series_uid));
    if (label) byStudy.set(label.study_uid, [...(byStudy.get(label.study_uid) ?? []), { label, group: String(row.series_group) }]);
  }
  const counts = { together: 0, missed: 0, extra: 0 };
  const missedKinds = new Map();
  const extraKinds = new Map();
  for (const list of byStudy.values())
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i], list[j]];
        const same = a.label.acquisition_group === b.label.acquisition_group;
        const grouped = a.group === b.group && a.group !== '-';
        const key = `${[a.label.kind, b.label.kind].sort().join('+')} ${a.label.vendor}`;
        if (same && grouped) counts.together += 1;
        else if (same || grouped) {
          counts[same ? 'missed' : 'extra'] += 1;
          const kinds = same ? missedKinds : extraKinds;
          kinds.set(key, (kinds.get(key) ?? 0) + 1);
        }
      }
  const top = (map) => Object.fromEntries([...map].sort((x, y) => y[1] - x[1]).slice(0, 12));
  console.log(JSON.stringify({ studies, seed, series: cohort.labels.length, pairs: counts, missed: top(missedKinds), extra: top(extraKinds) }, null, 2));
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
