/**
 * The ledger as one layer: every service of the canonical ledger (`Parties`, `Documents`,
 * `Payments`, `Collections`, `Refunds`, `Balances`, `DialectRecords`, `LedgerUnits`) built on the
 * `LedgerStore`, `IdempotencyStore` and `PaymentGateways` ports. `apps/api` and the test harnesses
 * provide it; callers depend only on the services they use (`yield* Payments`…). Every service's
 * inputs have the card numbers in their free text masked before the service sees them.
 */
import { Effect, Layer } from "effect"
import type { IdempotencyStore } from "../ports/idempotency-store.ts"
import { LedgerStore } from "../ports/ledger-store.ts"
import type { PaymentGateways } from "../ports/payment-gateway.ts"
import { balancesLayer } from "./balances/balances.layer.ts"
import { Balances } from "./balances/balances.service.ts"
import { collectionsLayer } from "./collections/collections.layer.ts"
import { Collections } from "./collections/collections.service.ts"
import { dialectRecordsLayer } from "./dialect-records/dialect-records.layer.ts"
import { DialectRecords } from "./dialect-records/dialect-records.service.ts"
import { documentsLayer } from "./documents/documents.layer.ts"
import { Documents } from "./documents/documents.service.ts"
import { ledgerUnitsLayer } from "./ledger-units/ledger-units.layer.ts"
import type { LedgerUnits } from "./ledger-units/ledger-units.service.ts"
import { partiesLayer } from "./parties/parties.layer.ts"
import { Parties } from "./parties/parties.service.ts"
import { paymentsLayer } from "./payments/payments.layer.ts"
import { Payments } from "./payments/payments.service.ts"
import { refundsLayer } from "./refunds/refunds.layer.ts"
import { Refunds } from "./refunds/refunds.service.ts"
import { bulkAwareStore } from "./shared/bulk-booking.ts"
import { maskingCardNumbers } from "./shared/card-number-masking.ts"

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

/** The store the services use: the port's, kept in memory inside a `LedgerUnits.bulkImport` unit (`shared/bulk-booking.ts`). */
const servicesStore = Layer.effect(LedgerStore, Effect.map(LedgerStore, bulkAwareStore))

/**
 * Every service, with the card numbers in its inputs' free text masked (`shared/card-number-masking.ts`),
 * on the bulk-aware store.
 */
export const ledgerLayer: Layer.Layer<LedgerServices, never, LedgerStore | IdempotencyStore | PaymentGateways> =
  Layer.mergeAll(
    maskingCardNumbers(Parties, partiesLayer),
    maskingCardNumbers(Documents, documentsLayer),
    maskingCardNumbers(Payments, paymentsLayer),
    maskingCardNumbers(Collections, collectionsLayer),
    maskingCardNumbers(Refunds, refundsLayer),
    maskingCardNumbers(Balances, balancesLayer),
    maskingCardNumbers(DialectRecords, dialectRecordsLayer),
    ledgerUnitsLayer
  ).pipe(Layer.provide(servicesStore))
