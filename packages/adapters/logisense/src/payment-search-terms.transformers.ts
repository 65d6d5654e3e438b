/**
 * LogiSense search terms (`POST Payment/Search`, the list filters): the grammar — each payment field's
 * kind and the operators it takes —, the request check that reports every bad term together as a
 * validation error, the in-process match and order of a term over a row (`matches`), and the exact SQL
 * form of the terms and order keys that have one (`compileToSql`: account, type and method ids,
 * `disbursed`, `isManual`, the reversal-only fields, `created` lower bounds). The lists themselves
 * (`payment-search.transformers.ts`) choose between the compiled and the scanned path.
 */

import { isJsonDecimal, type JsonDecimal } from "@paybridge/adapter-kit"
import {
  CustomerId,
  type FieldIssue,
  type PaymentColumnTerm,
  PaymentId,
  type PaymentQueryInput,
  type PaymentSortField,
  type PaymentSortKey,
  type PaymentTermField,
  PresetId,
  toPlainDecimal
} from "@paybridge/core"
import { Option, Schema } from "effect"
import { type PaymentFieldName, paymentFieldNames, type SearchOperator } from "./logisense.schemas.ts"
import { dialectName, type LogisenseRow, parseLogisenseDate } from "./logisense.transformers.ts"
import { recordKinds } from "./payment-resolver.transformers.ts"

type FieldKind = "id" | "money" | "date" | "boolean" | "text"

const fieldKinds: Record<PaymentFieldName, FieldKind> = {
  identity: "id",
  date: "date",
  amount: "money",
  accountId: "id",
  accountName: "text",
  disbursed: "boolean",
  paymentTypeId: "id",
  paymentTypeName: "text",
  detail: "text",
  cardTypeId: "id",
  cardTypeName: "text",
  checkNumber: "text",
  automaticDisburse: "boolean",
  created: "date",
  invoiceId: "id",
  invoiceName: "text",
  posting: "date",
  baseAmount: "money",
  invoiceAmount: "money",
  currencyExchangeDetailId: "id",
  currencyExchangeDetailName: "text",
  billRunHistoryId: "id",
  billRunHistoryName: "text",
  isManual: "boolean",
  reversePaymentId: "id",
  reversePaymentName: "text",
  createdByUserId: "id",
  createdByUserName: "text",
  paymentMethodId: "id",
  paymentMethodName: "text",
  paymentPreAuthorizeId: "id",
  paymentPreAuthorizeName: "text",
  paymentTransactionId: "id",
  paymentTransactionName: "text",
  createdByPortalUserId: "id",
  createdByPortalUserName: "text"
}

/**
 * Fields whose value needs per-row lookups (cheap rows leave them empty, or show the ledger's
 * value: a migrated reversal row's `reversePaymentName` is kept in its vendor attributes).
 */
export const expensiveFields: ReadonlySet<PaymentFieldName> = new Set<PaymentFieldName>([
  "reversePaymentName",
  "invoiceId",
  "invoiceName",
  "invoiceAmount",
  "createdByUserId",
  "createdByUserName",
  "automaticDisburse",
  "baseAmount",
  "cardTypeId",
  "cardTypeName",
  "currencyExchangeDetailId",
  "currencyExchangeDetailName",
  "billRunHistoryId",
  "billRunHistoryName",
  "paymentPreAuthorizeId",
  "paymentPreAuthorizeName",
  "paymentTransactionId",
  "paymentTransactionName",
  "createdByPortalUserId",
  "createdByPortalUserName"
])

const operatorsByKind: Record<FieldKind, ReadonlyArray<SearchOperator>> = {
  id: ["eq", "notEq", "lt", "ltEq", "gt", "gtEq"],
  money: ["eq", "notEq", "lt", "ltEq", "gt", "gtEq"],
  date: ["eq", "notEq", "lt", "ltEq", "gt", "gtEq"],
  boolean: ["eq", "notEq"],
  text: ["eq", "notEq", "lt", "ltEq", "gt", "gtEq", "contains", "startsWith", "endsWith"]
}

/** A checked search term: the field, the operator and the value in comparable form. */
export interface Term {
  readonly field: PaymentFieldName
  readonly operator: SearchOperator
  readonly value: Comparable
}

type Comparable = number | string | boolean | null | { readonly decimal: string } | { readonly time: number }

export interface ListRequest {
  readonly search: ReadonlyArray<{ readonly name: string; readonly operator: SearchOperator; readonly value: unknown }>
  readonly orderBy: ReadonlyArray<{ readonly name: string; readonly direction?: "asc" | "desc" | undefined }>
  readonly fields: ReadonlyArray<string> | null
  /** Search's `top`: at most this many results (before pagination). */
  readonly top: number | null
  readonly page: { readonly pageNumber: number; readonly pageSize: number } | null
  readonly excludeTotalCount: boolean
  readonly withDetail: boolean
}

