/**
 * The gateway boundary's scenarios, run on every store (`ledger/gateway-boundary.test.ts` on
 * SQLite, `gateway-boundary.postgres.test.ts` on PostgreSQL; each test on a fresh database): a
 * charge (and a reversal through the gateway) is booked and committed before the gateway is called,
 * the call runs outside any transaction, and its outcome is recorded afterwards; an attempt left
 * without an answer (the request lost, the answer lost, a slow gateway) is settled by the
 * reconciler asking the gateway for the attempt's key, so the gateway moves money at most once per
 * payment and the ledger agrees with it to the minor unit; a retried idempotency key during a slow
 * answer or after a timeout charges once; 50 concurrent charges of one customer hold no lock while
 * the gateway answers (another customer's writes proceed) and leave a gap-free balance chain. A
 * pending gateway payment is cancelled only while its charge has not been sent. The reconciler's
 * back-off, give-up and lease, a gateway's notices, reversals through the gateway and managing
 * gateways are the second part (`gateway-settlement-scenarios.ts`), run from here.
 */
import { assert, describe, it } from "@effect/vitest"
import { Collections, LedgerStore, Payments } from "@paybridge/core"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  as,
  asAdmin,
  auditor,
  balanceChain,
  balanceOf,
  issueInvoice,
  newCustomer,
  testNow
} from "../ledger/ledger-fixtures.ts"
import { gatewayBoundaryFixtures, type LedgerOnStore } from "./gateway-boundary-fixtures.ts"
import { gatewaySettlementScenarios } from "./gateway-settlement-scenarios.ts"
import { makeScriptedGateway } from "./scripted-gateway.ts"

export type { LedgerOnStore } from "./gateway-boundary-fixtures.ts"

