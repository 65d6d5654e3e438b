/**
 * A domain → JSON converter compiled once from a record schema's AST, for values the ledger built
 * itself (issue 14: no Schema round trip of whole objects whose shape is already trusted). It writes
 * what `Schema.encodeSync(Schema.toCodecJson(schema))` writes — bigints as decimal strings, dates
 * as ISO strings, finite numbers, strings, booleans and null as they are, the struct's declared
 * keys in their declared order, records' own keys — without running the schema's checks or its
 * parser. It understands only those shapes: a schema holding anything else (a transformation, a
 * tuple, a recursive or non-nullable union of converted members…) compiles to `null`, and a value
 * the converter cannot vouch for at run time (a missing key, a non-finite number, an invalid date,
 * a non-JSON `Unknown`) makes it give up on the whole value, so the caller encodes that one with
 * the schema instead. `test/trusted-json-encoder.test.ts` holds it equal to the schema's encoding.
 */
import { Predicate, type Schema, SchemaAST } from "effect"

type Convert = (value: unknown) => unknown

/** Thrown (never escapes `compileTrustedEncoder`'s result) when a value is not what the converter vouches for. */
const giveUp: unique symbol = Symbol("trusted-json-encoder/give-up")

/**
 * Converters that answer their input itself when it passes their test (else give up), with that
 * test: a union of such members needs no choice of member, only one member's test to pass.
 */
const passingTests = new WeakMap<Convert, (value: unknown) => boolean>()
const passes = (test: (value: unknown) => boolean): Convert => {
  const convert: Convert = (value) => {
    if (!test(value)) throw giveUp
    return value
  }
  passingTests.set(convert, test)
  return convert
}

const isJsonValue = (value: unknown): boolean => {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true
  if (typeof value === "number") return Number.isFinite(value)
  if (Array.isArray(value)) return value.every(isJsonValue)
  if (typeof value !== "object") return false
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  return Object.values(value).every(isJsonValue)
}

/** `out[key] = value`, also for a key named `__proto__` (an own property, as the schema writes it). */
const setOwn = (out: Record<string, unknown>, key: string, value: unknown) => {
  if (key === "__proto__")
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

const isDate = (ast: SchemaAST.Declaration): boolean => {
  const representation = (ast.annotations as { readonly representation?: { readonly id?: unknown } } | undefined)
    ?.representation
  return representation?.id === "effect/schema/Date"
}

/** The converter of one AST node, `null` for a node it does not understand (the whole schema then falls back). */
const compileNode = (ast: SchemaAST.AST): Convert | null => {
  if (ast.encoding !== undefined) return null
  switch (ast._tag) {
    case "String":
    case "TemplateLiteral":
      return passes((value) => typeof value === "string")
    case "Boolean":
      return passes((value) => typeof value === "boolean")
    case "Null":
      return passes((value) => value === null)
    case "Literal": {
      const literal = ast.literal
      return typeof literal === "bigint" ? null : passes((value) => value === literal)
    }
    case "Enum": {
      const values = new Set<unknown>(ast.enums.map(([, value]) => value))
      return passes((value) => values.has(value))
    }
    case "Number":
      return passes((value) => typeof value === "number" && Number.isFinite(value))
    case "BigInt":
      return (value) => {
        if (typeof value !== "bigint") throw giveUp
        return String(value)
      }
    case "Unknown":
      return passes(isJsonValue)
    case "Declaration":
      if (!isDate(ast)) return null
      return (value) => {
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw giveUp
        return value.toISOString()
      }
    case "Arrays": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return null
      const [item] = ast.rest
      const convert = item === undefined ? null : compileNode(item)
      if (convert === null) return null
      return (value) => {
        if (!Array.isArray(value)) throw giveUp
        return value.map((element) => convert(element))
      }
    }
    case "Objects":
      return compileObjects(ast)
    case "Union":
      return compileUnion(ast)
    default:
      return null
  }
}

const compileObjects = (ast: SchemaAST.Objects): Convert | null => {
  if (ast.propertySignatures.length > 0 && ast.indexSignatures.length > 0) return null
  if (ast.indexSignatures.length > 0) {
    const [signature, ...more] = ast.indexSignatures
    if (signature === undefined || more.length > 0 || signature.parameter._tag !== "String") return null
    const convert = compileNode(signature.type)
    if (convert === null) return null
    return (value) => {
      if (!Predicate.isObject(value) || Array.isArray(value)) throw giveUp
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(value)) setOwn(out, key, convert((value as Record<string, unknown>)[key]))
      return out
    }
  }
  const properties: Array<{
    readonly key: string
    readonly optional: boolean
    readonly convert: Convert
    /** Not a name `Object.prototype` has (`toString`, `__proto__`…): a defined value read is the object's own. */
    readonly plain: boolean
  }> = []
  for (const signature of ast.propertySignatures) {
    if (typeof signature.name !== "string") return null
    const convert = compileNode(signature.type)
    if (convert === null) return null
    const key = signature.name
    properties.push({ key, optional: SchemaAST.isOptional(signature.type), convert, plain: !(key in Object.prototype) })
  }
  return (value) => {
    if (!Predicate.isObject(value) || Array.isArray(value)) throw giveUp
    const record = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const { key, optional, convert, plain } of properties) {
      const field = record[key]
      if (field === undefined || !plain) {
        if (!Object.hasOwn(record, key)) {
          if (optional) continue
          throw giveUp
        }
        if (field === undefined) throw giveUp
      }
      if (plain) out[key] = convert(field)
      else setOwn(out, key, convert(field))
    }
    return out
  }
}

/** A union whose members all answer their input (the first that accepts it), or `X | null`; else not understood. */
const compileUnion = (ast: SchemaAST.Union): Convert | null => {
  const members: Array<{ readonly type: SchemaAST.AST; readonly convert: Convert }> = []
  for (const type of ast.types) {
    const convert = compileNode(type)
    if (convert === null) return null
    members.push({ type, convert })
  }
  const tests = members.flatMap((member) => passingTests.get(member.convert) ?? [])
  if (tests.length === members.length) return passes((value) => tests.some((test) => test(value)))
  const others = members.filter((member) => member.type._tag !== "Null")
  const [only] = others
  if (others.length !== 1 || only === undefined || members.length !== 2) return null
  const convert = only.convert
  return (value) => (value === null ? null : convert(value))
}

/**
 * The trusted converter of `schema`'s values to its JSON form, or `null` when the schema holds a
 * shape it does not understand. The converter answers `undefined` for a value it cannot vouch for.
 */
export const compileTrustedEncoder = (schema: Schema.Top): ((value: unknown) => unknown) | null => {
  const convert = compileNode(schema.ast)
  if (convert === null) return null
  return (value) => {
    try {
      return convert(value)
    } catch (error) {
      if (error === giveUp) return undefined
      throw error
    }
  }
}
