/** Refunds: get, list with filters, and move one through its lifecycle (submit, settle, cancel, fail). */
import { Page, Refund, RefundId, RefundQueryInput, Refunds, TransitionRefundInput } from "@paybridge/core"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeRefund = jsonOutput(Refund)
const encodePage = jsonOutput(Page(Refund))

export const refundsRouter = router({
  get: protectedProcedure
    .input(jsonInput(ById(RefundId)))
    .query(async ({ ctx, input }) =>
      encodeRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.getRefund(input.id))))
    ),
  list: protectedProcedure
    .input(jsonInput(RefundQueryInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Refunds.use((refunds) => refunds.listRefunds(input))))
    ),
  transition: protectedProcedure
    .input(jsonInput(TransitionRefundInput))
    .mutation(async ({ ctx, input }) =>
      encodeRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.transitionRefund(input))))
    )
})
