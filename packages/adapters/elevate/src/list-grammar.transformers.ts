/**
 * Elevate's list grammar, shared by every list endpoint: the `filter` expressions (plain value =
 * equals, `in:x,y`, `like:…`, `lt:`/`gt:`/`gtn:` for numbers, dates and timestamps, `true`/`false`
 * for booleans), `sort` (`a,b:desc`), `fields` (a subset) and `page`/`pageSize`, parsed into a
 * typed `ListQuery` checked against each field's type, then applied to typed rows (`selectPage`,
 * `applyListQuery`, `wirePage` over plain wire rows). Nothing here ever becomes SQL text;
 * resources compile what the ledger can answer itself into ledger query inputs (see
 * `compilePaymentQuery`).
 */
import { type CurrencyCode, exponentOf, type ValidationFailed, validationFailed } from "@paybridge/core"
import { Effect, Result } from "effect"
import { elevateDate } from "./elevate.schemas.ts"

/** How a field can be filtered and sorted. */
export type FieldKind = "integer" | "decimal" | "text" | "enum" | "date" | "boolean"

export interface FieldSpec {
  readonly kind: FieldKind
  /** Allowed values of an `enum` field. */
  readonly values?: ReadonlyArray<string> | undefined
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>

/** An exact decimal: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint
  readonly scale: number
}

export type FieldValue = bigint | Decimal | string | boolean | null

/** One parsed filter condition on one field. */
export type Condition =
  | {
      readonly field: string
      readonly kind: "text" | "enum"
      readonly op: "eq" | "in" | "like"
      readonly values: ReadonlyArray<string>
    }
  | {
      readonly field: string
      readonly kind: "integer"
      readonly op: "eq" | "in" | "lt" | "gt" | "gtn"
      readonly values: ReadonlyArray<bigint>
    }
  | {
      readonly field: string
      readonly kind: "decimal"
      readonly op: "eq" | "in" | "lt" | "gt" | "gtn"
      readonly values: ReadonlyArray<Decimal>
    }
  | {
      readonly field: string
      readonly kind: "date"
      readonly op: "eq" | "in" | "lt" | "gt" | "gtn"
      readonly values: ReadonlyArray<string>
    }
  | { readonly field: string; readonly kind: "boolean"; readonly op: "eq"; readonly values: ReadonlyArray<boolean> }

/** A condition over several text fields at once (a `filter` clause without a field name). */
export interface AnyOfCondition {
  readonly fields: ReadonlyArray<string>
  readonly condition: Condition
}

export interface SortKey {
  readonly field: string
  readonly descending: boolean
}

/** A parsed Elevate list request. */
export interface ListQuery {
  readonly conditions: ReadonlyArray<Condition>
  readonly textSearch: ReadonlyArray<AnyOfCondition>
  readonly sort: ReadonlyArray<SortKey>
  readonly fields: ReadonlyArray<string> | null
  readonly page: number
  readonly pageSize: number
}

/** Limits that keep hostile input cheap. */
export const grammarLimits = { inValues: 100, valueLength: 200, likeWildcards: 10, clauses: 20 } as const

const fail = (path: string, message: string): Effect.Effect<never, ValidationFailed> =>
  Effect.fail(validationFailed([path], message))

const integerPattern = /^-?\d{1,18}$/u
const decimalPattern = /^-?\d{1,18}(\.\d{1,18})?$/u

const parseDecimal = (text: string): Decimal | null => {
  if (!decimalPattern.test(text)) return null
  const [whole = "0", fraction = ""] = text.replace(/^-/u, "").split(".")
  const units = BigInt(`${whole}${fraction}`)
  return { units: text.startsWith("-") ? -units : units, scale: fraction.length }
}

const compareDecimal = (a: Decimal, b: Decimal): number => {
  const scale = Math.max(a.scale, b.scale)
  const left = a.units * 10n ** BigInt(scale - a.scale)
  const right = b.units * 10n ** BigInt(scale - b.scale)
  return left < right ? -1 : left > right ? 1 : 0
}

/** Minor units of a currency as an exact decimal in major units. */
export const decimalOfMinor = (amount: bigint, currency: CurrencyCode): Decimal => ({
  units: amount,
  scale: exponentOf(currency)
})

const parseScalar = (
  path: string,
  field: string,
  spec: FieldSpec,
  text: string
): Effect.Effect<bigint | Decimal | string | boolean, ValidationFailed> => {
  if (text === "") return fail(path, `${field}: empty value`)
  if (text.length > grammarLimits.valueLength) {
    return fail(path, `${field}: a value may have at most ${grammarLimits.valueLength} characters`)
  }
  switch (spec.kind) {
    case "integer":
      return integerPattern.test(text)
        ? Effect.succeed(BigInt(text))
        : fail(path, `${field}: "${text}" is not a whole number`)
    case "decimal": {
      const decimal = parseDecimal(text)
      return decimal === null ? fail(path, `${field}: "${text}" is not a decimal number`) : Effect.succeed(decimal)
    }
    case "date":
      return Result.isSuccess(elevateDate.parse(text))
        ? Effect.succeed(text)
        : fail(path, `${field}: "${text}" is not a date as yyyy-MM-dd`)
    case "boolean":
      return text === "true" || text === "false"
        ? Effect.succeed(text === "true")
        : fail(path, `${field}: "${text}" is not true or false`)
    case "enum":
      return spec.values?.includes(text)
        ? Effect.succeed(text)
        : fail(path, `${field}: "${text}" is not one of ${(spec.values ?? []).join(", ")}`)
    case "text":
      return Effect.succeed(text)
  }
}

const operators = ["in", "like", "lt", "gt", "gtn"] as const

/**
 * Parses one expression (`value`, `in:x,y`, `like:x%`, `lt:…`, `gt:…`, `gtn:…`) for `field`.
 * `path` names the query parameter in error messages.
 */
export const parseExpression = (
  path: string,
  field: string,
  spec: FieldSpec,
  expression: string
): Effect.Effect<Condition, ValidationFailed> =>
  Effect.gen(function* () {
    const colon = expression.indexOf(":")
    const prefix = colon > 0 ? expression.slice(0, colon) : ""
    const op = (operators as ReadonlyArray<string>).includes(prefix) ? (prefix as (typeof operators)[number]) : "eq"
    const rest = op === "eq" ? expression : expression.slice(colon + 1)
    if (op === "like" && spec.kind !== "text" && spec.kind !== "enum") {
      return yield* fail(path, `${field}: like: applies to text fields only`)
    }
    if (
      (op === "lt" || op === "gt" || op === "gtn") &&
      (spec.kind === "text" || spec.kind === "enum" || spec.kind === "boolean")
    ) {
      return yield* fail(path, `${field}: ${op}: applies to numbers, dates and timestamps only`)
    }
    if (op === "in" && spec.kind === "boolean") return yield* fail(path, `${field}: in: does not apply to booleans`)
    if (op === "like") {
      if (rest === "") return yield* fail(path, `${field}: like: needs a pattern`)
      if (rest.length > grammarLimits.valueLength) {
        return yield* fail(path, `${field}: a pattern may have at most ${grammarLimits.valueLength} characters`)
      }
      if ((rest.match(/%/gu)?.length ?? 0) > grammarLimits.likeWildcards) {
        return yield* fail(path, `${field}: a pattern may have at most ${grammarLimits.likeWildcards} % wildcards`)
      }
      return { field, kind: spec.kind as "text" | "enum", op: "like", values: [rest] }
    }
    const texts = op === "in" ? rest.split(",") : [rest]
    if (texts.length > grammarLimits.inValues) {
      return yield* fail(path, `${field}: in: takes at most ${grammarLimits.inValues} values, got ${texts.length}`)
    }
    const values = yield* Effect.forEach(texts, (text) => parseScalar(path, field, spec, text))
    const conditionOp = op === "in" ? "in" : op
    switch (spec.kind) {
      case "integer":
        return { field, kind: "integer", op: conditionOp, values: values as Array<bigint> }
      case "decimal":
        return { field, kind: "decimal", op: conditionOp, values: values as Array<Decimal> }
      case "date":
        return { field, kind: "date", op: conditionOp, values: values as Array<string> }
      case "boolean":
        return { field, kind: "boolean", op: "eq", values: values as Array<boolean> }
      case "text":
      case "enum":
        return { field, kind: spec.kind, op: conditionOp as "eq" | "in", values: values as Array<string> }
    }
  })

/**
 * Parses the `filter` parameter: clauses joined by `;`, each `field=expression`, or a bare
 * expression matched against the `searchFields` (text search). Unknown fields are refused.
 */
export const parseFilterParameter = (
  text: string,
  specs: FieldSpecs,
  searchFields: ReadonlyArray<string>
): Effect.Effect<{ conditions: Array<Condition>; textSearch: Array<AnyOfCondition> }, ValidationFailed> =>
  Effect.gen(function* () {
    const clauses = text.split(";").filter((clause) => clause.trim() !== "")
    if (clauses.length > grammarLimits.clauses) {
      return yield* fail("filter", `at most ${grammarLimits.clauses} filter clauses, got ${clauses.length}`)
    }
    const conditions: Array<Condition> = []
    const textSearch: Array<AnyOfCondition> = []
    for (const clause of clauses) {
      const equals = clause.indexOf("=")
      if (equals < 0) {
        const condition = yield* parseExpression("filter", "filter", { kind: "text" }, clause)
        textSearch.push({ fields: searchFields, condition })
        continue
      }
      const field = clause.slice(0, equals).trim()
      const spec = specs[field]
      if (field === "" || spec === undefined || !Object.hasOwn(specs, field)) {
        return yield* fail(
          "filter",
          `unknown filter field "${field.slice(0, 60)}"; filterable fields: ${Object.keys(specs).join(", ")}`
        )
      }
      conditions.push(yield* parseExpression("filter", field, spec, clause.slice(equals + 1)))
    }
    return { conditions, textSearch }
  })

/** Parses `sort` (`a,b:desc`) against the sortable fields. */
export const parseSort = (
  text: string | undefined,
  specs: FieldSpecs
): Effect.Effect<Array<SortKey>, ValidationFailed> =>
  Effect.gen(function* () {
    if (text === undefined || text.trim() === "") return []
    const keys: Array<SortKey> = []
    for (const part of text.split(",")) {
      const [name = "", direction, ...extra] = part.trim().split(":")
      if (
        !Object.hasOwn(specs, name) ||
        extra.length > 0 ||
        (direction !== undefined && direction !== "desc" && direction !== "asc")
      ) {
        return yield* fail(
          "sort",
          `cannot sort by "${part.trim().slice(0, 60)}"; sortable fields: ${Object.keys(specs).join(", ")} (suffix :desc)`
        )
      }
      keys.push({ field: name, descending: direction === "desc" })
    }
    return keys
  })

/** Parses `fields` against the fields of the resource. */
export const parseFields = (
  text: string | undefined,
  known: ReadonlyArray<string>
): Effect.Effect<Array<string> | null, ValidationFailed> =>
  Effect.gen(function* () {
    if (text === undefined || text.trim() === "") return null
    const fields = text.split(",").map((field) => field.trim())
    const unknown = fields.filter((field) => !known.includes(field))
    if (unknown.length > 0) {
      return yield* fail(
        "fields",
        `unknown field(s) ${unknown.map((f) => `"${f.slice(0, 60)}"`).join(", ")}; fields: ${known.join(", ")}`
      )
    }
    return fields
  })

/** `true` / `false` query flags (`excludeDebits`, `excludeCredits`). */
export const parseFlag = (name: string, text: string | undefined): Effect.Effect<boolean, ValidationFailed> =>
  text === undefined || text === "" || text === "false"
    ? Effect.succeed(false)
    : text === "true"
      ? Effect.succeed(true)
      : fail(name, `${name}: "${text.slice(0, 60)}" is not true or false`)

const likeMatcher = (pattern: string): RegExp => {
  const contains = !pattern.includes("%")
  const body = Array.from(pattern, (char) =>
    char === "%" ? ".*" : char === "_" ? "." : char.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")
  ).join("")
  return new RegExp(contains ? `^.*${body}.*$` : `^${body}$`, "isu")
}

const compareValues = (a: FieldValue, b: FieldValue): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === "object" && typeof b === "object") return compareDecimal(a, b)
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1
  const left = String(a)
  const right = String(b)
  return left < right ? -1 : left > right ? 1 : 0
}

