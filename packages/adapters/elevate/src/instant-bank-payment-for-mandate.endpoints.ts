/**
 * Elevate's `instant-bank-payment-for-mandate` resource (taking an instant bank payment against a
 * mandate): documented so clients and the OpenAPI document see it, but not performed by Paybridge
 * — it answers 501 in Elevate's error shape after authentication.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"

export const instantBankPaymentForMandateEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/instant-bank-payment-for-mandate",
    operationId: "createInstantBankPaymentForMandate",
    summary: "Take an instant bank payment against a mandate",
    tags: ["instant-bank-payment-for-mandate"],
    responses: { 200: { description: "The payment" } },
    tests: [],
    implemented: false
  })
]
