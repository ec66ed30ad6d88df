/**
 * UID checks for the keys of a row (SOP class, study and series UIDs). A damaged file's keys must
 * be valid UIDs in the standard's strict sense; an intact file's only well formed, because real
 * scanners write components with leading zeros (and readers, pydicom included, accept them).
 */

const VALID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** PS3.5 §9.1: 1–64 characters, digits and dots, no component empty or with a leading zero (but "0"). */
export function isValidUid(uid: string): boolean {
  return uid.length <= 64 && VALID.test(uid);
}

/** Digits and dots, no component empty: what a UID that no bit flip or stray byte touched looks like. */
export function isWellFormedUid(uid: string): boolean {
  // A loop, not /^[0-9]+(\.[0-9]+)*$/: three keys a file, and a regular expression's call costs more than the scan.
  let afterDot = true;
  for (let i = 0; i < uid.length; i++) {
    const code = uid.charCodeAt(i);
    if (code === 0x2e) {
      if (afterDot) return false;
      afterDot = true;
    } else if (code >= 0x30 && code <= 0x39) afterDot = false;
    else return false;
  }
  return !afterDot;
}
