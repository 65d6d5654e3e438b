/** Payment gateways configured on the platform: create, get, list. */
import { CreateGatewayInput, Gateway, GatewayId, Page, PageInput, Parties } from "@paybridge/core"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeGateway = jsonOutput(Gateway)
const encodePage = jsonOutput(Page(Gateway))

export const gatewaysRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreateGatewayInput))
    .mutation(async ({ ctx, input }) =>
      encodeGateway(await ctx.runLedger(Parties.use((parties) => parties.createGateway(input))))
    ),
  get: protectedProcedure
    .input(jsonInput(ById(GatewayId)))
    .query(async ({ ctx, input }) =>
      encodeGateway(await ctx.runLedger(Parties.use((parties) => parties.getGateway(input.id))))
    ),
  list: protectedProcedure
    .input(jsonInput(PageInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Parties.use((parties) => parties.listGateways(input))))
    )
})
