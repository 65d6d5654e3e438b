/**
 * Read-only views the admin console needs beyond the ledger's records: the overview figures, the
 * mounted dialects, one payment as each dialect returns it (side by side, "what does the old
 * client see?") and the generated compatibility table.
 */
import { OverviewInput, PaymentDetail, PaymentId, PaymentOverview, Payments } from "@paybridge/core"
import { Schema } from "effect"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { consoleProcedure, protectedProcedure, router } from "../trpc.ts"

const encodeOverview = jsonOutput(PaymentOverview)
const encodeDetail = jsonOutput(PaymentDetail)

const describeFailure = (error: unknown): string =>
  error instanceof Error
    ? error.message
    : typeof error === "string"
      ? error
      : "the dialect could not render this payment"

export const overviewRouter = router({
  figures: protectedProcedure
    .input(jsonInput(OverviewInput))
    .query(async ({ ctx, input }) =>
      encodeOverview(await ctx.runLedger(Payments.use((payments) => payments.paymentOverview(input))))
    )
})

export const dialectsRouter = router({
  list: consoleProcedure.query(({ ctx }) =>
    ctx.console.dialects.map((dialect) => ({
      id: dialect.id,
      title: dialect.title,
      basePath: dialect.basePath,
      rendersPayments: dialect.renderPayment !== null
    }))
  ),
  /**
   * Every mounted dialect's view of one payment as the JSON text its client receives (`json`,
   * already indented; never re-parsed here, so `75.00` and long amounts reach the console as the
   * dialect wrote them); dialects without a renderer say so instead.
   */
  paymentViews: consoleProcedure
    .input(jsonInput(Schema.Struct({ paymentId: PaymentId })))
    .query(async ({ ctx, input }) => {
      const detail = await ctx.runLedger(Payments.use((payments) => payments.getPayment({ id: input.paymentId })))
      const canonical = encodeDetail(detail)
      const views = await Promise.all(
        ctx.console.dialects.map(async (dialect) => {
          const base = { dialect: dialect.id, title: dialect.title, basePath: dialect.basePath }
          if (dialect.renderPayment === null) {
            return { ...base, status: "not-implemented" as const, json: null, error: null }
          }
          try {
            const json = await dialect.renderPayment(detail, { principal: ctx.principal, requestId: ctx.requestId })
            return { ...base, status: "rendered" as const, json, error: null }
          } catch (error) {
            return { ...base, status: "failed" as const, json: null, error: describeFailure(error) }
          }
        })
      )
      return { canonical, views }
    })
})

export const compatibilityRouter = router({
  document: consoleProcedure.query(async ({ ctx }) => ({ markdown: await ctx.console.compatibilityDocument() }))
})
