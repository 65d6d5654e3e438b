/**
 * Refunds: get, list with filters, move one through its lifecycle (submit, settle, cancel, fail),
 * and refund customer credit (the ledger chooses the payments it draws from).
 */
import {
  CustomerCreditRefund,
  Page,
  Refund,
  RefundCustomerCreditInput,
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
  transition: protectedProcedure
    .input(jsonInput(TransitionRefundInput))
    .mutation(async ({ ctx, input }) =>
      encodeRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.transitionRefund(input))))
    ),
  /** Pays customer credit back without naming a payment: the ledger's rule picks what it draws from. */
  refundCustomerCredit: protectedProcedure
    .input(jsonInput(RefundCustomerCreditInput))
    .mutation(async ({ ctx, input }) =>
      encodeCreditRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.refundCustomerCredit(input))))
    )
})
