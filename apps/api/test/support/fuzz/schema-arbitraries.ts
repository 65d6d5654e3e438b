/**
 * fast-check arbitraries from JSON Schema (the dialects' OpenAPI documents, the tRPC inputs'
 * derived schemas): `valueFor` draws values that mostly fit the schema — biased towards the ids,
 * hyperlinks, public ids, currencies, amounts and dates of the seeded ledger, so requests reach
 * the handlers rather than only the validators — and `hostileFor` draws what a careless or hostile
 * client sends instead: wrong types, huge, negative and exponent numbers, NUL and lone surrogates,
 * overlong strings, impossible dates, missing fields and unknown ones.
 */
import { rawJsonNumber } from "@paybridge/adapter-kit"
import fc from "fast-check"

export type JsonSchema = Readonly<Record<string, unknown>>

/** Strings and numbers that look right to the ledger: seeded ids and links, currencies, amounts, dates. */
export interface ValuePool {
  readonly strings: ReadonlyArray<string>
  readonly integers: ReadonlyArray<number>
}

const maxDepth = 4

const asSchema = (value: unknown): JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonSchema) : {}

/** Resolves `$ref`s into `#/components/schemas/…` or `#/$defs/…` of `root`. */
export const resolveRef = (schema: JsonSchema, root: JsonSchema): JsonSchema => {
  let current = schema
  for (let hops = 0; hops < 8 && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref as string
    const parts = ref.replace(/^#\//u, "").split("/").map(decodeURIComponent)
    let target: unknown = root
    for (const part of parts) target = asSchema(target)[part]
    current = asSchema(target)
  }
  return current
}

/** Strings a hostile client sends. */
export const hostileStrings: ReadonlyArray<string> = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "9".repeat(400),
  "-1",
  "0",
  "-0",
  "1e309",
  "1e-400",
  "-1e400",
  "NaN",
  "Infinity",
  "0x1F",
  "1.005",
  "0.0001",
  "12.345",
  "１２",
  "٣",
  "2026-02-30",
  "0000-01-01",
  "99999-01-01",
  "2026-13-45T25:61:61Z",
  "+275760-09-14T00:00:00.000Z",
  "'; drop table payments; --",
  "../../../../etc/passwd",
  "%00",
  "%ZZ",
  "null",
  "true",
  "[]",
  "{}",
  "<script>alert(1)</script>",
  "x".repeat(5000)
]

/** JSON numbers a hostile client sends, as exact number text. */
const hostileNumberTexts: ReadonlyArray<string> = [
  "0",
  "-1",
  "-0",
  "9007199254740993",
  "1e21",
  "1e400",
  "-1e400",
  "1e-400",
  "1.0000000000000000001",
  "0.001",
  "12.345",
  "1.005",
  "-12.50",
  "9".repeat(400),
  "2147483648",
  "-2147483649"
]

export const hostileNumber: fc.Arbitrary<unknown> = fc
  .constantFrom(...hostileNumberTexts)
  .map((text) => rawJsonNumber(text))

/** Any hostile scalar or structure, whatever the schema asked for. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { "\u0000": 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) }
)

const patternArbitrary = (pattern: string): fc.Arbitrary<string> | null => {
  try {
    return fc.stringMatching(new RegExp(pattern, "u"))
  } catch {
    return null
  }
}

const stringFor = (schema: JsonSchema, pool: ValuePool): fc.Arbitrary<string> => {
  const options: Array<fc.WeightedArbitrary<string>> = []
  if (typeof schema.pattern === "string") {
    const matching = patternArbitrary(schema.pattern)
    if (matching !== null) options.push({ weight: 4, arbitrary: matching })
  }
  if (pool.strings.length > 0) options.push({ weight: 4, arbitrary: fc.constantFrom(...pool.strings) })
  const maxLength = typeof schema.maxLength === "number" ? Math.min(schema.maxLength, 40) : 40
  const minLength = typeof schema.minLength === "number" ? Math.min(schema.minLength, maxLength) : 0
  options.push({ weight: 2, arbitrary: fc.string({ minLength, maxLength }) })
  return fc.oneof(...options)
}

const numberFor = (schema: JsonSchema, pool: ValuePool, integer: boolean): fc.Arbitrary<unknown> => {
  const minimum =
    typeof schema.minimum === "number"
      ? schema.minimum
      : typeof schema.exclusiveMinimum === "number"
        ? schema.exclusiveMinimum + 1
        : -1000
  const maximum = typeof schema.maximum === "number" ? schema.maximum : 1_000_000
  const low = Math.max(minimum, -1_000_000_000)
  const high = Math.min(maximum, 1_000_000_000)
  const options: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 3, arbitrary: fc.constantFrom(...pool.integers.filter((n) => n >= low && n <= high), Math.max(low, 1)) }
  ]
  if (low <= high)
    options.push({
      weight: 2,
      arbitrary: integer
        ? fc.integer({ min: low, max: high })
        : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true })
    })
  if (!integer)
    options.push({
      weight: 1,
      arbitrary: fc.constantFrom("10.5", "0.01", "12.345", "100").map((text) => rawJsonNumber(text))
    })
  return fc.oneof(...options)
}

/** A value drawn to fit `schema` (mostly; pattern-free strings and pool values may not). */
export const valueFor = (schema: JsonSchema, root: JsonSchema, pool: ValuePool, depth = 0): fc.Arbitrary<unknown> => {
  const resolved = resolveRef(schema, root)
  if ("const" in resolved) return fc.constant(resolved.const)
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0)
    return fc.constantFrom(...(resolved.enum as Array<unknown>))
  const alternatives = (resolved.anyOf ?? resolved.oneOf) as ReadonlyArray<unknown> | undefined
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((item) => valueFor(asSchema(item), root, pool, depth)))
  }
  if (Array.isArray(resolved.allOf) && resolved.allOf.length > 0)
    return valueFor(asSchema(resolved.allOf[0]), root, pool, depth)
  const type = Array.isArray(resolved.type) ? resolved.type[0] : resolved.type
  switch (type) {
    case "string":
      return stringFor(resolved, pool)
    case "integer":
      return numberFor(resolved, pool, true)
    case "number":
      return numberFor(resolved, pool, false)
    case "boolean":
      return fc.boolean()
    case "null":
      return fc.constant(null)
    case "array": {
      if (depth >= maxDepth) return fc.constant([])
      const minLength = typeof resolved.minItems === "number" ? Math.min(resolved.minItems, 3) : 0
      return fc.array(valueFor(asSchema(resolved.items), root, pool, depth + 1), {
        minLength,
        maxLength: Math.max(minLength, 3)
      })
    }
    case "object":
      return objectFor(resolved, root, pool, depth)
    default:
      if (resolved.properties !== undefined) return objectFor(resolved, root, pool, depth)
      return fc.oneof(stringFor({}, pool), numberFor({}, pool, true), fc.constant(null))
  }
}

