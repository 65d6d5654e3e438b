/** Billing entities (the businesses that issue documents): create, get, list. */
import { BillingEntity, CreateBillingEntityInput, Page, PageInput } from "@paybridge/core"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeBillingEntity = jsonOutput(BillingEntity)
const encodePage = jsonOutput(Page(BillingEntity))

export const billingEntitiesRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreateBillingEntityInput))
    .mutation(async ({ ctx, input }) =>
      encodeBillingEntity(await ctx.runLedger((ledger) => ledger.createBillingEntity(input)))
    ),
  get: protectedProcedure
    .input(jsonInput(ById))
    .query(async ({ ctx, input }) =>
      encodeBillingEntity(await ctx.runLedger((ledger) => ledger.getBillingEntity(input.id)))
    ),
  list: protectedProcedure
    .input(jsonInput(PageInput))
    .query(async ({ ctx, input }) => encodePage(await ctx.runLedger((ledger) => ledger.listBillingEntities(input))))
})
