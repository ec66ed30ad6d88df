/**
 * SpecificCharacterSet (0008,0005) → a text decoder. ISO 2022 code extensions are decoded with
 * the base set's decoder (escape sequences left in place), which keeps ASCII words intact.
 */
import { TextDecoder } from 'node:util';

const DECODER_LABELS: Record<string, string> = {
  '': 'latin1',
  ISO_IR_6: 'latin1',
  ISO_IR_100: 'latin1',
  ISO_IR_101: 'iso-8859-2',
  ISO_IR_109: 'iso-8859-3',
  ISO_IR_110: 'iso-8859-4',
  ISO_IR_144: 'iso-8859-5',
  ISO_IR_127: 'iso-8859-6',
  ISO_IR_126: 'iso-8859-7',
  ISO_IR_138: 'iso-8859-8',
  ISO_IR_148: 'iso-8859-9',
  ISO_IR_166: 'windows-874',
  ISO_IR_13: 'shift_jis',
  ISO_IR_192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
  ISO_2022_IR_6: 'latin1',
  ISO_2022_IR_100: 'latin1',
  ISO_2022_IR_87: 'iso-2022-jp',
  ISO_2022_IR_13: 'shift_jis',
  ISO_2022_IR_149: 'euc-kr',
  ISO_2022_IR_58: 'gb18030',
  ISO_2022_IR_126: 'iso-8859-7',
  ISO_2022_IR_144: 'iso-8859-5',
};

const cache = new Map<string, TextDecoder>();
/** By the element's text: an archive repeats a handful of character sets in every file. */
const bySet = new Map<string, TextDecoder>();

export function decoderFor(specificCharacterSet: string | undefined): TextDecoder {
  const known = bySet.get(specificCharacterSet ?? '');
  if (known) return known;
  const decoder = decoderOf(specificCharacterSet);
  if (bySet.size < 256) bySet.set(specificCharacterSet ?? '', decoder);
  return decoder;
}

function decoderOf(specificCharacterSet: string | undefined): TextDecoder {
  const terms = (specificCharacterSet ?? '').split('\\').map((term) => term.trim().replace(/[ -]/g, '_').toUpperCase());
  // With code extensions the second term names the set most text is in (e.g. ISO 2022 IR 87).
  const key = terms.find((term, i) => i > 0 && term !== '') ?? terms[0] ?? '';
  const label = DECODER_LABELS[key] ?? 'latin1';
  let decoder = cache.get(label);
  if (!decoder) cache.set(label, (decoder = new TextDecoder(label)));
  return decoder;
}

export const LATIN1 = decoderFor(undefined);