/** Does `value` satisfy `condition`? Missing values only match `gtn:` (greater than, or null). */
export const matches = (condition: Condition, value: FieldValue): boolean => {
  if (value === null) return condition.op === "gtn"
  switch (condition.op) {
    case "like":
      return condition.values.some((pattern) => likeMatcher(pattern).test(String(value)))
    case "eq":
    case "in":
      return (condition.values as ReadonlyArray<FieldValue>).some((wanted) => compareValues(value, wanted) === 0)
    case "lt":
      return (condition.values as ReadonlyArray<FieldValue>).every((bound) => compareValues(value, bound) < 0)
    case "gt":
    case "gtn":
      return (condition.values as ReadonlyArray<FieldValue>).every((bound) => compareValues(value, bound) > 0)
  }
}

/** The rows of the requested page: those satisfying every condition, sorted (then by id). */
export const selectPage = <Row>(
  rows: ReadonlyArray<Row>,
  query: ListQuery,
  fieldValue: (row: Row, field: string) => FieldValue,
  defaultSort: ReadonlyArray<SortKey> = [{ field: "id", descending: false }]
): Array<Row> => {
  const kept = rows.filter(
    (row) =>
      query.conditions.every((condition) => matches(condition, fieldValue(row, condition.field))) &&
      query.textSearch.every((search) =>
        search.fields.some((field) => matches(search.condition, fieldValue(row, field)))
      )
  )
  const keys = [...query.sort, ...defaultSort]
  kept.sort((a, b) => {
    for (const key of keys) {
      const order = compareValues(fieldValue(a, key.field), fieldValue(b, key.field))
      if (order !== 0) return key.descending ? -order : order
    }
    return 0
  })
  const start = (query.page - 1) * query.pageSize
  return kept.slice(start, start + query.pageSize)
}

