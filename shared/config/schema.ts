/** One config field: its type, its default, and why that default was chosen. */
export type Field =
  | { kind: 'int'; default: number; reason: string; min?: number; max?: number }
  | { kind: 'number'; default: number; reason: string; min?: number; max?: number }
  | { kind: 'string'; default: string; reason: string }
  | { kind: 'boolean'; default: boolean; reason: string }
  | { kind: 'enum'; default: string; reason: string; values: readonly string[] }

/** A tree of sections and fields. */
export type Schema = { readonly [key: string]: Field | Schema }

/** The plain value type a schema describes. */
export type ValueOf<S extends Schema> = {
  -readonly [K in keyof S]: S[K] extends Field
    ? S[K] extends { kind: 'int' | 'number' }
      ? number
      : S[K] extends { kind: 'boolean' }
        ? boolean
        : string
    : S[K] extends Schema
      ? ValueOf<S[K]>
      : never
}

/** True when `node` is a field rather than a section. */
export function isField(node: Field | Schema): node is Field {
  return typeof (node as Field).kind === 'string' && 'reason' in node
}

/** The defaults of a schema as a plain object. */
export function defaultsOf<S extends Schema>(schema: S): ValueOf<S> {
  const out: Record<string, unknown> = {}
  for (const [k, node] of Object.entries(schema)) out[k] = isField(node) ? node.default : defaultsOf(node)
  return out as ValueOf<S>
}

/** Every dotted key of a schema, e.g. `train.innerSteps`. */
export function keysOf(schema: Schema, prefix = ''): string[] {
  return Object.entries(schema).flatMap(([k, node]) =>
    isField(node) ? [`${prefix}${k}`] : keysOf(node, `${prefix}${k}.`),
  )
}

/** Looks up the field for a dotted key, or undefined. */
export function fieldAt(schema: Schema, dotted: string): Field | undefined {
  let node: Field | Schema | undefined = schema
  for (const part of dotted.split('.')) {
    if (!node || isField(node) || !Object.hasOwn(node, part)) return undefined
    node = (node as Schema)[part]
  }
  return node && isField(node) ? node : undefined
}

/** A readable description of what a field accepts. */
export function describeField(field: Field): string {
  switch (field.kind) {
    case 'int':
    case 'number': {
      const what = field.kind === 'int' ? 'an integer' : 'a finite number'
      const lo = field.min === undefined ? '' : ` ≥ ${field.min}`
      const hi = field.max === undefined ? '' : ` ≤ ${field.max}`
      return `${what}${lo}${lo && hi ? ' and' : ''}${hi}`
    }
    case 'boolean':
      return 'true or false'
    case 'string':
      return 'a string'
    case 'enum':
      return `one of ${field.values.join(', ')}`
  }
}
