/**
 * The gateway boundary on PostgreSQL: the scenarios of `support/gateway-boundary-scenarios.ts`
 * (book → commit → call outside any transaction → record; timeout → pending → reconciled; a retried
 * idempotency key during a slow answer → one charge; 50 concurrent charges of one customer while
 * another customer's writes proceed), each test on a throwaway database of the test server
 * (`TEST_DATABASE_URL`), migrated on open and dropped afterwards. Fails loudly when the server
 * cannot be reached.
 */
import { ledgerLayer, PaymentGateways } from "@paybridge/core"
import { Effect, Layer } from "effect"
import { acquireDatabase, storesContext } from "../src/index.ts"
import { createPostgresTestDatabase, withFaults } from "../src/testing/index.ts"
import { gatewayBoundaryScenarios } from "./support/gateway-boundary-scenarios.ts"

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
