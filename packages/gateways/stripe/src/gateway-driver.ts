/**
 * The gateway-driver contract: what the ledger may ask of a real payment gateway (a charge, a
 * refund, a reconciling lookup, mandates, a hosted payment page, verified webhooks) and the typed
 * answers it gets back. It is written so that a later change can move it into
 * `core/ports` unchanged: it imports only `effect` and the type of an ISO currency code, amounts are
 * bigint ISO 4217 minor units, and every vendor detail stays in the driver.
 *
 * The answers are data, never exceptions: `approved` posts, `declined` rejects with the gateway's
 * reason, `pending` waits for a webhook or the reconciler, and `unknown` means the request may or
 * may not have taken effect (a timeout, an ambiguous 5xx) — the ledger keeps the attempt pending and
 * asks `lookup`. `GatewayUnreachable` (the only error of the money-moving calls) means the gateway
 * did not act on this request (connection refused, credentials rejected, rate limited, another
 * request with the same key in flight), so the attempt also stays pending and may be re-sent with
 * the same attempt key. Every call that can move money carries the ledger's `attemptKey`, which the
 * driver sends as the gateway's idempotency key and stores on the gateway's object, so a re-send
 * never charges twice and the reconciler can find the object later.
 */

import type { CurrencyCode } from "@paybridge/core/money"
import { type Effect, Schema } from "effect"

/** How the payer pays: a one-time card token, a saved payment method, or a direct-debit mandate. */
export interface DriverPaymentMethod {
  readonly kind: "card-token" | "payment-method" | "mandate"
  /** The gateway's id of the token, payment method or mandate. */
  readonly value: string
}

/** The ledger's customer; `gatewayCustomerId` is the gateway's own customer id when one exists. */
export interface DriverCustomer {
  readonly id: string
  readonly email?: string
  readonly name?: string
  readonly gatewayCustomerId?: string
}

export interface DriverChargeRequest {
  /** Derived from the ledger's own ids; the idempotency key at the gateway and a tag on its object. */
  readonly attemptKey: string
  /** ISO 4217 minor units, positive. */
  readonly amount: bigint
  readonly currency: CurrencyCode
  readonly paymentMethod: DriverPaymentMethod
  readonly customer?: DriverCustomer
  readonly description: string
  /** Extra tags stored on the gateway's object (keys starting `paybridge_` are the driver's). */
  readonly metadata: Readonly<Record<string, string>>
}

export interface DriverApproved {
  readonly status: "approved"
  readonly reference: string
}

export interface DriverDeclined {
  readonly status: "declined"
  /** Absent when the gateway refused before creating an object (or the driver refused locally). */
  readonly reference?: string
  /** The gateway's most specific code (a card decline code when there is one). */
  readonly code: string
  readonly message: string
}

export interface DriverPending {
  readonly status: "pending"
  readonly reference: string
  /** `processing`: the gateway settles it later (bank debits); `customer-action`: e.g. 3-D Secure. */
  readonly waitingFor: "processing" | "customer-action" | "confirmation"
}

/** The request may or may not have taken effect: keep the attempt pending and reconcile. */
export interface DriverUnknown {
  readonly status: "unknown"
  readonly reason: "timeout" | "gateway-error" | "connection-lost" | "unreadable-response"
  readonly message: string
}

export type DriverChargeOutcome = DriverApproved | DriverDeclined | DriverPending | DriverUnknown

export interface DriverRefundRequest {
  readonly attemptKey: string
  /** The charge's gateway reference (what `charge` returned). */
  readonly chargeReference: string
  readonly amount: bigint
  readonly currency: CurrencyCode
  readonly reason?: "duplicate" | "fraudulent" | "requested_by_customer"
}

export type DriverRefundOutcome = DriverApproved | DriverDeclined | DriverPending | DriverUnknown

/** A refund is found among its charge's refunds, so the lookup needs the charge's reference. */
export type DriverLookupRequest =
  | { readonly attemptKey: string; readonly kind: "charge" }
  | { readonly attemptKey: string; readonly kind: "refund"; readonly chargeReference: string }

/** What the gateway holds for the attempt, with its amount (null if not expressible in ISO minor units). */
export interface DriverLookupDetails {
  readonly amount: bigint | null
  readonly currency: string
  /** Other gateway objects carrying the same attempt key: never expected; non-empty means alert. */
  readonly alsoFound: ReadonlyArray<string>
}

export type DriverLookupOutcome =
  | (DriverApproved & DriverLookupDetails)
  | (DriverDeclined & DriverLookupDetails)
  | (DriverPending & DriverLookupDetails)
  | { readonly status: "not-found" }

export interface DriverSetupRequest {
  readonly attemptKey: string
  /** The gateway's payment method to set up for later (off-session) use, e.g. a bank account. */
  readonly paymentMethod: string
  readonly customer?: DriverCustomer
  /** How the payer accepted the mandate: on paper/phone (`offline`) or online from this address. */
  readonly acceptance:
    | { readonly type: "offline" }
    | { readonly type: "online"; readonly ipAddress: string; readonly userAgent: string }
  readonly description?: string
}

export type DriverSetupOutcome =
  | {
      readonly status: "succeeded"
      readonly reference: string
      readonly paymentMethod: string
      readonly mandateReference: string | null
    }
  | DriverPending
  | DriverDeclined
  | DriverUnknown

export interface DriverMandateRequest {
  readonly mandateReference: string
  /** When given (Elevate's `payment-provider-mandates/{paymentMethod}/{mandateReference}`), must match. */
  readonly paymentMethod?: string
}

export type DriverMandate =
  | {
      readonly status: "found"
      readonly reference: string
      readonly state: "active" | "inactive" | "pending"
      readonly paymentMethod: string
      readonly type: "multi_use" | "single_use"
      readonly acceptedAt: Date | null
    }
  | { readonly status: "not-found" }

