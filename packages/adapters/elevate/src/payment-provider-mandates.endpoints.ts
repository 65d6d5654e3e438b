/**
 * Elevate's `payment-provider-mandates` resource: read a mandate by payment method and reference.
 * Paybridge keeps mandates as Elevate site-payment-mandate records (a direct-debit authority of a
 * site, i.e. a customer); the mandate is the site mandate with that `mandateReference`, and its
 * `paymentProviderIds` are the providers that charged it (the Elevate payments of that customer
 * made with the reference: instant bank payments, provider invoice payments, reprocesses). The
 * payment method is `DIRECT_DEBIT` (what a site mandate authorises) or the method of a payment
 * that used the mandate; any other method, or an unknown reference, is 404.
 */
import { type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { Effect } from "effect"
import { kinds, missing, paymentAttributesOf, recordsOf } from "./elevate.transformers.ts"
import { PaymentProviderMandate, PaymentProviderMandatePath } from "./gateway-actions.schemas.ts"

const suite = "elevate.gateway-actions.test.ts"

export const paymentProviderMandatesEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/payment-provider-mandates/:paymentMethod/:mandateReference",
    operationId: "getPaymentProviderMandate",
    summary: "Get details of a mandate held by a payment provider",
    tags: ["payment-provider-mandates"],
    request: { params: PaymentProviderMandatePath },
    responses: { 200: { description: "The mandate", schema: PaymentProviderMandate } },
    tests: [
      `${suite} › payment provider mandates › reads a mandate by method and reference with the providers that charged it`
    ],
    implemented: true,
    handler: ({ params }) =>
      Effect.gen(function* () {
        const label = `${params.paymentMethod} mandate`
        const mandate = (yield* recordsOf(kinds.mandate)).find(
          (record) => record.data.mandateReference === params.mandateReference && record.customerId !== null
        )
        if (mandate === undefined || mandate.customerId === null) {
          return yield* Effect.fail(missing(label, params.mandateReference))
        }
        const used = (yield* recordsOf(kinds.payment, { customerId: mandate.customerId })).filter(
          (record) => record.data.mandateReference === params.mandateReference
        )
        const methods = new Set(["DIRECT_DEBIT", ...used.map((record) => paymentAttributesOf(record.data).type)])
        if (!methods.has(params.paymentMethod)) return yield* Effect.fail(missing(label, params.mandateReference))
        const providers = new Set(
          used.flatMap((record) => {
            const provider = paymentAttributesOf(record.data).paymentProviderId
            return provider === null ? [] : [provider]
          })
        )
        return ok({
          id: mandate.id,
          paymentMethod: params.paymentMethod,
          mandateReference: params.mandateReference,
          siteId: mandate.customerId,
          thirdPartyCustomerReference:
            typeof mandate.data.thirdPartyCustomerReference === "string"
              ? mandate.data.thirdPartyCustomerReference
              : null,
          paymentProviderIds: [...providers].sort((a, b) => a - b)
        })
      })
  })
]
