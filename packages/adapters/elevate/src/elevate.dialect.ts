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
      what: "The default base path is `/elevate/v1`, not `/v1` (`DIALECT_BASE_PATHS=elevate=/v1` restores it).",
      why: "A bare `/v1` on a shared Paybridge server would collide with other dialects' paths."
    },
    {
      what: "Tokens are Paybridge-signed HS256 JWTs; `brand` is required and carried in the token but not checked.",
      why: "One Paybridge server is one brand; the token keeps Elevate's 15-minute lifetime."
    },
    {
      what: "`currencyId` is the ISO 4217 numeric code of the customer's currency (826 GBP, 978 EUR, 840 USD).",
      why: "Elevate's own currency ids are tenant reference data Paybridge does not have; the ISO numbers are the stable public equivalent."
    },
    {
      what: "The error body `{status, error, message, path, requestId, errors?}` is Paybridge's; `errors` names each field in Elevate's request names.",
      why: "Elevate's error body is not published (vendor-notes §4.5); the shape follows common Spring-style answers its clients parse."
    },
    {
      what: "A negative customer payment is a ledger balance adjustment (a debit), with an Elevate id of 1 000 000 000 000 + its balance-entry id and `txnType` `DEBIT`.",
      why: "The ledger keeps payments positive; a debit that names no payment is not a refund of one."
    },
    {
      what: "`txnType` is only `PAYMENT` or `DEBIT`; customer-payment lists show posted payments only (drafts, pending, rejected and cancelled are not listed).",
      why: "Those are the only transactions the ledger books as customer payments; the full enum is not published."
    },
    {
      what: '`gtn:` in filters is read as "greater than or null".',
      why: "Its meaning is not documented (vendor-notes §4.2); this is the reading its examples support."
    },
    {
      what: "A payment is in its customer's currency only (one currency per customer).",
      why: "The ledger keeps one running balance per customer in one ISO 4217 currency."
    },
    {
      what: "The bodies of `POST /payment-provider-reprocess`, `/invoice-payment-reprocess`, `/invoice-payment-cancel` and `/instant-bank-payment-for-mandate`, and the object of `GET /payment-provider-mandates/{paymentMethod}/{mandateReference}`, follow the nearest documented siblings (the instant-bank and invoice-payment bodies: `paymentProviderId`, `customerPaymentId` or `invoicePaymentId`, `mandateReference`, `billRunType`; the site-payment-mandate object).",
      why: "Elevate lists these resources but their bodies were not retrieved (vendor-notes §4.4); the fields reuse names Elevate documents elsewhere."
    },
    {
      what: "A reprocess is a new payment (a new id, its own gateway charge); the declined payment stays declined and is reprocessed at most once (400 naming the new payment after that). It answers 201 with the new customer payment (400 with the provider's message on a new decline) or the new invoice payment (its `status` is the provider's answer).",
      why: "The gateway boundary charges each payment under a key derived from its ledger id, so a declined charge is never re-sent and a retried request never charges twice."
    },
    {
      what: "`POST /invoice-payment-cancel` cancels a charge not yet sent to the provider, or one the provider holds uncompleted (voided there first); when the provider cannot cancel it (completed, settling, or no answer) it refuses with 400.",
      why: "Cancelling a charge the provider may still take would leave money taken and nothing booked, so only the provider's own cancellation (or its answer, or the reconciler's) decides it."
    },
    {
      what: "Invoice-payment reprocess reuses the mandate reference the payment was created with unless the body sends one; a card number is recorded masked, so it must be sent again.",
      why: "Paybridge keeps no card number in clear outside the gateway attempt."
    },
    {
      what: "A payment-provider mandate is the site-payment-mandate with that `mandateReference`; its method is `DIRECT_DEBIT` or the method of an Elevate payment made with it, and `paymentProviderIds` lists the providers that charged it.",
      why: "Paybridge holds mandates as site-payment-mandate records; the gateway port has no mandate lookup."
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