/** Keeps only the requested `fields` of a wire body (all of them without `fields`). */
export const projectFields = (body: Record<string, unknown>, fields: ListQuery["fields"]): Record<string, unknown> =>
  fields === null ? body : Object.fromEntries(Object.entries(body).filter(([field]) => fields.includes(field)))

/** Does the query filter or sort on one of `fields` (so every row needs them before paging)? */
export const queryUses = (query: ListQuery, fields: ReadonlyArray<string>): boolean =>
  query.conditions.some((condition) => fields.includes(condition.field)) ||
  query.sort.some((key) => fields.includes(key.field))

/** Rows that satisfy every condition, sorted, paged and projected — the tail of every list. */
export const applyListQuery = <Row>(
  rows: ReadonlyArray<Row>,
  query: ListQuery,
  fieldValue: (row: Row, field: string) => FieldValue,
  wire: (row: Row) => Record<string, unknown>,
  defaultSort?: ReadonlyArray<SortKey>
): Array<Record<string, unknown>> =>
  selectPage(rows, query, fieldValue, defaultSort).map((row) => projectFields(wire(row), query.fields))

/** The common list parameters, parsed. */
export const parseListQuery = (
  params: {
    readonly page: number
    readonly pageSize: number
    readonly sort?: string | undefined
    readonly fields?: string | undefined
    readonly filter?: string | undefined
  },
  specs: FieldSpecs,
  options: {
    readonly searchFields?: ReadonlyArray<string>
    /** Per-field filter parameters (e.g. `customerPaymentType=in:CUSTOMER`), by field name. */
    readonly fieldFilters?: Readonly<Record<string, string | undefined>>
  } = {}
): Effect.Effect<ListQuery, ValidationFailed> =>
  Effect.gen(function* () {
    const parsedFilter =
      params.filter === undefined || params.filter === ""
        ? { conditions: [], textSearch: [] }
        : yield* parseFilterParameter(params.filter, specs, options.searchFields ?? [])
    const conditions = [...parsedFilter.conditions]
    for (const [field, expression] of Object.entries(options.fieldFilters ?? {})) {
      const spec = specs[field]
      if (expression === undefined || expression === "" || spec === undefined) continue
      conditions.push(yield* parseExpression(field, field, spec, expression))
    }
    return {
      conditions,
      textSearch: parsedFilter.textSearch,
      sort: yield* parseSort(params.sort, specs),
      fields: yield* parseFields(params.fields, Object.keys(specs)),
      page: params.page,
      pageSize: params.pageSize
    }
  })

// ---------------------------------------------------------------- wire rows

/** An Elevate wire body as a plain row of the list grammar. */
export type WireRow = Readonly<Record<string, unknown>>

/** The list query's page of wire rows: filtered and sorted on the wire values of `fields`, paged, then projected. */
export const wirePage = (rows: ReadonlyArray<WireRow>, list: ListQuery, fields: FieldSpecs) =>
  applyListQuery(rows, list, wireValue(fields), (row) => ({ ...row }))

/** Field values of a plain wire row for the list grammar (ids and integers as bigint). */
const wireValue =
  (specs: FieldSpecs) =>
  (row: WireRow, field: string): bigint | string | boolean | null | { units: bigint; scale: number } => {
    const value = row[field]
    const spec = specs[field]
    if (value === null || value === undefined || spec === undefined) return null
    if (spec.kind === "integer" && typeof value === "number") return BigInt(value)
    if (typeof value === "boolean" || typeof value === "string") return value
    if (typeof value === "bigint") return value
    return String(value)
  }
