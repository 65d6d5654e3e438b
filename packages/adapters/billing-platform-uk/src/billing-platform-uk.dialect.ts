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
  endpoints: [...paymentsEndpoints, ...customerPaymentsEndpoints]
})
