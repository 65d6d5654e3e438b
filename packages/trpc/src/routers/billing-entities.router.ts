/** Billing entities (the businesses that issue documents): create, get, list. */
import { BillingEntity, BillingEntityId, CreateBillingEntityInput, Page, PageInput, Parties } from "@paybridge/core"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeBillingEntity = jsonOutput(BillingEntity)
const encodePage = jsonOutput(Page(BillingEntity))

export const billingEntitiesRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreateBillingEntityInput))
    .mutation(async ({ ctx, input }) =>
      encodeBillingEntity(await ctx.runLedger(Parties.use((parties) => parties.createBillingEntity(input))))
    ),
  get: protectedProcedure
    .input(jsonInput(ById(BillingEntityId)))
    .query(async ({ ctx, input }) =>
      encodeBillingEntity(await ctx.runLedger(Parties.use((parties) => parties.getBillingEntity(input.id))))
    ),
  list: protectedProcedure
    .input(jsonInput(PageInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Parties.use((parties) => parties.listBillingEntities(input))))
    )
})
