/**
 * Store conformance, part of `../ledger-store-conformance.ts`. A customer's payments and open
 * documents as one list (`payments.listCustomerRows`) ordered by list date — descending (the default,
 * a row without one last) or ascending (a row without one first), then shown id — or by shown id either
 * way, without a filter, with the list flag (`false`: by list date only; `true`: a record without a
 * flag shows `true`), with statuses, or (by list date) overdue, which the store reads from indexes up to the page
 * (`customer-row-seek.ts`), gives exactly the pages of the general statement: the same query with
 * shown id ascending stated again as a second sort term (the same order) goes the general way. The
 * customer's history mixes what the seek gathers separately: payments with a dated attribute record
 * (dates repeated), with an undated one, without one, hidden, without a flag, migrated from the dialect under numeric and
 * other vendor ids, migrated from another system, reversed in full, cancelled, drafts; open
 * documents with and without a due date, and documents not shown. Every page size, its pages (all of them up to
 * ten, else the first, middle and last ones), the last page and a page past the end.
 */
import {
  type BusinessDate,
  type CustomerId,
  type CustomerRowPage,
  type CustomerRowQuery,
  customerRowStatuses,
  LedgerStore
} from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { at, newCustomer, newDocument, newPayment } from "../store-fixtures.ts"

const dialect = "seek-test"
const attributeKind = "payment-attributes"

const baseQuery = (customerId: CustomerId): Omit<CustomerRowQuery, "page" | "limit"> => ({
  customerId,
  dialect,
  attributeKind,
  ownOrigin: dialect,
  documents: { idOffset: 1_000_000_000_000, carrierKind: "document-payment" },
  sort: [{ field: "listDate", direction: "desc" }],
  statusRank: Object.fromEntries(customerRowStatuses.map((status, rank) => [status, rank])) as Record<
    (typeof customerRowStatuses)[number],
    number
  >
})

/**
 * The pages a sweep asks for: every page and the one past the end when there are up to ten; otherwise the first
 * three, the middle one and the last three with the one past the end (the seek's boundaries, without a statement
 * pair per row at one row a page).
 */
const pagesToVisit = (pages: number): ReadonlyArray<number> => {
  if (pages <= 10) return Array.from({ length: pages + 1 }, (_, index) => index + 1)
  return [1, 2, 3, Math.ceil(pages / 2), pages - 2, pages - 1, pages, pages + 1]
}

