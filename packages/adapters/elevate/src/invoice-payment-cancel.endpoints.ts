/**
 * Elevate's `invoice-payment-cancel` resource: cancel an invoice payment submitted to a payment
 * provider while the provider has not taken it. The ledger cancels the pending payment (its
 * allocation released, the invoice open again): a charge never sent is abandoned, one the provider
 * holds uncompleted (e.g. awaiting the customer's authentication) is cancelled at the provider
 * first; when the provider cannot cancel it (it completed it, is settling it, or never answered)
 * the cancellation is refused with 400 in Elevate's error shape and the provider's answer (or the
 * reconciler's) decides the payment. Manual, paid, declined and cancelled
 * invoice payments are refused the same way. Answers 200 with the invoice payment (`UNPAID`).
 */
import { type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { Payments, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { InvoicePayment } from "./elevate.schemas.ts"
import { InvoicePaymentCancel } from "./gateway-actions.schemas.ts"
import { elevateInvoicePayment } from "./invoice-payments.transformers.ts"

const suite = "elevate.gateway-actions.test.ts"

export const invoicePaymentCancelEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/invoice-payment-cancel",
    operationId: "cancelInvoicePayment",
    summary: "Cancel an invoice payment its payment provider has not taken yet",
    tags: ["invoice-payment-cancel"],
    request: { body: InvoicePaymentCancel },
    responses: { 200: { description: "The cancelled invoice payment", schema: InvoicePayment } },
    tests: [
      `${suite} › invoice payment cancel › cancels a payment the provider has not taken, voiding it there while pending, and refuses one no longer pending`
    ],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const payments = yield* Payments
        const billRunType = body.billRunType ?? "NORMAL"
        const { detail } = yield* elevateInvoicePayment(body.invoicePaymentId, billRunType, "invoice payment")
        const payment = detail.payment
        if (payment.gatewayId === null) {
          return yield* validationFailed(
            ["invoicePaymentId"],
            `invoice payment ${payment.id} is a manual payment, not submitted to a payment provider`
          )
        }
        if (payment.state !== "pending") {
          return yield* validationFailed(
            ["invoicePaymentId"],
            `only a pending invoice payment can be cancelled; invoice payment ${payment.id} is ${payment.state}`
          )
        }
        yield* payments
          .cancelPayment({ paymentId: payment.id, reason: "cancelled through Elevate's invoice-payment-cancel" })
          .pipe(
            Effect.catchTag("InvalidTransition", (refusal) =>
              validationFailed(["invoicePaymentId"], `invoice payment ${payment.id}: ${refusal.message}`)
            )
          )
        const { body: cancelled } = yield* elevateInvoicePayment(payment.id, billRunType, "invoice payment")
        return ok(cancelled)
      })
  })
]
