/**
 * Elevate's `instant-bank-payment-for-mandate` resource: take a customer payment now from a
 * direct-debit mandate, through a payment provider that offers instant bank payments (its
 * `instantBankPayments` flag). The charge crosses the gateway boundary like every gateway payment
 * (booked pending and committed, the provider called outside any transaction, its answer recorded),
 * so it is its own ledger command rather than part of an all-or-nothing unit; the Elevate attributes
 * are saved under its idempotency claim. The payment is disbursed to the oldest unpaid invoices
 * first, like a customer payment. Answers 201 with the customer payment; a decline answers 400 with
 * the provider's message (the ledger keeps the rejected payment).
 */
import { created, type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { IdempotencyClaimed, Parties, Payments, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { renderCustomerPayment } from "./customer-payments.transformers.ts"
import { CustomerPayment, InstantBankPaymentForMandate } from "./elevate.schemas.ts"
import { isZeroDecimal, kinds, methodPresetId, recordOf, saveRecord, splitSign } from "./elevate.transformers.ts"

const suite = "elevate.providers.test.ts"

export const instantBankPaymentForMandateEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/instant-bank-payment-for-mandate",
    operationId: "createInstantBankPaymentForMandate",
    summary: "Take an instant bank payment from a customer's mandate through a payment provider",
    tags: ["instant-bank-payment-for-mandate"],
    request: { body: InstantBankPaymentForMandate },
    responses: { 201: { description: "The customer payment", schema: CustomerPayment } },
    tests: [
      `${suite} › instant bank payments › charges a mandate through a provider that offers instant bank payments`
    ],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const payments = yield* Payments
        const { negative } = splitSign(body.amountInMajorCurrency)
        if (negative || isZeroDecimal(body.amountInMajorCurrency)) {
          return yield* validationFailed(["amountInMajorCurrency"], "an instant bank payment must be positive")
        }
        const provider = yield* parties.getGateway(body.paymentProviderId)
        const attributes = yield* recordOf(kinds.provider, String(provider.id))
        if (attributes?.data.instantBankPayments !== true) {
          return yield* validationFailed(
            ["paymentProviderId"],
            `payment provider ${provider.id} does not offer instant bank payments`
          )
        }
        const methodId = yield* methodPresetId("DIRECT_DEBIT")
        const detail = yield* payments.createPayment({
          customerId: body.customerId,
          amount: body.amountInMajorCurrency,
          gatewayId: provider.id,
          cardToken: body.mandateReference,
          allocateOldestFirst: true,
          ...(methodId === null ? {} : { methodId }),
          description: body.description ?? null,
          thirdPartyReference: body.reference ?? null
        })
        if (detail.payment.state === "rejected") {
          return yield* validationFailed(
            ["mandateReference"],
            `payment provider ${provider.id} declined the payment: ${detail.payment.rejectionReason ?? "declined"}`
          )
        }
        yield* Effect.provideService(
          saveRecord(
            kinds.payment,
            String(detail.payment.id),
            {
              type: "DIRECT_DEBIT",
              billRunType: "NORMAL",
              customerPaymentType: "CUSTOMER",
              paymentProviderId: provider.id,
              mandateReference: body.mandateReference
            },
            { customerId: detail.payment.customerId, paymentId: detail.payment.id }
          ),
          IdempotencyClaimed,
          true
        )
        return created(yield* renderCustomerPayment(detail))
      })
  })
]
