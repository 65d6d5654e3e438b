/**
 * Elevate's `invoice-payment-reprocess` resource (resubmitting an invoice payment to its payment
 * provider): documented so clients and the OpenAPI document see it, but not performed by Paybridge
 * — it answers 501 in Elevate's error shape after authentication.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"

export const invoicePaymentReprocessEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/invoice-payment-reprocess",
    operationId: "reprocessInvoicePayment",
    summary: "Resubmit an invoice payment to its payment provider",
    tags: ["invoice-payment-reprocess"],
    responses: { 200: { description: "Reprocessed" } },
    tests: [],
    implemented: false
  })
]
