/**
 * Payments and everything that happens to them: create, get (by id, public id, reference,
 * number or external ref), list with filters and a keyset cursor, update, the lifecycle actions
 * (post, reject, cancel, reverse — whole or partial —, reinstate), the collection sub-lifecycle,
 * allocation to documents, paying a document, and refunding.
 */
import {
  AllocatePaymentInput,
  CancelPaymentInput,
  CollectionOutcomeInput,
  CreatePaymentInput,
  DeallocateInput,
  Page,
  PayDocumentInput,
  Payment,
  PaymentDetail,
  PaymentLookup,
  PaymentQueryInput,
  PostPaymentInput,
  Refund,
  RefundPaymentInput,
  ReinstateReversalInput,
  RejectPaymentInput,
  RequestCollectionInput,
  ReversePaymentInput,
  UpdatePaymentInput
} from "@paybridge/core"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodeDetail = jsonOutput(PaymentDetail)
const encodePayment = jsonOutput(Payment)
const encodePage = jsonOutput(Page(Payment))
const encodeRefund = jsonOutput(Refund)

export const paymentsRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreatePaymentInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.createPayment(input)))),
  get: protectedProcedure
    .input(jsonInput(PaymentLookup))
    .query(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.getPayment(input)))),
  list: protectedProcedure
    .input(jsonInput(PaymentQueryInput))
    .query(async ({ ctx, input }) => encodePage(await ctx.runLedger((ledger) => ledger.listPayments(input)))),
  update: protectedProcedure
    .input(jsonInput(UpdatePaymentInput))
    .mutation(async ({ ctx, input }) => encodePayment(await ctx.runLedger((ledger) => ledger.updatePayment(input)))),
  post: protectedProcedure
    .input(jsonInput(PostPaymentInput))
    .mutation(async ({ ctx, input }) => encodePayment(await ctx.runLedger((ledger) => ledger.postPayment(input)))),
  reject: protectedProcedure
    .input(jsonInput(RejectPaymentInput))
    .mutation(async ({ ctx, input }) => encodePayment(await ctx.runLedger((ledger) => ledger.rejectPayment(input)))),
  cancel: protectedProcedure
    .input(jsonInput(CancelPaymentInput))
    .mutation(async ({ ctx, input }) => encodePayment(await ctx.runLedger((ledger) => ledger.cancelPayment(input)))),
  reverse: protectedProcedure
    .input(jsonInput(ReversePaymentInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.reversePayment(input)))),
  reinstate: protectedProcedure
    .input(jsonInput(ReinstateReversalInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.reinstateReversal(input)))),
  requestCollection: protectedProcedure
    .input(jsonInput(RequestCollectionInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.requestCollection(input)))),
  markCollected: protectedProcedure
    .input(jsonInput(CollectionOutcomeInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.markCollected(input)))),
  cancelCollection: protectedProcedure
    .input(jsonInput(CollectionOutcomeInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.cancelCollection(input)))),
  failCollection: protectedProcedure
    .input(jsonInput(CollectionOutcomeInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.failCollection(input)))),
  allocate: protectedProcedure
    .input(jsonInput(AllocatePaymentInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.allocatePayment(input)))),
  deallocate: protectedProcedure
    .input(jsonInput(DeallocateInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.deallocate(input)))),
  payDocument: protectedProcedure
    .input(jsonInput(PayDocumentInput))
    .mutation(async ({ ctx, input }) => encodeDetail(await ctx.runLedger((ledger) => ledger.payDocument(input)))),
  refund: protectedProcedure
    .input(jsonInput(RefundPaymentInput))
    .mutation(async ({ ctx, input }) => encodeRefund(await ctx.runLedger((ledger) => ledger.refundPayment(input))))
})
