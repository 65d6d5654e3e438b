/**
 * Wire schemas of Elevate's gateway actions: reading a mandate held by a payment provider
 * (`GET /payment-provider-mandates/{paymentMethod}/{mandateReference}`), reprocessing a declined
 * customer payment through its provider (`POST /payment-provider-reprocess`), and reprocessing or
 * cancelling an invoice payment collected through a provider (`POST /invoice-payment-reprocess`,
 * `POST /invoice-payment-cancel`). The vendor's navigation lists these resources but their bodies
 * were not retrieved (vendor-notes §4.4); the fields follow the nearest documented siblings (the
 * instant-bank-payment and invoice-payment bodies, the site-payment-mandate object) — see the
 * dialect's `deviations`.
 */
import { Schema } from "effect"
import { BillRunType, PaymentMethod } from "./elevate.schemas.ts"

const Id = Schema.Int.check(Schema.isGreaterThan(0))
const Reference = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))

export const PaymentProviderMandatePath = Schema.Struct({
  paymentMethod: PaymentMethod,
  mandateReference: Reference
})

/** A mandate: the site-payment-mandate it was recorded with, and the providers that charged it. */
export const PaymentProviderMandate = Schema.Struct({
  id: Id,
  paymentMethod: PaymentMethod,
  mandateReference: Schema.String,
  siteId: Id,
  thirdPartyCustomerReference: Schema.NullOr(Schema.String),
  paymentProviderIds: Schema.Array(Id)
}).annotate({ identifier: "PaymentProviderMandate" })

/** POST /payment-provider-reprocess: charge a declined customer payment again through its provider. */
export const PaymentProviderReprocess = Schema.Struct({
  paymentProviderId: Id.pipe(Schema.brand("GatewayId")),
  customerPaymentId: Id.pipe(Schema.brand("PaymentId")),
  /** The mandate or card token to charge (the declined payment's own is not kept by the ledger). */
  mandateReference: Reference
}).annotate({ identifier: "PaymentProviderReprocess" })

/** POST /invoice-payment-reprocess: collect a declined invoice payment again through its provider. */
export const InvoicePaymentReprocess = Schema.Struct({
  invoicePaymentId: Id,
  billRunType: Schema.optionalKey(BillRunType),
  /** Defaults to the mandate reference the invoice payment was created with. */
  mandateReference: Schema.optionalKey(Schema.NullOr(Reference))
}).annotate({ identifier: "InvoicePaymentReprocess" })

/** POST /invoice-payment-cancel: cancel an invoice payment the provider has not taken yet. */
export const InvoicePaymentCancel = Schema.Struct({
  invoicePaymentId: Id,
  billRunType: Schema.optionalKey(BillRunType)
}).annotate({ identifier: "InvoicePaymentCancel" })
