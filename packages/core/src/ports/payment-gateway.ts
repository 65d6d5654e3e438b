/**
 * The payment-gateway port: how the ledger charges a card or token and creates payment links
 * through Elevate's payment providers, CRM.COM's gateways or LogiSense's vendors. A decline is
 * data (`declined` with the gateway's message), never an error; only an explicit approval posts
 * a payment and only an explicit decline rejects it, anything else leaves it pending.
 *
 * `testGateway` is the built-in deterministic gateway, decided by token like card-network test
 * numbers or, without a token, by the amount's last two minor-unit digits:
 *   token 4242424242424242 / minor units ending 00-50 (other than below) → approved
 *   token 4000000000000002 / minor units ending 51 → declined ("card declined")
 *   token 4000000000009995 / minor units ending 52 → declined ("insufficient funds")
 *   token 4000000000000259 / minor units ending 53 → pending (settles later by collection)
 * Refunds (reversals through the gateway) are decided by the refunded amount the same way, a
 * "pending" amount counting as approved.
 */
import { Context, Effect, Layer } from "effect"
import type { Gateway } from "../model/records.ts"
import type { CurrencyCode } from "../money/currency.ts"

export interface ChargeRequest {
  readonly gateway: Gateway
  readonly amount: bigint
  readonly currency: CurrencyCode
  /** Card number, token or mandate reference; the test gateway decides by it when present. */
  readonly token: string | null
  readonly reference: string
}

export type ChargeOutcome =
  | { readonly status: "approved"; readonly gatewayReference: string }
  | { readonly status: "declined"; readonly gatewayReference: string; readonly message: string }
  | { readonly status: "pending"; readonly gatewayReference: string }

/** Giving back (part of) an approved charge: a refund, or a void while the charge is unsettled. */
export interface GatewayRefundRequest {
  readonly gateway: Gateway
  readonly amount: bigint
  readonly currency: CurrencyCode
  /** The charge's gateway reference. */
  readonly chargeReference: string | null
  readonly reference: string
}

export type GatewayRefundOutcome =
  | { readonly status: "approved"; readonly gatewayReference: string }
  | { readonly status: "declined"; readonly gatewayReference: string; readonly message: string }

export interface PaymentLinkRequest {
  readonly gateway: Gateway
  readonly amount: bigint
  readonly currency: CurrencyCode
  readonly reference: string
}

export class PaymentGateways extends Context.Service<
  PaymentGateways,
  {
    readonly charge: (request: ChargeRequest) => Effect.Effect<ChargeOutcome>
    /** Gives back part or all of an approved charge; the test gateway decides by the amount as for charges. */
    readonly refund: (request: GatewayRefundRequest) => Effect.Effect<GatewayRefundOutcome>
    readonly createPaymentLink: (
      request: PaymentLinkRequest
    ) => Effect.Effect<{ readonly url: string; readonly gatewayReference: string }>
  }
>()("@paybridge/core/ports/PaymentGateways") {
  /** Only the built-in deterministic test gateway. */
  static readonly layerTest = Layer.sync(PaymentGateways, () => {
    let counter = 0
    const nextReference = (prefix: string) => {
      counter += 1
      return `${prefix}_${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}`.toUpperCase()
    }
    return PaymentGateways.of({
      charge: (request) =>
        Effect.sync(() => {
          const decision = testGatewayDecision(request.token, request.amount)
          const gatewayReference = nextReference("TGW")
          return decision === "approved"
            ? { status: "approved", gatewayReference }
            : decision === "pending"
              ? { status: "pending", gatewayReference }
              : { status: "declined", gatewayReference, message: decision.declined }
        }),
      refund: (request) =>
        Effect.sync(() => {
          const decision = testGatewayDecision(null, request.amount)
          const gatewayReference = nextReference("TGR")
          return typeof decision === "object"
            ? { status: "declined", gatewayReference, message: decision.declined }
            : { status: "approved", gatewayReference }
        }),
      createPaymentLink: (request) =>
        Effect.sync(() => {
          const gatewayReference = nextReference("TGL")
          return {
            gatewayReference,
            url: `https://pay.test-gateway.invalid/${request.gateway.code}/${gatewayReference}`
          }
        })
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
