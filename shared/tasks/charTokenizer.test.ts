import { describe, expect, test } from 'vitest'
import { CHAR_VOCAB_SIZE, charTokenizer, UNKNOWN_ID } from './charTokenizer.ts'

describe('charTokenizer', () => {
  test('default: printable ASCII and newlines round-trip', () => {
    let ascii = '\n'
    for (let c = 32; c <= 126; c++) ascii += String.fromCharCode(c)
    const ids = charTokenizer.encode(ascii)
    expect(ids).toHaveLength(96)
    expect(new Set(ids).size).toBe(96)
    expect(Math.max(...ids)).toBeLessThan(CHAR_VOCAB_SIZE)
    expect(charTokenizer.decode(ids)).toBe(ascii)
    expect(charTokenizer.decode(charTokenizer.encode('Call me Ishmael.\n'))).toBe('Call me Ishmael.\n')
  })

  test('behavior: fixed ids (protocol)', () => {
    expect([...charTokenizer.encode(' A~\n\u00e9')]).toEqual([0, 33, 94, 95, UNKNOWN_ID])
    expect(charTokenizer.vocabSize).toBe(97)
  })

  test('behavior: typographic punctuation and line endings are normalised, other characters are unknown', () => {
    expect(charTokenizer.decode(charTokenizer.encode('\u201cIt\u2019s\u2014so\u2026\u201d\r\n\ttab'))).toBe(
      '"It\'s-so..."\n tab',
    )
    expect(charTokenizer.decode(charTokenizer.encode('caf\u00e9 \u{1f40b}!'))).toBe('caf\ufffd \ufffd!')
    expect(charTokenizer.decode([-1, 97, 1.5, 33])).toBe('\ufffd\ufffd\ufffdA')
  })
})
