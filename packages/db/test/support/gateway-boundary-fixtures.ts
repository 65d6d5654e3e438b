/**
 * Shared fixtures of the gateway boundary's scenarios (`gateway-boundary-scenarios.ts`,
 * `gateway-settlement-scenarios.ts`): the layer each store provides, and helpers over it — a test
 * run with a scripted gateway on a fresh database at the test clock's `testNow`, a gateway created
 * as admin, a card charge (with an optional idempotency key), a payment's state, the pending attempts
 * and a reconciler pass.
 */
import {
  Collections,
  type CustomerId,
  type GatewayId,
  type LedgerServices,
  LedgerStore,
  Parties,
  type PaymentGateways,
  type PaymentGatewaysShape,
  type PaymentId,
  Payments
} from "@paybridge/core"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import type { StoreFaults } from "../../src/testing/index.ts"
import { admin, as, asAdmin, testNow } from "../ledger/ledger-fixtures.ts"
import { makeScriptedGateway, type ScriptedGateway } from "./scripted-gateway.ts"

export type Needs = LedgerServices | LedgerStore | PaymentGateways

/** Every ledger service, the stores and the gateway, on a fresh database per build of the layer. */
export type LedgerOnStore = (options: {
  readonly gateways: PaymentGatewaysShape
  readonly faults?: StoreFaults | undefined
}) => Layer.Layer<Needs, unknown>

/** The helpers of the scenarios, over the layer `ledgerOn` builds for each test. */
export const gatewayBoundaryFixtures = (ledgerOn: LedgerOnStore) => {
  const withGateway = <A, E>(run: (gateway: ScriptedGateway) => Effect.Effect<A, E, Needs>) => {
    const gateway = makeScriptedGateway()
    return Effect.provide(
      Effect.andThen(TestClock.setTime(testNow), run(gateway)),
      Layer.fresh(ledgerOn({ gateways: gateway.shape }))
    )
  }

  const newGateway = Effect.flatMap(Parties, (parties) =>
    asAdmin(parties.createGateway({ code: "cards", name: "Cards" }))
  )

  const charge = (customerId: CustomerId, gatewayId: GatewayId, amount: string, key: string | null = null) =>
    Effect.flatMap(Payments, (payments) =>
      as(admin, { idempotencyKey: key })(
        payments.createPayment({ customerId, amount, gatewayId, cardToken: "tok_visa" })
      )
    )

  const paymentState = (id: PaymentId) =>
    Effect.flatMap(LedgerStore, (store) => Effect.map(store.payments.get(id), (payment) => payment?.state))

  const pendingCount = Effect.flatMap(LedgerStore, (store) =>
    Effect.map(store.gatewayAttempts.listPending(1000), (rows) => rows.length)
  ).pipe(Effect.orDie)

  const reconcile = (minimumAgeMs = 0) =>
    Effect.flatMap(Collections, (collections) => asAdmin(collections.reconcileGatewayAttempts({ minimumAgeMs })))

  return { withGateway, newGateway, charge, paymentState, pendingCount, reconcile }
}
