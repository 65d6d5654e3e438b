/**
 * The gateway boundary on PostgreSQL: the scenarios of `support/gateway-boundary-scenarios.ts`
 * (book → commit → call outside any transaction → record; timeout → pending → reconciled; a retried
 * idempotency key during a slow answer → one charge; 50 concurrent charges of one customer while
 * another customer's writes proceed; the reconciler's back-off and lease), each test on a throwaway
 * database of the test server (`TEST_DATABASE_URL`), migrated on open and dropped afterwards; and
 * one reconciler per cluster: two runtimes on one database reconcile at the same time, the second
 * pass is skipped while the first holds the lease, and every attempt reaches the gateway once.
 * Fails loudly when the server cannot be reached.
 */
import {
  Collections,
  type LedgerServices,
  LedgerStore,
  ledgerLayer,
  Parties,
  PaymentGateways,
  Payments
} from "@paybridge/core"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { acquireDatabase, openDatabase, type StorePorts, storesContext } from "../src/index.ts"
import { createPostgresTestDatabase, type PostgresTestDatabase, withFaults } from "../src/testing/index.ts"
import { asAdmin } from "./ledger/ledger-fixtures.ts"
import { gatewayBoundaryScenarios } from "./support/gateway-boundary-scenarios.ts"
import { makeScriptedGateway } from "./support/scripted-gateway.ts"

gatewayBoundaryScenarios((options) =>
  ledgerLayer.pipe(
    Layer.provideMerge(
      Layer.merge(
        Layer.effectContext(
          Effect.gen(function* () {
            const database = yield* Effect.acquireRelease(
              Effect.promise(() => createPostgresTestDatabase()),
              (created) => Effect.promise(() => created.drop())
            )
            const { stores } = yield* acquireDatabase({ url: database.url })
            return storesContext(options.faults === undefined ? stores : withFaults(stores, options.faults))
          })
        ),
        Layer.succeed(PaymentGateways, options.gateways)
      )
    )
  )
)

describe("one reconciler per cluster (two runtimes on one PostgreSQL database)", () => {
  const gateway = makeScriptedGateway()
  let database: PostgresTestDatabase | undefined
  const runtimes: Array<ManagedRuntime.ManagedRuntime<LedgerServices | StorePorts | PaymentGateways, unknown>> = []
  beforeAll(async () => {
    database = await createPostgresTestDatabase()
    const url = database.url
    for (const _ of [1, 2]) {
      const runtime = ManagedRuntime.make(
        ledgerLayer.pipe(
          Layer.provideMerge(Layer.merge(openDatabase({ url }), Layer.succeed(PaymentGateways, gateway.shape)))
        )
      )
      await runtime.context()
      runtimes.push(runtime)
    }
  }, 60_000)
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.dispose()
    await database?.drop()
  })

  it("while one process reconciles, the other's pass is skipped; every attempt is sent and settled once", async () => {
    const [first, second] = runtimes
    if (first === undefined || second === undefined) throw new Error("the runtimes are not open")
    const pass = asAdmin(
      Effect.flatMap(Collections, (collections) => collections.reconcileGatewayAttempts({ minimumAgeMs: 0 }))
    )
    // Ten charges whose requests were lost: pending, never seen by the gateway.
    gateway.setMode("lose-request")
    const booked = await first.runPromise(
      asAdmin(
        Effect.gen(function* () {
          const parties = yield* Parties
          const payments = yield* Payments
          const cards = yield* parties.createGateway({ code: "cards", name: "Cards" })
          const customer = yield* parties.createCustomer({ name: "Cluster Ltd", currency: "EUR" })
          const charged = yield* Effect.forEach(
            Array.from({ length: 10 }, (_, index) => index + 1),
            (units) =>
              payments.createPayment({
                customerId: customer.id,
                amount: `${units}.00`,
                gatewayId: cards.id,
                cardToken: "tok"
              })
          )
          return { customer, charged }
        })
      )
    )
    expect(booked.charged.every((detail) => detail.payment.state === "pending")).toBe(true)

    gateway.setMode("approve")
    await first.runPromise(gateway.hold())
    const firstPass = first.runPromise(pass)
    // The first pass holds the lease and waits at the gateway with its first re-send.
    const sentAgain = Effect.flatMap(LedgerStore, (store) => store.gatewayAttempts.listPending(100)).pipe(
      Effect.map((rows) => rows.some((row) => row.tries >= 2))
    )
    while (!(await second.runPromise(sentAgain))) await new Promise((resolve) => setTimeout(resolve, 20))
    const secondPass = await second.runPromise(pass)
    expect(secondPass).toMatchObject({ examined: 0, leaseHeldElsewhere: true })

    await first.runPromise(gateway.release())
    expect(await firstPass).toMatchObject({ examined: 10, settled: 10, leaseHeldElsewhere: false })
    // The lease is free again: the second process's next pass runs (and finds nothing left).
    expect(await second.runPromise(pass)).toMatchObject({ examined: 0, leaseHeldElsewhere: false })

    const keys = gateway.requests.map((request) => request.attemptKey)
    expect(keys).toHaveLength(10)
    expect(new Set(keys).size).toBe(10)
    expect(gateway.approvedCharges()).toHaveLength(10)
    const balance = await second.runPromise(
      Effect.flatMap(LedgerStore, (store) => store.customers.get(booked.customer.id))
    )
    expect(balance?.balance).toBe(5500n)
  }, 60_000)
})
