/**
 * The Billing Platform (UK) dialect: the vendor's `/backend/api/v1` payments API over the
 * Paybridge ledger — get, list (all, or one customer's), create, modify (including reversal and
 * reinstatement) and delete payments, authenticated with a static bearer API key (one per user,
 * scoped to the user's customers). This module only assembles the dialect; the endpoints and their
 * handlers live in `payments.endpoints.ts` and `customer-payments.endpoints.ts`. See the README for
 * the contract decisions (status presets, refunds as negative payments, PATCH reversal, DELETE).
 */
import { defineDialect } from "@paybridge/adapter-kit"
import { billingPlatformUkAuth } from "./billing-platform-uk.auth.ts"
import { billingPlatformUkErrors } from "./billing-platform-uk.errors.ts"
import { BpukError } from "./billing-platform-uk.schemas.ts"
import { dialectId } from "./billing-platform-uk.transformers.ts"
import { customerPaymentsEndpoints } from "./customer-payments.endpoints.ts"
import { paymentsEndpoints } from "./payments.endpoints.ts"
import { readPayment } from "./payments.transformers.ts"

export const billingPlatformUkDialect = defineDialect({
  id: dialectId,
  title: "Billing Platform (UK)",
  vendorDocs: [
    {
      title: "Billing Platform (UK): payments endpoint",
      url: "https://documentation.billingplatform.uk/api/endpoints/payments"
    },
    { title: "Billing Platform (UK): API overview", url: "https://documentation.billingplatform.uk/api" }
  ],
  description:
    "`Authorization: Bearer <API key>` (one key per user, limited to the user's customers). Amounts are major-unit " +
    "JSON numbers with the currency's decimals (decimal strings accepted on input); a negative amount records a " +
    "refund paid back to the customer (row id `R<n>`). `status` lists the active status names from a configurable " +
    "preset list. PATCH reverses with `paymentReversedDate` and reinstates by clearing it. Lists are bare arrays " +
    "ordered by id. Errors: `{ error: { code, message, fields?, requestId } }`.",
  version: "v1",
  defaultBasePath: "/backend/api/v1",
  // The admin console's view: exactly what GET payments/ID answers (a deleted payment is a 404 there too).
  renderPayment: (detail) => readPayment(detail.payment.id),
  authenticate: billingPlatformUkAuth,
  renderError: billingPlatformUkErrors,
  errorSchema: BpukError,
  deviations: [
    {
      what: "A negative `paymentAmount` is booked as a ledger refund (settled at once) of the customer's newest posted payment with enough left, or of the payment named by the extension field `refundOfPaymentID`; it is shown as a row with id `R<n>`; 409 when no payment can cover it.",
      why: "The ledger keeps payments positive and every refund tied to the payment it pays back, so tRPC and the other dialects see the same money; the vendor's refund-as-negative-payment has no such link."
    },
    {
      what: "DELETE of a posted payment is refused (409 `not_allowed`); only a payment not yet posted (a draft, or one awaiting collection) is deleted (cancelled).",
      why: "The ledger never deletes posted money: it is reversed (PATCH `paymentReversedDate`), which keeps the balance chain and the audit trail."
    },
    {
      what: "`paymentAmount`, `paymentDate` and `paymentMethod` change only while a payment is not posted; only a posted payment can be reversed.",
      why: "Posted money is corrected by reversal, not edited, so every protocol's history of the payment stays true."
    },
    {
      what: "The error body `{error:{code, message, fields?, requestId}}` and its status codes are Paybridge's.",
      why: "The vendor documents no error body or codes (vendor-notes §1.5); one shape with a stable `code` per situation lets a client tell them apart."
    },
    {
      what: "The `status` preset names default to `Reversed`, `Collection Pending`, `Collected`, `Collection Cancelled`, `Collection Failed` and are configurable (`saveStatusPresets`).",
      why: "The vendor's real preset names are not published; a tenant sets its own names before cutover."
    },
    {
      what: "`invoiceID` / `invoiceIDReversed` are display-only and do not allocate the payment to that invoice.",
      why: "The vendor's \"Display on Invoice\" only chooses where the payment is printed; settling invoices is the ledger's allocation."
    },
    {
      what: "Lists are ordered by id and page with `idAfter`; there is no limit parameter.",
      why: "The vendor documents no paging for payments; `idAfter` is the keyset paging its other resources use."
    },
    {
      what: "Rejected (gateway-declined) and deleted payments answer 404 and are left out of lists.",
      why: "A declined payment never brought money and a deleted one is cancelled in the ledger; the vendor's lists show valid payments only."
    },
    {
      what: "A payment is in its customer's currency only (one currency per customer).",
      why: "The ledger keeps one running balance per customer in one ISO 4217 currency."
    }
  ],
  endpoints: [...paymentsEndpoints, ...customerPaymentsEndpoints]
})
