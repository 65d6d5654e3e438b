/**
 * The Elevate Billing dialect: the Payment and Refund API (1.37) over the Paybridge ledger,
 * mounted by default at `/elevate/v1` (the vendor serves it under `/v1`). Clients log in with
 * `POST /authenticate` `{brand, username, password}` and get a signed JWT (HS256, 15 minutes,
 * key from `ELEVATE_JWT_SECRET` through `ElevateTokenSettings`) that goes in `Authorization:
 * Bearer` on every other call. Customer payments pay the customer's unpaid invoices oldest first
 * and leave any overpayment as credit; negative ones (debits) are balance adjustments. Payment
 * providers are ledger gateways, site payment mandates are dialect records, refunds follow the
 * ledger's refund lifecycle, balances and credit status come from the customer record, and
 * payment links are made by the gateway port; reprocessing, cancelling and instant bank payments
 * cross the gateway boundary. Lists are bare JSON arrays paged by `page` and
 * `pageSize`, filtered by Elevate's expression grammar (see `list-grammar.transformers.ts`). This
 * file only assembles the dialect; each resource's endpoints live in `<resource>.endpoints.ts`.
 */
import { defineDialect } from "@paybridge/adapter-kit"
import { adhocInvoicePaymentsEndpoints } from "./adhoc-invoice-payments.endpoints.ts"
import { authenticationEndpoints } from "./authentication.endpoints.ts"
import { customerBalancesEndpoints } from "./customer-balances.endpoints.ts"
import { customerCreditStatusEndpoints } from "./customer-credit-status.endpoints.ts"
import { customerPaymentsEndpoints } from "./customer-payments.endpoints.ts"
import { renderCustomerPayment } from "./customer-payments.transformers.ts"
import { elevateBearer } from "./elevate.auth.ts"
import { elevateErrors } from "./elevate.errors.ts"
import { ElevateError } from "./elevate.schemas.ts"
import { dialectId } from "./elevate.transformers.ts"
import { instantBankPaymentForMandateEndpoints } from "./instant-bank-payment-for-mandate.endpoints.ts"
import { invoicePaymentCancelEndpoints } from "./invoice-payment-cancel.endpoints.ts"
import { invoicePaymentReprocessEndpoints } from "./invoice-payment-reprocess.endpoints.ts"
import { invoicePaymentsEndpoints } from "./invoice-payments.endpoints.ts"
import { paymentProviderMandatesEndpoints } from "./payment-provider-mandates.endpoints.ts"
import { paymentProviderPaymentLinkEndpoints } from "./payment-provider-payment-link.endpoints.ts"
import { paymentProviderReprocessEndpoints } from "./payment-provider-reprocess.endpoints.ts"
import { paymentProvidersEndpoints } from "./payment-providers.endpoints.ts"
import { refundsEndpoints } from "./refunds.endpoints.ts"
import { sitePaymentMandatesEndpoints } from "./site-payment-mandates.endpoints.ts"

export const elevateDialect = defineDialect({
  id: dialectId,
  title: "Elevate Billing (Payment and Refund API 1.37)",
  vendorDocs: [
    {
      title: "Elevate Payment and Refund API",
      url: "https://docs.elevatebilling.com/openapi/prod/gen/billing-rest-payment.md"
    },
    {
      title: "Elevate authentication",
      url: "https://docs.cvt.elevatebilling.io/openapi/pages/billing-rest-authentication/operation/createBearerToken"
    }
  ],
  description:
    "POST /authenticate returns a JWT (HS256, 15 minutes) for Authorization: Bearer. Amounts are exact JSON numbers in major units, dates YYYY-MM-DD, lists bare arrays paged by page and pageSize (1-1000) with Elevate's filter grammar. Errors are { status, error, message, path, requestId, errors? }. Customer payments pay the oldest unpaid invoices first; negative ones are balance debits.",
  version: "1.37",
  defaultBasePath: "/elevate/v1",
  authenticate: elevateBearer,
  // The admin console's view: the payment as an Elevate customer payment.
  renderPayment: renderCustomerPayment,
  renderError: elevateErrors,
  errorSchema: ElevateError,
  // Registry order (OpenAPI, docs/compatibility.md): as the resources were always listed.
  deviations: [
    {
      what: "The bodies of POST /payment-provider-reprocess, /invoice-payment-reprocess, /invoice-payment-cancel and /instant-bank-payment-for-mandate, and the object of GET /payment-provider-mandates/{paymentMethod}/{mandateReference}, follow the nearest documented siblings (instant-bank and invoice-payment bodies: paymentProviderId, customerPaymentId or invoicePaymentId, mandateReference, billRunType; the site-payment-mandate object)",
      why: "Elevate lists these resources but their bodies were not retrieved; the fields reuse names Elevate documents elsewhere so a client's mapping is the obvious one"
    },
    {
      what: "A reprocess is a new payment (a new id, its own gateway charge); the declined payment stays declined and can be reprocessed once (400 naming the new payment after that); the reprocess answers 201 with the new customer payment (400 with the provider's message on a new decline) or invoice payment (its status is the provider's answer)",
      why: "The gateway boundary charges each payment under a key derived from its ledger id, so re-sending a declined charge could never charge again, and a retried request must never charge twice"
    },
    {
      what: "POST /invoice-payment-cancel refuses with 400 once the charge has been sent to the provider (or the provider answered pending); only a charge not yet sent is cancelled",
      why: "The gateway contract has no cancel call: cancelling a charge the provider may still take would leave money taken and nothing booked, so the provider's answer (or the reconciler's) decides it"
    },
    {
      what: "Invoice-payment reprocess reuses the mandate reference the payment was created with unless the body sends one; a card number is kept masked, so it must be sent again",
      why: "Paybridge never stores card numbers in clear outside the gateway attempt"
    },
    {
      what: "A payment-provider mandate is an Elevate site-payment-mandate record with that mandateReference; its method is DIRECT_DEBIT or the method of an Elevate payment made with it, and paymentProviderIds lists the providers that charged it",
      why: "Paybridge holds mandates as site-payment-mandate records; no provider-side mandate store is modelled"
    }
  ],
  endpoints: [
    ...authenticationEndpoints,
    ...customerPaymentsEndpoints,
    ...paymentProvidersEndpoints,
    ...sitePaymentMandatesEndpoints,
    ...invoicePaymentsEndpoints,
    ...adhocInvoicePaymentsEndpoints,
    ...refundsEndpoints,
    ...customerBalancesEndpoints,
    ...customerCreditStatusEndpoints,
    ...paymentProviderPaymentLinkEndpoints,
    // The gateway actions (mandates, reprocess, cancel, instant bank payments).
    ...paymentProviderMandatesEndpoints,
    ...paymentProviderReprocessEndpoints,
    ...invoicePaymentReprocessEndpoints,
    ...invoicePaymentCancelEndpoints,
    ...instantBankPaymentForMandateEndpoints
  ]
})
