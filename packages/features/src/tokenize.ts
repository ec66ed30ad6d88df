/**
 * Words and word n-grams of a cleaned text cell (docs/behaviour.md §4, made stronger).
 *
 * The original takes runs of 2+ word characters, so `t2_tse_tra_p2` is one word and shares
 * nothing with `t2_tse_tra`. Here words are split on every non-alphanumeric character,
 * underscore included, and n-grams run over those pieces; each whole white-space token that
 * holds separators is kept as a word of its own too, so exact protocol names still count.
 */

const PIECE_SPLIT = /[^\p{L}\p{N}]+/u;
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/** Alphanumeric pieces of the text, in order (`t2_tse_tra_p2` → t2 tse tra p2). */
export function textPieces(text: string): string[] {
  return text.split(PIECE_SPLIT).filter((piece) => piece.length > 0);
}

/** White-space tokens that contain separators (`t2_tse_tra_p2`, `ep2d_diff`), trimmed of edge punctuation. */
export function compoundTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\s+/)) {
    const token = raw.replace(EDGE_PUNCTUATION, '');
    if (token.length > 0 && PIECE_SPLIT.test(token)) out.push(token);
  }
  return out;
}

/**
 * The distinct terms of a text: piece n-grams for n = 1..maxN (joined by one space) plus the
 * compound tokens. Order is first occurrence; duplicates are dropped (features are binary).
 */
export function textTerms(text: string, maxN: number): string[] {
  const pieces = textPieces(text);
  const terms = new Set<string>();
  for (let i = 0; i < pieces.length; i++) {
    let gram = '';
    for (let n = 1; n <= maxN && i + n <= pieces.length; n++) {
      gram = n === 1 ? pieces[i]! : `${gram} ${pieces[i + n - 1]!}`;
      terms.add(gram);
    }
  }
  for (const token of compoundTokens(text)) terms.add(token);
  return [...terms];
}
