/**
 * `@paybridge/gateway-stripe`: the Stripe driver (`makeStripeDriver`, the `StripeDriver` service),
 * its configuration, the gateway-driver contract it implements (to move into core later), the
 * webhook verifier and event-order rule, and Stripe's currency-unit table.
 */
export * from "./gateway-driver.ts"
export * from "./gateway-event-order.ts"
export { type LedgerGatewayCalls, ledgerGatewayCalls } from "./ledger-port.ts"
export * from "./stripe-config.ts"
export * from "./stripe-currency.ts"
export { makeStripeDriver, StripeDriver } from "./stripe-driver.ts"
export { attemptMetadataKey } from "./stripe-objects.ts"
export { makeWebhookVerifier } from "./stripe-webhooks.ts"
