/**
 * The gateway boundary's scenarios after a charge, part of `gateway-boundary-scenarios.ts` (run on
 * every store, each test on a fresh database): the reconciler backs off per attempt, gives an
 * unanswered one up to needs-attention (a late answer still settles it) and runs once per cluster
 * under a lease; a gateway's notice (a webhook event) settles a pending attempt once; a reversal
 * through the gateway is booked only after an approval, its amount reserved meanwhile, and nothing
 * is booked on a decline; renaming and disabling a gateway records one event per change, and a
 * disabled gateway charges nothing.
 */
import { assert, describe, it } from "@effect/vitest"
import { Balances, Collections, type GatewayNotice, LedgerStore, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { as, asAdmin, balanceOf, finance, newCustomer } from "../ledger/ledger-fixtures.ts"
import { gatewayBoundaryFixtures, type LedgerOnStore } from "./gateway-boundary-fixtures.ts"

export const gatewaySettlementScenarios = (ledgerOn: LedgerOnStore) => {
  const { withGateway, newGateway, charge, paymentState, reconcile } = gatewayBoundaryFixtures(ledgerOn)

  describe("the reconciler's back-off, give-up and cluster lease", () => {
    it.effect(
      "backs off per attempt, gives an unanswered one up to needs-attention, which a late answer still settles",
      () =>
        withGateway((gateway) =>
          Effect.gen(function* () {
            const collections = yield* Collections
            const payments = yield* Payments
            const balances = yield* Balances
            const store = yield* LedgerStore
            const customer = yield* newCustomer()
            const cards = yield* newGateway
            gateway.setMode("lose-request")
            const detail = yield* charge(customer.id, cards.id, "6.00")
            const pass = () =>
              asAdmin(collections.reconcileGatewayAttempts({ minimumAgeMs: 0, maxTries: 5, backoffBaseMs: 1000 }))
            const attempt = () =>
              Effect.map(store.gatewayAttempts.listByPayment(detail.payment.id), (rows) => rows[0]).pipe(Effect.orDie)

            // Sent once by the command; the pass looks it up, re-sends it (no answer) and backs off 4 s.
            assert.deepStrictEqual(yield* pass(), {
              examined: 1,
              settled: 0,
              stillPending: 1,
              needsAttention: 0,
              leaseHeldElsewhere: false
            })
            const first = yield* attempt()
            assert.strictEqual(first?.tries, 3)
            assert.strictEqual(
              first?.nextTryAt?.getTime(),
              (yield* Effect.clockWith((c) => c.currentTimeMillis)) + 4000
            )
            // Not due yet: left alone.
            assert.strictEqual((yield* pass()).examined, 0)
            yield* TestClock.adjust("4 seconds")
            const gaveUp = yield* pass()
            assert.strictEqual(gaveUp.needsAttention, 1)
            assert.strictEqual((yield* attempt())?.state, "needs-attention")
            assert.include((yield* attempt())?.message ?? "", "no answer after 5 tries")
            // Sent by the command and re-sent twice, looked up twice: five tries.
            assert.strictEqual((yield* attempt())?.tries, 5)

            // Visible, with an event; no longer retried on its own; the payment cannot be cancelled.
            const listed = yield* asAdmin(collections.listGatewayAttempts({ state: "needs-attention" }))
            assert.deepStrictEqual(
              listed.map((row) => row.attemptKey),
              [`pb_ch_${detail.payment.publicId}`]
            )
            const events = yield* asAdmin(balances.listEvents({ types: ["gateway.attempt-needs-attention"] }))
            assert.strictEqual(events.items.length, 1)
            yield* TestClock.adjust("2 hours")
            assert.strictEqual((yield* pass()).examined, 0)
            assert.strictEqual((yield* attempt())?.tries, 5)
            const cancel = yield* Effect.flip(asAdmin(payments.cancelPayment({ paymentId: detail.payment.id })))
            assert.strictEqual(cancel._tag, "InvalidTransition")
            const forbidden = yield* Effect.flip(
              as(finance)(collections.listGatewayAttempts({ state: "needs-attention" }))
            )
            assert.strictEqual(forbidden._tag, "Forbidden")

            // The gateway's answer arrives after all (a webhook): it settles the attempt, once.
            const settled = yield* asAdmin(
              collections.recordGatewayNotice({
                gatewayCode: "cards",
                attemptKey: `pb_ch_${detail.payment.publicId}`,
                kind: "charge",
                amount: 600n,
                currency: "EUR",
                outcome: { status: "approved", gatewayReference: "GW-LATE-1" }
              })
            )
            assert.strictEqual(settled, "settled")
            assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
            assert.strictEqual(yield* balanceOf(customer.id), 600n)
          })
        )
    )

    it.effect("a pass is skipped while another process holds the reconciler's lease, and runs once it expires", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const detail = yield* charge(customer.id, cards.id, "4.00")
          gateway.setMode("approve")
          const at = new Date(yield* Effect.clockWith((c) => c.currentTimeMillis))
          const taken = yield* store.leases
            .acquire("gateway-reconciler", "another-process", at, new Date(at.getTime() + 60_000))
            .pipe(Effect.orDie)
          assert.isTrue(taken)
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: true
          })
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          assert.strictEqual(gateway.requests.length, 1)
          yield* TestClock.adjust("61 seconds")
          assert.strictEqual((yield* reconcile()).settled, 1)
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          // The pass gave the lease back: the other process takes it at once.
          const now2 = new Date(yield* Effect.clockWith((c) => c.currentTimeMillis))
          assert.isTrue(
            yield* store.leases
              .acquire("gateway-reconciler", "another-process", now2, new Date(now2.getTime() + 1000))
              .pipe(Effect.orDie)
          )
        })
      )
    )
  })

  describe("a gateway's notice (a webhook event) about an attempt", () => {
    it.effect("settles a pending attempt once; a notice of another gateway or amount changes nothing", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const detail = yield* charge(customer.id, cards.id, "11.00")
          assert.strictEqual(detail.payment.state, "pending")
          const attemptKey = `pb_ch_${detail.payment.publicId}`
          const notice: GatewayNotice = {
            gatewayCode: "cards",
            attemptKey,
            kind: "charge",
            amount: 1100n,
            currency: "EUR",
            outcome: { status: "approved", gatewayReference: "GW-NOTICE-1" }
          }
          const notify = (input: GatewayNotice) => asAdmin(collections.recordGatewayNotice(input))
          assert.strictEqual(yield* notify({ ...notice, amount: 110_000n }), "mismatch")
          assert.strictEqual(yield* notify({ ...notice, gatewayCode: "other" }), "mismatch")
          assert.strictEqual(yield* notify({ ...notice, kind: "refund" }), "mismatch")
          assert.strictEqual(yield* notify({ ...notice, attemptKey: "pb_ch_unknown" }), "unknown-attempt")
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          assert.strictEqual(yield* balanceOf(customer.id), 0n)

          assert.strictEqual(yield* notify(notice), "settled")
          assert.strictEqual(yield* notify(notice), "already-settled")
          assert.strictEqual(
            yield* notify({
              ...notice,
              outcome: { status: "declined", gatewayReference: "GW-NOTICE-1", message: "x" }
            }),
            "already-settled"
          )
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(yield* balanceOf(customer.id), 1100n)
          // The reconciler finds nothing left to do.
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          const forbidden = yield* Effect.flip(as(finance)(collections.recordGatewayNotice(notice)))
          assert.strictEqual(forbidden._tag, "Forbidden")
        })
      )
    )
  })

  describe("reversing through the gateway boundary", () => {
    it.effect("approved: the reversal is booked after the gateway answered; the amount is reserved meanwhile", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const paid = yield* charge(customer.id, cards.id, "100.00")
          gateway.setMode("lose-answer")
          const pending = yield* asAdmin(
            collections.reverseThroughGateway({ paymentId: paid.payment.id, amount: "60.00" })
          )
          assert.strictEqual(pending.state, "pending")
          assert.strictEqual(pending.reversalId, null)
          assert.strictEqual(yield* balanceOf(customer.id), 10000n)
          // 60 of 100 are spoken for until the gateway answers.
          const over = yield* Effect.flip(
            asAdmin(collections.reverseThroughGateway({ paymentId: paid.payment.id, amount: "50.00" }))
          )
          assert.strictEqual(over._tag, "Conflict")
          gateway.setMode("approve")
          yield* reconcile()
          assert.strictEqual(yield* balanceOf(customer.id), 4000n)
          const refunds = [...gateway.held.values()].filter((m) => m.kind === "refund")
          assert.deepStrictEqual(
            refunds.map((m) => m.amount),
            [6000n]
          )
        })
      )
    )

    it.effect("declined: nothing is booked and the answer carries the gateway's reason", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const paid = yield* charge(customer.id, cards.id, "20.00")
          gateway.setMode("decline")
          const refused = yield* Effect.flip(
            asAdmin(collections.reverseThroughGateway({ paymentId: paid.payment.id, amount: "5.00" }))
          )
          assert.strictEqual(refused._tag, "ValidationFailed")
          assert.include(refused.message, "do not honour")
          assert.strictEqual(yield* balanceOf(customer.id), 2000n)
        })
      )
    )
  })

  describe("managing gateways", () => {
    it.effect(
      "rename and disable: one gateway.updated event per change, none for no change; a disabled gateway charges nothing",
      () =>
        withGateway((gateway) =>
          Effect.gen(function* () {
            const parties = yield* Parties
            const balances = yield* Balances
            const customer = yield* newCustomer()
            const cards = yield* newGateway
            const renamed = yield* asAdmin(parties.updateGateway({ id: cards.id, name: "Cards EU" }))
            assert.strictEqual(renamed.name, "Cards EU")
            yield* asAdmin(parties.updateGateway({ id: cards.id, name: "Cards EU" }))
            const disabled = yield* asAdmin(parties.updateGateway({ id: cards.id, enabled: false }))
            assert.strictEqual(disabled.enabled, false)
            const events = yield* asAdmin(balances.listEvents({ types: ["gateway.updated"] }))
            assert.deepStrictEqual(
              events.items.map((event) => event.data),
              [
                { code: "cards", name: "Cards EU" },
                { code: "cards", enabled: false }
              ]
            )
            const refused = yield* Effect.flip(charge(customer.id, cards.id, "5.00"))
            assert.strictEqual(refused._tag, "ValidationFailed")
            assert.strictEqual(gateway.requests.length, 0)
            const forbidden = yield* Effect.flip(as(finance)(parties.updateGateway({ id: cards.id, enabled: true })))
            assert.strictEqual(forbidden._tag, "Forbidden")
          })
        )
    )
  })
}