export const describeCustomerRows = (db: DatabaseHarness): void => {
  const run = db.run

  describe("customer rows ordered by list date or shown id, unfiltered or by flag (read up to the page from indexes)", () => {
    const seed = Effect.gen(function* () {
      const s = yield* LedgerStore
      const customer = yield* s.customers.insert(newCustomer())
      const neighbour = yield* s.customers.insert(newCustomer())
      for (const owner of [customer, neighbour]) {
        for (let i = 0; i < (owner === customer ? 60 : 12); i++) {
          const externalRef =
            i % 17 === 5
              ? { system: dialect, id: String((owner === customer ? 0 : 1000) + i) }
              : i % 19 === 7
                ? { system: "elsewhere", id: `X${owner.id}-${i}` }
                : i % 23 === 8
                  ? { system: dialect, id: `V-${owner.id}-${i}` }
                  : null
          const payment = yield* s.payments.insert(
            newPayment(owner.id, {
              amount: BigInt(100 + i) * 100n,
              state: i % 11 === 0 ? "draft" : i % 13 === 0 ? "cancelled" : "posted",
              // Reversed in full every tenth; in part (showing 50.00 less) others.
              reversedAmount:
                i % 11 === 0 || i % 13 === 0 ? 0n : i % 10 === 3 ? BigInt(100 + i) * 100n : i % 10 === 7 ? 5_000n : 0n,
              // Every sixth in another currency than the customer's.
              ...(i % 6 === 4 ? { currency: "USD" as const } : {}),
              externalRef
            })
          )
          if (i % 3 === 2) continue
          // Dated every third payment, a few on one date shared with an open invoice.
          const date =
            i % 3 !== 0 ? null : ((i % 9 === 0 ? "2026-02-11" : `2026-0${1 + (i % 4)}-${10 + (i % 7)}`) as BusinessDate)
          yield* s.dialectRecords.insert({
            dialect,
            kind: attributeKind,
            key: String(payment.id),
            customerId: owner.id,
            paymentId: payment.id,
            data: {},
            // Hidden every fifth; a few without a flag (shown, as `true`).
            listColumns: {
              date,
              flag: i % 5 === 0 ? false : i % 7 === 1 ? null : true,
              proformaId: null,
              invoiceId: null
            },
            createdAt: at("2026-05-01T00:00:00.000Z"),
            updatedAt: at("2026-05-01T00:00:00.000Z")
          })
        }
        // Open invoices (one due on a date payments have too, one without a due date); a cancelled one and a paid one are not shown.
        yield* s.documents.insert(newDocument(owner.id, { dueDate: "2026-02-11" }))
        yield* s.documents.insert(newDocument(owner.id, { dueDate: "2026-01-02" }))
        yield* s.documents.insert(newDocument(owner.id, { dueDate: null, currency: "USD" }))
        yield* s.documents.insert(newDocument(owner.id, { state: "cancelled" }))
        yield* s.documents.insert(newDocument(owner.id, { outstanding: 0n, allocated: 10_000n }))
      }
      return customer
    })

    it("gives every page, the last page and a page past the end exactly as the general statement does", async () => {
      const customer = await run(seed)
      const list = (query: CustomerRowQuery) =>
        run(
          Effect.gen(function* () {
            return yield* (yield* LedgerStore).payments.listCustomerRows(query)
          })
        )
      // The seek's orders and filter: list date descending (the default) or ascending, or shown id either way,
      // without a filter or with the list flag; the general statement is asked for the same with shown id ascending
      // stated again.
      const variants = [
        { name: "descending", field: "listDate", sort: "desc", listFlag: undefined, rows: 63 },
        { name: "ascending", field: "listDate", sort: "asc", listFlag: undefined, rows: 63 },
        { name: "descending, flag false", field: "listDate", sort: "desc", listFlag: false, rows: 8 },
        { name: "ascending, flag false", field: "listDate", sort: "asc", listFlag: false, rows: 8 },
        { name: "descending, flag true", field: "listDate", sort: "desc", listFlag: true, rows: 55 },
        { name: "ascending, flag true", field: "listDate", sort: "asc", listFlag: true, rows: 55 },
        { name: "by shown id", field: "shownId", sort: "asc", listFlag: undefined, rows: 63 },
        { name: "by shown id descending", field: "shownId", sort: "desc", listFlag: undefined, rows: 63 },
        { name: "by shown id descending, flag true", field: "shownId", sort: "desc", listFlag: true, rows: 55 },
        // Statuses of one payment state: posted less those reversed in full, with them, drafts with open documents,
        // cancelled, and a state no payment has.
        { name: "posted", field: "listDate", sort: "desc", statuses: ["posted"], rows: 46 },
        { name: "posted, ascending", field: "listDate", sort: "asc", statuses: ["posted"], rows: 46 },
        { name: "posted or reversed", field: "listDate", sort: "desc", statuses: ["posted", "reversed"], rows: 50 },
        { name: "drafts and documents", field: "listDate", sort: "asc", statuses: ["draft", "open-document"], rows: 9 },
        { name: "cancelled", field: "listDate", sort: "desc", statuses: ["cancelled"], rows: 4 },
        { name: "pending", field: "listDate", sort: "desc", statuses: ["pending"], rows: 0 },
        // Several states: reversed in full (taken whole) with cancelled and rejected (Silver's `canceled`), and
        // posted with others.
        {
          name: "reversed, cancelled or rejected",
          field: "listDate",
          sort: "desc",
          statuses: ["reversed", "cancelled", "rejected"],
          rows: 8
        },
        { name: "cancelled or rejected", field: "listDate", sort: "asc", statuses: ["cancelled", "rejected"], rows: 4 },
        // Overdue: open rows dated before the day (two drafts, two open invoices).
        { name: "overdue", field: "listDate", sort: "desc", due: "2026-03-20", rows: 4 },
        { name: "overdue, ascending", field: "listDate", sort: "asc", due: "2026-03-20", rows: 4 },
        {
          name: "draft, pending or posted by shown id",
          field: "shownId",
          sort: "asc",
          statuses: ["draft", "pending", "posted"],
          rows: 52
        },
        { name: "posted by shown id descending", field: "shownId", sort: "desc", statuses: ["posted"], rows: 46 },
        // Statuses with the flag (Silver's `status` with `visible`), and overdue with the flag.
        { name: "posted, flag false", field: "listDate", sort: "desc", statuses: ["posted"], listFlag: false, rows: 6 },
        { name: "posted, flag true", field: "listDate", sort: "asc", statuses: ["posted"], listFlag: true, rows: 40 },
        {
          name: "reversed, cancelled or rejected, flag true",
          field: "listDate",
          sort: "desc",
          statuses: ["reversed", "cancelled", "rejected"],
          listFlag: true,
          rows: 8
        },
        {
          name: "posted or reversed, flag false",
          field: "listDate",
          sort: "asc",
          statuses: ["posted", "reversed"],
          listFlag: false,
          rows: 6
        },
        {
          name: "drafts and documents, flag false",
          field: "listDate",
          sort: "asc",
          statuses: ["draft", "open-document"],
          listFlag: false,
          rows: 2
        },
        {
          name: "drafts and documents, flag true",
          field: "listDate",
          sort: "desc",
          statuses: ["draft", "open-document"],
          listFlag: true,
          rows: 7
        },
        {
          name: "posted or reversed by shown id, flag true",
          field: "shownId",
          sort: "asc",
          statuses: ["posted", "reversed"],
          listFlag: true,
          rows: 44
        },
        { name: "overdue, flag true", field: "listDate", sort: "desc", due: "2026-03-20", listFlag: true, rows: 3 },
        {
          name: "overdue ascending, flag false",
          field: "listDate",
          sort: "asc",
          due: "2026-03-20",
          listFlag: false,
          rows: 1
        },
        // A currency (Silver's `currency`): the customer's, another one, with the flag and by shown id.
        { name: "currency EUR", field: "listDate", sort: "desc", currency: "EUR", rows: 52 },
        { name: "currency USD, ascending", field: "listDate", sort: "asc", currency: "USD", rows: 11 },
        {
          name: "currency EUR, flag false",
          field: "listDate",
          sort: "desc",
          currency: "EUR",
          listFlag: false,
          rows: 6
        },
        { name: "currency USD, flag true", field: "listDate", sort: "desc", currency: "USD", listFlag: true, rows: 9 },
        { name: "currency USD by shown id", field: "shownId", sort: "asc", currency: "USD", rows: 11 },
        {
          name: "currency EUR by shown id descending, flag true",
          field: "shownId",
          sort: "desc",
          currency: "EUR",
          listFlag: true,
          rows: 46
        },
        { name: "currency GBP", field: "listDate", sort: "desc", currency: "GBP", rows: 0 },
        // Not overdue: the rows of other states, and the open ones dated on or after the day.
        { name: "not overdue", field: "listDate", sort: "desc", due: "2026-03-20", overdue: false, rows: 54 },
        { name: "not overdue, ascending", field: "listDate", sort: "asc", due: "2026-02-11", overdue: false, rows: 57 },
        // An amount range (Silver's `min_amount`, `max_amount`) of the amount a row shows: from 130.00 (payments in part
        // reversed show less), up to 120.00 (documents show 100.00), both, and none.
        { name: "amount from", field: "listDate", sort: "desc", amountMin: 13_000n, rows: 27 },
        { name: "amount up to, ascending", field: "listDate", sort: "asc", amountMax: 12_000n, rows: 28 },
        {
          name: "amount between by shown id",
          field: "shownId",
          sort: "desc",
          amountMin: 11_000n,
          amountMax: 14_500n,
          rows: 33
        },
        { name: "amount none", field: "listDate", sort: "desc", amountMin: 1n, amountMax: 0n, rows: 0 }
      ] as const
      const pageOf = async (variant: (typeof variants)[number], page: number | "last", limit: number) => {
        const query: CustomerRowQuery = {
          ...baseQuery(customer.id),
          sort: [{ field: variant.field, direction: variant.sort }],
          ...("listFlag" in variant && variant.listFlag !== undefined ? { listFlag: variant.listFlag } : {}),
          ...("statuses" in variant ? { statuses: variant.statuses } : {}),
          ...("due" in variant
            ? { due: { today: variant.due as BusinessDate, overdue: !("overdue" in variant && !variant.overdue) } }
            : {}),
          ...("currency" in variant ? { currency: variant.currency } : {}),
          ...("amountMin" in variant ? { amountMin: variant.amountMin } : {}),
          ...("amountMax" in variant ? { amountMax: variant.amountMax } : {}),
          page,
          limit
        }
        const general: CustomerRowQuery = {
          ...query,
          sort: [...query.sort, { field: "shownId", direction: "asc" }]
        }
        return { seek: await list(query), general: await list(general) }
      }
      const everyRow: Array<CustomerRowPage["rows"][number]> = []
      const everyAscending: Array<CustomerRowPage["rows"][number]> = []
      for (const variant of variants) {
        for (const limit of [1, 4, 7, 30, 100]) {
          const pages = Math.ceil(variant.rows / limit)
          for (const page of pagesToVisit(pages)) {
            const { seek, general } = await pageOf(variant, page, limit)
            expect(seek, `${variant.name}: page ${page} of ${limit}`).toEqual(general)
            if (page <= pages) expect(seek.total).toBe(variant.rows)
            if (limit === 7 && variant.name === "descending") everyRow.push(...seek.rows)
            if (limit === 7 && variant.name === "ascending") everyAscending.push(...seek.rows)
          }
          const last = await pageOf(variant, "last", limit)
          expect(last.seek, `${variant.name}: the last page of ${limit}`).toEqual(last.general)
          expect(last.seek.page).toBe(Math.max(1, pages))
        }
      }
      // Ascending: the undated rows first (by shown id), then the dated ones, earliest first.
      const ascendingDates = everyAscending.flatMap((row) => (row.listDate === null ? [] : [row.listDate]))
      expect(ascendingDates).toEqual([...ascendingDates].sort())
      expect(everyAscending.slice(63 - ascendingDates.length).every((row) => row.listDate !== null)).toBe(true)
      // 60 payments and 3 open documents, each once; the dated rows first (latest first), then the rest by shown id.
      expect(everyRow).toHaveLength(63)
      expect(new Set(everyRow.map((row) => `${row.source}:${row.ledgerId}`)).size).toBe(63)
      const dates = everyRow.flatMap((row) => (row.listDate === null ? [] : [row.listDate]))
      expect(dates).toEqual([...dates].sort().reverse())
      expect(everyRow.slice(0, dates.length).every((row) => row.listDate !== null)).toBe(true)
      const undated = everyRow.slice(dates.length).map((row) => row.shownId)
      expect(undated).toEqual([...undated].sort((a, b) => a - b))
      // Payments migrated from the dialect under a numeric id show it (among the ledger ids of the others).
      expect(everyRow.filter((row) => row.source === "payment" && row.shownId !== row.ledgerId)).toHaveLength(4)
      expect(everyRow.filter((row) => row.status === "reversed")).not.toHaveLength(0)
      // A sweep of about 2,000 statements: minutes on a loaded CI machine's PostgreSQL, not the default 30 s.
    }, 180_000)
  })
}
