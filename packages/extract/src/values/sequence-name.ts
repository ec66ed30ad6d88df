/**
 * The b-values a Siemens sequence name states. Siemens diffusion EPI (`ep_b`) and readout-segmented
 * EPI (RESOLVE, `re_b`) names carry them: `*ep_b800t` (trace), `*ep_b50_800` (calculated from
 * several), `ep_b1000#12` (one direction), `*re_b1000t`, `ep_b0`. Nothing else is read: other
 * sequences' digits (`*tfl3d1_16`, `*tse2d1_25`) are no b-values.
 */
const DIFFUSION_SEQUENCE = /^\*?(?:ep|re)_b(\d+(?:_\d+)*)(?:t|#\d+)?$/;

/** `*ep_b50_800` → `50 800`; undefined for names of any other form. */
export function sequenceNameBValues(sequenceName: string): string | undefined {
  const match = DIFFUSION_SEQUENCE.exec(sequenceName.trim());
  return match ? match[1]!.split('_').map(Number).join(' ') : undefined;
}
