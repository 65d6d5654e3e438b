/**
 * LogiSense lists and searches (`GET Payment/`, `Paged`, `Paged/Detail`, `POST Payment/Search`)
 * over the ledger. Search terms are checked first (unknown field names, operators that do not fit
 * a field's type and values of the wrong type are validation errors, all reported together).
 * When every term and order key has an exact SQL form (`compileToSql`: account, type and method
 * ids, `disbursed`, `isManual`, the reversal-only fields, `created` lower bounds; order on
 * account, type, method, created) the list runs in the ledger: one statement gives the window of
 * rows — payment rows and the reversal rows of the matching reversed payments, in the list's order,
 * offset and counted in SQL — with everything they show (`unionRows`, `reversedAnnex`: account,
 * creator, vendor attributes, children, invoice numbers, who reversed, reversal rows' attributes).
 * A term on a reversal-only field keeps reversal rows matched in memory: their payments are read
 * whole and ranked against the page of payment rows (`sqlRows`). Otherwise every listed payment's
 * rows are filtered and sorted in process (`scannedRows`, no scan limit). Rows are the listed
 * (posted) payments not deleted through LogiSense, each followed by its active reversal rows; the
 * default order is `created` ascending. Shared by the Payment lists (`payment.endpoints.ts`) and
 * Search (`payment-search.endpoints.ts`), with the `Pagination` header of the `Paged` ones. What
 * the shown rows look up beyond what their statement brought is read for the whole page at once,
 * never one query per row.
 */
import { allPages } from "@paybridge/adapter-kit"
import {
  type Page,
  type Payment,
  type PaymentAnnexRequest,
  type PaymentDetail,
  type PaymentPage,
  type PaymentQueryInput,
  Payments,
  ValidationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { LogisensePagination, type PaymentFieldName } from "./logisense.schemas.ts"
import { type LogisenseRow, projectRow } from "./logisense.transformers.ts"
import { detailFromAnnex, pageAnnex, type Resolver, reversedAnnex } from "./payment-resolver.transformers.ts"
import {
  activeReversals,
  paymentDetailRow,
  paymentDetailRowNow,
  paymentRow,
  paymentRowNow,
  type RowLevel,
  reversalRow,
  reversalRowNow
} from "./payment-rows.transformers.ts"

import {
  checkRequest,
  comparableOf,
  compare,
  compileQuery,
  compileToSql,
  expensiveFields,
  type ListRequest,
  type ListResult,
  matches,
  type Term
} from "./payment-search-terms.transformers.ts"

interface Candidate {
  readonly payment: Payment
  readonly reversalId: number | null
  row: LogisenseRow
}

/**
 * A row of the list's window. A payment row of a list ordered and cut in SQL (`unionRows`) is not
 * built before the page is (`row` null): only the shown full row is.
 */
type Listed = Candidate | { readonly payment: Payment; readonly reversalId: null; readonly row: null }

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
    const details = new Map<number, PaymentDetail>()
    /** Takes what a page's statement brought along: the resolver's look-ups and each payment's detail. */
    const seed = (page: PaymentPage, request: PaymentAnnexRequest) => {
      if (page.annex === undefined) return page
      resolver.seedAnnex(page.items, page.annex, request)
      for (const payment of page.items) {
        const detail = detailFromAnnex(payment, page.annex.get(payment.id))
        if (detail !== null) details.set(payment.id, detail)
      }
      return page
    }
    // The reversed payments come with everything their rows show (`reversedAnnex`), in one statement.
    const reversed = yield* allPages((cursor) =>
      Effect.map(
        payments.listPayments({ ...compiled.reversalSource, offset: 0, annex: reversedAnnex, cursor, limit: 1000 }),
        (page: PaymentPage) => seed(page, reversedAnnex)
      )
    )
    yield* resolver.prefetchOwners(reversed)
    const reversalRows: Array<Candidate> = []
    for (const detail of reversed.flatMap((payment) => details.get(payment.id) ?? [])) {
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
      slice.push(...seed(page, pageAnnex).items)
      cursor = page.nextCursor
    } while (cursor !== null)
    yield* resolver.prefetchOwners(slice)
    const sliceRows: Array<Candidate> = []
    for (const payment of slice) {
      const row = paymentRowNow(resolver, payment, "cheap") ?? (yield* paymentRow(resolver, payment, "cheap"))
      sliceRows.push({ payment, reversalId: null, row })
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
    return { total: total + reversalRows.length, shown, details }
  })

/**
 * A list compiled to SQL whose reversal rows the ledger lists too (`reversalRows`): one statement
 * gives the window of rows — payment rows and reversal rows in the list's order, offset and total
 * in SQL — with everything the rows show (`reversedAnnex`); no row is read that is not shown.
 */
