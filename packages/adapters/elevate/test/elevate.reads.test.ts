/**
 * How much Elevate's lists read. Elevate pages every list (`page`, `pageSize`); in the default
 * order with no filter the dialect pages in the ledger too, so a request reads up to the end of its
 * page and looks up details for the shown rows only. A filter or sort on computed fields needs a
 * scan, which has no limit (nothing is refused for being large). Either way the rows are the same.
 */
import {
  countLedgerCalls,
  type DialectTestbed,
  inMemoryTestbedLayer,
  makeDialectTestbed
} from "@paybridge/adapter-kit/testing"
import { LedgerStore, newPublicId, Parties } from "@paybridge/core"
import { Effect, Layer } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { elevateDialect } from "../src/index.ts"
import { authorize, type ElevateSeed, issue, money, plain, seed } from "./elevate-fixtures.ts"

/** Ledger calls by operation name, counted on the real ledger services (nothing is faked). */
const calls = new Map<string, number>()
/** More customers than the 10,000 rows an Elevate scan once stopped at. */
const bulkCustomers = 10_005
const countingLedger = countLedgerCalls(calls)

let testbed: DialectTestbed
let elevate: ElevateSeed
beforeEach(async () => {
  testbed = await makeDialectTestbed({
    dialect: elevateDialect,
    layer: Layer.provideMerge(countingLedger, inMemoryTestbedLayer())
  })
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

const get = async (path: string, query: Record<string, string>) => {
  calls.clear()
  const response = await testbed.request(authorize({ method: "GET", path, query }, elevate))
  return { status: response.status, body: plain(response) as Array<Record<string, unknown>>, calls: new Map(calls) }
}

describe("Elevate list reads", () => {
  it("pages customer payments in the ledger, the same rows as a sorted scan, debits after payments", async () => {
    await issue(testbed, elevate.customerId, "50.00")
    for (const amount of ["10.00", "20.00", "-1.50", "30.00", "40.00", "-2.50", "50.00"]) {
      const response = await testbed.request(
        authorize(
          {
            method: "POST",
            path: "/customer-payments",
            body: { customerId: elevate.customerId, amountInMajorCurrency: money(amount), type: "BACS" }
          },
          elevate
        )
      )
      expect(response.status, response.text).toBe(201)
    }
    const base = { customer_id: String(elevate.customerId), pageSize: "3" }
    const shown: Array<unknown> = []
    for (const page of ["1", "2", "3"]) {
      const paged = await get("/customer-payments", { ...base, page })
      const scanned = await get("/customer-payments", { ...base, page, sort: "id" })
      expect(paged.status).toBe(200)
      expect(paged.body).toEqual(scanned.body)
      shown.push(...paged.body.map((row) => [row.txnType, row.amountInMajorCurrency]))
      if (page === "1") {
        // Page 1 holds payments only (some paying the invoice): one ledger page that brings the
        // rows' attributes, allocations and invoice numbers along — no other read, none per row —
        // and no balance history.
        expect(paged.calls.get("listPayments")).toBe(1)
        expect(paged.calls.get("listDialectRecords")).toBeUndefined()
        expect(paged.calls.get("paymentDetails")).toBeUndefined()
        expect(paged.calls.get("getDocument")).toBeUndefined()
        expect(paged.calls.get("getDialectRecord")).toBeUndefined()
        expect(paged.calls.get("listBalanceEntries")).toBeUndefined()
      }
    }
    expect(shown).toEqual([
      ["PAYMENT", 10],
      ["PAYMENT", 20],
      ["PAYMENT", 30],
      ["PAYMENT", 40],
      ["PAYMENT", 50],
      ["DEBIT", -1.5],
      ["DEBIT", -2.5]
    ])
  })

  it("reads open invoices of the shown customers only when paging credit status without a filter", async () => {
    const customers = await testbed.runAsSystem(
      Effect.forEach(["B", "C", "D", "E", "F"], (name) =>
        Parties.use((parties) => parties.createCustomer({ name: `Customer ${name}`, currency: "GBP" }))
      )
    )
    for (const customer of customers) await issue(testbed, customer.id, "12.00")
    const paged = await get("/customer-credit-status", { page: "2", pageSize: "2" })
    const scanned = await get("/customer-credit-status", { page: "2", pageSize: "2", sort: "customerId" })
    expect(paged.status).toBe(200)
    expect(paged.body).toEqual(scanned.body)
    expect(paged.body.map((row) => row.customerId)).toEqual([customers[1]?.id, customers[2]?.id])
    expect(paged.body.map((row) => row.openBillRunValue)).toEqual([12, 12])
    // Two customers shown → two open-invoice reads (one per customer in the ledger before).
    expect(paged.calls.get("listDocuments")).toBe(2)
    expect(scanned.calls.get("listDocuments")).toBe(1)
  })

  it(`answers a filtered or sorted list of more than ${bulkCustomers} customers (no scan limit, no refusal) and pages them`, async () => {
    // Seeded straight into the store in one transaction: 10 000 ledger commands on the real (SQLite) store
    // take longer than this test's budget on a loaded machine, and only the number of customers matters here.
    const at = new Date()
    await testbed.runAsSystem(
      LedgerStore.use((store) =>
        store.transaction(
          Effect.forEach(
            Array.from({ length: bulkCustomers }, (_, index) => index),
            (index) =>
              store.customers.insert({
                publicId: newPublicId(),
                number: `BULK-${index}`,
                name: `Bulk ${index}`,
                email: null,
                currency: "GBP",
                balance: 0n,
                creditLimit: null,
                billingEntityId: null,
                externalRef: null,
                customFields: {},
                createdAt: at,
                updatedAt: at,
                version: 1
              }),
            { discard: true }
          )
        )
      )
    )
    const sorted = await get("/customer-credit-status", { page: "1", pageSize: "5", sort: "customerId:desc" })
    expect(sorted.status).toBe(200)
    const ids = sorted.body.map((row) => Number(row.customerId))
    expect(ids).toHaveLength(5)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    const newest = await testbed.runAsSystem(
      LedgerStore.use((store) => store.customers.getByNumber(`BULK-${bulkCustomers - 1}`))
    )
    expect(ids[0]).toBe(newest?.id)
    const last = await get("/customer-credit-status", { page: String(bulkCustomers / 5 + 1), pageSize: "5" })
    expect(last.status).toBe(200)
    expect(last.body).toHaveLength(1)
    // 10,005 customers seeded and listed: 18 s on a quiet machine, a CI machine's load can triple that.
  }, 180_000)
})
