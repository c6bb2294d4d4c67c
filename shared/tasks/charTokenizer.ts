/**
 * The character tokenizer of the text tasks. Its ids are PROTOCOL (they define the token stream,
 * hence the pages and the dataset id):
 * - ids 0..94: printable ASCII ' ' (0x20) .. '~' (0x7e), id = code - 32;
 * - id 95: newline '\n';
 * - id 96: unknown (any other character, after normalisation); decodes to U+FFFD.
 * Normalisation before lookup: "\r\n" and "\r" become "\n", a tab becomes a space, and the
 * typographic quotes and dashes common in English books become their ASCII forms (’ ‘ → ',
 * “ ” → ", — – → -, … → ...), so Moby Dick needs no unknown id.
 */
export type CharTokenizer = {
  readonly vocabSize: number
  /** Text → ids (normalised as described above). */
  encode(text: string): Int32Array
  /** Ids → text; ids out of range decode as U+FFFD. */
  decode(ids: ArrayLike<number>): string
}

const NEWLINE_ID = 95
/** The id of any character outside the vocabulary. */
export const UNKNOWN_ID = 96
/** Printable ASCII (95) + newline + unknown. */
export const CHAR_VOCAB_SIZE = 97

const REPLACE: Readonly<Record<string, string>> = {
  '\t': ' ',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2014': '-',
  '\u2013': '-',
  '\u2026': '...',
}

/** Normalises text as the tokenizer does (line endings, tabs, typographic punctuation). */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[\t\u2018\u2019\u201c\u201d\u2014\u2013\u2026]/g, (c) => REPLACE[c])
}

/** Ids of normalised text. */
function encode(text: string): Int32Array {
  const norm = normalizeText(text)
  const out = new Int32Array(norm.length)
  let n = 0
  for (let i = 0; i < norm.length; i++) {
    const code = norm.charCodeAt(i)
    // A surrogate pair is one character: one unknown id, not two.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < norm.length) {
      const low = norm.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) i++
    }
    out[n++] = code >= 32 && code <= 126 ? code - 32 : code === 10 ? NEWLINE_ID : UNKNOWN_ID
  }
  return n === out.length ? out : out.slice(0, n)
}

/** Text of ids. */
function decode(ids: ArrayLike<number>): string {
  let s = ''
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]
    s += id >= 0 && id < 95 && Number.isInteger(id) ? String.fromCharCode(id + 32) : id === NEWLINE_ID ? '\n' : '\ufffd'
  }
  return s
}

/** The shared character tokenizer (97 ids). */
export const charTokenizer: CharTokenizer = { vocabSize: CHAR_VOCAB_SIZE, encode, decode }
