/**
 * Payment gateways configured on the platform: create (optionally with a real driver's settings),
 * update (rename, enable, disable), rotate a driver secret, get, list, the stored settings'
 * summaries; settling attempts left pending; the attempts in a state (e.g. those the reconciler gave
 * up on, `needs-attention`), without the card token they were sent with. Secrets go in (sealed at
 * rest by the store) and never come out: the settings answers say only that a secret is set, its
 * last four characters, when and by whom. Writes need the `admin` role (the ledger's `configure` access).
 */
import {
  Collections,
  CreateGatewayInput,
  Gateway,
  GatewayAttempt,
  GatewayId,
  GatewaySecretSummary,
  ListGatewayAttemptsInput,
  Page,
  PageInput,
  Parties,
  PaymentGateways,
  RotateGatewaySecretInput,
  UpdateGatewayInput
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeGateway = jsonOutput(Gateway)
const encodeSecretSummary = jsonOutput(GatewaySecretSummary)
const encodeStatuses = jsonOutput(Schema.Array(Schema.Struct({ gatewayId: GatewayId, live: Schema.Boolean })))
const encodeSecretSummaries = jsonOutput(Schema.Array(GatewaySecretSummary))
const encodePage = jsonOutput(Page(Gateway))

const ReconcileInput = Schema.Struct({
  /** Only attempts untouched for this long (a call may still be in flight); default 30 000. */
  minimumAgeMs: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Unanswered tries after which an attempt is given up to `needs-attention`; default 12. */
  maxTries: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })))
})
const ReconcileReport = Schema.Struct({
  examined: Schema.Int,
  settled: Schema.Int,
  stillPending: Schema.Int,
  /** Given up in this pass: the gateway never answered (see `attempts`). */
  needsAttention: Schema.Int,
  /** Another process was reconciling (one reconciler per cluster): this pass did nothing. */
  leaseHeldElsewhere: Schema.Boolean
})
const encodeReport = jsonOutput(ReconcileReport)
/** An attempt as the API shows it: everything but the token it charges. */
const AttemptView = GatewayAttempt.mapFields(({ token: _token, ...fields }) => fields)
const encodeAttempts = jsonOutput(Schema.Array(AttemptView))

export const gatewaysRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreateGatewayInput))
    .mutation(async ({ ctx, input }) =>
      encodeGateway(await ctx.runLedger(Parties.use((parties) => parties.createGateway(input))))
    ),
  /** Rename, enable or disable (admins); one `gateway.updated` event per change. */
  update: protectedProcedure
    .input(jsonInput(UpdateGatewayInput))
    .mutation(async ({ ctx, input }) =>
      encodeGateway(await ctx.runLedger(Parties.use((parties) => parties.updateGateway(input))))
    ),
  /** Replaces a gateway's driver secret(s) (admins); drivers pick it up without a restart. Answers the summary. */
  rotateSecret: protectedProcedure
    .input(jsonInput(RotateGatewaySecretInput))
    .mutation(async ({ ctx, input }) =>
      encodeSecretSummary(await ctx.runLedger(Parties.use((parties) => parties.rotateGatewaySecret(input))))
    ),
  /** Every gateway's stored driver settings: driver, secret set, last four characters, set at / by — no secret. */
  settings: protectedProcedure.query(async ({ ctx }) =>
    encodeSecretSummaries(await ctx.runLedger(Parties.use((parties) => parties.listGatewaySecrets())))
  ),
  /**
   * Which gateways take payments on this server now: enabled and served by a driver (environment,
   * stored settings, or the test gateway when the server enables it). For the console's list.
   */
  status: protectedProcedure.query(async ({ ctx }) =>
    encodeStatuses(
      await ctx.runLedger(
        Effect.gen(function* () {
          const page = yield* Parties.use((parties) => parties.listGateways({ limit: 1000 }))
          const drivers = yield* Effect.serviceOption(PaymentGateways)
          return page.items.map((gateway) => ({
            gatewayId: gateway.id,
            live: gateway.enabled && drivers._tag === "Some" && drivers.value.refusal(gateway) === null
          }))
        })
      )
    )
  ),
  get: protectedProcedure
    .input(jsonInput(ById(GatewayId)))
    .query(async ({ ctx, input }) =>
      encodeGateway(await ctx.runLedger(Parties.use((parties) => parties.getGateway(input.id))))
    ),
  /** Settles gateway attempts left pending now (the server also does it on a schedule). */
  reconcile: protectedProcedure
    .input(jsonInput(ReconcileInput))
    .mutation(async ({ ctx, input }) =>
      encodeReport(await ctx.runLedger(Collections.use((collections) => collections.reconcileGatewayAttempts(input))))
    ),
  /** Gateway attempts in a state, oldest first (admins): e.g. `needs-attention`, for an operator to chase. */
  attempts: protectedProcedure
    .input(jsonInput(ListGatewayAttemptsInput))
    .query(async ({ ctx, input }) =>
      encodeAttempts(
        (await ctx.runLedger(Collections.use((collections) => collections.listGatewayAttempts(input)))).map(
          ({ token: _token, ...attempt }) => attempt
        )
      )
    ),
  list: protectedProcedure
    .input(jsonInput(PageInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Parties.use((parties) => parties.listGateways(input))))
    )
})
