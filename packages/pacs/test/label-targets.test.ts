/**
 * The one join of predictions to Orthanc series for label write-back (msc-predict --update-labels
 * and /predict-orthanc): key cells compared in the reducer's normal form on both sides.
 */
import { describe, expect, it } from 'vitest';
import { labelTargets, type SeriesRef } from '@msc/pacs';

const ref = (patientId: string, studyUid: string, seriesUid: string, orthancId?: string): SeriesRef => ({
  patientId,
  studyUid,
  seriesUid,
  instances: 1,
  ...(orthancId ? { orthancId } : {}),
});

describe('labelTargets', () => {
  it('joins a raw PatientID (edge spaces, a backslash, missing) to the normal form the series refs hold', () => {
    const series = [ref('PAT 7', '1.2', '1.2.1', 'o-1'), ref('A B', '1.2', '1.2.2', 'o-2'), ref('-', '1.3', '1.3.1', 'o-3')];
    const targets = labelTargets(series, [
      { patient_id: ' PAT  7 ', study_uid: '1.2', series_uid: '1.2.1', label: 'T2W' },
      { patient_id: 'A\\B', study_uid: '1.2', series_uid: '1.2.2', label: 'ADC' },
      { patient_id: null, study_uid: '1.3', series_uid: '1.3.1', label: 'DWI' },
    ]);
    expect(targets).toEqual([
      { orthancId: 'o-1', label: 'T2W' },
      { orthancId: 'o-2', label: 'ADC' },
      { orthancId: 'o-3', label: 'DWI' },
    ]);
  });

  it('keeps one series UID under two patients apart, and leaves out series Orthanc did not give', () => {
    const series = [ref('P1', '1.2', '1.2.1', 'o-p1'), ref('P2', '1.2', '1.2.1', 'o-p2'), ref('P3', '1.4', '1.4.1')];
    const targets = labelTargets(series, [
      { patient_id: 'P2', study_uid: '1.2', series_uid: '1.2.1', label: 'DCE' },
      { patient_id: 'P1', study_uid: '1.2', series_uid: '1.2.1', label: 'T2W' },
      { patient_id: 'P3', study_uid: '1.4', series_uid: '1.4.1', label: 'ADC' },
      { patient_id: 'P9', study_uid: '1.2', series_uid: '1.2.1', label: 'DWI' },
    ]);
    expect(targets).toEqual([
      { orthancId: 'o-p2', label: 'DCE' },
      { orthancId: 'o-p1', label: 'T2W' },
    ]);
  });
});
