/**
 * `Ledger.refundCustomerCredit`: money paid back to a customer without the caller naming what it
 * pays back. The ledger draws it from the unallocated credit of the customer's posted payments,
 * oldest first (then balance credit no payment holds: see money-rule.test.ts), or from the payment
 * the caller names; books it like any refund (balance debited, payment's refunded amount raised,
 * events logged), settles it at once when asked, refuses more than the customer's balance without
 * booking anything, and is authorised,
 * scoped and idempotent like the other refund commands. Fixtures are local to this file.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Balances,
  CommandContext,
  type CommandContextShape,
  Conflict,
  type CreatePaymentInput,
  type CustomerId,
  Forbidden,
  InvalidTransition,
  type LedgerServices,
  type LedgerStore,
  Parties,
  type PaymentGateways,
  PaymentId,
  Payments,
  type Principal,
  type RefundId,
  Refunds,
  UserId,
  ValidationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { testLedgerLayer } from "../../src/testing/index.ts"

const admin: Principal = { id: UserId.make(10), kind: "user", name: "Ada Admin", role: "admin", customerScope: null }
const finance: Principal = { id: UserId.make(11), kind: "user", name: "Fin Ance", role: "finance", customerScope: null }
const auditor: Principal = {
  id: UserId.make(12),
  kind: "api-key",
  name: "Audit key",
  role: "read-only",
  customerScope: null
}

const as =
  (principal: Principal, extra: Partial<Omit<CommandContextShape, "principal">> = {}) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.provide(
      effect,
      CommandContext.layer({
        principal,
        origin: extra.origin ?? "trpc",
        requestId: extra.requestId ?? null,
        idempotencyKey: extra.idempotencyKey ?? null
      })
    )
const asAdmin = as(admin)

const withLedger = <A, E>(effect: Effect.Effect<A, E, LedgerServices | LedgerStore | PaymentGateways>) =>
  Effect.provide(Effect.andThen(TestClock.setTime(Date.parse("2026-03-14T09:30:00.000Z")), effect), testLedgerLayer)

const newCustomer = (name = "Acme Ltd") =>
  Effect.flatMap(Parties, (parties) => asAdmin(parties.createCustomer({ name, currency: "GBP" })))

/** A payment's id (posted unless `extra` says otherwise). */
const newPayment = (customerId: CustomerId, amount: string, extra: Partial<CreatePaymentInput> = {}) =>
  Effect.flatMap(Payments, (payments) =>
    Effect.map(asAdmin(payments.createPayment({ customerId, amount, ...extra })), (detail) => detail.payment.id)
  )

const balanceOf = (customerId: CustomerId) =>
  Effect.flatMap(Parties, (parties) => Effect.map(asAdmin(parties.getCustomer(customerId)), (c) => c.balance))

const refundsOf = (customerId: CustomerId) =>
  Effect.flatMap(Refunds, (refunds) =>
    Effect.map(asAdmin(refunds.listRefunds({ customerId, limit: 1000 })), (page) => page.items)
  )

