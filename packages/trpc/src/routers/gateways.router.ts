/**
 * Payment gateways configured on the platform: create (optionally with a real driver's settings),
 * update (rename, enable, disable), rotate a driver secret, get, list, the stored settings'
 * summaries; settling attempts left pending. Secrets go in (sealed at rest by the store) and never
 * come out: the settings answers say only that a secret is set, its last four characters, when and
 * by whom. Writes need the `admin` role (the ledger's `configure` access).
 */
import {
  Collections,
  CreateGatewayInput,
  Gateway,
  GatewayId,
  GatewaySecretSummary,
  Page,
  PageInput,
  Parties,
  RotateGatewaySecretInput,
  UpdateGatewayInput
} from "@paybridge/core"
import { Schema } from "effect"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeGateway = jsonOutput(Gateway)
const encodeSecretSummary = jsonOutput(GatewaySecretSummary)
const encodeSecretSummaries = jsonOutput(Schema.Array(GatewaySecretSummary))
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
