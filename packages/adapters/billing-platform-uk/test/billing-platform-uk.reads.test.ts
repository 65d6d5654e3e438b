/**
 * How much the Billing Platform (UK) lists read. The vendor's lists have no paging, so a list
 * returns every matching row; what must stay bounded is the work per row: rows are built from the
 * ledger's list pages, each read with what its rows show (a collected payment's status shows its
 * latest collection, the display record, the status names) and the refunds with their details
 * records, so no payment costs a read of its own. The rows stay exactly what each payment's own
 * GET returns.
 */
import {
  countLedgerCalls,
  type DialectTestbed,
  inMemoryTestbedLayer,
  makeDialectTestbed
} from "@paybridge/adapter-kit/testing"
import { Collections, type PaymentId, Payments } from "@paybridge/core"
import { Effect, Layer } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { billingPlatformUkDialect, saveStatusPresets } from "../src/index.ts"
import { amount, authorize, type BpukSeed, listOf, paymentOf, seedBpuk } from "./billing-platform-uk.seed.ts"

/** Ledger calls by operation name, counted on the real ledger services (nothing is faked). */
const calls = new Map<string, number>()
const countingLedger = countLedgerCalls(calls)

let testbed: DialectTestbed
let seed: BpukSeed
beforeEach(async () => {
  testbed = await makeDialectTestbed({
    dialect: billingPlatformUkDialect,
    layer: Layer.provideMerge(countingLedger, inMemoryTestbedLayer())
  })
  seed = await seedBpuk(testbed)
})
afterEach(() => testbed.dispose())

const get = async (path: string) => {
  const response = await testbed.request(authorize({ method: "GET", path }, seed))
  expect(response.status, response.text).toBe(200)
  return response
}

describe("Billing Platform (UK) list reads", () => {
  it("reads no payment's detail on its own, collected ones included, and lists the same rows as each GET", async () => {
    const payments = await testbed.runAsSystem(
      Effect.forEach(
        Array.from({ length: 40 }, (_, index) => index),
        (index) =>
          Payments.use((payments) =>
            payments.createPayment({
              customerId: seed.customerId,
              amount: `${index + 1}.50`,
              initialState: index < 3 ? "draft" : "posted"
            })
          )
      )
    )
    const [pending, collected, failed] = payments.map((detail) => detail.payment.id)
    await testbed.runAsSystem(
      Effect.gen(function* () {
        const collections = yield* Collections
        for (const paymentId of [pending, collected, failed] as ReadonlyArray<PaymentId>) {
          yield* collections.requestCollection({ paymentId, method: "direct-debit" })
        }
        yield* collections.markCollected({ paymentId: collected as PaymentId })
        yield* collections.failCollection({ paymentId: failed as PaymentId, reason: "refer to payer" })
      })
    )

    for (const path of ["/payments/", `/customers/${seed.customerId}/payments/`]) {
      calls.clear()
      const rows = listOf(await get(path))
      expect(rows).toHaveLength(40)
      // The page comes with what its rows show (newest collection, display record, status names):
      // no detail read per row or per collected payment (40, then 3 before), no record read apart.
      expect(calls.get("getPayment")).toBeUndefined()
      expect(calls.get("listPayments")).toBe(1)
      expect(calls.get("paymentDetails")).toBeUndefined()
      expect(calls.get("getDialectRecord")).toBeUndefined()
      expect(calls.get("listDialectRecords")).toBeUndefined()
      expect(calls.get("listRefunds")).toBe(1)
      expect(rows.filter((row) => row.status.length > 0).map((row) => [row.id, row.status])).toEqual([
        [String(pending), ["Collection Pending"]],
        [String(collected), ["Collected"]],
        [String(failed), ["Draft", "Collection Failed"]]
      ])
      for (const row of rows) expect(row).toEqual(paymentOf(await get(`/payments/${row.id}`)))
    }
  })
  it("shows saved status names, display ids, partial reversals and refund details in a list as each GET does", async () => {
    await testbed.runAsSystem(saveStatusPresets({ collectionPending: "Awaiting DD", reversed: "Bounced" }))
    const post = async (body: Record<string, unknown>) => {
      const response = await testbed.request(
        authorize({ method: "POST", path: `/customers/${seed.customerId}/payments/`, body }, seed)
      )
      expect(response.status, response.text).toBe(201)
      return paymentOf(response).id
    }
    const shown = await post({ paymentAmount: amount("80.00"), invoiceID: "INV-9", invoiceIDReversed: "INV-10" })
    await post({ paymentAmount: amount("-15.00"), ourReference: "RF-1", paymentDate: "2024-02-03", invoiceID: "CN-1" })
    const pending = await testbed.runAsSystem(
      Effect.gen(function* () {
        const payments = yield* Payments
        yield* payments.reversePayment({ paymentId: Number(shown) as PaymentId, amount: "30.00" })
        const draft = yield* payments.createPayment({
          customerId: seed.customerId,
          amount: "20.00",
          initialState: "draft"
        })
        yield* Collections.use((collections) =>
          collections.requestCollection({ paymentId: draft.payment.id, method: "direct-debit" })
        )
        return String(draft.payment.id)
      })
    )
    for (const path of ["/payments/?includeReversed", `/customers/${seed.customerId}/payments/?includeReversed`]) {
      calls.clear()
      const rows = listOf(await get(path))
      expect(calls.get("listPayments")).toBe(1)
      expect(calls.get("listRefunds")).toBe(1)
      expect(calls.get("getDialectRecord")).toBeUndefined()
      expect(rows.map((row) => [row.id, row.status, row.invoiceID])).toEqual([
        [shown, [], "INV-9"],
        [`${shown}-R`, ["Bounced"], "INV-9"],
        [expect.stringMatching(/^R\d+$/), [], "CN-1"],
        [pending, ["Awaiting DD"], null]
      ])
      for (const row of rows) expect(row).toEqual(paymentOf(await get(`/payments/${row.id}`)))
    }
  })
  it("checks a customer whose list read none of its rows (404 unknown), and no other", async () => {
    const made = await testbed.request(
      authorize(
        { method: "POST", path: `/customers/${seed.customerId}/payments/`, body: { paymentAmount: amount("5.00") } },
        seed
      )
    )
    const last = paymentOf(made).id
    const expectations: ReadonlyArray<readonly [string, number, number | undefined]> = [
      // Its payment was read: the customer exists.
      [`/customers/${seed.customerId}/payments/`, 1, undefined],
      // Nothing new after its last row, but that row (idAfter) is the customer's.
      [`/customers/${seed.customerId}/payments/?idAfter=${last}`, 0, undefined],
      // No row of the other customer was read: it is checked.
      [`/customers/${seed.otherCustomerId}/payments/`, 0, 1],
      [`/customers/${seed.otherCustomerId}/payments/?idAfter=${last}`, 0, 1]
    ]
    for (const [path, rows, customerReads] of expectations) {
      calls.clear()
      expect(listOf(await get(path)), path).toHaveLength(rows)
      expect(calls.get("getCustomer"), path).toBe(customerReads)
    }
    const unknown = await testbed.request(authorize({ method: "GET", path: "/customers/99999/payments/" }, seed))
    expect(unknown.status).toBe(404)
    expect(unknown.json).toMatchObject({ error: { code: "not_found" } })
  })
})
