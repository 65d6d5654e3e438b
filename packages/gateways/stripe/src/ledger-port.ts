/**
 * A `GatewayDriver` as the ledger sees a gateway (core's `PaymentGateways` calls for one gateway):
 * the ledger's attempt key becomes the driver's attempt key, its token a payment method (`pm_…` a
 * saved method, `mandate_…`/`sepa_…`-style mandates by their Stripe id prefix, anything else a
 * one-time card token), and every answer becomes the port's: `GatewayUnreachable` (the gateway did
 * not act) and `unknown` both leave the attempt pending for the reconciler, a local refusal of the
 * driver (`declined` without a reference) is a decline with the driver's reason.
 */
import type {
  AttemptLookup,
  AttemptLookupOutcome,
  ChargeOutcome,
  ChargeRequest,
  GatewayCancelOutcome,
  GatewayCancelRequest,
  GatewayRefundOutcome,
  GatewayRefundRequest,
  PaymentLinkRequest
} from "@paybridge/core"
import { Effect } from "effect"
import type { DriverChargeOutcome, DriverPaymentMethod, GatewayDriver, GatewayUnreachable } from "./gateway-driver.ts"

/** The calls of `PaymentGateways` for one gateway (everything but `refusal`). */
export interface LedgerGatewayCalls {
  readonly charge: (request: ChargeRequest) => Effect.Effect<ChargeOutcome>
  readonly refund: (request: GatewayRefundRequest) => Effect.Effect<GatewayRefundOutcome>
  readonly cancel: (request: GatewayCancelRequest) => Effect.Effect<GatewayCancelOutcome>
  readonly lookup: (request: AttemptLookup) => Effect.Effect<AttemptLookupOutcome>
  readonly createPaymentLink: (
    request: PaymentLinkRequest
  ) => Effect.Effect<{ readonly url: string; readonly gatewayReference: string } | { readonly refused: string }>
}

const paymentMethodOf = (token: string): DriverPaymentMethod =>
  token.startsWith("pm_")
    ? { kind: "payment-method", value: token }
    : token.startsWith("mandate_")
      ? { kind: "mandate", value: token }
      : { kind: "card-token", value: token }

const unreachable = (error: GatewayUnreachable) =>
  Effect.succeed({ status: "unknown" as const, message: `${error.reason}: ${error.message}` })

const fromDriver = (outcome: DriverChargeOutcome, attemptKey: string): ChargeOutcome => {
  switch (outcome.status) {
    case "approved":
      return { status: "approved", gatewayReference: outcome.reference }
    case "declined":
      return {
        status: "declined",
        gatewayReference: outcome.reference ?? attemptKey,
        message: outcome.message
      }
    case "pending":
      return { status: "pending", gatewayReference: outcome.reference }
    case "unknown":
      return { status: "unknown", message: `${outcome.reason}: ${outcome.message}` }
  }
}

export const ledgerGatewayCalls = (driver: GatewayDriver): LedgerGatewayCalls => ({
  charge: (request) =>
    request.token === null
      ? Effect.succeed({
          status: "declined",
          gatewayReference: request.attemptKey,
          message: "a card token, payment method or mandate is required"
        })
      : driver
          .charge({
            attemptKey: request.attemptKey,
            amount: request.amount,
            currency: request.currency,
            paymentMethod: paymentMethodOf(request.token),
            description: request.reference,
            metadata: { paybridge_reference: request.reference }
          })
          .pipe(
            Effect.map((outcome) => fromDriver(outcome, request.attemptKey)),
            Effect.catchTag("GatewayUnreachable", unreachable)
          ),
  refund: (request) =>
    request.chargeReference === null
      ? Effect.succeed({
          status: "declined",
          gatewayReference: request.attemptKey,
          message: "the payment has no gateway reference to refund"
        })
      : driver
          .refund({
            attemptKey: request.attemptKey,
            chargeReference: request.chargeReference,
            amount: request.amount,
            currency: request.currency,
            reason: "requested_by_customer"
          })
          .pipe(
            Effect.map((outcome) => fromDriver(outcome, request.attemptKey)),
            Effect.catchTag("GatewayUnreachable", unreachable)
          ),
  cancel: (request) =>
    driver.cancel({ attemptKey: request.attemptKey, reference: request.chargeReference }).pipe(
      Effect.map(
        (outcome): GatewayCancelOutcome =>
          outcome.status === "cancelled"
            ? { status: "cancelled", gatewayReference: outcome.reference }
            : outcome.status === "not-cancellable"
              ? { status: "not-cancellable", message: outcome.message }
              : outcome.status === "not-found"
                ? outcome
                : { status: "unknown", message: `${outcome.reason}: ${outcome.message}` }
      ),
      Effect.catchTag("GatewayUnreachable", unreachable)
    ),
  lookup: (request) => {
    if (request.kind === "refund" && request.chargeReference === null) {
      return Effect.succeed({ status: "not-found" as const })
    }
    const lookup =
      request.kind === "charge"
        ? driver.lookup({ attemptKey: request.attemptKey, kind: "charge" })
        : driver.lookup({
            attemptKey: request.attemptKey,
            kind: "refund",
            chargeReference: request.chargeReference ?? ""
          })
    return lookup.pipe(
      Effect.map(
        (found): AttemptLookupOutcome => (found.status === "not-found" ? found : fromDriver(found, request.attemptKey))
      ),
      Effect.catchTag("GatewayUnreachable", unreachable)
    )
  },
  createPaymentLink: (request) =>
    driver
      .createPaymentLink({
        attemptKey: request.attemptKey,
        amount: request.amount,
        currency: request.currency,
        description: request.reference
      })
      .pipe(
        Effect.map((outcome) =>
          outcome.status === "created"
            ? { url: outcome.url, gatewayReference: outcome.reference }
            : { refused: outcome.message }
        ),
        Effect.catchTag("GatewayUnreachable", (error) =>
          Effect.succeed({ refused: `${error.reason}: ${error.message}` })
        )
      )
})
