/**
 * Payment gateways configured on the platform: create, update (rename, enable, disable), get, list;
 * settling attempts left pending; the attempts in a state (e.g. those the reconciler gave up on,
 * `needs-attention`), without the card token they were sent with.
 */
import {
  Collections,
  CreateGatewayInput,
  Gateway,
  GatewayAttempt,
  GatewayId,
  ListGatewayAttemptsInput,
  Page,
  PageInput,
  Parties,
  UpdateGatewayInput
} from "@paybridge/core"
import { Schema } from "effect"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeGateway = jsonOutput(Gateway)
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
