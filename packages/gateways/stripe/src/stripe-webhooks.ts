/**
 * Stripe webhook deliveries → verified, typed `GatewayEvent`s. The `Stripe-Signature` header
 * (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, possibly several v1 during secret rolls)
 * is checked by the official `stripe` package against the gateway's signing secret over the raw
 * body exactly as received; the timestamp must lie within the tolerance (300 s by default) of
 * `now`, in either direction, so a captured delivery cannot be replayed later. The event id is the
 * duplicate key and the event's `created` the ordering key (see `gateway-event-order.ts`).
 *
 * Handled types: payment_intent.{succeeded,payment_failed,processing,canceled,requires_action},
 * charge.refunded, refund.{created,updated,failed} (and the older charge.refund.updated),
 * setup_intent.{succeeded,setup_failed,requires_action,canceled}, mandate.updated; any other
 * verified event is `ignored` (answer 200 so Stripe stops retrying it).
 */
import { Effect, Redacted, Schema } from "effect"
import Stripe from "stripe"
import { type GatewayEvent, type GatewayEventBase, InvalidWebhookSignature } from "./gateway-driver.ts"
import { fromStripeAmount } from "./stripe-currency.ts"
import {
  attemptKeyOf,
  idOf,
  isFinalPaymentIntentStatus,
  isFinalRefundStatus,
  mandateState,
  paymentIntentOutcome,
  refundOutcome
} from "./stripe-objects.ts"

const OptionalText = Schema.optional(Schema.NullOr(Schema.String))
const Expandable = Schema.optional(Schema.NullOr(Schema.Union([Schema.String, Schema.Struct({ id: Schema.String })])))
const Metadata = Schema.optional(Schema.NullOr(Schema.Record(Schema.String, Schema.String)))
const ErrorObject = Schema.optional(
  Schema.NullOr(Schema.Struct({ code: OptionalText, decline_code: OptionalText, message: OptionalText }))
)

const EventEnvelope = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  created: Schema.Number,
  livemode: Schema.Boolean,
  data: Schema.Struct({ object: Schema.Unknown })
})

const PaymentIntentObject = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  amount: Schema.Number,
  currency: Schema.String,
  metadata: Metadata,
  last_payment_error: ErrorObject,
  cancellation_reason: OptionalText
})

const ChargeObject = Schema.Struct({
  id: Schema.String,
  payment_intent: Expandable,
  amount_refunded: Schema.Number,
  currency: Schema.String,
  refunded: Schema.Boolean
})

const RefundObject = Schema.Struct({
  id: Schema.String,
  status: OptionalText,
  amount: Schema.Number,
  currency: Schema.String,
  payment_intent: Expandable,
  charge: Expandable,
  metadata: Metadata,
  failure_reason: OptionalText
})

const SetupIntentObject = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  payment_method: Expandable,
  mandate: Expandable,
  metadata: Metadata
})

const MandateObject = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  payment_method: Schema.Union([Schema.String, Schema.Struct({ id: Schema.String })])
})

const paymentIntentEvents = new Set([
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "payment_intent.processing",
  "payment_intent.canceled",
  "payment_intent.requires_action"
])
const refundEvents = new Set(["refund.created", "refund.updated", "refund.failed", "charge.refund.updated"])
const setupEvents = new Set([
  "setup_intent.succeeded",
  "setup_intent.setup_failed",
  "setup_intent.requires_action",
  "setup_intent.canceled"
])

const invalid = (reason: InvalidWebhookSignature["reason"], message: string) =>
  new InvalidWebhookSignature({ reason, message })

/** `t=…,v1=…[,v1=…]`: the timestamp, or null when the header is not Stripe's shape. */
const headerTimestamp = (header: string): number | null => {
  let timestamp: number | null = null
  let signatures = 0
  for (const part of header.split(",")) {
    const [key, value, ...rest] = part.trim().split("=")
    if (key === undefined || value === undefined || rest.length > 0) return null
    if (key === "t") timestamp = /^\d{1,12}$/.test(value) ? Number(value) : null
    if (key === "v1") signatures += /^[0-9a-f]+$/i.test(value) ? 1 : 0
  }
  return signatures > 0 ? timestamp : null
}

const decodeObject = <S extends Schema.Constraint>(schema: S, object: unknown, type: string) =>
  Schema.decodeUnknownEffect(schema)(object).pipe(
    Effect.mapError(() => invalid("unreadable-payload", `the ${type} event's object is not in the expected shape`))
  )

const upper = (currency: string) => currency.toUpperCase()

