/**
 * The payment-gateway port: how the ledger charges a card or token, gives money back and creates
 * payment links through Elevate's payment providers, CRM.COM's gateways or LogiSense's vendors.
 * The ledger books an attempt and commits before it calls `charge` or `refund`, outside any
 * transaction, with the attempt's key, which the implementation sends as the gateway's idempotency
 * key: calling again with the same key never moves money twice. A decline is data (`declined` with
 * the gateway's message), never an error; only an explicit approval posts a payment and only an
 * explicit decline rejects it. `unknown` (a timeout, an unreachable gateway, an ambiguous answer)
 * leaves the attempt pending for the reconciler, which asks `lookup` by the same key. `cancel`
 * voids a charge the gateway has not completed (awaiting a payment method, confirmation, capture or
 * the customer's action): only `cancelled` means no money will move for it. `refusal`
 * says, before anything is booked, whether this server can reach a gateway at all (fail closed:
 * a gateway with no configured driver refuses every charge).
 *
 * `testGateway` is the built-in deterministic gateway (only wired when explicitly enabled), decided
 * by token like card-network test numbers or, without a token, by the amount's last two digits:
 *   token 4242424242424242 / minor units ending 00-50 (other than below) → approved
 *   token 4000000000000002 / minor units ending 51 → declined ("card declined")
 *   token 4000000000009995 / minor units ending 52 → declined ("insufficient funds")
 *   token 4000000000000259 / minor units ending 53 → pending (settles later by collection)
 * Refunds are decided by the refunded amount the same way, a "pending" amount counting as approved.
 * A pending charge can be cancelled (its answer becomes a decline "cancelled"); others cannot.
 * It answers each attempt key once and repeats that answer, as a real gateway does.
 */
import { Context, Effect, Layer } from "effect"
import type { Gateway } from "../model/records.ts"
import type { CurrencyCode } from "../money/currency.ts"

export interface ChargeRequest {
  readonly gateway: Gateway
  /** The ledger's attempt key: the gateway's idempotency key. */
  readonly attemptKey: string
  readonly amount: bigint
  readonly currency: CurrencyCode
  /** Card number, token or mandate reference; the test gateway decides by it when present. */
  readonly token: string | null
  readonly reference: string
}

/** The gateway may or may not have acted (timeout, unreachable, ambiguous answer): ask again later. */
export interface GatewayUnknown {
  readonly status: "unknown"
  readonly message: string
}

export type ChargeOutcome =
  | { readonly status: "approved"; readonly gatewayReference: string }
  | { readonly status: "declined"; readonly gatewayReference: string; readonly message: string }
  | { readonly status: "pending"; readonly gatewayReference: string }
  | GatewayUnknown

/** Giving back (part of) an approved charge: a refund, or a void while the charge is unsettled. */
export interface GatewayRefundRequest {
  readonly gateway: Gateway
  readonly attemptKey: string
  readonly amount: bigint
  readonly currency: CurrencyCode
  /** The charge's gateway reference. */
  readonly chargeReference: string | null
  readonly reference: string
}

export type GatewayRefundOutcome =
  | { readonly status: "approved"; readonly gatewayReference: string }
  | { readonly status: "declined"; readonly gatewayReference: string; readonly message: string }
  | { readonly status: "pending"; readonly gatewayReference: string }
  | GatewayUnknown

/** What the reconciler asks: the state at the gateway of the attempt sent with `attemptKey`. */
export interface AttemptLookup {
  readonly gateway: Gateway
  readonly attemptKey: string
  readonly kind: "charge" | "refund"
  /** Refunds: the charge's gateway reference. */
  readonly chargeReference: string | null
}

export type AttemptLookupOutcome = ChargeOutcome | { readonly status: "not-found" }

/** Cancelling (voiding) a charge the gateway has not completed. */
export interface GatewayCancelRequest {
  readonly gateway: Gateway
  readonly attemptKey: string
  /** The charge's gateway reference when the ledger knows it. */
  readonly chargeReference: string | null
}

export type GatewayCancelOutcome =
  | { readonly status: "cancelled"; readonly gatewayReference: string }
  /** The gateway refused (the charge completed, is settling or failed): its answer decides the payment. */
  | { readonly status: "not-cancellable"; readonly message: string }
  /** The gateway holds no charge with this key (the request may still arrive). */
  | { readonly status: "not-found" }
  | GatewayUnknown

export interface PaymentLinkRequest {
  readonly gateway: Gateway
  /** Idempotency key at the gateway: the same key gives the same link. */
  readonly attemptKey: string
  readonly amount: bigint
  readonly currency: CurrencyCode
  readonly reference: string
}