export interface ListResult {
  readonly totalCount: number | null
  readonly items: ReadonlyArray<Record<string, unknown>>
}

const isField = (name: string): name is PaymentFieldName => (paymentFieldNames as ReadonlyArray<string>).includes(name)

/** A money value as plain decimal text (`1.05e1` → `"10.5"`), or `null` when it is not a usable number. */
const decimalText = (value: unknown): string | null => {
  const text = isJsonDecimal(value)
    ? (value as JsonDecimal).source
    : typeof value === "number" && Number.isFinite(value)
      ? String(value)
      : typeof value === "string" && /^-?\d+(\.\d+)?$/u.test(value)
        ? value
        : null
  if (text === null) return null
  const plain = toPlainDecimal(text)
  return plain.ok ? plain.value : null
}

/** Exact comparison of two plain decimal texts (`12.5` vs `12.50` → 0). */
const compareDecimals = (a: string, b: string): number => {
  const split = (text: string) => {
    const negative = text.startsWith("-")
    const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".")
    return { negative, whole, fraction }
  }
  const x = split(a)
  const y = split(b)
  const scale = Math.max(x.fraction.length, y.fraction.length)
  const scaled = (part: ReturnType<typeof split>) =>
    (part.negative ? -1n : 1n) * BigInt(`${part.whole}${part.fraction.padEnd(scale, "0")}`)
  const difference = scaled(x) - scaled(y)
  return difference === 0n ? 0 : difference < 0n ? -1 : 1
}

/** A row's value of `field`, in comparable form. */
export const comparableOf = (field: PaymentFieldName, value: unknown): Comparable => {
  if (value === null || value === undefined) return null
  switch (fieldKinds[field]) {
    case "money": {
      const text = decimalText(value)
      return text === null ? null : { decimal: text }
    }
    case "date": {
      const at = typeof value === "string" ? parseLogisenseDate(value) : null
      return at === null ? null : { time: at.getTime() }
    }
    case "id":
      return typeof value === "number" ? value : null
    case "boolean":
      return typeof value === "boolean" ? value : null
    case "text":
      return typeof value === "string" ? value.toLowerCase() : String(value).toLowerCase()
  }
}

/** Orders two comparable values; `null` sorts first. */
export const compare = (a: Comparable, b: Comparable): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  if (typeof a === "object" && "decimal" in a && typeof b === "object" && "decimal" in b) {
    return compareDecimals(a.decimal, b.decimal)
  }
  if (typeof a === "object" && "time" in a && typeof b === "object" && "time" in b) return a.time - b.time
  if (typeof a === "number" && typeof b === "number") return a - b
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b)
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

export const matches = (term: Term, row: LogisenseRow): boolean => {
  const actual = comparableOf(term.field, row[term.field])
  switch (term.operator) {
    case "eq":
      return compare(actual, term.value) === 0
    case "notEq":
      return compare(actual, term.value) !== 0
    case "lt":
      return actual !== null && term.value !== null && compare(actual, term.value) < 0
    case "ltEq":
      return actual !== null && term.value !== null && compare(actual, term.value) <= 0
    case "gt":
      return actual !== null && term.value !== null && compare(actual, term.value) > 0
    case "gtEq":
      return actual !== null && term.value !== null && compare(actual, term.value) >= 0
    case "contains":
      return typeof actual === "string" && actual.includes(String(term.value))
    case "startsWith":
      return typeof actual === "string" && actual.startsWith(String(term.value))
    case "endsWith":
      return typeof actual === "string" && actual.endsWith(String(term.value))
  }
}

