/**
 * The ledger as one layer: every service of the canonical ledger (`Parties`, `Documents`,
 * `Payments`, `Collections`, `Refunds`, `Balances`, `DialectRecords`, `LedgerUnits`) built on the
 * `LedgerStore`, `IdempotencyStore` and `PaymentGateways` ports. `apps/api` and the test harnesses
 * provide it; callers depend only on the services they use (`yield* Payments`…).
 */
import { Layer } from "effect"
import type { IdempotencyStore } from "../ports/idempotency-store.ts"
import type { LedgerStore } from "../ports/ledger-store.ts"
import type { PaymentGateways } from "../ports/payment-gateway.ts"
import { balancesLayer } from "./balances/balances.layer.ts"
import type { Balances } from "./balances/balances.service.ts"
import { collectionsLayer } from "./collections/collections.layer.ts"
import type { Collections } from "./collections/collections.service.ts"
import { dialectRecordsLayer } from "./dialect-records/dialect-records.layer.ts"
import type { DialectRecords } from "./dialect-records/dialect-records.service.ts"
import { documentsLayer } from "./documents/documents.layer.ts"
import type { Documents } from "./documents/documents.service.ts"
import { ledgerUnitsLayer } from "./ledger-units/ledger-units.layer.ts"
import type { LedgerUnits } from "./ledger-units/ledger-units.service.ts"
import { partiesLayer } from "./parties/parties.layer.ts"
import type { Parties } from "./parties/parties.service.ts"
import { paymentsLayer } from "./payments/payments.layer.ts"
import type { Payments } from "./payments/payments.service.ts"
import { refundsLayer } from "./refunds/refunds.layer.ts"
import type { Refunds } from "./refunds/refunds.service.ts"

/** Every service of the ledger (what `ledgerLayer` provides). */
export type LedgerServices =
  | Parties
  | Documents
  | Payments
  | Collections
  | Refunds
  | Balances
  | DialectRecords
  | LedgerUnits

export const ledgerLayer: Layer.Layer<LedgerServices, never, LedgerStore | IdempotencyStore | PaymentGateways> =
  Layer.mergeAll(
    partiesLayer,
    documentsLayer,
    paymentsLayer,
    collectionsLayer,
    refundsLayer,
    balancesLayer,
    dialectRecordsLayer,
    ledgerUnitsLayer
  )
