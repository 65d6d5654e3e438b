/**
 * Elevate's `adhoc-invoice-payments` resource: the invoice-payment endpoints for adhoc invoices
 * (ADHOC bill runs, ledger bills), made by `invoicePaymentEndpointsOf` exactly as
 * `invoice-payments` is for normal invoices.
 */
import type { Endpoint } from "@paybridge/adapter-kit"
import { invoicePaymentEndpointsOf } from "./invoice-payments.endpoints.ts"

export const adhocInvoicePaymentsEndpoints: ReadonlyArray<Endpoint> = invoicePaymentEndpointsOf({
  billRunType: "ADHOC",
  path: "/adhoc-invoice-payments",
  operation: "AdhocInvoicePayment",
  label: "adhoc invoice payment"
})