/** Checks the search terms, order and fields; every problem is reported at once. */
export const checkRequest = (request: ListRequest) => {
  const issues: Array<FieldIssue> = []
  const terms: Array<Term> = []
  request.search.forEach((item, index) => {
    const path = ["query", "search", index]
    if (!isField(item.name)) {
      issues.push({ path: [...path, "name"], message: `'${item.name}' is not a field of 'Payment'` })
      return
    }
    const kind = fieldKinds[item.name]
    if (!operatorsByKind[kind].includes(item.operator)) {
      issues.push({
        path: [...path, "operator"],
        message: `'${item.operator}' cannot be used with '${item.name}' (use ${operatorsByKind[kind].join(", ")})`
      })
      return
    }
    const raw = item.value
    let value: Comparable | undefined
    if (raw === null) value = null
    else if (kind === "id") value = typeof raw === "number" && Number.isSafeInteger(raw) ? raw : undefined
    else if (kind === "boolean") value = typeof raw === "boolean" ? raw : undefined
    else if (kind === "money") value = decimalText(raw) === null ? undefined : { decimal: decimalText(raw) as string }
    else if (kind === "date") {
      const at = typeof raw === "string" ? parseLogisenseDate(raw) : null
      value = at === null ? undefined : { time: at.getTime() }
    } else value = typeof raw === "string" ? raw.toLowerCase() : undefined
    if (value === undefined) {
      issues.push({
        path: [...path, "value"],
        message: `must be ${kind === "id" ? "a whole number" : kind === "money" ? "a number" : kind === "date" ? "an ISO 8601 date" : kind === "boolean" ? "true or false" : "a string"} for '${item.name}'`
      })
      return
    }
    terms.push({ field: item.name, operator: item.operator, value })
  })
  const order: Array<{ field: PaymentFieldName; direction: 1 | -1 }> = []
  request.orderBy.forEach((item, index) => {
    if (!isField(item.name)) {
      issues.push({ path: ["query", "orderBy", index, "name"], message: `'${item.name}' is not a field of 'Payment'` })
    } else order.push({ field: item.name, direction: item.direction === "desc" ? -1 : 1 })
  })
  const fields: Array<PaymentFieldName> | null = request.fields === null ? null : []
  request.fields?.forEach((name, index) => {
    if (!isField(name))
      issues.push({ path: ["query", "fields", index], message: `'${name}' is not a field of 'Payment'` })
    else fields?.push(name)
  })
  return { issues, terms, order, fields }
}

/** The ledger query every list starts from: posted payments not deleted through LogiSense. */
const listedPayments = {
  states: ["posted"],
  withoutDialectRecord: { dialect: dialectName, kind: recordKinds.deleted }
} as const satisfies Partial<PaymentQueryInput>

/** The ledger query the compiled terms allow (none when a term matches no id); the scan filters every term again. */
export const compileQuery = (terms: ReadonlyArray<Term>): Omit<PaymentQueryInput, "cursor" | "limit"> => {
  const query: { -readonly [K in keyof PaymentQueryInput]?: PaymentQueryInput[K] } = { ...listedPayments, order: "id" }
  // A value that is no ledger id (a fraction, beyond the id range) equals no row's id.
  let matchesNothing = false
  const idOf = <Id>(kind: Schema.Codec<Id, number>, value: number): Id | undefined => {
    const id = Option.getOrUndefined(Schema.decodeOption(kind)(value))
    if (id === undefined) matchesNothing = true
    return id
  }
  for (const term of terms) {
    if (typeof term.value !== "number") continue
    if (term.operator === "eq" && term.value > 0) {
      if (term.field === "accountId") query.customerId = idOf(CustomerId, term.value)
      if (term.field === "paymentTypeId") query.typeId = idOf(PresetId, term.value)
      if (term.field === "paymentMethodId") query.methodId = idOf(PresetId, term.value)
    }
    if (term.field === "identity" && term.value >= 0 && (term.operator === "gt" || term.operator === "gtEq")) {
      // Ids are integers, so `identity > 4.5` is `identity > 4`.
      const after = Math.floor(term.operator === "gt" ? term.value : term.value - 1)
      if (after > 0 && (query.idAfter === undefined || after > query.idAfter)) query.idAfter = idOf(PaymentId, after)
    }
  }
  return matchesNothing ? { states: [], order: "id" } : query
}

/** Id fields whose payment-row value is the ledger column of that name (the same for every row of a payment). */
const idColumns: Partial<Record<PaymentFieldName, PaymentTermField>> = {
  accountId: "customerId",
  paymentTypeId: "typeId",
  paymentMethodId: "methodId"
}

/** Sortable fields whose payment-row value orders like a ledger column. */
const sortColumns: Partial<Record<PaymentFieldName, PaymentSortField>> = {
  accountId: "customerId",
  paymentTypeId: "typeId",
  paymentMethodId: "methodId",
  created: "createdAt"
}

/** Fields that are empty on every payment row (only reversal rows have them). */
const reversalOnlyFields: ReadonlySet<PaymentFieldName> = new Set<PaymentFieldName>([
  "reversePaymentId",
  "reversePaymentName"
])

const negate = (operator: "eq" | "notEq"): "eq" | "notEq" => (operator === "eq" ? "notEq" : "eq")

const columnMax = 2_147_483_647
const columnMin = -2_147_483_648

/**
 * A term whose value lies beyond what an id column can hold, decided without it: `eq` matches
 * no row, `notEq` every row, a bound beyond the range every row with a value (or none).
 */
const withinColumnRange = (term: PaymentColumnTerm): PaymentColumnTerm | "all" | "none" => {
  const value = term.value
  if (value === null || (value >= columnMin && value <= columnMax)) return term
  if (term.operator === "eq") return "none"
  if (term.operator === "notEq") return "all"
  const above = value > columnMax
  const wantsBelow = term.operator === "lt" || term.operator === "ltEq"
  return wantsBelow === above ? { field: term.field, operator: "notEq", value: null } : "none"
}

