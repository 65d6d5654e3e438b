/**
 * LogiSense lists and searches (`GET Payment/`, `Paged`, `Paged/Detail`, `POST Payment/Search`)
 * over the ledger. Search terms are checked first (unknown field names, operators that do not fit
 * a field's type and values of the wrong type are validation errors, all reported together).
 * When every term and order key has an exact SQL form (`compileToSql`: account, type and method
 * ids, `disbursed`, `isManual`, the reversal-only fields, `created` lower bounds; order on
 * account, type, method, created) the list runs in the ledger: one statement gives the page of
 * payment rows (offset and total in SQL), and the reversal rows of the matching reversed payments
 * are ranked against it in memory (`sqlRows`). Otherwise every listed payment's rows are filtered
 * and sorted in process (`scannedRows`, no scan limit). Rows are the listed (posted) payments not
 * deleted through LogiSense, each followed by its active reversal rows; the default order is
 * `created` ascending. Shared by the Payment lists (`payment.endpoints.ts`) and Search
 * (`payment-search.endpoints.ts`), with the `Pagination` header of the `Paged` ones. A compiled
 * page's statement also brings each row's account, creator and vendor attributes along
 * (`pageAnnex`); what else the shown rows look up (children of disbursed or reversed payments) is
 * read for the whole page at once, never one query per row.
 */