const unionRows = (
  resolver: Resolver,
  compiled: NonNullable<ReturnType<typeof compileToSql>>,
  reversalRows: NonNullable<PaymentQueryInput["reversalRows"]>,
  window: Window
) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const details = new Map<number, PaymentDetail>()
    const shown: Array<Listed> = []
    const size = window.end === null ? null : window.end - window.start
    let total = 0
    let cursor: string | null = null
    do {
      // An empty window still counts the rows (one row read).
      const limit = size === null ? 1000 : Math.max(1, Math.min(1000, size - shown.length))
      const page: PaymentPage = yield* payments.listPayments({
        ...compiled.query,
        sort: compiled.sort,
        offset: window.start,
        withTotal: true,
        annex: reversedAnnex,
        reversalRows,
        cursor,
        limit
      })
      if (cursor === null) total = page.total ?? 0
      if (page.annex !== undefined) resolver.seedAnnex(page.items, page.annex, reversedAnnex)
      // The owners of the page's payments in one read (rows show amounts in the owner's currency).
      yield* resolver.prefetchOwners(page.items)
      for (const [index, payment] of page.items.entries()) {
        if (size !== null && shown.length >= size) break
        const detail = detailFromAnnex(payment, page.annex?.get(payment.id))
        if (detail !== null) details.set(payment.id, detail)
        const reversalId = page.reversalIds?.[index] ?? null
        if (reversalId === null) {
          shown.push({ payment, reversalId: null, row: null })
          continue
        }
        const reversal = detail?.reversals.find((candidate) => candidate.id === reversalId)
        if (reversal !== undefined) {
          const row =
            reversalRowNow(resolver, payment, reversal, "cheap") ??
            (yield* reversalRow(resolver, payment, reversal, "cheap"))
          shown.push({ payment, reversalId, row })
        }
      }
      cursor = size !== null && shown.length >= size ? null : page.nextCursor
    } while (cursor !== null)
    return { total, shown, details }
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
      yield* resolver.prefetchOwners(page.items)
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
        : compiled.reversalRows !== null
          ? yield* unionRows(resolver, compiled, compiled.reversalRows, window)
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
    yield* resolver.prefetchNames(pageRows)
    const shape = (row: LogisenseRow) =>
      request.withDetail
        ? { ...row, details: { invoiceDisbursements: [], paymentReversals: [] } }
        : projectRow(row, checked.fields)
    // Everything the rows name is held by now: the page is built with no Effect per row. A row
    // that still names something unread (none should) sends the whole page through the reads.
    const built: Array<Record<string, unknown> | undefined> = pageRows.map((candidate) => {
      const detail = detailOf(candidate.payment)
      if (request.withDetail && candidate.reversalId === null && detail !== null) {
        return paymentDetailRowNow(resolver, detail)
      }
      const row =
        candidate.reversalId === null
          ? paymentRowNow(resolver, candidate.payment, "full", detail)
          : reversalRowOfNow(resolver, candidate, detail)
      return row === undefined ? undefined : shape(row)
    })
    const items = built.every((item) => item !== undefined)
      ? built
      : yield* Effect.forEach(pageRows, (candidate) =>
          Effect.gen(function* () {
            const detail = detailOf(candidate.payment)
            if (request.withDetail && candidate.reversalId === null && detail !== null) {
              return yield* paymentDetailRow(resolver, detail)
            }
            const row =
              candidate.reversalId === null
                ? yield* paymentRow(resolver, candidate.payment, "full", detail)
                : yield* reversalRowOf(resolver, candidate, detail)
            return shape(row)
          })
        )
    return { totalCount: request.excludeTotalCount ? null : listed.total, items } satisfies ListResult
  })

/** A reversal row at full level from what the resolver holds (see `reversalRowOf`). */
const reversalRowOfNow = (
  resolver: Resolver,
  candidate: Listed,
  detail: PaymentDetail | null
): LogisenseRow | undefined => {
  const reversal = detail?.reversals.find((row) => row.id === candidate.reversalId)
  return reversal === undefined
    ? (candidate.row ?? undefined)
    : reversalRowNow(resolver, candidate.payment, reversal, "full")
}

/** A reversal row at full level, from its payment's detail (read with the page's). */
const reversalRowOf = (resolver: Resolver, candidate: Listed, detail: PaymentDetail | null) =>
  Effect.gen(function* () {
    const reversal = detail?.reversals.find((row) => row.id === candidate.reversalId)
    if (reversal === undefined) {
      return candidate.row ?? (yield* Effect.die(new Error(`LogiSense reversal row ${candidate.reversalId} not found`)))
    }
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