export interface DriverPaymentLinkRequest {
  readonly attemptKey: string
  readonly amount: bigint
  readonly currency: CurrencyCode
  readonly description: string
}

export type DriverPaymentLinkOutcome =
  | { readonly status: "created"; readonly reference: string; readonly url: string; readonly expiresAt: Date }
  | { readonly status: "refused"; readonly code: string; readonly message: string }
  | DriverUnknown

/** Cancels (voids) a charge the gateway has not completed: found by its reference, else by its attempt key. */
export interface DriverCancelRequest {
  readonly attemptKey: string
  /** The charge's gateway reference when the ledger knows it. */
  readonly reference: string | null
}

export type DriverCancelOutcome =
  /** The charge is cancelled at the gateway: no money moves for it, ever. */
  | { readonly status: "cancelled"; readonly reference: string }
  /** The gateway refused: the charge completed, is settling, or failed; its own state decides. */
  | { readonly status: "not-cancellable"; readonly reference?: string; readonly message: string }
  /** The gateway holds no charge with this key (it may still arrive: not a cancellation). */
  | { readonly status: "not-found" }
  | DriverUnknown

/** Common to every verified webhook event; `eventId` is the duplicate-delivery key. */
export interface GatewayEventBase {
  readonly eventId: string
  readonly eventType: string
  /** When the gateway generated the event (second precision): the ordering key between events. */
  readonly createdAt: Date
  readonly livemode: boolean
}

/** An object's state as carried by an event; `final` states never change again. */
export interface GatewayObjectState {
  readonly reference: string
  readonly attemptKey: string | null
  /** The gateway's own status word, e.g. `succeeded`, `processing`, `requires_payment_method`. */
  readonly objectStatus: string
  readonly final: boolean
}

export type GatewayEvent =
  | (GatewayEventBase &
      GatewayObjectState & {
        readonly kind: "charge"
        readonly outcome: DriverApproved | DriverDeclined | DriverPending
        readonly amount: bigint | null
        readonly currency: string
      })
  | (GatewayEventBase &
      GatewayObjectState & {
        readonly kind: "refund"
        readonly chargeReference: string | null
        readonly outcome: DriverApproved | DriverDeclined | DriverPending
        readonly amount: bigint | null
        readonly currency: string
      })
  | (GatewayEventBase & {
      /** A charge was (partly) refunded — by the ledger or by someone in the gateway's dashboard. */
      readonly kind: "charge-refunded"
      readonly chargeReference: string
      readonly amountRefunded: bigint | null
      readonly currency: string
      readonly fullyRefunded: boolean
    })
  | (GatewayEventBase &
      GatewayObjectState & {
        readonly kind: "setup"
        readonly paymentMethod: string | null
        readonly mandateReference: string | null
      })
  | (GatewayEventBase &
      GatewayObjectState & {
        readonly kind: "mandate"
        readonly state: "active" | "inactive" | "pending"
        readonly paymentMethod: string | null
      })
  | (GatewayEventBase & { readonly kind: "ignored" })

/**
 * The gateway did not act on this request and gave no decision: safe to re-send with the same
 * attempt key later. Never carries secrets, request bodies or the gateway's raw error.
 */
export class GatewayUnreachable extends Schema.TaggedError<GatewayUnreachable>()("GatewayUnreachable", {
  gateway: Schema.String,
  reason: Schema.Literals([
    "connection-refused",
    "connection-lost",
    "authentication",
    "permission",
    "rate-limited",
    "conflict",
    "idempotency-mismatch",
    "timeout",
    "gateway-error",
    "unreadable-response"
  ]),
  message: Schema.String
}) {}

/** A webhook delivery that must not be trusted (answer it 400; the gateway will retry genuine ones). */
export class InvalidWebhookSignature extends Schema.TaggedError<InvalidWebhookSignature>()("InvalidWebhookSignature", {
  reason: Schema.Literals([
    "missing-header",
    "malformed-header",
    "signature-mismatch",
    "timestamp-outside-tolerance",
    "unreadable-payload"
  ]),
  message: Schema.String
}) {}

/** One configured gateway, driven through its vendor's API. */
export interface GatewayDriver {
  /** Charges once per attempt key, however often it is called with that key. */
  readonly charge: (request: DriverChargeRequest) => Effect.Effect<DriverChargeOutcome, GatewayUnreachable>
  readonly refund: (request: DriverRefundRequest) => Effect.Effect<DriverRefundOutcome, GatewayUnreachable>
  /** Cancels a charge not yet completed (awaiting a payment method, confirmation, capture or customer action). */
  readonly cancel: (request: DriverCancelRequest) => Effect.Effect<DriverCancelOutcome, GatewayUnreachable>
  /** The current state at the gateway of an attempt made with that key (read-only, any age). */
  readonly lookup: (request: DriverLookupRequest) => Effect.Effect<DriverLookupOutcome, GatewayUnreachable>
  readonly createSetupIntent: (request: DriverSetupRequest) => Effect.Effect<DriverSetupOutcome, GatewayUnreachable>
  readonly getMandate: (request: DriverMandateRequest) => Effect.Effect<DriverMandate, GatewayUnreachable>
  /** A single-use hosted payment page for exactly this amount. */
  readonly createPaymentLink: (
    request: DriverPaymentLinkRequest
  ) => Effect.Effect<DriverPaymentLinkOutcome, GatewayUnreachable>
  /** Verifies a webhook delivery (raw body exactly as received) at `now` and decodes its event. */
  readonly verifyWebhook: (
    rawBody: string,
    signatureHeader: string,
    now: Date
  ) => Effect.Effect<GatewayEvent, InvalidWebhookSignature>
}
