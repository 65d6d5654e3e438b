/**
 * LogiSense lists and searches (`GET Payment/`, `Paged`, `Paged/Detail`, `POST Payment/Search`)
 * over the ledger. Search terms are checked first (unknown field names, operators that do not fit
 * a field's type and values of the wrong type are validation errors, all reported together).
 * Terms that hold for a payment and its reversal rows alike compile into the ledger's payment
 * query (`accountId eq` → customer, `paymentTypeId eq` → type, `paymentMethodId eq` → method,
 * `identity gt/gtEq` → id lower bound); everything else is filtered in process over the rows of at
 * most {@link maxScannedPayments} ledger payments, a bound the request is refused beyond (narrow
 * it with the compiled terms). Nothing is ever turned into SQL text here. Rows are the listed
 * (posted) payments not deleted through LogiSense, each followed by its active reversal rows;
 * the default order is `created` ascending. Shared by the Payment lists (`payment.endpoints.ts`)
 * and Search (`payment-search.endpoints.ts`), with the `Pagination` header of the `Paged` ones.
 * What full rows look up per payment (creation events, vendor attributes) is read for a whole page
 * of payments at once (`Resolver.prefetch`), never one query per payment.
 */
import { isJsonDecimal, type JsonDecimal } from "@paybridge/adapter-kit"
import {
  CustomerId,
  type FieldIssue,
  type Page,
  type Payment,
  PaymentId,
  type PaymentQueryInput,
  Payments,
  PresetId,
  toPlainDecimal,
  ValidationFailed
} from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import {
  LogisensePagination,
  type PaymentFieldName,
  paymentFieldNames,
  type SearchOperator
} from "./logisense.schemas.ts"
import { type LogisenseRow, parseLogisenseDate, paymentStateVisibility, projectRow } from "./logisense.transformers.ts"
import {
  activeReversals,
  paymentDetailRow,
  paymentRow,
  type Resolver,
  type RowLevel,
  reversalRow
} from "./payment-rows.transformers.ts"

/** The most ledger payments one list or search reads before it is refused as too broad. */
export const maxScannedPayments = 10_000

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

