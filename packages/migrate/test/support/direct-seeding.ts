/**
 * Seeds a source server's ledger directly (issue 16's ≥ 10,000-payment tenant in seconds, not the
 * minutes tRPC takes): the tenant generator's exact scenarios (`tenant-generator.ts`), each call
 * the tRPC procedure would make run as the same core service command on the ledger at
 * `databaseUrl` (before the server starts on it: `startSourceServer({ prepare })`), every
 * customer's records in one `LedgerUnits.bulkImport` unit (one lock, entries and events written
 * once). The commands decode their inputs with the same command schemas tRPC uses, so the ledger
 * holds what seeding through the API gives (every lifecycle state, partial reversals, refunds,
 * gateway approvals and declines through the test gateway after each unit commits), with the
 * system principal as the actor.
 */
import type { PaybridgeClient } from "@paybridge/client"
import {
  AdjustBalanceInput,
  Balances,
  CancelPaymentInput,
  CollectionOutcomeInput,
  Collections,
  CreateBillingEntityInput,
  CreateCustomerInput,
  CreateGatewayInput,
  CreatePaymentInput,
  CreatePresetInput,
  CustomerId,
  Documents,
  IssueDocumentInput,
  LedgerUnits,
  Parties,
  PayDocumentInput,
  Payments,
  RefundPaymentInput,
  Refunds,
  ReinstateReversalInput,
  RejectPaymentInput,
  RequestCollectionInput,
  ReversePaymentInput,
  TransitionRefundInput
} from "@paybridge/core"
import { type Context, Effect, Schema } from "effect"
import { type MigrationServices, openLedger } from "../../src/booking/ledger-runtime.ts"
import { type SeededTenant, seedTenant, type TenantShape } from "./tenant-generator.ts"

type Run = <A, E>(effect: Effect.Effect<A, E, MigrationServices>) => Promise<A>

/** One procedure: the input decoded with the command's schema, then the service command. */
const procedure = <I, A, E>(
  run: Run,
  schema: Schema.Decoder<I>,
  command: (input: I) => Effect.Effect<A, E, MigrationServices>
) => ({
  mutate: (input: unknown) =>
    run(Effect.flatMap(Schema.decodeUnknownEffect(schema)(input), (decoded) => command(decoded)))
})

/** The tRPC procedures the tenant generator calls, as the same service commands run by `run`. */
const directClient = (run: Run) => ({
  billingEntities: {
    create: procedure(run, CreateBillingEntityInput, (input) =>
      Parties.use((parties) => parties.createBillingEntity(input))
    )
  },
  gateways: {
    create: procedure(run, CreateGatewayInput, (input) => Parties.use((parties) => parties.createGateway(input)))
  },
  presets: {
    create: procedure(run, CreatePresetInput, (input) => Parties.use((parties) => parties.createPreset(input)))
  },
  customers: {
    create: procedure(run, CreateCustomerInput, (input) => Parties.use((parties) => parties.createCustomer(input)))
  },
  documents: {
    issue: procedure(run, IssueDocumentInput, (input) => Documents.use((documents) => documents.issueDocument(input)))
  },
  balances: {
    adjust: procedure(run, AdjustBalanceInput, (input) => Balances.use((balances) => balances.adjustBalance(input)))
  },
  payments: {
    create: procedure(run, CreatePaymentInput, (input) => Payments.use((payments) => payments.createPayment(input))),
    payDocument: procedure(run, PayDocumentInput, (input) =>
      Documents.use((documents) => documents.payDocument(input))
    ),
    requestCollection: procedure(run, RequestCollectionInput, (input) =>
      Collections.use((collections) => collections.requestCollection(input))
    ),
    markCollected: procedure(run, CollectionOutcomeInput, (input) =>
      Collections.use((collections) => collections.markCollected(input))
    ),
    failCollection: procedure(run, CollectionOutcomeInput, (input) =>
      Collections.use((collections) => collections.failCollection(input))
    ),
    reject: procedure(run, RejectPaymentInput, (input) => Payments.use((payments) => payments.rejectPayment(input))),
    cancel: procedure(run, CancelPaymentInput, (input) => Payments.use((payments) => payments.cancelPayment(input))),
    reverse: procedure(run, ReversePaymentInput, (input) => Payments.use((payments) => payments.reversePayment(input))),
    reinstate: procedure(run, ReinstateReversalInput, (input) =>
      Payments.use((payments) => payments.reinstateReversal(input))
    ),
    refund: procedure(run, RefundPaymentInput, (input) => Refunds.use((refunds) => refunds.refundPayment(input)))
  },
  refunds: {
    transition: procedure(run, TransitionRefundInput, (input) =>
      Refunds.use((refunds) => refunds.transitionRefund(input))
    )
  }
})

const customerId = Schema.decodeSync(CustomerId)

/** Seeds `shape` into the ledger at `databaseUrl` through the core services, one bulk unit per customer. */
export const seedTenantDirect = async (databaseUrl: string, shape: TenantShape): Promise<SeededTenant> => {
  const ledger = await openLedger(databaseUrl)
  // Inside a customer's unit, each command runs in the unit's fiber context (its transaction and bulk scope).
  let unit: Context.Context<MigrationServices> | null = null
  const run: Run = (effect) => (unit === null ? ledger.run(effect) : Effect.runPromiseWith(unit)(effect))
  try {
    return await seedTenant(
      directClient(run) as unknown as PaybridgeClient,
      { ...shape, concurrency: 1 },
      {
        customerUnit: (id, work) =>
          ledger.run(
            Effect.asVoid(
              Effect.flatMap(LedgerUnits, (units) =>
                units.bulkImport(
                  { customerId: customerId(id), operation: "seed-tenant", input: id, result: Schema.Null },
                  Effect.flatMap(Effect.context<MigrationServices>(), (context) =>
                    Effect.tryPromise(async () => {
                      unit = context
                      try {
                        await work()
                      } finally {
                        unit = null
                      }
                      return null
                    })
                  )
                )
              )
            )
          )
      }
    )
  } finally {
    await ledger.close()
  }
}
