/**
 * The kit's shared contract suite for the Billing Platform (UK) dialect: credentials on every
 * route, the error shape, unknown routes, rejected and malformed creates, idempotent creates and
 * the dialect's section of docs/compatibility.md.
 */
import { dialectContractSuite } from "@paybridge/adapter-kit/testing"
import { billingPlatformUkDialect } from "../src/index.ts"
import { amount, authorize, type BpukSeed, seedBpuk } from "./billing-platform-uk.seed.ts"

dialectContractSuite<BpukSeed>({
  dialect: billingPlatformUkDialect,
  expectations: {
    seed: seedBpuk,
    authorize,
    authorizeWrongly: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: "Bearer pbk_notakey0000_wrongsecretwrongsecretwrongsecret" }
    }),
    pathParams: { id: "1", customerId: "1" },
    create: {
      operationId: "createCustomerPayment",
      valid: ({ customerId }) => ({
        method: "POST",
        path: `/customers/${customerId}/payments/`,
        body: { paymentAmount: amount("125.50"), paymentDate: "2024-03-01", ourReference: "BANK-1" }
      }),
      variant: ({ customerId }) => ({
        method: "POST",
        path: `/customers/${customerId}/payments/`,
        body: { paymentAmount: amount("99.99"), paymentDate: "2024-03-02", ourReference: "BANK-2" }
      }),
      invalid: ({ customerId }) => ({
        method: "POST",
        path: `/customers/${customerId}/payments/`,
        body: { paymentAmount: "twelve pounds" }
      })
    }
  }
})