export interface PaymentGatewaysShape {
  /** `null` when this server drives `gateway`; otherwise why it cannot (nothing is booked then). */
  readonly refusal: (gateway: Gateway) => string | null
  /** Charges once per attempt key, however often it is called with that key. */
  readonly charge: (request: ChargeRequest) => Effect.Effect<ChargeOutcome>
  /** Gives back part or all of an approved charge, once per attempt key. */
  readonly refund: (request: GatewayRefundRequest) => Effect.Effect<GatewayRefundOutcome>
  /** Voids a charge the gateway has not completed; refused (`not-cancellable`) once it has. */
  readonly cancel: (request: GatewayCancelRequest) => Effect.Effect<GatewayCancelOutcome>
  /** The gateway's current answer for an attempt key (read-only). */
  readonly lookup: (request: AttemptLookup) => Effect.Effect<AttemptLookupOutcome>
  /** `null` when the gateway refused to create one (with its message in `refused`). */
  readonly createPaymentLink: (
    request: PaymentLinkRequest
  ) => Effect.Effect<{ readonly url: string; readonly gatewayReference: string } | { readonly refused: string }>
}

export class PaymentGateways extends Context.Service<PaymentGateways, PaymentGatewaysShape>()(
  "@paybridge/core/ports/PaymentGateways"
) {
  /** Only the built-in deterministic test gateway, for every gateway record. */
  static readonly layerTest = Layer.sync(PaymentGateways, () => makeTestGateway())

  /** No gateway is configured: every gateway payment is refused before anything is booked. */
  static readonly layerNone = Layer.succeed(
    PaymentGateways,
    PaymentGateways.of({
      refusal: (gateway) => `gateway ${gateway.code} has no driver configured on this server`,
      charge: () => Effect.succeed({ status: "unknown", message: "no gateway driver is configured" }),
      refund: () => Effect.succeed({ status: "unknown", message: "no gateway driver is configured" }),
      cancel: () => Effect.succeed({ status: "unknown", message: "no gateway driver is configured" }),
      lookup: () => Effect.succeed({ status: "unknown", message: "no gateway driver is configured" }),
      createPaymentLink: () => Effect.succeed({ refused: "no gateway driver is configured" })
    })
  )
}

/** The deterministic test gateway: one answer per attempt key, repeated on every re-send. */
export const makeTestGateway = (): PaymentGatewaysShape => {
  let counter = 0
  const nextReference = (prefix: string) => {
    counter += 1
    return `${prefix}_${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}`.toUpperCase()
  }
  const answers = new Map<string, ChargeOutcome>()
  const links = new Map<string, { readonly url: string; readonly gatewayReference: string }>()
  const once = (key: string, decide: () => ChargeOutcome) =>
    Effect.sync(() => {
      const known = answers.get(key)
      if (known !== undefined) return known
      const outcome = decide()
      answers.set(key, outcome)
      return outcome
    })
  return PaymentGateways.of({
    refusal: () => null,
    charge: (request) =>
      once(`charge:${request.attemptKey}`, () => {
        const decision = testGatewayDecision(request.token, request.amount)
        const gatewayReference = nextReference("TGW")
        return decision === "approved"
          ? { status: "approved", gatewayReference }
          : decision === "pending"
            ? { status: "pending", gatewayReference }
            : { status: "declined", gatewayReference, message: decision.declined }
      }),
    refund: (request) =>
      once(`refund:${request.attemptKey}`, () => {
        const decision = testGatewayDecision(null, request.amount)
        const gatewayReference = nextReference("TGR")
        return typeof decision === "object"
          ? { status: "declined", gatewayReference, message: decision.declined }
          : { status: "approved", gatewayReference }
      }),
    cancel: (request) =>
      Effect.sync((): GatewayCancelOutcome => {
        const key = `charge:${request.attemptKey}`
        const known = answers.get(key)
        if (known === undefined) return { status: "not-found" }
        if (known.status !== "pending") {
          return { status: "not-cancellable", message: `the charge is ${known.status}` }
        }
        answers.set(key, { status: "declined", gatewayReference: known.gatewayReference, message: "cancelled" })
        return { status: "cancelled", gatewayReference: known.gatewayReference }
      }),
    lookup: (request) =>
      Effect.sync(() => answers.get(`${request.kind}:${request.attemptKey}`) ?? { status: "not-found" as const }),
    createPaymentLink: (request) =>
      Effect.sync(() => {
        const known = links.get(request.attemptKey)
        if (known !== undefined) return known
        const gatewayReference = nextReference("TGL")
        const link = {
          gatewayReference,
          url: `https://pay.test-gateway.invalid/${request.gateway.code}/${gatewayReference}`
        }
        links.set(request.attemptKey, link)
        return link
      })
  })
}

export const testGatewayTokens = {
  approve: "4242424242424242",
  decline: "4000000000000002",
  insufficientFunds: "4000000000009995",
  pending: "4000000000000259"
} as const

export const testGatewayDecision = (
  token: string | null,
  amount: bigint
): "approved" | "pending" | { readonly declined: string } => {
  const digits = token?.replace(/[\s-]/g, "") ?? null
  if (digits === testGatewayTokens.decline) return { declined: "card declined" }
  if (digits === testGatewayTokens.insufficientFunds) return { declined: "insufficient funds" }
  if (digits === testGatewayTokens.pending) return "pending"
  if (digits === testGatewayTokens.approve) return "approved"
  const lastTwo = (amount < 0n ? -amount : amount) % 100n
  if (lastTwo === 51n) return { declined: "card declined" }
  if (lastTwo === 52n) return { declined: "insufficient funds" }
  if (lastTwo === 53n) return "pending"
  return "approved"
}
