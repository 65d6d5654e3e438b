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
  Collections,
  CreatePaymentInput,
  DeallocateInput,
  Documents,
  GatewayReversal,
  Page,
  PayDocumentInput,
  Payment,
  PaymentDetail,
  PaymentLookup,
  PaymentQueryInput,
  Payments,
  PostPaymentInput,
  Refund,
  RefundPaymentInput,
  Refunds,
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
const encodeGatewayReversal = jsonOutput(GatewayReversal)

export const paymentsRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreatePaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Payments.use((payments) => payments.createPayment(input))))
    ),
  get: protectedProcedure
    .input(jsonInput(PaymentLookup))
    .query(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Payments.use((payments) => payments.getPayment(input))))
    ),
  list: protectedProcedure
    .input(jsonInput(PaymentQueryInput))
    .query(async ({ ctx, input }) =>
      encodePage(await ctx.runLedger(Payments.use((payments) => payments.listPayments(input))))
    ),
  update: protectedProcedure
    .input(jsonInput(UpdatePaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodePayment(await ctx.runLedger(Payments.use((payments) => payments.updatePayment(input))))
    ),
  post: protectedProcedure
    .input(jsonInput(PostPaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodePayment(await ctx.runLedger(Payments.use((payments) => payments.postPayment(input))))
    ),
  reject: protectedProcedure
    .input(jsonInput(RejectPaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodePayment(await ctx.runLedger(Payments.use((payments) => payments.rejectPayment(input))))
    ),
  cancel: protectedProcedure
    .input(jsonInput(CancelPaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodePayment(await ctx.runLedger(Payments.use((payments) => payments.cancelPayment(input))))
    ),
  reverse: protectedProcedure
    .input(jsonInput(ReversePaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Payments.use((payments) => payments.reversePayment(input))))
    ),
  /** Refunds through the payment's gateway; the reversal is booked once the gateway approves. */
  reverseThroughGateway: protectedProcedure
    .input(jsonInput(ReversePaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodeGatewayReversal(
        await ctx.runLedger(Collections.use((collections) => collections.reverseThroughGateway(input)))
      )
    ),
  reinstate: protectedProcedure
    .input(jsonInput(ReinstateReversalInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Payments.use((payments) => payments.reinstateReversal(input))))
    ),
  requestCollection: protectedProcedure
    .input(jsonInput(RequestCollectionInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Collections.use((collections) => collections.requestCollection(input))))
    ),
  markCollected: protectedProcedure
    .input(jsonInput(CollectionOutcomeInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Collections.use((collections) => collections.markCollected(input))))
    ),
  cancelCollection: protectedProcedure
    .input(jsonInput(CollectionOutcomeInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Collections.use((collections) => collections.cancelCollection(input))))
    ),
  failCollection: protectedProcedure
    .input(jsonInput(CollectionOutcomeInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Collections.use((collections) => collections.failCollection(input))))
    ),
  allocate: protectedProcedure
    .input(jsonInput(AllocatePaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Documents.use((documents) => documents.allocatePayment(input))))
    ),
  deallocate: protectedProcedure
    .input(jsonInput(DeallocateInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Documents.use((documents) => documents.deallocate(input))))
    ),
  payDocument: protectedProcedure
    .input(jsonInput(PayDocumentInput))
    .mutation(async ({ ctx, input }) =>
      encodeDetail(await ctx.runLedger(Documents.use((documents) => documents.payDocument(input))))
    ),
  refund: protectedProcedure
    .input(jsonInput(RefundPaymentInput))
    .mutation(async ({ ctx, input }) =>
      encodeRefund(await ctx.runLedger(Refunds.use((refunds) => refunds.refundPayment(input))))
    )
})
