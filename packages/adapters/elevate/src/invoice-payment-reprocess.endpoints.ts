/**
 * Elevate's `invoice-payment-reprocess` resource: collect an invoice payment its payment provider
 * declined again. Over the gateway boundary: a new payment of the same invoice (normal or adhoc,
 * `billRunType`), amount and provider is booked pending with its own gateway attempt in one unit
 * with its Elevate record, the provider is called after the commit and outside any transaction,
 * and its answer recorded. The mandate is the body's `mandateReference`, else the one the invoice
 * payment was created with (a card number is recorded masked, so it must be sent again). One reprocess per declined payment (see
 * `gateway-actions.transformers.ts`). Answers 201 with the new invoice payment, whose `status` is
 * the provider's answer (`PAID`, `PENDING`, or `UNPAID` with `errorInfo`), as `POST
 * /invoice-payments` does.
 */
import { created, type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { DocumentId, Documents, PaymentId, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { InvoicePayment } from "./elevate.schemas.ts"
import { kinds, ledgerIdOf, methodPresetId, paymentAttributesOf, saveRecord, unit } from "./elevate.transformers.ts"
import { InvoicePaymentReprocess } from "./gateway-actions.schemas.ts"
import { amountOf, claimReprocess, ensureDeclined, ensureNotReprocessed } from "./gateway-actions.transformers.ts"
import { elevateInvoicePayment } from "./invoice-payments.transformers.ts"

const suite = "elevate.gateway-actions.test.ts"

export const invoicePaymentReprocessEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/invoice-payment-reprocess",
    operationId: "reprocessInvoicePayment",
    summary: "Resubmit a declined invoice payment to its payment provider",
    tags: ["invoice-payment-reprocess"],
    request: { body: InvoicePaymentReprocess },
    responses: { 201: { description: "The new invoice payment", schema: InvoicePayment } },
    tests: [
      `${suite} › invoice payment reprocess › collects a declined invoice payment again through its provider, once`
    ],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const documents = yield* Documents
        const billRunType = body.billRunType ?? "NORMAL"
        const {
          detail,
          record,
          body: shown
        } = yield* elevateInvoicePayment(body.invoicePaymentId, billRunType, "invoice payment")
        const declined = detail.payment
        yield* ensureDeclined(declined, "invoicePaymentId", "invoice payment")
        // Card numbers are kept masked in dialect records: such a reference cannot be charged again.
        const recorded = typeof record.data.mandateReference === "string" ? record.data.mandateReference : null
        const mandateReference = body.mandateReference ?? (recorded?.includes("*") === true ? null : recorded)
        if (mandateReference === null) {
          return yield* validationFailed(
            ["mandateReference"],
            `invoice payment ${declined.id} has no reusable mandate reference recorded (none, or a masked card number); send one`
          )
        }
        const attributes = paymentAttributesOf(record.data)
        const methodId = yield* methodPresetId(attributes.type)
        const paymentId = yield* unit(
          "reprocessInvoicePayment",
          body,
          PaymentId,
          Effect.gen(function* () {
            // A clear answer before anything is booked (a retry with the same key is replayed before this).
            yield* ensureNotReprocessed(declined, "invoicePaymentId")
            const paid = yield* documents.payDocument({
              documentId: ledgerIdOf(DocumentId, shown.invoiceId),
              amount: amountOf(declined),
              ...(methodId === null ? {} : { methodId }),
              gatewayId: declined.gatewayId,
              cardToken: mandateReference,
              thirdPartyReference: declined.references.thirdPartyReference,
              description: declined.references.description
            })
            yield* claimReprocess(declined, paid.payment.id, "invoicePaymentId")
            yield* saveRecord(
              kinds.payment,
              String(paid.payment.id),
              { ...record.data, mandateReference, reprocessOf: declined.id },
              { customerId: paid.payment.customerId, paymentId: paid.payment.id }
            )
            return paid.payment.id
          })
        )
        const { body: reprocessed } = yield* elevateInvoicePayment(paymentId, billRunType, "invoice payment")
        return created(reprocessed)
      })
  })
]
