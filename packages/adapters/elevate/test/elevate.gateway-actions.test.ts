/**
 * Elevate's gateway actions over HTTP with the test gateway, as an Elevate client sees them:
 * reprocessing a declined customer payment (`/payment-provider-reprocess`) and a declined invoice
 * payment (`/invoice-payment-reprocess`) as new charges through the provider, once per declined
 * payment and replayed for a retried `Idempotency-Key`; cancelling an invoice payment the provider
 * has not taken (`/invoice-payment-cancel`: withdrawn before it is sent, voided at the provider while
 * it holds it pending) and the refusal once it is paid; and reading a mandate by
 * method and reference (`/payment-provider-mandates`). Refusals come in Elevate's error shape and
 * change nothing. A store fault on `gatewayAttempts.update` holds a charge before it is sent (the
 * window between the commit and the gateway call), and a counting gateway shows what was charged.
 */
import type { DialectTestbed, TestRequest, TestResponse } from "@paybridge/adapter-kit/testing"
import { makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import {
  authenticatorLayerWith,
  Collections,
  type CustomerId,
  Documents,
  makeTestGateway,
  Parties,
  type PaymentGatewaysShape,
  type PaymentId,
  Payments,
  testGatewayTokens,
  testKdfCost
} from "@paybridge/core"
import { testLedgerLayerWith } from "@paybridge/db/testing"
import { Effect, Layer } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { elevateDialect } from "../src/index.ts"
import { authorize, type ElevateSeed, expectError, issue, money, plain, seed } from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed
let admin: ElevateSeed
/** While set, a charge booked is not sent (its attempt cannot be marked sent). */
let holdCharges = false
/** The attempt keys the gateway was asked to charge. */
let charged: Array<string> = []

const countingGateway = (): PaymentGatewaysShape => {
  const inner = makeTestGateway()
  return {
    ...inner,
    charge: (request) =>
      Effect.suspend(() => {
        charged.push(request.attemptKey)
        return inner.charge(request)
      })
  }
}

const send = (request: TestRequest) => testbed.request(authorize(request, elevate))
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send({ method: "POST", path, body, headers })
const get = (path: string) => send({ method: "GET", path })
const body = (response: TestResponse) => plain(response) as Record<string, unknown>
const balanceOf = async (customerId: CustomerId) =>
  (await testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(customerId)))).balance
const paymentOf = (id: number) =>
  testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id: id as PaymentId })))
const documentState = async (id: number) =>
  (await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(id as never)))).state
const provider = async (name: string, instantBankPayments = true) => {
  const response = await testbed.request(
    authorize(
      {
        method: "POST",
        path: "/payment-providers",
        body: { type: "GO_CARDLESS", name, status: "ACTIVE", instantBankPayments }
      },
      admin
    )
  )
  expect(response.status, response.text).toBe(201)
  return body(response).id as number
}
/** The customer's payments in the ledger, newest last. */
const ledgerPayments = async () =>
  (
    await testbed.runAsSystem(
      Payments.use((payments) => payments.listPayments({ customerId: elevate.customerId, limit: 100 }))
    )
  ).items

beforeEach(async () => {
  holdCharges = false
  charged = []
  testbed = await makeDialectTestbed({
    dialect: elevateDialect,
    layer: Layer.provideMerge(
      authenticatorLayerWith({ kdfCost: testKdfCost }),
      testLedgerLayerWith({
        faults: (operation) => holdCharges && operation === "gatewayAttempts.update",
        gateways: countingGateway()
      })
    )
  })
  elevate = await seed(testbed)
  admin = await seed(testbed, "admin")
})
afterEach(() => testbed.dispose())

