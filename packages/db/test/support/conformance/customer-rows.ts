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
 * documents with and without a due date, and documents not shown. Every page size and page,
 * the last page and a page past the end.
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
              reversedAmount: i % 10 === 3 && i % 11 !== 0 && i % 13 !== 0 ? BigInt(100 + i) * 100n : 0n,
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
        yield* s.documents.insert(newDocument(owner.id, { dueDate: null }))
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
        { name: "posted by shown id descending", field: "shownId", sort: "desc", statuses: ["posted"], rows: 46 }
      ] as const
      const pageOf = async (variant: (typeof variants)[number], page: number | "last", limit: number) => {
        const query: CustomerRowQuery = {
          ...baseQuery(customer.id),
          sort: [{ field: variant.field, direction: variant.sort }],
          ...("listFlag" in variant && variant.listFlag !== undefined ? { listFlag: variant.listFlag } : {}),
          ...("statuses" in variant ? { statuses: variant.statuses } : {}),
          ...("due" in variant ? { due: { today: variant.due as BusinessDate, overdue: true } } : {}),
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
          for (let page = 1; page <= pages + 1; page++) {
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
    })
  })
}
