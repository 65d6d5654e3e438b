/**
 * Elevate's `payment-provider-mandates` resource (reading a mandate held by a payment provider):
 * documented so clients and the OpenAPI document see it, but not performed by Paybridge — it
 * answers 501 in Elevate's error shape after authentication.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"

export const paymentProviderMandatesEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/payment-provider-mandates/:paymentMethod/:mandateReference",
    operationId: "getPaymentProviderMandate",
    summary: "Get details of a mandate held by a payment provider",
    tags: ["payment-provider-mandates"],
    responses: { 200: { description: "The mandate" } },
    tests: [],
    implemented: false
  })
]
