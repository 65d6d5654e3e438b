/**
 * LogiSense `Payment/Vendor`: a payment charged through a payment gateway (`paymentGatewayId`, or a
 * `paymentMethodId` whose method a gateway collects, and the test gateway's `cardToken`). An
 * approval answers a posted row, a pending charge a pending row (visible by identity, listed once
 * collected); a decline answers 400 with code 15000000 and the gateway's message, while the ledger
 * keeps the rejected payment (visible through tRPC). With `automaticDisburse` and no `invoiceId`
 * the payment pays open invoices oldest first.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { type FieldIssue, IdempotencyClaimed, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import {
  declinedErrors,
  doesNotExist,
  envelopeTypeOf,
  invalid,
  referencesAsValidation,
  trackingIdOf,
  withoutInvalid
} from "./logisense.errors.ts"
import { LogisenseChange, LogisensePayment, LogisenseVendorPaymentBody, paymentPath } from "./logisense.schemas.ts"
import { businessDayOf, change, emptyExtras, proven } from "./logisense.transformers.ts"
import { makeResolver, orNull, type Resolver } from "./payment-resolver.transformers.ts"
import { rowOf, saveExtras } from "./payment-writes.transformers.ts"

/** POST Payment/Vendor: a payment charged through a gateway (approve → posted, pending, decline → rejected). */
const chargeThroughGateway = (resolver: Resolver, requested: LogisenseVendorPaymentBody) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const payments = yield* Payments
    const { body, issues: refused } = withoutInvalid(requested)
    const issues: Array<FieldIssue> = [...refused]
    // A refused accountId or amount was taken out above (its issue is already listed).
    const accountId = body.accountId as LogisenseVendorPaymentBody["accountId"] | undefined
    const amount = body.amount as LogisenseVendorPaymentBody["amount"] | undefined
    const customer = accountId === undefined ? null : yield* orNull(parties.getCustomer(accountId))
    if (accountId !== undefined && customer === null) issues.push(doesNotExist(["accountId"], accountId, "Account"))
    if (amount !== undefined && (amount.startsWith("-") || /^0*(\.0*)?$/u.test(amount))) {
      issues.push({ path: ["amount"], message: "MUST be greater than '0'" })
    }
    if (body.paymentGatewayId != null && (yield* orNull(parties.getGateway(body.paymentGatewayId))) === null) {
      issues.push(doesNotExist(["paymentGatewayId"], body.paymentGatewayId, "PaymentGateway"))
    }
    if (body.paymentMethodId != null && (yield* resolver.presetName("method", body.paymentMethodId)) === null) {
      issues.push(doesNotExist(["paymentMethodId"], body.paymentMethodId, "PaymentMethod"))
    }
    if (body.paymentTypeId != null && (yield* resolver.presetName("type", body.paymentTypeId)) === null) {
      issues.push(doesNotExist(["paymentTypeId"], body.paymentTypeId, "PaymentType"))
    }
    if (body.paymentGatewayId == null && body.paymentMethodId == null) {
      issues.push({
        path: ["paymentGatewayId"],
        message: "is required (or a 'PaymentMethodId' whose method is collected by a gateway)"
      })
    }
    if (issues.length > 0 || customer === null || amount === undefined) return yield* invalid(issues)
    const detail = yield* referencesAsValidation([])(
      payments.createPayment({
        customerId: customer.id,
        amount,
        ...(body.paymentGatewayId == null ? {} : { gatewayId: body.paymentGatewayId }),
        ...(body.paymentMethodId == null ? {} : { methodId: body.paymentMethodId }),
        ...(body.paymentTypeId == null ? {} : { typeId: body.paymentTypeId }),
        ...(body.cardToken == null ? {} : { cardToken: body.cardToken }),
        ...(body.detail == null ? {} : { description: body.detail }),
        ...(body.date == null ? {} : { paymentDate: businessDayOf(body.date), receivedAt: body.date }),
        ...(body.invoiceId == null ? {} : { allocations: [{ documentId: body.invoiceId, amount }] }),
        ...(body.automaticDisburse === true && body.invoiceId == null ? { allocateOldestFirst: true } : {})
      })
    )
    if (body.automaticDisburse === true) {
      // Saved under the charge's idempotency claim (the charge is its own command, see below).
      yield* Effect.provideService(
        saveExtras("payment", detail.payment.id, detail.payment, { ...emptyExtras, automaticDisburse: true }),
        IdempotencyClaimed,
        true
      )
    }
    return detail
  })

export const paymentVendorEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: `${paymentPath}/Vendor`,
    operationId: "createPaymentVendor",
    summary:
      "Charge a payment through a gateway (body: accountId, amount, paymentGatewayId or paymentMethodId, cardToken…)",
    tags: ["Payment"],
    request: { body: LogisenseVendorPaymentBody },
    responses: { 200: { description: "The charged payment", schema: LogisenseChange("create", LogisensePayment) } },
    tests: proven("changes", "charges through the gateway: approved, pending and declined"),
    implemented: true,
    // Not one atomic unit: the charge is booked and committed, the gateway called outside any
    // transaction, and the answer built from the payment as the gateway left it. The charge is
    // idempotent under the request's key (a retry answers the same payment, as it now is).
    handler: ({ body, requestId }) =>
      Effect.gen(function* () {
        const trackingId = trackingIdOf(requestId)
        const detail = yield* chargeThroughGateway(yield* makeResolver, body)
        if (detail.payment.state === "rejected") {
          return {
            status: 400,
            body: {
              trackingId,
              type: envelopeTypeOf("createPaymentVendor", "POST"),
              errors: declinedErrors(detail.payment)
            }
          }
        }
        return change(trackingId, "create", [yield* rowOf(yield* makeResolver, detail)])
      })
  })
]