/** Fields whose value needs per-row lookups (cheap rows leave them empty). */
const expensiveFields: ReadonlySet<PaymentFieldName> = new Set<PaymentFieldName>([
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
interface Term {
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
const comparableOf = (field: PaymentFieldName, value: unknown): Comparable => {
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
const compare = (a: Comparable, b: Comparable): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  if (typeof a === "object" && "decimal" in a && typeof b === "object" && "decimal" in b) {
    return compareDecimals(a.decimal, b.decimal)
  }
  if (typeof a === "object" && "time" in a && typeof b === "object" && "time" in b) return a.time - b.time
  if (typeof a === "number" && typeof b === "number") return a - b
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b)
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

const matches = (term: Term, row: LogisenseRow): boolean => {
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
const checkRequest = (request: ListRequest) => {
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

/** The ledger query the compiled terms allow (always: posted payments only; none when a term matches no id). */
const compileQuery = (terms: ReadonlyArray<Term>): Omit<PaymentQueryInput, "cursor" | "limit"> => {
  const query: { -readonly [K in keyof PaymentQueryInput]?: PaymentQueryInput[K] } = {
    states: ["posted"],
    order: "id"
  }
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

interface Candidate {
  readonly payment: Payment
  readonly reversalId: number | null
  row: LogisenseRow
}

const tooBroad = () =>
  new ValidationFailed({
    message: `more than ${maxScannedPayments} payments match`,
    issues: [
      {
        path: ["query", "search"],
        message: `more than ${maxScannedPayments} payments match; narrow the search with accountId, paymentTypeId, paymentMethodId or identity`
      }
    ]
  })

/** Runs a list or search; see the module comment. */
export const listRows = (resolver: Resolver, request: ListRequest) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const checked = checkRequest(request)
    if (checked.issues.length > 0) {
      return yield* new ValidationFailed({
        message: checked.issues.map((issue) => issue.message).join("; "),
        issues: checked.issues
      })
    }
    const touched = [...checked.terms.map((term) => term.field), ...checked.order.map((item) => item.field)]
    const level: RowLevel = touched.some((field) => expensiveFields.has(field)) ? "full" : "cheap"
    const deleted = yield* resolver.deletedPaymentIds
    const query = compileQuery(checked.terms)

    const candidates: Array<Candidate> = []
    let scanned = 0
    let cursor: string | null = null
    do {
      const page: Page<Payment> = yield* payments.listPayments({ ...query, cursor, limit: 1000 })
      scanned += page.items.length
      if (scanned > maxScannedPayments) return yield* tooBroad()
      if (level === "full") yield* resolver.prefetch(page.items)
      for (const payment of page.items) {
        if (!paymentStateVisibility[payment.state].listed || deleted.has(payment.id)) continue
        candidates.push({ payment, reversalId: null, row: yield* paymentRow(resolver, payment, level) })
        if (payment.reversedAmount > 0n) {
          const detail = yield* payments.getPayment({ id: payment.id })
          for (const reversal of activeReversals(detail)) {
            candidates.push({
              payment,
              reversalId: reversal.id,
              row: yield* reversalRow(resolver, payment, reversal, level)
            })
          }
        }
      }
      cursor = page.nextCursor
    } while (cursor !== null)

    const found = candidates.filter((candidate) => checked.terms.every((term) => matches(term, candidate.row)))
    const defaultOrder = (a: Candidate, b: Candidate) =>
      compare(comparableOf("created", a.row.created), comparableOf("created", b.row.created)) ||
      a.payment.id - b.payment.id ||
      (a.reversalId ?? 0) - (b.reversalId ?? 0)
    found.sort((a, b) => {
      for (const { field, direction } of checked.order) {
        const difference = compare(comparableOf(field, a.row[field]), comparableOf(field, b.row[field]))
        if (difference !== 0) return difference * direction
      }
      return defaultOrder(a, b)
    })
    const limited = request.top === null ? found : found.slice(0, request.top)
    const pageRows =
      request.page === null
        ? limited
        : limited.slice(
            (request.page.pageNumber - 1) * request.page.pageSize,
            request.page.pageNumber * request.page.pageSize
          )
    yield* resolver.prefetch(pageRows.map((candidate) => candidate.payment))
    const items = yield* Effect.forEach(pageRows, (candidate) =>
      Effect.gen(function* () {
        if (request.withDetail) {
          if (candidate.reversalId !== null) {
            const row = yield* rowAtLevel(resolver, candidate, "full")
            return { ...row, details: { invoiceDisbursements: [], paymentReversals: [] } }
          }
          return yield* paymentDetailRow(resolver, yield* payments.getPayment({ id: candidate.payment.id }))
        }
        const row = level === "full" ? candidate.row : yield* rowAtLevel(resolver, candidate, "full")
        return projectRow(row, checked.fields)
      })
    )
    return { totalCount: request.excludeTotalCount ? null : found.length, items } satisfies ListResult
  })

const rowAtLevel = (resolver: Resolver, candidate: Candidate, level: RowLevel) =>
  Effect.gen(function* () {
    if (candidate.reversalId === null) return yield* paymentRow(resolver, candidate.payment, level)
    const payments = yield* Payments
    const detail = yield* payments.getPayment({ id: candidate.payment.id })
    const reversal = detail.reversals.find((row) => row.id === candidate.reversalId)
    if (reversal === undefined) return candidate.row
    return yield* reversalRow(resolver, candidate.payment, reversal, level)
  })

// ---------------------------------------------------------------------------------------------
// Paging of `Paged` endpoints

/** The default page of `Paged` endpoints (the vendor's echo in its samples). */
export const defaultPagination = { pageNumber: 1, pageSize: 20, excludeTotalCount: false } as const

/** The `Pagination` request header of `Paged` endpoints (JSON; defaults 1/20); malformed → validation error. */
export const paginationHeader = (header: string | undefined) =>
  Effect.gen(function* () {
    if (header === undefined || header.trim() === "") return defaultPagination
    let parsed: unknown
    try {
      parsed = JSON.parse(header)
    } catch {
      return yield* new ValidationFailed({
        message: "The Pagination header is not JSON",
        issues: [{ path: ["Pagination"], message: 'must be JSON such as {"pageNumber":1,"pageSize":20}' }]
      })
    }
    const decoded = Schema.decodeUnknownExit(LogisensePagination)(parsed, { errors: "all" })
    if (decoded._tag === "Failure") {
      return yield* new ValidationFailed({
        message: "Invalid Pagination header",
        issues: [{ path: ["Pagination"], message: "pageNumber must be ≥ 1 and pageSize between 1 and 10000" }]
      })
    }
    return {
      pageNumber: decoded.value.pageNumber ?? defaultPagination.pageNumber,
      pageSize: decoded.value.pageSize ?? defaultPagination.pageSize,
      excludeTotalCount: decoded.value.excludeTotalCount ?? false
    }
  })
