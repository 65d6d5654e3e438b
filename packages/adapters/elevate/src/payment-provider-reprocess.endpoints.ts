/**
 * Elevate's `payment-provider-reprocess` resource: charge a customer payment its payment provider
 * declined (an instant bank payment, a provider customer payment) again, from the mandate or card
 * token in the body. Over the gateway boundary like every gateway payment: a new ledger payment is
 * booked pending with its own attempt, the provider is called after the commit and outside any
 * transaction, and its answer recorded; the new payment is disbursed oldest first. One reprocess
 * per declined payment (see `gateway-actions.transformers.ts`). Answers 201 with the new customer
 * payment, or 400 with the provider's message when it declines again (the ledger keeps it rejected,
 * and it is the one to reprocess next).
 */
import { created, type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { PaymentId, Payments, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { renderCustomerPayment } from "./customer-payments.transformers.ts"
import { CustomerPayment } from "./elevate.schemas.ts"
import { kinds, methodPresetId, paymentAttributesOf, recordOf, saveRecord, unit } from "./elevate.transformers.ts"
import { PaymentProviderReprocess } from "./gateway-actions.schemas.ts"
import { amountOf, claimReprocess, ensureDeclined, ensureNotReprocessed } from "./gateway-actions.transformers.ts"

const suite = "elevate.gateway-actions.test.ts"

export const paymentProviderReprocessEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/payment-provider-reprocess",
    operationId: "reprocessPaymentProvider",
    summary: "Charge a customer payment its payment provider declined again",
    tags: ["payment-provider-reprocess"],
    request: { body: PaymentProviderReprocess },
    responses: { 201: { description: "The new customer payment", schema: CustomerPayment } },
    tests: [
      `${suite} › payment provider reprocess › charges a declined customer payment again through its provider, once`
    ],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const payments = yield* Payments
        const declined = (yield* payments.getPayment({ id: body.customerPaymentId })).payment
        yield* ensureDeclined(declined, "customerPaymentId", "customer payment")
        if (declined.gatewayId !== body.paymentProviderId) {
          return yield* validationFailed(
            ["paymentProviderId"],
            `customer payment ${declined.id} was not taken through payment provider ${body.paymentProviderId}`
          )
        }
        const attributes = paymentAttributesOf((yield* recordOf(kinds.payment, String(declined.id)))?.data)
        if (attributes.customerPaymentType === "INVOICE") {
          return yield* validationFailed(
            ["customerPaymentId"],
            `payment ${declined.id} is an invoice payment; reprocess it with /invoice-payment-reprocess`
          )
        }
        const type = attributes.type === "OTHER" ? "DIRECT_DEBIT" : attributes.type
        const methodId = yield* methodPresetId(type)
        const paymentId = yield* unit(
          "reprocessPaymentProvider",
          body,
          PaymentId,
          Effect.gen(function* () {
            // A clear answer before anything is booked (a retry with the same key is replayed before this).
            yield* ensureNotReprocessed(declined, "customerPaymentId")
            const detail = yield* payments.createPayment({
              customerId: declined.customerId,
              amount: amountOf(declined),
              gatewayId: body.paymentProviderId,
              cardToken: body.mandateReference,
              allocateOldestFirst: true,
              ...(methodId === null ? {} : { methodId }),
              description: declined.references.description,
              thirdPartyReference: declined.references.thirdPartyReference
            })
            yield* claimReprocess(declined, detail.payment.id, "customerPaymentId")
            yield* saveRecord(
              kinds.payment,
              String(detail.payment.id),
              {
                type,
                billRunType: "NORMAL",
                customerPaymentType: "CUSTOMER",
                paymentProviderId: body.paymentProviderId,
                mandateReference: body.mandateReference,
                reprocessOf: declined.id
              },
              { customerId: detail.payment.customerId, paymentId: detail.payment.id }
            )
            return detail.payment.id
          })
        )
        const detail = yield* payments.getPayment({ id: paymentId })
        if (detail.payment.state === "rejected") {
          return yield* validationFailed(
            ["mandateReference"],
            `payment provider ${body.paymentProviderId} declined the payment again: ${detail.payment.rejectionReason ?? "declined"} (customer payment ${paymentId})`
          )
        }
        return created(yield* renderCustomerPayment(detail))
      })
  })
]