describe("refunds of customer credit", () => {
  it.effect("draw from the oldest posted payment's credit first, across payments, never touching allocations", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const oldest = yield* newPayment(customer.id, "80.00")
        const partlyReversed = yield* newPayment(customer.id, "100.00")
        yield* asAdmin(payments.reversePayment({ paymentId: partlyReversed, amount: "70.00" }))
        const small = yield* newPayment(customer.id, "20.00")
        yield* newPayment(customer.id, "500.00", { initialState: "draft" })
        assert.strictEqual(yield* balanceOf(customer.id), 13000n)

        // The draft is not posted; 50.00 comes from the oldest payment's credit alone.
        const booked = yield* asAdmin(
          refunds.refundCustomerCredit({ customerId: customer.id, amount: "50.00", reason: "overpaid" })
        )
        assert.strictEqual(booked.refunds.length, 1)
        const [refund] = booked.refunds
        assert.deepStrictEqual(
          [refund?.paymentId, refund?.amount, refund?.state, refund?.currency, refund?.reason],
          [oldest, 5000n, "requested", "GBP", "overpaid"]
        )
        assert.strictEqual(yield* balanceOf(customer.id), 8000n)
        assert.strictEqual((yield* asAdmin(payments.getPayment({ id: oldest }))).payment.refundedAmount, 5000n)

        // 40.00 spans three payments: 30.00 left of the oldest, the 30.00 the reversal left, then the newest.
        const spread = yield* asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount: 40 }))
        assert.deepStrictEqual(
          spread.refunds.map((row) => [row.paymentId, row.amount]),
          [
            [oldest, 3000n],
            [partlyReversed, 1000n]
          ]
        )
        const rest = yield* asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount: "25.00" }))
        assert.deepStrictEqual(
          rest.refunds.map((row) => [row.paymentId, row.amount]),
          [
            [partlyReversed, 2000n],
            [small, 500n]
          ]
        )
        // 15.00 of credit is left; 15.01 is more than the customer has.
        assert.strictEqual(yield* balanceOf(customer.id), 1500n)
        const none = yield* Effect.flip(
          asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount: "15.01" }))
        )
        assert.instanceOf(none, Conflict)
        assert.strictEqual(none.reason, "insufficient-amount")
        assert.include(none.message, `customer ${customer.id} has 15.00 GBP of credit, less than the 15.01 GBP asked`)
        assert.strictEqual((yield* refundsOf(customer.id)).length, 5)
        assert.strictEqual(yield* balanceOf(customer.id), 1500n)
      })
    )
  )

  it.effect("settle at once when asked, logging the request and the settlement", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const payment = yield* newPayment(customer.id, "60.00")
        const booked = yield* asAdmin(
          refunds.refundCustomerCredit({ customerId: customer.id, amount: "60.00", settle: true })
        )
        const refund = booked.refunds[0]
        assert.strictEqual(refund?.state, "settled")
        assert.strictEqual(refund?.settledAt?.toISOString(), "2026-03-14T09:30:00.000Z")
        assert.deepStrictEqual(yield* refundsOf(customer.id), booked.refunds)
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
        const events = yield* asAdmin(
          balances.listEvents({ paymentId: payment, types: ["refund.requested", "refund.settled"] })
        )
        assert.deepStrictEqual(
          events.items.map((event) => event.type),
          ["refund.requested", "refund.settled"]
        )
        // A settled refund stays booked: it cannot be cancelled any more.
        const late = yield* Effect.flip(
          asAdmin(refunds.transitionRefund({ refundId: refund?.id ?? (0 as RefundId), action: "cancel" }))
        )
        assert.instanceOf(late, InvalidTransition)
      })
    )
  )

  it.effect("draw from the payment the caller names, which must be the customer's, posted and enough", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const other = yield* newCustomer("Other Ltd")
        const older = yield* newPayment(customer.id, "50.00")
        yield* newPayment(customer.id, "90.00")
        const draft = yield* newPayment(customer.id, "30.00", { initialState: "draft" })
        const theirs = yield* newPayment(other.id, "70.00")
        const refund = (paymentId: PaymentId, amount: string) =>
          asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount, paymentId }))

        const named = yield* refund(older, "5.00")
        assert.strictEqual(named.refunds[0]?.paymentId, older)

        const foreign = yield* Effect.flip(refund(theirs, "5.00"))
        assert.instanceOf(foreign, ValidationFailed)
        assert.deepStrictEqual(foreign.issues[0]?.path, ["paymentId"])
        assert.include(foreign.message, "another customer")
        const notPosted = yield* Effect.flip(refund(draft, "5.00"))
        assert.instanceOf(notPosted, InvalidTransition)
        const tooMuch = yield* Effect.flip(refund(older, "45.01"))
        assert.instanceOf(tooMuch, Conflict)
        assert.strictEqual(tooMuch.reason, "insufficient-amount")
        const missing = yield* Effect.flip(refund(PaymentId.make(999), "1.00"))
        assert.strictEqual(missing._tag, "NotFound")

        assert.strictEqual((yield* refundsOf(customer.id)).length, 1)
        assert.strictEqual((yield* refundsOf(other.id)).length, 0)
        assert.strictEqual(yield* balanceOf(customer.id), 13500n)
      })
    )
  )

  it.effect("take an exact positive amount in the customer's currency", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        yield* newPayment(customer.id, "10.00")
        for (const amount of ["0", "-1.00", "1.001", "abc"]) {
          const error = yield* Effect.flip(asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount })))
          assert.instanceOf(error, ValidationFailed)
          assert.deepStrictEqual(error.issues[0]?.path, ["amount"])
        }
        const booked = yield* asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount: "0.01" }))
        assert.strictEqual(booked.refunds[0]?.amount, 1n)
      })
    )
  )

  it.effect("are authorised and scoped like the other refund commands", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const other = yield* newCustomer("Other Ltd")
        yield* newPayment(customer.id, "40.00")
        const command = refunds.refundCustomerCredit({ customerId: customer.id, amount: "10.00" })

        assert.instanceOf(yield* Effect.flip(as(auditor)(command)), Forbidden)
        const elsewhere: Principal = { ...finance, id: UserId.make(21), customerScope: [other.id] }
        assert.instanceOf(yield* Effect.flip(as(elsewhere)(command)), Forbidden)
        assert.strictEqual((yield* refundsOf(customer.id)).length, 0)

        const booked = yield* as(finance)(command)
        assert.strictEqual(booked.refunds[0]?.amount, 1000n)
        assert.strictEqual(yield* balanceOf(customer.id), 3000n)
      })
    )
  )

  it.effect("book once per idempotency key and replay the same refunds", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        yield* newPayment(customer.id, "40.00")
        const keyed = as(finance, { idempotencyKey: "credit-once" })
        const input = { customerId: customer.id, amount: "25.00", settle: true }
        const first = yield* keyed(refunds.refundCustomerCredit(input))
        const second = yield* keyed(refunds.refundCustomerCredit(input))
        assert.deepStrictEqual(second, first)
        assert.strictEqual((yield* refundsOf(customer.id)).length, 1)
        assert.strictEqual(yield* balanceOf(customer.id), 1500n)
        const reused = yield* Effect.flip(keyed(refunds.refundCustomerCredit({ ...input, amount: "1.00" })))
        assert.instanceOf(reused, Conflict)
        assert.strictEqual(reused.reason, "idempotency-key-reused")
      })
    )
  )
})
