/**
 * The collection sub-lifecycle (requested → collected / cancelled / failed, with timestamps) and
 * payments charged through a gateway: approval posts, a decline is stored as a rejected payment
 * (data, not an error), and a pending charge leaves the payment pending with a card collection.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Balances,
  Collections,
  type CustomerId,
  GatewayId,
  InvalidTransition,
  NotFound,
  Parties,
  Payments,
  testGatewayTokens,
  ValidationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import {
  asAdmin,
  balanceChain,
  balanceOf,
  issueInvoice,
  newCustomer,
  newPayment,
  withLedger
} from "./ledger-fixtures.ts"

const draftFor = (customerId: CustomerId, amount: string) => newPayment(customerId, amount, { initialState: "draft" })

describe("collections", () => {
  it.effect("request → collected posts the payment and keeps both timestamps on the collection", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const customer = yield* newCustomer()
        const draft = yield* draftFor(customer.id, "80.00")
        const requested = yield* asAdmin(
          collections.requestCollection({
            paymentId: draft.payment.id,
            method: "direct-debit",
            gatewayReference: "DD-1"
          })
        )
        assert.strictEqual(requested.payment.state, "pending")
        assert.strictEqual(requested.collections.length, 1)
        assert.strictEqual(requested.collections[0]?.state, "requested")
        assert.strictEqual(requested.collections[0]?.requestedAt.toISOString(), "2026-03-14T09:30:00.000Z")
        assert.strictEqual(yield* balanceOf(customer.id), 0n)

        yield* TestClock.adjust("3 days")
        const collected = yield* asAdmin(collections.markCollected({ paymentId: draft.payment.id }))
        assert.strictEqual(collected.payment.state, "posted")
        assert.strictEqual(collected.payment.number, "1")
        assert.strictEqual(collected.payment.postedOn, "2026-03-17")
        assert.strictEqual(collected.payment.gatewayReference, "DD-1")
        const collection = collected.collections[0]
        assert.strictEqual(collection?.state, "collected")
        assert.strictEqual(collection?.collectedAt?.toISOString(), "2026-03-17T09:30:00.000Z")
        assert.strictEqual(collection?.requestedAt.toISOString(), "2026-03-14T09:30:00.000Z")
        assert.strictEqual(yield* balanceOf(customer.id), 8000n)
        assert.deepStrictEqual(
          (yield* balanceChain(customer.id)).map((entry) => [entry.kind, entry.delta]),
          [["payment-posted", 8000n]]
        )
      })
    )
  )

  it.effect(
    "collected on a stated day (a bank statement's): the payment is posted on that day, the collection at that instant",
    () =>
      withLedger(
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const draft = yield* draftFor(customer.id, "12.00")
          yield* asAdmin(collections.requestCollection({ paymentId: draft.payment.id, method: "direct-debit" }))
          const onDay = yield* asAdmin(
            collections.markCollected({
              paymentId: draft.payment.id,
              collectedAt: new Date("2026-03-10T23:30:00.000Z")
            })
          )
          assert.strictEqual(onDay.payment.postedOn, "2026-03-10")
          assert.strictEqual(onDay.payment.postedAt?.toISOString(), "2026-03-10T23:30:00.000Z")
          assert.strictEqual(onDay.collections[0]?.collectedAt?.toISOString(), "2026-03-10T23:30:00.000Z")

          const other = yield* draftFor(customer.id, "3.00")
          yield* asAdmin(collections.requestCollection({ paymentId: other.payment.id, method: "direct-debit" }))
          const booked = yield* asAdmin(
            collections.markCollected({ paymentId: other.payment.id, collectedOn: "2026-03-01" })
          )
          assert.strictEqual(booked.payment.postedOn, "2026-03-01")
          assert.strictEqual(yield* balanceOf(customer.id), 1500n)
        })
      )
  )

  it.effect("a cancelled collection returns the payment to draft; it can be requested again", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const customer = yield* newCustomer()
        const draft = yield* draftFor(customer.id, "80.00")
        yield* asAdmin(collections.requestCollection({ paymentId: draft.payment.id, method: "direct-debit" }))
        yield* TestClock.adjust("1 hour")
        const cancelled = yield* asAdmin(
          collections.cancelCollection({ paymentId: draft.payment.id, reason: "mandate revoked" })
        )
        assert.strictEqual(cancelled.payment.state, "draft")
        assert.strictEqual(cancelled.collections[0]?.state, "cancelled")
        assert.strictEqual(cancelled.collections[0]?.cancelledAt?.toISOString(), "2026-03-14T10:30:00.000Z")

        const again = yield* asAdmin(collections.requestCollection({ paymentId: draft.payment.id, method: "card" }))
        assert.deepStrictEqual(
          again.collections.map((collection) => [collection.method, collection.state]),
          [
            ["direct-debit", "cancelled"],
            ["card", "requested"]
          ]
        )
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
      })
    )
  )

  it.effect("a failed collection records its reason and returns the payment to draft", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const draft = yield* draftFor(customer.id, "80.00")
        yield* asAdmin(collections.requestCollection({ paymentId: draft.payment.id, method: "direct-debit" }))
        const failed = yield* asAdmin(
          collections.failCollection({ paymentId: draft.payment.id, reason: "insufficient funds" })
        )
        assert.strictEqual(failed.payment.state, "draft")
        assert.strictEqual(failed.collections[0]?.state, "failed")
        assert.strictEqual(failed.collections[0]?.failureReason, "insufficient funds")
        assert.isNotNull(failed.collections[0]?.failedAt)
        const events = yield* asAdmin(balances.listEvents({ paymentId: draft.payment.id }))
        assert.deepStrictEqual(
          events.items.map((event) => event.type),
          [
            "payment.created",
            "payment.submitted",
            "collection.requested",
            "collection.failed",
            "payment.collection-failed"
          ]
        )
      })
    )
  )

  it.effect("refuses collection steps that the lifecycle does not allow", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const customer = yield* newCustomer()
        const posted = yield* newPayment(customer.id, "5.00")
        const request = yield* Effect.flip(
          asAdmin(collections.requestCollection({ paymentId: posted.payment.id, method: "direct-debit" }))
        )
        assert.instanceOf(request, InvalidTransition)
        assert.deepStrictEqual([request.from, request.action], ["posted", "submit"])

        const draft = yield* draftFor(customer.id, "5.00")
        const collect = yield* Effect.flip(asAdmin(collections.markCollected({ paymentId: draft.payment.id })))
        assert.instanceOf(collect, InvalidTransition)
        const fail = yield* Effect.flip(asAdmin(collections.failCollection({ paymentId: draft.payment.id })))
        assert.instanceOf(fail, InvalidTransition)
      })
    )
  )

  it.effect("cancelling a pending payment cancels its open collection", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const draft = yield* draftFor(customer.id, "5.00")
        yield* asAdmin(collections.requestCollection({ paymentId: draft.payment.id, method: "direct-debit" }))
        const cancelled = yield* asAdmin(payments.cancelPayment({ paymentId: draft.payment.id }))
        assert.strictEqual(cancelled.state, "cancelled")
        const detail = yield* asAdmin(payments.getPayment({ id: draft.payment.id }))
        assert.strictEqual(detail.collections[0]?.state, "cancelled")
      })
    )
  )
})

describe("gateway payments", () => {
  const gatewaySetup = Effect.gen(function* () {
    const parties = yield* Parties
    const gateway = yield* asAdmin(parties.createGateway({ code: "stripe-test", name: "Test gateway" }))
    const card = yield* asAdmin(
      parties.createPreset({ kind: "method", code: "card", name: "Card", gatewayId: gateway.id })
    )
    const customer = yield* newCustomer()
    return { gateway, card, customer }
  })

  it.effect("an approved charge posts the payment with the gateway's reference", () =>
    withLedger(
      Effect.gen(function* () {
        const { card, customer } = yield* gatewaySetup
        const detail = yield* newPayment(customer.id, "25.00", {
          methodId: card.id,
          cardToken: testGatewayTokens.approve
        })
        assert.strictEqual(detail.payment.state, "posted")
        assert.strictEqual(detail.payment.gatewayId, card.gatewayId)
        assert.match(detail.payment.gatewayReference ?? "", /^TGW_/)
        assert.strictEqual(yield* balanceOf(customer.id), 2500n)
      })
    )
  )

  it.effect("a decline is stored as a rejected payment with the decline message, not raised", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const { gateway, customer } = yield* gatewaySetup
        const declined = yield* newPayment(customer.id, "25.00", {
          gatewayId: gateway.id,
          cardToken: testGatewayTokens.insufficientFunds
        })
        assert.strictEqual(declined.payment.state, "rejected")
        assert.strictEqual(declined.payment.rejectionReason, "insufficient funds")
        assert.isNotNull(declined.payment.gatewayReference)
        assert.strictEqual(declined.payment.number, null)
        // Without a token the test gateway decides by the amount's last two digits (…51 declines).
        const byAmount = yield* newPayment(customer.id, "10.51", { gatewayId: gateway.id })
        assert.strictEqual(byAmount.payment.rejectionReason, "card declined")
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
        const stored = yield* asAdmin(payments.listPayments({ states: ["rejected"] }))
        assert.strictEqual(stored.items.length, 2)
      })
    )
  )

  it.effect("a pending charge leaves the payment pending with a card collection that settles later", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const { card, customer } = yield* gatewaySetup
        const invoice = yield* issueInvoice(customer.id, "25.00")
        const pending = yield* newPayment(customer.id, "25.00", {
          methodId: card.id,
          cardToken: testGatewayTokens.pending,
          allocations: [{ documentId: invoice.id, amount: "25.00" }]
        })
        assert.strictEqual(pending.payment.state, "pending")
        assert.strictEqual(pending.collections[0]?.method, "card")
        assert.strictEqual(pending.collections[0]?.state, "requested")
        assert.strictEqual(pending.collections[0]?.gatewayReference, pending.payment.gatewayReference)
        assert.strictEqual(pending.allocations.length, 1)
        assert.strictEqual(yield* balanceOf(customer.id), -2500n)

        const settled = yield* asAdmin(collections.markCollected({ paymentId: pending.payment.id }))
        assert.strictEqual(settled.payment.state, "posted")
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
      })
    )
  )

  it.effect("a gateway-linked method needs a card token; a disabled gateway or a draft charge is refused", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const payments = yield* Payments
        const { gateway, card, customer } = yield* gatewaySetup
        const noToken = yield* Effect.flip(newPayment(customer.id, "25.00", { methodId: card.id }))
        assert.instanceOf(noToken, ValidationFailed)
        assert.deepStrictEqual(noToken.issues[0]?.path, ["cardToken"])

        const draft = yield* Effect.flip(
          newPayment(customer.id, "25.00", { gatewayId: gateway.id, initialState: "draft" })
        )
        assert.instanceOf(draft, ValidationFailed)
        assert.deepStrictEqual(draft.issues[0]?.path, ["initialState"])

        const off = yield* asAdmin(parties.createGateway({ code: "off", name: "Disabled", enabled: false }))
        const disabled = yield* Effect.flip(newPayment(customer.id, "25.00", { gatewayId: off.id }))
        assert.instanceOf(disabled, ValidationFailed)
        assert.deepStrictEqual(disabled.issues[0]?.path, ["gatewayId"])

        const unknown = yield* Effect.flip(newPayment(customer.id, "25.00", { gatewayId: GatewayId.make(777) }))
        assert.instanceOf(unknown, NotFound)
        assert.strictEqual((yield* asAdmin(payments.listPayments({}))).items.length, 0)
      })
    )
  )
})