/**
 * The SQL form of a list: every term as the ledger's column conditions on payment rows, and the
 * order as ledger sort keys; `null` when a term or an order key has no exact SQL form (the list
 * then scans). Terms on payment rows' empty fields are decided here, once for every row. Reversal
 * rows: `reversalRows` says which ones the ledger lists as rows of their own in the same order
 * (account, type, method and manual terms are their payment's; they are never disbursed; `created`
 * is their reversal instant); `null` when a term on a reversal-only field needs them matched in
 * memory (`reversalSource` lists their payments then).
 */
export const compileToSql = (
  terms: ReadonlyArray<Term>,
  order: ReadonlyArray<{ readonly field: PaymentFieldName; readonly direction: 1 | -1 }>
): {
  readonly query: Omit<PaymentQueryInput, "cursor" | "limit">
  readonly reversalSource: Omit<PaymentQueryInput, "cursor" | "limit">
  readonly reversalRows: NonNullable<PaymentQueryInput["reversalRows"]> | null
  readonly sort: Array<PaymentSortKey>
} | null => {
  const columnTerms: Array<PaymentColumnTerm> = []
  // Terms that hold for a payment's reversal rows exactly when they hold for its payment row.
  const sharedTerms: Array<PaymentColumnTerm> = []
  let createdSince: Date | undefined
  let matchesNone = false
  let reversalRowsNone = false
  let reversalOnlyTerm = false
  for (const term of terms) {
    const column = idColumns[term.field]
    const value = term.value
    if (column !== undefined && (value === null || typeof value === "number")) {
      // Checked terms on id fields hold whole numbers (or null).
      const compiled = withinColumnRange({
        field: column,
        operator: term.operator as PaymentColumnTerm["operator"],
        value
      })
      if (compiled === "none") {
        matchesNone = true
        reversalRowsNone = true
      } else if (compiled !== "all") {
        columnTerms.push(compiled)
        sharedTerms.push(compiled)
      }
      continue
    }
    if (term.field === "disbursed" || term.field === "isManual") {
      if (term.operator !== "eq" && term.operator !== "notEq") return null
      if (value === null) {
        // No row has an empty flag: `eq null` matches none, `notEq null` every row.
        if (term.operator === "eq") {
          matchesNone = true
          reversalRowsNone = true
        }
        continue
      }
      if (typeof value !== "boolean") return null
      // `disbursed` is "something allocated"; `isManual` is "no gateway".
      const holds = term.operator === "eq" ? value : !value
      if (term.field === "disbursed") {
        // Reversal rows are never disbursed: this term decides all of them at once.
        if (holds) reversalRowsNone = true
        columnTerms.push({ field: "allocatedAmount", operator: holds ? "gt" : "eq", value: 0 })
      } else {
        const manual: PaymentColumnTerm = { field: "gatewayId", operator: holds ? "eq" : negate("eq"), value: null }
        columnTerms.push(manual)
        sharedTerms.push(manual)
      }
      continue
    }
    if (reversalOnlyFields.has(term.field)) {
      if (!matches(term, { [term.field]: null } as LogisenseRow)) matchesNone = true
      reversalOnlyTerm = true
      continue
    }
    if (term.field === "created" && value !== null && typeof value === "object" && "time" in value) {
      if (term.operator !== "gt" && term.operator !== "gtEq") return null
      const since = new Date(value.time + (term.operator === "gt" ? 1 : 0))
      if (createdSince === undefined || since > createdSince) createdSince = since
      continue
    }
    return null
  }
  const sort: Array<PaymentSortKey> = []
  for (const key of order) {
    const column = sortColumns[key.field]
    if (column === undefined) return null
    sort.push({ field: column, direction: key.direction === 1 ? "asc" : "desc" })
  }
  // The default order after the requested one: creation, then id (a reversal row's own rank is decided in memory).
  sort.push({ field: "createdAt", direction: "asc" }, { field: "id", direction: "asc" })
  return {
    query: matchesNone
      ? { states: [], order: "id" }
      : {
          ...listedPayments,
          order: "id",
          ...(columnTerms.length === 0 ? {} : { columnTerms }),
          ...(createdSince === undefined ? {} : { createdSince })
        },
    reversalSource: {
      ...listedPayments,
      order: "id",
      reversal: "some",
      ...(sharedTerms.length === 0 ? {} : { columnTerms: sharedTerms })
    },
    reversalRows: reversalOnlyTerm
      ? null
      : reversalRowsNone
        ? { states: [] }
        : {
            ...listedPayments,
            ...(sharedTerms.length === 0 ? {} : { columnTerms: sharedTerms }),
            ...(createdSince === undefined ? {} : { reversedSince: createdSince })
          },
    sort
  }
}
