/**
 * Elevate's `invoice-payment-cancel` resource (cancelling an invoice payment submitted to a
 * payment provider): documented so clients and the OpenAPI document see it, but not performed by
 * Paybridge — it answers 501 in Elevate's error shape after authentication.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"

export const invoicePaymentCancelEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/invoice-payment-cancel",
    operationId: "cancelInvoicePayment",
    summary: "Cancel an invoice payment submitted to a payment provider",
    tags: ["invoice-payment-cancel"],
    responses: { 200: { description: "Cancelled" } },
    tests: [],
    implemented: false
  })
]
