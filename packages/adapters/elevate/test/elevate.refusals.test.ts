/**
 * Elevate refusals as its clients read them (issue 17.9): a refusal raised by the ledger names the
 * Elevate request field (`paymentProviderId`, not the ledger's `gatewayId`), and money in messages
 * is written in the currency's major units with its code, never in minor units.
 */
import type { DialectTestbed, TestRequest } from "@paybridge/adapter-kit/testing"
import { Parties } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { authorize, type ElevateSeed, issue, money, newTestbed, plain, seed } from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed
const send = (request: TestRequest) => testbed.request(authorize(request, elevate))
const post = (path: string, body: unknown) => send({ method: "POST", path, body })

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

describe("Elevate refusals", () => {
  it("names the Elevate field of a refusal the ledger raises", async () => {
    const gateway = await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: "off", name: "Switched off", enabled: false }))
    )
    const refused = await post("/payment-provider-payment-link", {
      paymentProviderId: gateway.id,
      amountInMajorCurrency: money("10.00"),
      description: "link",
      customerId: elevate.customerId
    })
    expect(refused.status).toBe(400)
    expect(plain(refused)).toMatchObject({
      errors: [{ field: "paymentProviderId", message: "gateway off is disabled" }]
    })
  })

  it("writes money in a refusal in major units with the currency code", async () => {
    const invoice = await issue(testbed, elevate.customerId, "60.00")
    const paid = await post("/invoice-payments", { invoiceId: invoice.id, type: "DIRECT_DEBIT" })
    expect(paid.status, paid.text).toBe(201)
    const tooMuch = await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("60.01") })
    expect(tooMuch.status).toBe(409)
    const message = (plain(tooMuch) as { message: string }).message
    expect(message).toContain("60.00 GBP")
    expect(message).not.toMatch(/minor units|6000\b/u)
  })
})