const objectFor = (schema: JsonSchema, root: JsonSchema, pool: ValuePool, depth: number): fc.Arbitrary<unknown> => {
  const properties = asSchema(schema.properties)
  const names = Object.keys(properties)
  if (depth >= maxDepth || names.length === 0) return fc.constant({})
  const required = new Set(Array.isArray(schema.required) ? (schema.required as Array<string>) : [])
  const model: Record<string, fc.Arbitrary<unknown>> = {}
  for (const name of names) {
    const value = valueFor(asSchema(properties[name]), root, pool, depth + 1)
    // Optional fields are mostly left out, so one odd optional value does not refuse every request.
    model[name] = required.has(name)
      ? value
      : fc.oneof({ weight: 3, arbitrary: fc.constant(absent) }, { weight: 1, arbitrary: value })
  }
  return fc
    .record(model)
    .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== absent)))
}

const absent = Symbol("absent")

/** One way to spoil a well-formed value. */
export type Mutation =
  | { readonly kind: "replace-field"; readonly value: unknown; readonly pick: number }
  | { readonly kind: "drop-field"; readonly pick: number }
  | { readonly kind: "add-field"; readonly name: string; readonly value: unknown }
  | { readonly kind: "replace-whole"; readonly value: unknown }

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("replace-field" as const), value: hostileValue, pick: fc.nat() })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop-field" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("add-field" as const),
      name: fc.constantFrom("\u0000", "__proto__", "constructor", "x".repeat(300), "extra"),
      value: hostileValue
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("replace-whole" as const), value: hostileValue }) }
)

/** The paths of every object field inside `value` (nested objects and arrays included). */
const fieldPaths = (
  value: unknown,
  path: ReadonlyArray<string | number> = []
): Array<ReadonlyArray<string | number>> => {
  if (Array.isArray(value)) return value.flatMap((item, index) => fieldPaths(item, [...path, index]))
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return []
  return Object.entries(value).flatMap(([key, item]) => [[...path, key], ...fieldPaths(item, [...path, key])])
}

const cloneWith = (
  value: unknown,
  path: ReadonlyArray<string | number>,
  change: (parent: Record<string | number, unknown>, key: string | number) => void
): unknown => {
  const copy = structuredCloneJson(value)
  let parent = copy as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  change(parent, path[path.length - 1] as string | number)
  return copy
}

/** A deep copy of JSON-like data that keeps exact numbers (their class) by reference. */
const structuredCloneJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(structuredCloneJson)
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, structuredCloneJson(item)]))
  }
  return value
}

/** `value` spoiled by `change`; a value without fields gets replaced whole. */
export const applyMutation = (value: unknown, change: Mutation): unknown => {
  const paths = fieldPaths(value)
  switch (change.kind) {
    case "replace-whole":
      return change.value
    case "add-field":
      if (typeof value !== "object" || value === null || Array.isArray(value)) return { [change.name]: change.value }
      return Object.defineProperty({ ...(value as object) }, change.name, {
        value: change.value,
        enumerable: true,
        configurable: true,
        writable: true
      })
    case "replace-field": {
      const path = paths[change.pick % Math.max(paths.length, 1)]
      if (path === undefined) return change.value
      return cloneWith(value, path, (parent, key) => {
        parent[key] = change.value
      })
    }
    case "drop-field": {
      const path = paths[change.pick % Math.max(paths.length, 1)]
      if (path === undefined) return value
      return cloneWith(value, path, (parent, key) => {
        if (Array.isArray(parent)) parent.splice(Number(key), 1)
        else delete parent[key]
      })
    }
  }
}

/** A value for `schema`: as drawn (about a third) or spoiled by a mutation. */
export const requestValueFor = (schema: JsonSchema, root: JsonSchema, pool: ValuePool): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 1, arbitrary: valueFor(schema, root, pool) },
    {
      weight: 2,
      arbitrary: fc.tuple(valueFor(schema, root, pool), mutation).map(([value, change]) => applyMutation(value, change))
    }
  )