describe("payment provider reprocess", () => {
  it("charges a declined customer payment again through its provider, once", async () => {
    const providerId = await provider("GC instant")
    const other = await provider("GC other")
    const invoice = await issue(testbed, elevate.customerId, "30.00", { issueDate: "2026-01-01" })
    const declinedCharge = await post("/instant-bank-payment-for-mandate", {
      customerId: elevate.customerId,
      paymentProviderId: providerId,
      mandateReference: testGatewayTokens.decline,
      amountInMajorCurrency: money("30.00"),
      reference: "IBP-7"
    })
    expectError(declinedCharge, 400, "card declined")
    const declined = (await ledgerPayments()).find((payment) => payment.state === "rejected")
    expect(declined).toBeDefined()
    const declinedId = Number(declined?.id)
    const before = await balanceOf(elevate.customerId)
    const reprocess = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      post(
        "/payment-provider-reprocess",
        {
          paymentProviderId: providerId,
          customerPaymentId: declinedId,
          mandateReference: testGatewayTokens.approve,
          ...extra
        },
        headers
      )

    // Refusals first: each in Elevate's shape, nothing booked or charged.
    const paymentsBefore = await testbed.countPayments()
    const chargesBefore = charged.length
    expectError(await reprocess({ paymentProviderId: other }), 400, `not taken through payment provider ${other}`)
    expectError(await reprocess({ customerPaymentId: 999_999 }), 404)
    expectError(await reprocess({ mandateReference: "" }), 400)
    expect(await testbed.countPayments()).toBe(paymentsBefore)
    expect(charged.length).toBe(chargesBefore)

    const first = await reprocess({}, { "idempotency-key": "reprocess-1" })
    expect(first.status, first.text).toBe(201)
    expect(body(first)).toMatchObject({
      customerId: elevate.customerId,
      type: "DIRECT_DEBIT",
      invoiceId: invoice.id,
      reference: "IBP-7"
    })
    expect(body(first).id).not.toBe(declinedId)
    expect(await balanceOf(elevate.customerId)).toBe(before + 3000n)
    expect(await documentState(invoice.id)).toBe("paid")
    // A new charge with its own attempt key; the declined charge is never re-sent.
    expect(charged.length).toBe(chargesBefore + 1)
    expect(new Set(charged).size).toBe(charged.length)

    // The same key replays the answer; another request for the same declined payment is refused.
    const replay = await reprocess({}, { "idempotency-key": "reprocess-1" })
    expect(replay.status).toBe(201)
    expect(body(replay).id).toBe(body(first).id)
    expectError(await reprocess(), 400, `already reprocessed as payment ${String(body(first).id)}`)
    expectError(await reprocess({ customerPaymentId: body(first).id }), 400, "only a declined customer payment")
    expect(charged.length).toBe(chargesBefore + 1)
    expect(await balanceOf(elevate.customerId)).toBe(before + 3000n)
  })

  it("answers the provider's decline when the new charge is declined too, and that payment is the next to reprocess", async () => {
    const providerId = await provider("GC instant")
    await post("/instant-bank-payment-for-mandate", {
      customerId: elevate.customerId,
      paymentProviderId: providerId,
      mandateReference: testGatewayTokens.decline,
      amountInMajorCurrency: money("12.00")
    })
    const declinedId = Number((await ledgerPayments()).find((payment) => payment.state === "rejected")?.id)
    const before = await balanceOf(elevate.customerId)
    const again = await post("/payment-provider-reprocess", {
      paymentProviderId: providerId,
      customerPaymentId: declinedId,
      mandateReference: testGatewayTokens.insufficientFunds
    })
    expectError(again, 400, "insufficient funds")
    const second = (await ledgerPayments()).find((payment) => payment.state === "rejected" && payment.id !== declinedId)
    expect(Number(second?.id)).not.toBe(declinedId)
    const paid = await post("/payment-provider-reprocess", {
      paymentProviderId: providerId,
      customerPaymentId: Number(second?.id),
      mandateReference: testGatewayTokens.approve
    })
    expect(paid.status, paid.text).toBe(201)
    expect(await balanceOf(elevate.customerId)).toBe(before + 1200n)
  })
})

