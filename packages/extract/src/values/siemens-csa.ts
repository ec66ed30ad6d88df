/**
 * The Siemens CSA image header (0029,xx10 under "SIEMENS CSA HEADER"): a list of named entries,
 * each with items of text. Two layouts: SV10 (`SV10` + 4 bytes, then the entry count) and the older
 * CSA1 (the entry count first). Little endian whatever the dataset's byte order. Read defensively: a
 * count or length that does not fit the bytes ends the read with what was found so far, never a throw.
 *
 * Entry: name (64 bytes, NUL-terminated), vm (int32), vr (4), syngodt (int32), item count (int32),
 * a marker (int32). Item: four int32 (SV10: the length is the second; CSA1: the first minus the
 * first entry's item count), then the text padded to 4 bytes.
 */

const ENTRY_HEADER = 84;
const ITEM_HEADER = 16;
/** Real headers hold about 100 entries of at most a few hundred items; more means garbage. */
const MAX_ENTRIES = 1024;
const MAX_ITEMS = 4096;

/** The entries asked for, by name: their non-empty items (as far as their vm says), trimmed. */
export function csaEntries(bytes: Uint8Array, wanted: ReadonlySet<string>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  if (bytes.length < 16) return found;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sv10 = bytes[0] === 0x53 && bytes[1] === 0x56 && bytes[2] === 0x31 && bytes[3] === 0x30; // "SV10"
  let offset = sv10 ? 8 : 0;
  const entries = view.getUint32(offset, true);
  if (entries === 0 || entries > MAX_ENTRIES) return found;
  offset += 8;
  let firstItemCount: number | undefined;
  for (let entry = 0; entry < entries; entry++) {
    if (offset + ENTRY_HEADER > bytes.length) return found;
    const name = cString(bytes.subarray(offset, offset + 64));
    const vm = view.getInt32(offset + 64, true);
    const items = view.getInt32(offset + 76, true);
    if (items < 0 || items > MAX_ITEMS) return found;
    firstItemCount ??= items;
    offset += ENTRY_HEADER;
    const values: string[] = [];
    for (let item = 0; item < items; item++) {
      if (offset + ITEM_HEADER > bytes.length) return found;
      const length = sv10 ? view.getInt32(offset + 4, true) : view.getInt32(offset, true) - firstItemCount;
      offset += ITEM_HEADER;
      if (length < 0 || offset + length > bytes.length) return found;
      if (values.length < (vm > 0 ? vm : items)) {
        const text = cString(bytes.subarray(offset, offset + length)).trim();
        if (text !== '') values.push(text);
      }
      offset += length + ((4 - (length % 4)) % 4);
    }
    if (wanted.has(name) && values.length > 0) found.set(name, values);
  }
  return found;
}

/** Bytes up to the first NUL, as Latin-1 (CSA text is ASCII). */
function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, end === -1 ? bytes.length : end).toString('latin1');
}

const B_VALUE = 'B_value';
const GRADIENT_DIRECTION = 'DiffusionGradientDirection';
const DIFFUSION_ENTRIES = new Set([B_VALUE, GRADIENT_DIRECTION]);

/** A CSA number as a cell value (`1000.00000000` → `1000`); undefined for what is no number. */
function csaNumber(text: string): string | undefined {
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? String(value) : undefined;
}

/** The b-value and gradient direction a CSA image header states, each when present and numeric. */
export function csaDiffusion(bytes: Uint8Array | undefined): { bValue?: string; direction?: string } {
  if (!bytes) return {};
  const entries = csaEntries(bytes, DIFFUSION_ENTRIES);
  const bValue = entries.get(B_VALUE)?.map(csaNumber)[0];
  const direction = entries.get(GRADIENT_DIRECTION)?.slice(0, 3).map(csaNumber);
  return {
    ...(bValue !== undefined ? { bValue } : {}),
    ...(direction?.length === 3 && direction.every((value) => value !== undefined) ? { direction: direction.join(' ') } : {}),
  };
}
