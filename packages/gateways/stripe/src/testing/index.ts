/**
 * `@paybridge/gateway-stripe/testing`: the local Stripe stand-in (its HTTP API subset, request
 * log, scripted failures and webhook deliveries), for this package's tests and for end-to-end tests
 * of servers configured against it. Never used in production code.
 */
export * from "./stripe-stand-in.ts"
