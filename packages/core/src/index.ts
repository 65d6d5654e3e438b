/**
 * `@paybridge/core`: the canonical ledger domain, free of HTTP and SQL. Money (bigint minor units,
 * ISO 4217), the lifecycle tables, the records, the one error taxonomy, the ports that persistence
 * and gateways implement (`LedgerStore`, `PaymentGateways`), and the services every protocol calls
 * (`Ledger`, `Authenticator`). Tests that need a store run on the real one: `@paybridge/db/testing`.
 */
export * from "./auth/authenticator.layer.ts"
export * from "./auth/authenticator.ts"
export * from "./auth/credentials.ts"
export * from "./auth/permissions.ts"
export * from "./errors.ts"
export * from "./lifecycle/collection-lifecycle.ts"
export * from "./lifecycle/payment-lifecycle.ts"
export * from "./lifecycle/refund-lifecycle.ts"
export * from "./model/common.ts"
export * from "./model/records.ts"
export * from "./money/currency.ts"
export * from "./money/money.ts"
export * from "./ports/ledger-store.ts"
export * from "./ports/payment-gateway.ts"
export * from "./services/command-context.ts"
export * from "./services/ledger.layer.ts"
export * from "./services/ledger.ts"
export * from "./services/ledger-commands.ts"
export * from "./services/ledger-idempotency.ts"
export * from "./services/ledger-payment-links.operations.ts"
