/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, arrays in order, `undefined`
 * members left out. Records hold only strings, safe integers, arrays and plain objects, for which
 * `JSON.stringify` is already deterministic; only key order needs fixing.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}
