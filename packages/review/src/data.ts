/**
 * What the review page receives and sends: shared by the server (Node) and the page's script
 * (browser), which imports these types only.
 */

/** One series as the page shows it. Every text is DICOM or table text: the page sets it as text, never as HTML. */
export interface ReviewSeries {
  study_uid: string;
  series_uid: string;
  patient_id: string;
  series_number: string;
  series_description: string;
  series_group: string;
  /** The vendor (Manufacturer), '' when the table has no such column. */
  manufacturer: string;
  /** The label the table gives (prediction_heuristics when present, else prediction): a correction's `previous`. */
  label: string;
  /** Top class probability, null when the table has none. */
  confidence: number | null;
  /** The heuristic rule that fired, ''. */
  rule: string;
  /** msc-predict --explain: `feature (+1.23); …`, '' without it. */
  explanation: string;
  /** A thumbnail `<series_uid>.png` exists in the thumbnail folder. */
  thumbnail: boolean;
  /** Why there is none (thumbnails.csv status and reason), ''. */
  thumbnail_note: string;
}

/** A row of the corrections file (the columns msc-train --corrections reads). */
export interface Correction {
  study_uid: string;
  series_uid: string;
  class: string;
  previous: string;
  reviewed_at: string;
}

export const CORRECTION_COLUMNS = ['study_uid', 'series_uid', 'class', 'previous', 'reviewed_at'] as const;

export interface ReviewData {
  title: string;
  /** The model's classes, in the order the keys 1–n choose them. */
  classes: string[];
  series: ReviewSeries[];
  /** Corrections already made (resumed from the file), by series UID. */
  corrections: Record<string, Correction>;
}

/** POST body: set a series' class (`class: null` removes its correction: undo of a first review). */
export interface CorrectionRequest {
  series_uid: string;
  class: string | null;
}

export interface CorrectionReply {
  correction: Correction | null;
  reviewed: number;
  total: number;
}

/** The paths below the page's base the page calls (the same for msc-review and msc-serve's /review). */
export const REVIEW_ROUTES = { data: 'api/data', corrections: 'api/corrections', thumbnails: 'thumbnails/' } as const;