describe("invoice payment reprocess", () => {
  it("collects a declined invoice payment again through its provider, once", async () => {
    const providerId = await provider("GC collections", false)
    const invoice = await issue(testbed, elevate.customerId, "20.51", { issueDate: "2026-02-01" })
    const create = (mandateReference: string) =>
      post("/invoice-payments", {
        invoiceId: invoice.id,
        type: "DIRECT_DEBIT",
        paymentProviderId: providerId,
        mandateReference,
        reference: "INV-RP"
      })
    // The test gateway declines amounts ending in .51 (unless the token says otherwise).
    const created = await create("MD-55")
    expect(created.status, created.text).toBe(201)
    expect(body(created)).toMatchObject({ status: "UNPAID", errorInfo: "card declined" })
    const declinedId = body(created).id as number

    // Without a mandate reference the recorded one is used: declined again, a new UNPAID payment.
    const again = await post("/invoice-payment-reprocess", { invoicePaymentId: declinedId })
    expect(again.status, again.text).toBe(201)
    expect(body(again)).toMatchObject({ status: "UNPAID", errorInfo: "card declined", invoiceId: invoice.id })
    expect(body(again).id).not.toBe(declinedId)
    expectError(await post("/invoice-payment-reprocess", { invoicePaymentId: declinedId }), 400, "already reprocessed")

    const paid = await post("/invoice-payment-reprocess", {
      invoicePaymentId: body(again).id,
      mandateReference: testGatewayTokens.approve
    })
    expect(paid.status, paid.text).toBe(201)
    expect(body(paid)).toMatchObject({
      status: "PAID",
      invoiceId: invoice.id,
      amountInMajorCurrency: 20.51,
      paymentProviderId: providerId,
      type: "DIRECT_DEBIT",
      reference: "INV-RP",
      billRunType: "NORMAL"
    })
    expect(await documentState(invoice.id)).toBe("paid")
    const listed = await send({
      method: "GET",
      path: "/invoice-payments",
      query: { generatedInvoiceId: String(invoice.id), page: "1", pageSize: "10" }
    })
    expect((plain(listed) as Array<{ status: string }>).map((row) => row.status).sort()).toEqual([
      "PAID",
      "UNPAID",
      "UNPAID"
    ])

    // Refusals: a paid one, the wrong bill run type, an unknown id — nothing charged.
    const chargesBefore = charged.length
    expectError(await post("/invoice-payment-reprocess", { invoicePaymentId: body(paid).id }), 400, "only a declined")
    expectError(
      await post("/invoice-payment-reprocess", { invoicePaymentId: body(again).id, billRunType: "ADHOC" }),
      404
    )
    expectError(await post("/invoice-payment-reprocess", { invoicePaymentId: 999_999 }), 404)
    expectError(await post("/invoice-payment-reprocess", {}), 400)
    expect(charged.length).toBe(chargesBefore)
  })

  it("asks for the card again when the declined payment was made with a card number (recorded masked)", async () => {
    const providerId = await provider("GC cards", false)
    const invoice = await issue(testbed, elevate.customerId, "8.00", { issueDate: "2026-02-02" })
    const created = await post("/invoice-payments", {
      invoiceId: invoice.id,
      type: "CREDIT_CARD",
      paymentProviderId: providerId,
      mandateReference: testGatewayTokens.decline
    })
    expect(body(created)).toMatchObject({ status: "UNPAID", errorInfo: "card declined" })
    const chargesBefore = charged.length
    expectError(
      await post("/invoice-payment-reprocess", { invoicePaymentId: body(created).id }),
      400,
      "masked card number"
    )
    expect(charged.length).toBe(chargesBefore)
    const paid = await post("/invoice-payment-reprocess", {
      invoicePaymentId: body(created).id,
      mandateReference: testGatewayTokens.approve
    })
    expect(body(paid)).toMatchObject({ status: "PAID", type: "CREDIT_CARD", amountInMajorCurrency: 8 })
  })
})