import { allPages, isJsonDecimal, type JsonDecimal } from "@paybridge/adapter-kit"
import {
  CustomerId,
  type FieldIssue,
  type Page,
  type Payment,
  type PaymentColumnTerm,
  type PaymentDetail,
  PaymentId,
  type PaymentPage,
  type PaymentQueryInput,
  type PaymentSortField,
  type PaymentSortKey,
  Payments,
  type PaymentTermField,
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
import { type LogisenseRow, parseLogisenseDate, projectRow } from "./logisense.transformers.ts"
import {
  activeReversals,
  dialectName,
  pageAnnex,
  paymentDetailRow,
  paymentRow,
  type Resolver,
  type RowLevel,
  recordKinds,
  reversalRow
} from "./payment-rows.transformers.ts"

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

/** The ledger query every list starts from: posted payments not deleted through LogiSense. */
const listedPayments = {
  states: ["posted"],
  withoutDialectRecord: { dialect: dialectName, kind: recordKinds.deleted }
} as const satisfies Partial<PaymentQueryInput>

/** The ledger query the compiled terms allow (none when a term matches no id); the scan filters every term again. */
const compileQuery = (terms: ReadonlyArray<Term>): Omit<PaymentQueryInput, "cursor" | "limit"> => {
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
 * then scans). Terms on payment rows' empty fields are decided here, once for every row.
 */
const compileToSql = (
  terms: ReadonlyArray<Term>,
  order: ReadonlyArray<{ readonly field: PaymentFieldName; readonly direction: 1 | -1 }>
): {
  readonly query: Omit<PaymentQueryInput, "cursor" | "limit">
  readonly reversalSource: Omit<PaymentQueryInput, "cursor" | "limit">
  readonly sort: Array<PaymentSortKey>
} | null => {
  const columnTerms: Array<PaymentColumnTerm> = []
  // Terms that hold for a payment's reversal rows exactly when they hold for its payment row.
  const sharedTerms: Array<PaymentColumnTerm> = []
  let createdSince: Date | undefined
  let matchesNone = false
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
      if (compiled === "none") matchesNone = true
      else if (compiled !== "all") {
        columnTerms.push(compiled)
        sharedTerms.push(compiled)
      }
      continue
    }
    if (term.field === "disbursed" || term.field === "isManual") {
      if (term.operator !== "eq" && term.operator !== "notEq") return null
      if (value === null) {
        // No payment row has an empty flag: `eq null` matches none, `notEq null` every row.
        if (term.operator === "eq") matchesNone = true
        continue
      }
      if (typeof value !== "boolean") return null
      // `disbursed` is "something allocated"; `isManual` is "no gateway".
      const holds = term.operator === "eq" ? value : !value
      if (term.field === "disbursed") {
        // Reversal rows are never disbursed: this term decides them in memory.
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
    sort
  }
}

interface Candidate {
  readonly payment: Payment
  readonly reversalId: number | null
  row: LogisenseRow
}

type Order = ReadonlyArray<{ readonly field: PaymentFieldName; readonly direction: 1 | -1 }>

/** The list's order over rows: the requested keys, then creation, payment id, reversal id. */
const candidateOrder = (order: Order) => (a: Candidate, b: Candidate) => {
  for (const { field, direction } of order) {
    const difference = compare(comparableOf(field, a.row[field]), comparableOf(field, b.row[field]))
    if (difference !== 0) return difference * direction
  }
  return (
    compare(comparableOf("created", a.row.created), comparableOf("created", b.row.created)) ||
    a.payment.id - b.payment.id ||
    (a.reversalId ?? 0) - (b.reversalId ?? 0)
  )
}

/** The rows `start` to `end` (exclusive; `null`: to the end) of a list of `total` rows. */
interface Window {
  readonly start: number
  readonly end: number | null
}

/** The details of these payments (children included), in one read, by payment id. */
const detailsOf = (payments: ReadonlyArray<Payment>) =>
  Effect.gen(function* () {
    const unique = [...new Map(payments.map((payment) => [payment.id, payment])).values()]
    if (unique.length === 0) return new Map<number, PaymentDetail>()
    const details = yield* (yield* Payments).paymentDetails(unique)
    return new Map<number, PaymentDetail>(details.map((detail) => [detail.payment.id, detail]))
  })

/** A payment's row and its active reversals' rows, every one of them matching `terms`. */
const rowsOfPayment = (
  resolver: Resolver,
  detail: PaymentDetail,
  level: RowLevel,
  terms: ReadonlyArray<Term>,
  withPaymentRow: boolean
) =>
  Effect.gen(function* () {
    const rows: Array<Candidate> = []
    if (withPaymentRow) {
      rows.push({
        payment: detail.payment,
        reversalId: null,
        row: yield* paymentRow(resolver, detail.payment, level, detail)
      })
    }
    for (const reversal of activeReversals(detail)) {
      rows.push({
        payment: detail.payment,
        reversalId: reversal.id,
        row: yield* reversalRow(resolver, detail.payment, reversal, level)
      })
    }
    return rows.filter((candidate) => terms.every((term) => matches(term, candidate.row)))
  })

/**
 * A list compiled to SQL: the reversal rows of the matching payments (few; read whole, ranked in
 * memory), then the window of payment rows from the ledger in the list's order, widened by as many
 * rows as there are reversal rows, counted in the same statement. Each row's global rank follows
 * from the ledger offset: payment rows before the widened window are before the requested one,
 * and so are reversal rows that sort before its first payment row.
 */
const sqlRows = (
  resolver: Resolver,
  compiled: NonNullable<ReturnType<typeof compileToSql>>,
  checked: { readonly terms: ReadonlyArray<Term>; readonly order: Order },
  level: RowLevel,
  window: Window
) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const byOrder = candidateOrder(checked.order)
    // The reversed payments come with their accounts, creators and vendor attributes (`pageAnnex`).
    const reversed = yield* allPages((cursor) =>
      Effect.map(
        payments.listPayments({ ...compiled.reversalSource, offset: 0, annex: pageAnnex, cursor, limit: 1000 }),
        (page: PaymentPage) => {
          if (page.annex !== undefined) resolver.seedAnnex(page.items, page.annex)
          return page
        }
      )
    )
    const reversedDetails = yield* detailsOf(reversed)
    yield* resolver.prefetchCustomers(reversed)
    const reversalRows: Array<Candidate> = []
    for (const detail of reversedDetails.values()) {
      reversalRows.push(...(yield* rowsOfPayment(resolver, detail, level, checked.terms, false)))
    }
    reversalRows.sort(byOrder)
    const widenedStart = Math.max(0, window.start - reversalRows.length)
    const widenedSize = window.end === null ? null : window.end - window.start + reversalRows.length
    let total = 0
    const slice: Array<Payment> = []
    let cursor: string | null = null
    do {
      const limit = widenedSize === null ? 1000 : Math.min(1000, widenedSize - slice.length)
      if (limit <= 0) break
      const page: PaymentPage = yield* payments.listPayments({
        ...compiled.query,
        sort: compiled.sort,
        offset: widenedStart,
        withTotal: true,
        annex: pageAnnex,
        cursor,
        limit
      })
      if (cursor === null) total = page.total ?? 0
      if (page.annex !== undefined) resolver.seedAnnex(page.items, page.annex)
      slice.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    yield* resolver.prefetchCustomers(slice)
    const sliceRows: Array<Candidate> = []
    for (const payment of slice) {
      sliceRows.push({ payment, reversalId: null, row: yield* paymentRow(resolver, payment, "cheap") })
    }
    const first = sliceRows[0]
    const before =
      widenedStart === 0 || first === undefined ? [] : reversalRows.filter((candidate) => byOrder(candidate, first) < 0)
    const rest = reversalRows.filter((candidate) => !before.includes(candidate))
    const merged = [...sliceRows, ...rest].sort(byOrder)
    const rankOfFirst = widenedStart + before.length
    const shown = merged.filter((_, index) => {
      const rank = rankOfFirst + index
      return rank >= window.start && (window.end === null || rank < window.end)
    })
    return { total: total + reversalRows.length, shown, details: reversedDetails }
  })

