/**
 * Elevate's `payment-provider-reprocess` resource (reprocessing a payment provider's pending
 * events): documented so clients and the OpenAPI document see it, but not performed by Paybridge —
 * it answers 501 in Elevate's error shape after authentication.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"

export const paymentProviderReprocessEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/payment-provider-reprocess",
    operationId: "reprocessPaymentProvider",
    summary: "Reprocess a payment provider's pending events",
    tags: ["payment-provider-reprocess"],
    responses: { 200: { description: "Reprocessed" } },
    tests: [],
    implemented: false
  })
]
