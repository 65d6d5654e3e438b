/**
 * Refunds: get, list with filters, move one through its lifecycle (submit, settle, cancel, fail), and
 * the two refunds whose source the ledger chooses (docs/money-model.md): of customer credit, and for
 * a document.
 */
import {
  CustomerCreditRefund,
  Page,
  Refund,
  RefundCustomerCreditInput,
  RefundDocumentInput,
  RefundId,
  RefundQueryInput,
  Refunds,
  TransitionRefundInput
} from "@paybridge/core"
import { ById } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeRefund = jsonOutput(Refund)
const encodePage = jsonOutput(Page(Refund))
const encodeCreditRefund = jsonOutput(CustomerCreditRefund)

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
  fromCustomerCredit: protectedProcedure
    .input(jsonInput(RefundCustomerCreditInput))
    .mutation(async ({ ctx, input }) =>
      encodeCreditRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.refundCustomerCredit(input))))
    ),
  forDocument: protectedProcedure
    .input(jsonInput(RefundDocumentInput))
    .mutation(async ({ ctx, input }) =>
      encodeRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.refundDocument(input))))
    ),
  transition: protectedProcedure
    .input(jsonInput(TransitionRefundInput))
    .mutation(async ({ ctx, input }) =>
      encodeRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.transitionRefund(input))))
    )
})