export const gatewayBoundaryScenarios = (ledgerOn: LedgerOnStore) => {
  const { withGateway, newGateway, charge, paymentState, pendingCount, reconcile } = gatewayBoundaryFixtures(ledgerOn)

  describe("charging through the gateway boundary", () => {
    it.effect("books the payment pending with its attempt, commits, then calls the gateway and posts on approval", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const seen: Array<unknown> = []
          // While the gateway "thinks", the booking is already committed and visible to anyone.
          gateway.setOnCall(
            Effect.gen(function* () {
              const page = yield* store.payments.list({ customerId: customer.id, order: "id", cursor: null, limit: 10 })
              const payment = page.items[0]
              const attempts = payment === undefined ? [] : yield* store.gatewayAttempts.listByPayment(payment.id)
              seen.push({ state: payment?.state, attempts: attempts.map((a) => [a.state, a.attemptKey]) })
            }).pipe(Effect.orDie)
          )
          const detail = yield* charge(customer.id, cards.id, "25.00")
          assert.strictEqual(detail.payment.state, "posted")
          assert.deepStrictEqual(seen, [
            { state: "pending", attempts: [["pending", `pb_ch_${detail.payment.publicId}`]] }
          ])
          const [attempt] = yield* store.gatewayAttempts.listByPayment(detail.payment.id)
          assert.strictEqual(attempt?.state, "approved")
          assert.strictEqual(attempt?.tries, 1)
          assert.strictEqual(detail.payment.gatewayReference, attempt?.gatewayReference)
          assert.strictEqual(yield* balanceOf(customer.id), 2500n)
        })
      )
    )

    it.effect("a decline rejects the payment with the gateway's reason and releases what it had allocated", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const invoice = yield* issueInvoice(customer.id, "40.00")
          gateway.setMode("decline")
          const detail = yield* asAdmin(
            payments.createPayment({
              customerId: customer.id,
              amount: "40.00",
              gatewayId: cards.id,
              cardToken: "tok",
              allocations: [{ documentId: invoice.id, amount: "40.00" }]
            })
          )
          assert.strictEqual(detail.payment.state, "rejected")
          assert.strictEqual(detail.payment.rejectionReason, "do not honour")
          assert.deepStrictEqual(detail.allocations, [])
          const documents = yield* Effect.flatMap(LedgerStore, (store) => store.documents.get(invoice.id))
          assert.strictEqual(documents?.outstanding, 4000n)
          assert.strictEqual(yield* balanceOf(customer.id), -4000n)
        })
      )
    )

    it.effect("the request lost on the way: the payment stays pending; the reconciler re-sends it once", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-request")
          const detail = yield* charge(customer.id, cards.id, "12.34")
          assert.strictEqual(detail.payment.state, "pending")
          assert.strictEqual(gateway.held.size, 0)
          gateway.setMode("approve")
          const report = yield* reconcile()
          assert.deepStrictEqual(report, {
            examined: 1,
            settled: 1,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 1234n)
        })
      )
    )

    it.effect("the answer lost on the way back: the reconciler finds the charge by key and books it, no re-send", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const detail = yield* charge(customer.id, cards.id, "7.00")
          assert.strictEqual(detail.payment.state, "pending")
          gateway.setMode("approve")
          yield* reconcile()
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.requests.length, 1)
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 700n)
          // A second pass finds nothing left to settle.
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
        })
      )
    )

    it.effect("the reconciler leaves young attempts alone (a call may still be in flight)", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-request")
          const detail = yield* charge(customer.id, cards.id, "3.00")
          gateway.setMode("approve")
          assert.deepStrictEqual(yield* reconcile(30_000), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          yield* TestClock.adjust("31 seconds")
          assert.strictEqual((yield* reconcile(30_000)).settled, 1)
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
        })
      )
    )

    it.effect("a retried request with the same idempotency key during a slow answer charges once", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          yield* gateway.hold()
          const first = yield* Effect.forkChild(charge(customer.id, cards.id, "50.00", "retry-1"))
          // Let the first request book and reach the (held) gateway.
          while (gateway.requests.length === 0 && (yield* pendingCount) === 0) yield* Effect.yieldNow
          const retried = yield* charge(customer.id, cards.id, "50.00", "retry-1")
          assert.strictEqual(retried.payment.state, "pending")
          yield* gateway.release()
          const original = yield* Fiber.join(first)
          assert.strictEqual(original.payment.id, retried.payment.id)
          assert.strictEqual(original.payment.state, "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(gateway.requests.length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 5000n)
        })
      )
    )

    it.effect("a retried request after a timeout charges once, and shows the payment as it now is", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const first = yield* charge(customer.id, cards.id, "8.00", "retry-2")
          assert.strictEqual(first.payment.state, "pending")
          gateway.setMode("approve")
          const retried = yield* charge(customer.id, cards.id, "8.00", "retry-2")
          assert.strictEqual(retried.payment.id, first.payment.id)
          assert.strictEqual(retried.payment.state, "pending")
          yield* reconcile()
          const after = yield* charge(customer.id, cards.id, "8.00", "retry-2")
          assert.strictEqual(after.payment.state, "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 800n)
        })
      )
    )

    it.effect(
      "50 charges of one customer against a slow gateway: no lock held, another customer writes meanwhile, chain gap-free",
      () =>
        withGateway((gateway) =>
          Effect.gen(function* () {
            const payments = yield* Payments
            const busy = yield* newCustomer("Busy Ltd")
            const other = yield* newCustomer("Other Ltd")
            const cards = yield* newGateway
            yield* gateway.hold()
            const charges = yield* Effect.forkChild(
              Effect.all(
                Array.from({ length: 50 }, (_, index) => charge(busy.id, cards.id, `${index + 1}.00`)),
                { concurrency: "unbounded" }
              )
            )
            // Every charge is booked and waiting at the gateway...
            while ((yield* pendingCount) < 50) yield* Effect.yieldNow
            // ...and the other customer's writes go through while they wait.
            const cash = yield* asAdmin(payments.createPayment({ customerId: other.id, amount: "9.99" }))
            assert.strictEqual(cash.payment.state, "posted")
            assert.strictEqual(yield* balanceOf(other.id), 999n)
            assert.strictEqual(gateway.requests.length, 0)
            yield* gateway.release()
            const done = yield* Fiber.join(charges)
            assert.isTrue(done.every((detail) => detail.payment.state === "posted"))
            assert.strictEqual(gateway.approvedCharges().length, 50)
            const expected = (50n * 51n * 100n) / 2n
            assert.strictEqual(yield* balanceOf(busy.id), expected)
            const chain = yield* balanceChain(busy.id)
            assert.deepStrictEqual(
              chain.map((entry) => entry.sequence),
              Array.from({ length: 50 }, (_, index) => index + 1)
            )
            let running = 0n
            for (const entry of chain) {
              running += entry.delta
              assert.strictEqual(entry.balanceAfter, running)
            }
          })
        ),
      // 50 charges and their reconciliation: 8 s on PostgreSQL on a quiet machine, more under a CI machine's load.
      120_000
    )
  })

  describe("cancelling a pending gateway payment", () => {
    it.effect("a charge the gateway holds pending is cancelled there, then the payment; nothing is booked", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const invoice = yield* issueInvoice(customer.id, "15.00")
          gateway.setMode("pend")
          const detail = yield* asAdmin(
            payments.createPayment({
              customerId: customer.id,
              amount: "15.00",
              gatewayId: cards.id,
              cardToken: "tok",
              allocations: [{ documentId: invoice.id, amount: "15.00" }]
            })
          )
          assert.strictEqual(detail.payment.state, "pending")
          // A read-only principal cannot reach the gateway through it.
          const forbidden = yield* Effect.flip(as(auditor)(payments.cancelPayment({ paymentId: detail.payment.id })))
          assert.strictEqual(forbidden._tag, "Forbidden")
          assert.deepStrictEqual(gateway.cancels, [])

          const cancelled = yield* asAdmin(payments.cancelPayment({ paymentId: detail.payment.id }))
          assert.strictEqual(cancelled.state, "cancelled")
          assert.deepStrictEqual(gateway.cancels, [`pb_ch_${detail.payment.publicId}`])
          const [attempt] = yield* store.gatewayAttempts.listByPayment(detail.payment.id)
          assert.strictEqual(attempt?.state, "cancelled")
          assert.strictEqual(gateway.approvedCharges().length, 0)
          assert.strictEqual((yield* store.documents.get(invoice.id).pipe(Effect.orDie))?.outstanding, 1500n)
          assert.strictEqual(yield* balanceOf(customer.id), -1500n)
          // Nothing left for the reconciler.
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
        })
      )
    )

    it.effect("is refused while the gateway cannot cancel the charge (it never received it); its answer decides", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-request")
          const detail = yield* charge(customer.id, cards.id, "9.00")
          assert.strictEqual(detail.payment.state, "pending")
          const cancel = yield* Effect.flip(asAdmin(payments.cancelPayment({ paymentId: detail.payment.id })))
          assert.strictEqual(cancel._tag, "InvalidTransition")
          assert.include(cancel.message, "already at the payment gateway")
          assert.deepStrictEqual(gateway.cancels, [`pb_ch_${detail.payment.publicId}`])
          const unwind = yield* Effect.flip(
            asAdmin(collections.cancelCollection({ paymentId: detail.payment.id, reason: "customer asked" }))
          )
          assert.strictEqual(unwind._tag, "InvalidTransition")
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          gateway.setMode("approve")
          yield* reconcile()
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 900n)
        })
      )
    )

    it.effect("withdraws a charge not yet sent for good: neither the call nor the reconciler sends it", () => {
      const gateway = makeScriptedGateway()
      let holdSends = true
      const layer = ledgerOn({
        gateways: gateway.shape,
        // The attempt cannot be marked sent: the charge stays booked and unsent (a crash after the commit).
        faults: (operation) => holdSends && operation === "gatewayAttempts.update"
      })
      return Effect.provide(
        Effect.gen(function* () {
          yield* TestClock.setTime(testNow)
          const payments = yield* Payments
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const detail = yield* charge(customer.id, cards.id, "9.00")
          assert.strictEqual(detail.payment.state, "pending")
          holdSends = false
          const cancelled = yield* asAdmin(payments.cancelPayment({ paymentId: detail.payment.id }))
          assert.strictEqual(cancelled.state, "cancelled")
          const [attempt] = yield* store.gatewayAttempts.listByPayment(detail.payment.id)
          assert.strictEqual(attempt?.state, "abandoned")
          assert.strictEqual(attempt?.sentAt, null)
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          assert.strictEqual(yield* pendingCount, 0)
          assert.strictEqual(gateway.held.size, 0)
          assert.deepStrictEqual(gateway.requests, [])
          assert.strictEqual(yield* balanceOf(customer.id), 0n)
        }),
        Layer.fresh(layer)
      )
    })
  })

  gatewaySettlementScenarios(ledgerOn)
}
