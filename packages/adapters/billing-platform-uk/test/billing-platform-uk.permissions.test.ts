/**
 * Billing Platform (UK): a key's permission is checked before the record's state (issue 17.8). A
 * read-only key deleting a posted payment, a draft or a refund row gets 403 (`forbidden`), never
 * the 409 (`not_allowed`) a finance key gets for posted money, and nothing changes.
 */
import { type DialectTestbed, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import { Payments } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { billingPlatformUkDialect } from "../src/index.ts"
import { amount, authorize, type BpukSeed, paymentOf, seedBpuk } from "./billing-platform-uk.seed.ts"

let testbed: DialectTestbed
let seed: BpukSeed

beforeEach(async () => {
  testbed = await makeDialectTestbed({ dialect: billingPlatformUkDialect })
  seed = await seedBpuk(testbed)
})
afterEach(() => testbed.dispose())

describe("Billing Platform (UK) permissions before state", () => {
  it("answers 403 to a read-only key deleting a posted payment, a draft or a refund row, and changes nothing", async () => {
    const posted = paymentOf(
      await testbed.request(
        authorize(
          { method: "POST", path: `/customers/${seed.customerId}/payments/`, body: { paymentAmount: amount("10.00") } },
          seed
        )
      )
    ).id
    const refund = paymentOf(
      await testbed.request(
        authorize(
          { method: "POST", path: `/customers/${seed.customerId}/payments/`, body: { paymentAmount: amount("-2.00") } },
          seed
        )
      )
    ).id
    const draft = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({ customerId: seed.customerId, amount: "12.00", initialState: "draft" })
      )
    )
    const readOnly = await testbed.createApiKey({ role: "read-only" })
    for (const id of [posted, String(draft.payment.id), refund]) {
      const response = await testbed.request(authorize({ method: "DELETE", path: `/payments/${id}` }, readOnly))
      expect(response.status, id).toBe(403)
      expect(response.json, id).toMatchObject({ error: { code: "forbidden" } })
    }
    const stillDraft = await testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: draft.payment.id }))
    )
    expect(stillDraft.payment.state).toBe("draft")
    const finance = await testbed.request(authorize({ method: "DELETE", path: `/payments/${posted}` }, seed))
    expect(finance.status).toBe(409)
    expect(finance.json).toMatchObject({ error: { code: "not_allowed" } })
  })
})
