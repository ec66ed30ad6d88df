/**
 * Vendor of a series from its Manufacturer (0008,0070), for leave-one-vendor-out: scanners write
 * the same vendor many ways ("SIEMENS", "Siemens Healthineers", "GE MEDICAL SYSTEMS",
 * "Philips Medical Systems", "TOSHIBA_MEC", "Canon Medical Systems").
 */
const VENDORS: readonly [RegExp, string][] = [
  [/siemens/i, 'SIEMENS'],
  [/^\s*ge\b|general electric|\bgems\b/i, 'GE'],
  [/philips/i, 'PHILIPS'],
  [/canon|toshiba/i, 'CANON'],
  [/hitachi|fujifilm/i, 'FUJIFILM'],
  [/united imaging|\buih\b/i, 'UIH'],
];

/** The vendor name, or the manufacturer's own text (upper case) when it is none of the known ones; `-` when missing. */
export function vendorOf(manufacturer: unknown): string {
  const text = manufacturer === null || manufacturer === undefined ? '' : String(manufacturer).trim();
  if (text === '' || text === '-') return '-';
  for (const [pattern, vendor] of VENDORS) if (pattern.test(text)) return vendor;
  return text.toUpperCase();
}

/**
 * Vendor of each study: the most common vendor among its series (ties: alphabetical), so a study
 * is never split across leave-one-vendor-out folds.
 */
export function vendorOfStudies(rows: Iterable<Readonly<Record<string, unknown>>>, column = 'manufacturer'): Record<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const study = String(row['study_uid'] ?? '');
    const vendor = vendorOf(row[column]);
    const perStudy = counts.get(study) ?? new Map<string, number>();
    perStudy.set(vendor, (perStudy.get(vendor) ?? 0) + 1);
    counts.set(study, perStudy);
  }
  const out: Record<string, string> = {};
  for (const [study, perStudy] of counts) {
    out[study] = [...perStudy].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  }
  return out;
}
