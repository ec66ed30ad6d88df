/**
 * UID checks for the keys of a row (SOP class, study and series UIDs). A damaged file's keys must
 * be valid UIDs in the standard's strict sense; an intact file's only well formed, because real
 * scanners write components with leading zeros (and readers, pydicom included, accept them).
 */

const WELL_FORMED = /^[0-9]+(\.[0-9]+)*$/;
const VALID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** PS3.5 §9.1: 1–64 characters, digits and dots, no component empty or with a leading zero (but "0"). */
export function isValidUid(uid: string): boolean {
  return uid.length <= 64 && VALID.test(uid);
}

/** Digits and dots, no component empty: what a UID that no bit flip or stray byte touched looks like. */
export function isWellFormedUid(uid: string): boolean {
  return WELL_FORMED.test(uid);
}