/** A list that filters or sorts on what SQL cannot say: every listed payment's rows, filtered and sorted in memory. */
const scannedRows = (
  resolver: Resolver,
  checked: { readonly terms: ReadonlyArray<Term>; readonly order: Order },
  level: RowLevel,
  window: Window
) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const query = compileQuery(checked.terms)
    const found: Array<Candidate> = []
    const details = new Map<number, PaymentDetail>()
    let cursor: string | null = null
    do {
      const page: Page<Payment> = yield* payments.listPayments({ ...query, cursor, limit: 1000 })
      // Children (allocations for full rows, reversal rows) for the whole ledger page in one read.
      const needDetail = page.items.filter(
        (payment) => payment.reversedAmount > 0n || (level === "full" && payment.allocatedAmount > 0n)
      )
      const pageDetails = yield* detailsOf(needDetail)
      yield* level === "full" ? resolver.prefetch(page.items) : resolver.prefetchCustomers(page.items)
      for (const payment of page.items) {
        const detail = pageDetails.get(payment.id)
        if (detail !== undefined) details.set(payment.id, detail)
        if (payment.reversedAmount === 0n) {
          const row = yield* paymentRow(resolver, payment, level, detail ?? null)
          const candidate = { payment, reversalId: null, row }
          if (checked.terms.every((term) => matches(term, row))) found.push(candidate)
        } else if (detail !== undefined) {
          found.push(...(yield* rowsOfPayment(resolver, detail, level, checked.terms, true)))
        }
      }
      cursor = page.nextCursor
    } while (cursor !== null)
    found.sort(candidateOrder(checked.order))
    return {
      total: found.length,
      shown: found.slice(window.start, window.end ?? undefined),
      details
    }
  })

/** Runs a list or search; see the module comment. */
export const listRows = (resolver: Resolver, request: ListRequest) =>
  Effect.gen(function* () {
    const checked = checkRequest(request)
    if (checked.issues.length > 0) {
      return yield* new ValidationFailed({
        message: checked.issues.map((issue) => issue.message).join("; "),
        issues: checked.issues
      })
    }
    const touched = [...checked.terms.map((term) => term.field), ...checked.order.map((item) => item.field)]
    const level: RowLevel = touched.some((field) => expensiveFields.has(field)) ? "full" : "cheap"
    // `top` limits the matches, then `pagination` pages within them.
    const start = request.page === null ? 0 : (request.page.pageNumber - 1) * request.page.pageSize
    const pageEnd = request.page === null ? null : request.page.pageNumber * request.page.pageSize
    const end = request.top === null ? pageEnd : Math.min(request.top, pageEnd ?? request.top)
    const window: Window = { start, end: end === null ? null : Math.max(start, end) }
    const compiled = compileToSql(checked.terms, checked.order)
    const listed =
      compiled === null
        ? yield* scannedRows(resolver, checked, level, window)
        : yield* sqlRows(resolver, compiled, checked, level, window)
    const pageRows = listed.shown
    // What the shown rows show beyond the payment itself: one read for all of them.
    const missing = pageRows
      .map((candidate) => candidate.payment)
      .filter((payment) => !listed.details.has(payment.id) && (request.withDetail || payment.allocatedAmount > 0n))
    const fetched = yield* detailsOf(missing)
    const detailOf = (payment: Payment) => listed.details.get(payment.id) ?? fetched.get(payment.id) ?? null
    yield* resolver.prefetch(pageRows.map((candidate) => candidate.payment))
    yield* resolver.prefetchDocuments(
      pageRows.flatMap((candidate) => (detailOf(candidate.payment)?.allocations ?? []).map((row) => row.documentId))
    )
    yield* resolver.prefetchReversals(
      pageRows.flatMap((candidate) =>
        candidate.reversalId === null ? [] : [{ payment: candidate.payment, reversalId: candidate.reversalId }]
      )
    )
    const items = yield* Effect.forEach(pageRows, (candidate) =>
      Effect.gen(function* () {
        const detail = detailOf(candidate.payment)
        if (request.withDetail && candidate.reversalId === null && detail !== null) {
          return yield* paymentDetailRow(resolver, detail)
        }
        const row =
          candidate.reversalId === null
            ? yield* paymentRow(resolver, candidate.payment, "full", detail)
            : yield* reversalRowOf(resolver, candidate, detail)
        if (request.withDetail) return { ...row, details: { invoiceDisbursements: [], paymentReversals: [] } }
        return projectRow(row, checked.fields)
      })
    )
    return { totalCount: request.excludeTotalCount ? null : listed.total, items } satisfies ListResult
  })

/** A reversal row at full level, from its payment's detail (read with the page's). */
const reversalRowOf = (resolver: Resolver, candidate: Candidate, detail: PaymentDetail | null) =>
  Effect.gen(function* () {
    const reversal = detail?.reversals.find((row) => row.id === candidate.reversalId)
    if (reversal === undefined) return candidate.row
    return yield* reversalRow(resolver, candidate.payment, reversal, "full")
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
