/**
 * Customers migrated from Billing Platform (UK) named by their vendor ids in `customers/ID/payments/`
 * (issue 16.2), when the list and a payment's create take the path id as the ledger's first: a
 * ledger customer migrated under another vendor id is never the one a path names by its ledger id,
 * so the list and the create fall back to the customer migrated under that vendor id — its rows are
 * listed and its payments made, never the other customer's.
 */
import { type DialectTestbed, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import { type CustomerId, DialectRecords, Parties, PaymentId, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { billingPlatformUkDialect } from "../src/index.ts"
import { amount, authorize, type BpukSeed, idsOf, paymentOf, seedBpuk } from "./billing-platform-uk.seed.ts"

let testbed: DialectTestbed
let seed: BpukSeed
beforeEach(async () => {
  testbed = await makeDialectTestbed({ dialect: billingPlatformUkDialect })
  seed = await seedBpuk(testbed)
})
afterEach(() => testbed.dispose())

const dialect = "billing-platform-uk"

describe("Billing Platform (UK) customers named by their vendor ids", () => {
  it("lists and creates for the customer a vendor id names, not the ledger customer of that number", async () => {
    // `other` was migrated under vendor id 88888; `named` under the vendor id equal to other's ledger id.
    const { named, other } = await testbed.runAsSystem(
      Effect.gen(function* () {
        const parties = yield* Parties
        const records = yield* DialectRecords
        const other = yield* parties.createCustomer({
          name: "Known as 88888",
          currency: "GBP",
          externalRef: { system: dialect, id: "88888" }
        })
        const named = yield* parties.createCustomer({
          name: "Known by other's number",
          currency: "GBP",
          externalRef: { system: dialect, id: String(other.id) }
        })
        for (const [vendorId, ledgerId] of [
          [String(other.id), named.id],
          ["88888", other.id]
        ] as const) {
          yield* records.saveDialectRecord({
            dialect,
            kind: "migrated",
            key: `customer/${vendorId}`,
            data: { ledgerId }
          })
        }
        const payments = yield* Payments
        yield* payments.createPayment({ customerId: other.id, amount: "1.00", reference: "other's" })
        yield* payments.createPayment({ customerId: named.id, amount: "2.00", reference: "named's" })
        return { named, other }
      })
    )
    const send = (method: "GET" | "POST", path: string, body?: Record<string, unknown>) =>
      testbed.request(authorize({ method, path, ...(body === undefined ? {} : { body }) }, seed))
    const customerOf = async (id: string) =>
      (await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id: PaymentId.make(Number(id)) }))))
        .payment.customerId as CustomerId

    // The path names `named` (by its vendor id = other's ledger id).
    const listed = await send("GET", `/customers/${other.id}/payments/`)
    expect(listed.status, listed.text).toBe(200)
    expect((listed.json as Array<{ ourReference: string }>).map((row) => row.ourReference)).toEqual(["named's"])
    const made = await send("POST", `/customers/${other.id}/payments/`, { paymentAmount: amount("3.00") })
    expect(made.status, made.text).toBe(201)
    expect(await customerOf(paymentOf(made).id)).toBe(named.id)
    const after = await send("GET", `/customers/${other.id}/payments/?idAfter=${paymentOf(made).id}`)
    expect(idsOf(after)).toEqual([])

    // 88888 is no ledger customer id: the vendor id names `other`.
    const theirs = await send("GET", "/customers/88888/payments/")
    expect((theirs.json as Array<{ ourReference: string }>).map((row) => row.ourReference)).toEqual(["other's"])
    const madeForOther = await send("POST", "/customers/88888/payments/", { paymentAmount: amount("4.00") })
    expect(madeForOther.status, madeForOther.text).toBe(201)
    expect(await customerOf(paymentOf(madeForOther).id)).toBe(other.id)

    // A native customer is named by its ledger id; an unknown id is a 404.
    const native = await send("POST", `/customers/${seed.customerId}/payments/`, { paymentAmount: amount("5.00") })
    expect(await customerOf(paymentOf(native).id)).toBe(seed.customerId)
    expect((await send("GET", "/customers/77777/payments/")).status).toBe(404)
    expect((await send("POST", "/customers/77777/payments/", { paymentAmount: amount("5.00") })).status).toBe(404)
  })
})
