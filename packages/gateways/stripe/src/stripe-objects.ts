/**
 * Stripe objects → the driver's outcomes: the one status table per object kind (PaymentIntent,
 * Refund, SetupIntent, Mandate), used for API answers, lookups and webhook events alike. The
 * functions take the few fields they read ("…Like" shapes), which the `stripe` client's types and
 * the webhook decoder's schemas both satisfy.
 *
 * PaymentIntent: succeeded → approved (final); canceled → declined `canceled` (final);
 * requires_payment_method with a last payment error → declined with the error's decline code (not
 * final: a hosted page lets the payer try again); without one → pending (nobody has paid yet);
 * processing → pending `processing`; requires_action → pending `customer-action`;
 * requires_confirmation / requires_capture → pending `confirmation`.
 * Refund: succeeded → approved; failed / canceled → declined (all three final); pending → pending.
 */
import type {
  DriverApproved,
  DriverDeclined,
  DriverMandate,
  DriverPending,
  DriverSetupOutcome
} from "./gateway-driver.ts"

/** The metadata key under which the driver stores the ledger's attempt key on every object. */
export const attemptMetadataKey = "paybridge_attempt"

type Maybe<A> = A | null | undefined

export interface StripeErrorLike {
  readonly code?: Maybe<string>
  readonly decline_code?: Maybe<string>
  readonly message?: Maybe<string>
}

export interface PaymentIntentLike {
  readonly id: string
  readonly status: string
  readonly amount: number
  readonly currency: string
  readonly metadata?: Maybe<Readonly<Record<string, string>>>
  readonly last_payment_error?: Maybe<StripeErrorLike>
  readonly cancellation_reason?: Maybe<string>
}

export interface RefundLike {
  readonly id: string
  readonly status?: Maybe<string>
  readonly amount: number
  readonly currency: string
  readonly payment_intent?: Maybe<string | { readonly id: string }>
  readonly charge?: Maybe<string | { readonly id: string }>
  readonly metadata?: Maybe<Readonly<Record<string, string>>>
  readonly failure_reason?: Maybe<string>
}

export interface SetupIntentLike {
  readonly id: string
  readonly status: string
  readonly payment_method?: Maybe<string | { readonly id: string }>
  readonly mandate?: Maybe<string | { readonly id: string }>
  readonly metadata?: Maybe<Readonly<Record<string, string>>>
  readonly last_setup_error?: Maybe<StripeErrorLike>
}

export interface MandateLike {
  readonly id: string
  readonly status: string
  readonly type: string
  readonly payment_method: string | { readonly id: string }
  readonly customer_acceptance?: Maybe<{ readonly accepted_at?: Maybe<number> }>
}

export const idOf = (value: Maybe<string | { readonly id: string }>): string | null =>
  value === null || value === undefined ? null : typeof value === "string" ? value : value.id

export const attemptKeyOf = (metadata: Maybe<Readonly<Record<string, string>>>): string | null =>
  metadata?.[attemptMetadataKey] ?? null

const firstText = (...candidates: ReadonlyArray<Maybe<string>>): string | undefined =>
  candidates.find((candidate): candidate is string => typeof candidate === "string" && candidate !== "")

const declinedFrom = (reference: string, error: StripeErrorLike, fallback: string): DriverDeclined => ({
  status: "declined",
  reference,
  code: firstText(error.decline_code, error.code) ?? fallback,
  message: firstText(error.message) ?? "the payment failed"
})

export type SettledOutcome = DriverApproved | DriverDeclined | DriverPending

export const paymentIntentOutcome = (intent: PaymentIntentLike): SettledOutcome => {
  const reference = intent.id
  switch (intent.status) {
    case "succeeded":
      return { status: "approved", reference }
    case "canceled":
      return {
        status: "declined",
        reference,
        code: "canceled",
        message: `the payment was canceled (${intent.cancellation_reason ?? "no reason given"})`
      }
    case "requires_payment_method":
      return intent.last_payment_error === null || intent.last_payment_error === undefined
        ? { status: "pending", reference, waitingFor: "customer-action" }
        : declinedFrom(reference, intent.last_payment_error, "payment_failed")
    case "requires_action":
      return { status: "pending", reference, waitingFor: "customer-action" }
    case "requires_confirmation":
    case "requires_capture":
      return { status: "pending", reference, waitingFor: "confirmation" }
    default:
      return { status: "pending", reference, waitingFor: "processing" }
  }
}

export const isFinalPaymentIntentStatus = (status: string): boolean => status === "succeeded" || status === "canceled"

export const refundOutcome = (refund: RefundLike): SettledOutcome => {
  const reference = refund.id
  switch (refund.status) {
    case "succeeded":
      return { status: "approved", reference }
    case "failed":
      return {
        status: "declined",
        reference,
        code: refund.failure_reason ?? "refund_failed",
        message: `the refund failed (${refund.failure_reason ?? "no reason given"})`
      }
    case "canceled":
      return { status: "declined", reference, code: "canceled", message: "the refund was canceled" }
    case "requires_action":
      return { status: "pending", reference, waitingFor: "customer-action" }
    default:
      return { status: "pending", reference, waitingFor: "processing" }
  }
}

export const isFinalRefundStatus = (status: Maybe<string>): boolean =>
  status === "succeeded" || status === "failed" || status === "canceled"

export const setupIntentOutcome = (intent: SetupIntentLike): Exclude<DriverSetupOutcome, { status: "unknown" }> => {
  const reference = intent.id
  switch (intent.status) {
    case "succeeded":
      return {
        status: "succeeded",
        reference,
        paymentMethod: idOf(intent.payment_method) ?? "",
        mandateReference: idOf(intent.mandate)
      }
    case "canceled":
      return { status: "declined", reference, code: "canceled", message: "the setup was canceled" }
    case "requires_payment_method":
      return intent.last_setup_error === null || intent.last_setup_error === undefined
        ? { status: "pending", reference, waitingFor: "customer-action" }
        : declinedFrom(reference, intent.last_setup_error, "setup_failed")
    case "requires_action":
      return { status: "pending", reference, waitingFor: "customer-action" }
    case "requires_confirmation":
      return { status: "pending", reference, waitingFor: "confirmation" }
    default:
      return { status: "pending", reference, waitingFor: "processing" }
  }
}

export const mandateState = (status: string): "active" | "inactive" | "pending" =>
  status === "active" ? "active" : status === "pending" ? "pending" : "inactive"

export const mandateOf = (mandate: MandateLike): Extract<DriverMandate, { status: "found" }> => {
  const acceptedAt = mandate.customer_acceptance?.accepted_at
  return {
    status: "found",
    reference: mandate.id,
    state: mandateState(mandate.status),
    paymentMethod: idOf(mandate.payment_method) ?? "",
    type: mandate.type === "single_use" ? "single_use" : "multi_use",
    acceptedAt: acceptedAt === null || acceptedAt === undefined ? null : new Date(acceptedAt * 1000)
  }
}
