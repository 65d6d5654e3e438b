/**
 * Test plumbing: a fresh Stripe stand-in per test and a driver configured against it (a 1 s client
 * timeout: hangs resolve quickly, yet a loaded machine does not turn normal answers into timeouts),
 * plus small runners for the driver's Effects.
 */
import { Effect, Redacted } from "effect"
import { afterEach, beforeEach } from "vitest"
import type { DriverChargeRequest, GatewayDriver } from "../../src/gateway-driver.ts"
import type { StripeGatewayConfig } from "../../src/stripe-config.ts"
import { makeStripeDriver } from "../../src/stripe-driver.ts"
import { type StandInOptions, StripeStandIn } from "../../src/testing/stripe-stand-in.ts"

export const testTimeoutMs = 1000

export const configFor = (
  standIn: StripeStandIn,
  overrides: Partial<StripeGatewayConfig> = {}
): StripeGatewayConfig => ({
  gateway: "stripe-test",
  secretKey: Redacted.make(standIn.secretKey),
  webhookSecret: Redacted.make(standIn.webhookSecret),
  apiBase: standIn.url,
  timeoutMs: testTimeoutMs,
  maxNetworkRetries: 0,
  ...overrides
})

export const driverFor = (
  standIn: StripeStandIn,
  overrides: Partial<StripeGatewayConfig> = {}
): Promise<GatewayDriver> => Effect.runPromise(makeStripeDriver(configFor(standIn, overrides)))

/** A stand-in and a driver on it, fresh for every test of the calling file. */
export const useStandIn = (options: StandInOptions = {}) => {
  const context = {} as { standIn: StripeStandIn; driver: GatewayDriver }
  beforeEach(async () => {
    context.standIn = await StripeStandIn.start(options)
    context.driver = await driverFor(context.standIn)
  })
  afterEach(async () => {
    await context.standIn.close()
  })
  return context
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** Runs an Effect expected to fail and returns its error. */
export const runFailure = <A, E>(effect: Effect.Effect<A, E>): Promise<E> => Effect.runPromise(Effect.flip(effect))

export const cardCharge = (overrides: Partial<DriverChargeRequest> = {}): DriverChargeRequest => ({
  attemptKey: "pay_0001:attempt:1",
  amount: 1050n,
  currency: "EUR",
  paymentMethod: { kind: "card-token", value: "tok_visa" },
  description: "Invoice INV-1",
  metadata: { invoice: "INV-1" },
  ...overrides
})