describe("invoice payment cancel", () => {
  it("cancels a payment the provider has not taken, voiding it there while pending, and refuses one no longer pending", async () => {
    const providerId = await provider("GC collections", false)
    const invoice = await issue(testbed, elevate.customerId, "15.00", { issueDate: "2026-03-01" })
    const pay = (mandateReference: string | null) =>
      post("/invoice-payments", {
        invoiceId: invoice.id,
        type: "DIRECT_DEBIT",
        ...(mandateReference === null ? {} : { paymentProviderId: providerId, mandateReference })
      })

    // Booked and committed, but not yet sent: cancelling withdraws the charge for good.
    holdCharges = true
    const held = await pay(testGatewayTokens.approve)
    holdCharges = false
    expect(held.status, held.text).toBe(201)
    expect(body(held).status).toBe("PENDING")
    expect(charged).toEqual([])
    const cancelled = await post("/invoice-payment-cancel", { invoicePaymentId: body(held).id })
    expect(cancelled.status, cancelled.text).toBe(200)
    expect(body(cancelled)).toMatchObject({ id: body(held).id, status: "UNPAID" })
    expect((await paymentOf(body(held).id as number)).payment.state).toBe("cancelled")
    expect(await documentState(invoice.id)).toBe("issued")
    // The reconciler finds nothing to send: the gateway never sees the cancelled charge.
    await testbed.runAsSystem(
      Collections.use((collections) => collections.reconcileGatewayAttempts({ minimumAgeMs: 0 }))
    )
    expect(charged).toEqual([])
    expect((await paymentOf(body(held).id as number)).payment.state).toBe("cancelled")
    expectError(await post("/invoice-payment-cancel", { invoicePaymentId: body(held).id }), 400, "only a pending")

    // At the gateway, which holds it pending: the provider cancels (voids) it first, then the payment.
    const atGateway = await pay(testGatewayTokens.pending)
    expect(body(atGateway).status).toBe("PENDING")
    expect(charged.length).toBe(1)
    const voided = await post("/invoice-payment-cancel", { invoicePaymentId: body(atGateway).id })
    expect(voided.status, voided.text).toBe(200)
    expect(body(voided)).toMatchObject({ id: body(atGateway).id, status: "UNPAID" })
    expect((await paymentOf(body(atGateway).id as number)).payment.state).toBe("cancelled")

    const manual = await pay(null)
    expectError(await post("/invoice-payment-cancel", { invoicePaymentId: body(manual).id }), 400, "manual payment")
    expectError(await post("/invoice-payment-cancel", { invoicePaymentId: 999_999 }), 404)
  })
})

describe("payment provider mandates", () => {
  it("reads a mandate by method and reference with the providers that charged it", async () => {
    const providerId = await provider("GC instant")
    const mandate = await post("/site-payment-mandates", {
      siteId: elevate.customerId,
      returnURL: "https://example.test/return",
      mandateReference: "MD-77",
      thirdPartyCustomerReference: "CUS-9"
    })
    expect(mandate.status, mandate.text).toBe(201)
    const read = () => get("/payment-provider-mandates/DIRECT_DEBIT/MD-77")
    expect(body(await read())).toMatchObject({ paymentProviderIds: [] })
    const charge = await post("/instant-bank-payment-for-mandate", {
      customerId: elevate.customerId,
      paymentProviderId: providerId,
      mandateReference: "MD-77",
      amountInMajorCurrency: money("5.00")
    })
    expect(charge.status, charge.text).toBe(201)
    const found = await read()
    expect(found.status, found.text).toBe(200)
    expect(body(found)).toEqual({
      id: body(mandate).id,
      paymentMethod: "DIRECT_DEBIT",
      mandateReference: "MD-77",
      siteId: elevate.customerId,
      thirdPartyCustomerReference: "CUS-9",
      paymentProviderIds: [providerId]
    })
    expectError(await get("/payment-provider-mandates/CHEQUE/MD-77"), 404)
    expectError(await get("/payment-provider-mandates/DIRECT_DEBIT/MD-78"), 404)
    expectError(await get("/payment-provider-mandates/BOGUS/MD-77"), 400)
  })
})
