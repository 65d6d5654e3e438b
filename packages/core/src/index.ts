/**
 * `@paybridge/core`: the canonical ledger domain, free of HTTP and SQL. Money (bigint minor units,
 * ISO 4217), the lifecycle tables, the records and their branded ids, the one error taxonomy, the
 * ports that persistence and gateways implement (`LedgerStore`, `IdempotencyStore`,
 * `IdentityStore`, `PaymentGateways`), and the services every protocol calls: one per aggregate
 * (`Parties`, `Documents`, `Payments`, `Collections`, `Refunds`, `Balances`, `DialectRecords`,
 * `LedgerUnits`, composed by `ledgerLayer`) and the `Authenticator`. Tests that need a store run on
 * the real one: `@paybridge/db/testing`.
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
export * from "./model/ids.ts"
export * from "./model/money-invariants.ts"
export * from "./model/records.ts"
export * from "./model/text.ts"
export * from "./money/currency.ts"
export * from "./money/money.ts"
export * from "./ports/customer-rows.ts"
export * from "./ports/idempotency-store.ts"
export * from "./ports/identity-store.ts"
export * from "./ports/ledger-store.ts"
export * from "./ports/payment-gateway.ts"
export * from "./services/balances/balances.layer.ts"
export * from "./services/balances/balances.service.ts"
export * from "./services/collections/collections.layer.ts"
export * from "./services/collections/collections.service.ts"
export * from "./services/command-context.ts"
export * from "./services/dialect-records/dialect-records.layer.ts"
export * from "./services/dialect-records/dialect-records.service.ts"
export * from "./services/documents/documents.layer.ts"
export * from "./services/documents/documents.service.ts"
export * from "./services/ledger.layer.ts"
export * from "./services/ledger-commands.ts"
export * from "./services/ledger-units/ledger-units.layer.ts"
export * from "./services/ledger-units/ledger-units.service.ts"
export * from "./services/parties/parties.layer.ts"
export * from "./services/parties/parties.service.ts"
export * from "./services/payments/payments.layer.ts"
export * from "./services/payments/payments.service.ts"
export * from "./services/refunds/refunds.layer.ts"
export * from "./services/refunds/refunds.service.ts"
export type { GatewayNotice, NoticeResult } from "./services/shared/gateway-attempts.ts"
export type { ReconcileReport } from "./services/shared/gateway-reconciler.ts"
export {
  canonicalJson,
  IdempotencyClaimed,
  idempotentReplays,
  type ResultSchema,
  requestHash
} from "./services/shared/idempotency.ts"
export type { CommandFailure, ReadFailure } from "./services/shared/ledger-command.ts"
