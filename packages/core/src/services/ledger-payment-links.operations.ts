/**
 * Payment links: a hosted page of a payment gateway where a customer pays an amount towards one
 * document or their balance (Elevate's payment-provider payment links). The ledger checks the
 * gateway is enabled, the customer or document is in the principal's scope and the amount is
 * exact and positive in their currency, then asks the `PaymentGateways` port for the link. No
 * money moves: the payment itself arrives later through the usual payment commands, so the link
 * books nothing on the balance and writes no event; with an idempotency key a retried request
 * returns the same link instead of asking the gateway again.
 */
import { Effect, Schema } from "effect"
import { validationFailed } from "../errors.ts"
import { RecordId } from "../model/common.ts"
import { CurrencyCode } from "../money/currency.ts"
import { now } from "./clock.ts"
import type { LedgerShape } from "./ledger.ts"
import { AmountInput } from "./ledger-commands.ts"
import type { LedgerKit } from "./ledger-kit.ts"

/** Ask a gateway for a payment link for a customer, optionally towards one of their documents. */
export const CreatePaymentLinkInput = Schema.Struct({
  gatewayId: RecordId,
  /** Whose link it is; may be omitted when `documentId` is given (the document's customer). */
  customerId: Schema.optional(RecordId),
  /** The invoice or bill the link pays towards; its customer must be `customerId` when both are given. */
  documentId: Schema.optional(Schema.NullOr(RecordId)),
  /** Major units in the customer's currency; > 0. */
  amount: AmountInput,
  /** Shown to the payer by the gateway (defaults to the document number or the customer number). */
  reference: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))))
})
export type CreatePaymentLinkInput = typeof CreatePaymentLinkInput.Type

/** A link the gateway issued. `amount` is in minor units of `currency`. */
export const PaymentLink = Schema.Struct({
  gatewayId: RecordId,
  customerId: RecordId,
  documentId: Schema.NullOr(RecordId),
  currency: CurrencyCode,
  amount: Schema.BigInt,
  reference: Schema.String,
  url: Schema.String,
  gatewayReference: Schema.String,
  createdAt: Schema.Date
})
export type PaymentLink = typeof PaymentLink.Type

type PaymentLinkOperations = Pick<LedgerShape, "createPaymentLink">

export const makePaymentLinkOperations = (kit: LedgerKit): PaymentLinkOperations => {
  const { store } = kit
  return {
    createPaymentLink: Effect.fn("Ledger.createPaymentLink")(function* (input: CreatePaymentLinkInput) {
      return yield* kit.mutation(
        "createPaymentLink",
        input,
        PaymentLink,
        Effect.gen(function* () {
          const document = input.documentId == null ? null : yield* kit.visibleDocument(input.documentId)
          const customerId = input.customerId ?? document?.customerId
          if (customerId === undefined) {
            return yield* validationFailed(["customerId"], "name the customer or the document the link pays")
          }
          if (document !== null && document.customerId !== customerId) {
            return yield* validationFailed(["documentId"], `document ${document.id} belongs to another customer`)
          }
          if (document !== null && document.state !== "issued") {
            return yield* validationFailed(["documentId"], `document ${document.id} is ${document.state}`)
          }
          const customer = yield* kit.visibleCustomer(customerId)
          const gateway = yield* Effect.flatMap(
            store.gateways.get(input.gatewayId),
            kit.found("gateway", input.gatewayId)
          )
          if (!gateway.enabled) return yield* validationFailed(["gatewayId"], `gateway ${gateway.code} is disabled`)
          const amount = yield* kit.parsePositiveAmount(input.amount, customer.currency, ["amount"])
          const reference = input.reference ?? (document === null ? customer.number : document.number)
          const link = yield* kit.gateways.createPaymentLink({
            gateway,
            amount,
            currency: customer.currency,
            reference
          })
          return {
            gatewayId: gateway.id,
            customerId: customer.id,
            documentId: document?.id ?? null,
            currency: customer.currency,
            amount,
            reference,
            url: link.url,
            gatewayReference: link.gatewayReference,
            createdAt: yield* now
          }
        })
      )
    })
  }
}
