/**
 * Compiled `where` texts kept by the filters' shape, so a list does not run the query builder (its
 * costliest step after the database) on every request. A shape is a filter with its values taken
 * out: field names, operators, the type of each value (and `null`s and booleans as they are), the
 * length of `$in` lists, `$or` groups, and raw fragments by their text and number of parameters.
 * The first time a shape is seen it is compiled with a distinct stand-in value in each place
 * (`compile`, the caller's builder), which tells where each value lands among the statement's
 * parameters (and which parameters are the shape's own); later filters of that shape take the kept
 * text with their own values in those places. A filter with anything else (dates, nested operators
 * the walk does not know) has no shape and is compiled every time.
 */
import { RawQueryFragment, raw } from "@mikro-orm/core"

/** A compiled filter: its text and parameters (`?` placeholders bound in order). */
export interface WhereText {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

const operators: ReadonlySet<string> = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"])

/** A value that becomes one parameter: its type in the shape, and the stand-in used to find its place. */
const leafOf = (value: unknown, index: number): { readonly shape: string; readonly standIn: unknown } | null => {
  switch (typeof value) {
    case "number":
      return Number.isSafeInteger(value) ? { shape: "n", standIn: 900_000_001 + index } : null
    case "bigint":
      return { shape: "b", standIn: BigInt(900_000_001 + index) }
    case "string":
      return { shape: "s", standIn: `paybridge:stand-in:${index}` }
    default:
      return null
  }
}

/**
 * The shape of some filters, their values in order, their stand-ins (numbered from `first`, so the
 * stand-ins of several lists differ) and the same filters with the stand-ins (`null`: no shape).
 */
const shapeOf = (conditions: ReadonlyArray<object>, first: number) => {
  const values: Array<unknown> = []
  const standIns: Array<unknown> = []
  /** A value in a filter: a leaf (a parameter), `null` or a boolean (part of the shape), or a list for `$in`. */
  const value = (found: unknown): { readonly shape: string; readonly standIn: unknown } | null => {
    if (found === null || typeof found === "boolean") return { shape: String(found), standIn: found }
    if (Array.isArray(found)) {
      const items = found.map(value)
      if (items.some((item) => item === null)) return null
      return {
        shape: `[${items.map((item) => item?.shape).join(",")}]`,
        standIn: items.map((item) => item?.standIn)
      }
    }
    const leaf = leafOf(found, first + values.length)
    if (leaf === null) return null
    values.push(found)
    standIns.push(leaf.standIn)
    return leaf
  }
  const condition = (found: unknown): { readonly shape: string; readonly standIn: object } | null => {
    if (typeof found !== "object" || found === null || Object.getPrototypeOf(found) !== Object.prototype) return null
    const shapes: Array<string> = []
    const standIn: Record<string | symbol, unknown> = {}
    for (const key of Reflect.ownKeys(found)) {
      const item = (found as Record<string | symbol, unknown>)[key]
      if (typeof key === "symbol") {
        const fragment = RawQueryFragment.getKnownFragment(key)
        if (fragment === undefined || !Array.isArray(item) || item.length > 0) return null
        const params = fragment.params.map(value)
        if (params.some((param) => param === null)) return null
        shapes.push(`raw(${fragment.sql})[${params.map((param) => param?.shape).join(",")}]`)
        standIn[
          raw(
            fragment.sql,
            params.map((param) => param?.standIn)
          ) as unknown as string
        ] = []
      } else if (key === "$or" || key === "$and") {
        if (!Array.isArray(item)) return null
        const parts = item.map(condition)
        if (parts.some((part) => part === null)) return null
        shapes.push(`${key}(${parts.map((part) => part?.shape).join(";")})`)
        standIn[key] = parts.map((part) => part?.standIn)
      } else if (key.startsWith("$")) {
        return null
      } else if (typeof item === "object" && item !== null && Object.getPrototypeOf(item) === Object.prototype) {
        const ops: Array<string> = []
        const standInOps: Record<string, unknown> = {}
        for (const operator of Reflect.ownKeys(item)) {
          if (typeof operator !== "string" || !operators.has(operator)) return null
          const operand = value((item as Record<string, unknown>)[operator])
          if (operand === null) return null
          ops.push(`${operator}:${operand.shape}`)
          standInOps[operator] = operand.standIn
        }
        shapes.push(`${key}{${ops.join(",")}}`)
        standIn[key] = standInOps
      } else {
        const operand = value(item)
        if (operand === null || Array.isArray(item)) return null
        shapes.push(`${key}=${operand.shape}`)
        standIn[key] = operand.standIn
      }
    }
    return { shape: `{${shapes.join(",")}}`, standIn }
  }
  const parts = conditions.map(condition)
  if (parts.some((part) => part === null)) return null
  return {
    key: parts.map((part) => part?.shape).join("&"),
    values,
    standIns,
    filters: parts.map((part) => part?.standIn as object)
  }
}

/** Where each parameter of a kept text comes from: the filter's value at an index (as the builder wrote it), or the shape. */
type Source = { readonly value: number; readonly asText: boolean } | { readonly constant: unknown }

interface Kept {
  readonly texts: ReadonlyArray<string>
  readonly sources: ReadonlyArray<ReadonlyArray<Source>>
}

/** Where a stand-in landed among the builder's parameters (`constant`: a parameter of the shape's own). */
const sourceOf = (param: unknown, standIns: ReadonlyArray<unknown>): Source => {
  const exact = standIns.indexOf(param)
  if (exact >= 0) return { value: exact, asText: false }
  // The builder writes a bigint as its decimal text.
  const text = standIns.findIndex((standIn) => typeof standIn === "bigint" && String(standIn) === param)
  if (text >= 0) return { value: text, asText: true }
  return { constant: param }
}

/**
 * The texts of a shape and where each parameter comes from, by compiling its stand-ins; `null` (the
 * shape is not kept) when a value does not land exactly once, or the builder refuses a stand-in (a
 * value it converts by its column's type).
 */
const keptOf = (
  shapes: ReadonlyArray<NonNullable<ReturnType<typeof shapeOf>>>,
  count: number,
  compile: (lists: ReadonlyArray<ReadonlyArray<object>>) => ReadonlyArray<WhereText>
): Kept | null => {
  const standIns = shapes.flatMap((shape) => shape.standIns)
  let compiled: ReadonlyArray<WhereText>
  try {
    compiled = compile(shapes.map((shape) => shape.filters))
  } catch {
    return null
  }
  if (compiled.length !== shapes.length) return null
  const sources = compiled.map((text) => text.params.map((param) => sourceOf(param, standIns)))
  const landed = sources.flat().flatMap((source) => ("value" in source ? [source.value] : []))
  const complete = landed.length === count && new Set(landed).size === count
  return complete ? { texts: compiled.map((text) => text.sql), sources } : null
}

const keptByOrm = new WeakMap<object, Map<string, Kept | null>>()
const maxShapes = 500

/**
 * The compiled texts of some filter lists (`compile` runs the builder once over all of them, as the
 * caller would), from the kept texts of their shape when there are some. `orm` keys the kept texts
 * (one set per ORM: the text depends on the database).
 */
export const compiledByShape = (
  orm: object,
  lists: ReadonlyArray<ReadonlyArray<object>>,
  compile: (lists: ReadonlyArray<ReadonlyArray<object>>) => ReadonlyArray<WhereText>
): ReadonlyArray<WhereText> => {
  const shapes: Array<NonNullable<ReturnType<typeof shapeOf>>> = []
  let first = 0
  for (const list of lists) {
    const shape = shapeOf(list, first)
    if (shape === null) return compile(lists)
    shapes.push(shape)
    first += shape.values.length
  }
  const key = shapes.map((shape) => shape.key).join("|")
  const values = shapes.flatMap((shape) => shape.values)
  const kept = keptByOrm.get(orm) ?? new Map<string, Kept | null>()
  keptByOrm.set(orm, kept)
  let found = kept.get(key)
  if (found === undefined) {
    found = keptOf(shapes, values.length, compile)
    if (kept.size >= maxShapes) kept.clear()
    kept.set(key, found)
  }
  if (found === null) return compile(lists)
  return found.texts.map((sql, index) => ({
    sql,
    params: (found.sources[index] ?? []).map((source) =>
      "value" in source ? (source.asText ? String(values[source.value]) : values[source.value]) : source.constant
    )
  }))
}