/** Builds the verifier of one gateway's webhook endpoint. */
export const makeWebhookVerifier =
  (webhookSecret: Redacted.Redacted<string>, toleranceSeconds: number) =>
  (rawBody: string, signatureHeader: string, now: Date): Effect.Effect<GatewayEvent, InvalidWebhookSignature> =>
    Effect.gen(function* () {
      if (signatureHeader.trim() === "") return yield* invalid("missing-header", "no Stripe-Signature header")
      const timestamp = headerTimestamp(signatureHeader)
      if (timestamp === null) {
        return yield* invalid("malformed-header", "the Stripe-Signature header is not t=…,v1=…")
      }
      const parsed = yield* Effect.try({
        // Tolerance 0: the library checks the signature only; the window is checked below, both ways.
        try: (): unknown => Stripe.webhooks.constructEvent(rawBody, signatureHeader, Redacted.value(webhookSecret), 0),
        catch: (error) =>
          error instanceof Stripe.errors.StripeSignatureVerificationError
            ? invalid("signature-mismatch", "no signature in the header matches the body and this gateway's secret")
            : invalid("unreadable-payload", "the signed body is not a Stripe event")
      })
      const ageSeconds = Math.floor(now.getTime() / 1000) - timestamp
      if (Math.abs(ageSeconds) > toleranceSeconds) {
        return yield* invalid(
          "timestamp-outside-tolerance",
          `the delivery is signed ${Math.abs(ageSeconds)} s ${ageSeconds > 0 ? "ago" : "in the future"}; at most ${toleranceSeconds} s is accepted`
        )
      }
      const envelope = yield* Schema.decodeUnknownEffect(EventEnvelope)(parsed).pipe(
        Effect.mapError(() => invalid("unreadable-payload", "the signed body is not a Stripe event"))
      )
      const base: GatewayEventBase = {
        eventId: envelope.id,
        eventType: envelope.type,
        createdAt: new Date(envelope.created * 1000),
        livemode: envelope.livemode
      }
      const object = envelope.data.object
      if (paymentIntentEvents.has(envelope.type)) {
        const intent = yield* decodeObject(PaymentIntentObject, object, envelope.type)
        return {
          ...base,
          kind: "charge",
          reference: intent.id,
          attemptKey: attemptKeyOf(intent.metadata),
          objectStatus: intent.status,
          final: isFinalPaymentIntentStatus(intent.status),
          outcome: paymentIntentOutcome(intent),
          amount: fromStripeAmount(intent.currency, intent.amount),
          currency: upper(intent.currency)
        } satisfies GatewayEvent
      }
      if (envelope.type === "charge.refunded") {
        const charge = yield* decodeObject(ChargeObject, object, envelope.type)
        return {
          ...base,
          kind: "charge-refunded",
          chargeReference: idOf(charge.payment_intent) ?? charge.id,
          amountRefunded: fromStripeAmount(charge.currency, charge.amount_refunded),
          currency: upper(charge.currency),
          fullyRefunded: charge.refunded
        } satisfies GatewayEvent
      }
      if (refundEvents.has(envelope.type)) {
        const refund = yield* decodeObject(RefundObject, object, envelope.type)
        return {
          ...base,
          kind: "refund",
          reference: refund.id,
          attemptKey: attemptKeyOf(refund.metadata),
          chargeReference: idOf(refund.payment_intent) ?? idOf(refund.charge),
          objectStatus: refund.status ?? "pending",
          final: isFinalRefundStatus(refund.status),
          outcome: refundOutcome(refund),
          amount: fromStripeAmount(refund.currency, refund.amount),
          currency: upper(refund.currency)
        } satisfies GatewayEvent
      }
      if (setupEvents.has(envelope.type)) {
        const intent = yield* decodeObject(SetupIntentObject, object, envelope.type)
        return {
          ...base,
          kind: "setup",
          reference: intent.id,
          attemptKey: attemptKeyOf(intent.metadata),
          objectStatus: intent.status,
          final: intent.status === "succeeded" || intent.status === "canceled",
          paymentMethod: idOf(intent.payment_method),
          mandateReference: idOf(intent.mandate)
        } satisfies GatewayEvent
      }
      if (envelope.type === "mandate.updated") {
        const mandate = yield* decodeObject(MandateObject, object, envelope.type)
        return {
          ...base,
          kind: "mandate",
          reference: mandate.id,
          attemptKey: null,
          objectStatus: mandate.status,
          final: false,
          state: mandateState(mandate.status),
          paymentMethod: idOf(mandate.payment_method)
        } satisfies GatewayEvent
      }
      return { ...base, kind: "ignored" } satisfies GatewayEvent
    })
