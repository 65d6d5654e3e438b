/** Payment gateways configured on the platform: create, update (rename, enable, disable), get, list; settling attempts left pending. */
import {
  Collections,
  CreateGatewayInput,
  Gateway,
  GatewayId,
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
  minimumAgeMs: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})
const ReconcileReport = Schema.Struct({ examined: Schema.Int, settled: Schema.Int, stillPending: Schema.Int })
const encodeReport = jsonOutput(ReconcileReport)

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
  list: protectedProcedure
    .input(jsonInput(PageInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Parties.use((parties) => parties.listGateways(input))))
    )
})
