/**
 * The behaviour every `LedgerStore` database must show — the one store contract, run against
 * SQLite in memory, a SQLite file and PostgreSQL: the migrated schema matches the entities, every
 * record round-trips exactly (bigint money included), version guards refuse stale writes,
 * transactions are atomic and nest by joining, keyset pages cover every row once in a stable order
 * under every filter, offset pages sort and count the same on every database (and bring the same annexes and
 * reversal rows), list annexes (a page's newest
 * collections and settings record, a refund list's records) come with their own rows, text search folds case the same way on every database (beyond ASCII),
 * the overview aggregates sum exactly, reserved ids stay reserved, and a bulk unit's ids drawn ahead, multi-row
 * inserts, narrow updates and savepoints behave alike. The cases share one database per run, so each one works on
 * rows it created (unique numbers, its own customers) and never assumes an empty table.
 */
import { describeCustomerRows } from "./conformance/customer-rows.ts"
import { describeDrawnIds } from "./conformance/drawn-ids.ts"
import { describeIdReservation } from "./conformance/id-reservation.ts"
import { describeListAnnexes } from "./conformance/list-annexes.ts"
import { describeOtherLists } from "./conformance/lists.ts"
import { describeOffsetPageAnnexes } from "./conformance/offset-page-annexes.ts"
import { describeOffsetPages } from "./conformance/offset-pages.ts"
import { describeKeysetPagination } from "./conformance/pagination.ts"
import { describePaymentView } from "./conformance/payment-view.ts"
import { describeSchemaAndRoundTrips } from "./conformance/round-trips.ts"
import { describeSearchAndAggregates } from "./conformance/search-and-aggregates.ts"
import { describeGuardsAndTransactions } from "./conformance/transactions.ts"
import { describeUnitFolds } from "./conformance/unit-folds.ts"
import type { DatabaseHarness } from "./database-harness.ts"

export const describeLedgerStoreConformance = (db: DatabaseHarness): void => {
  describeSchemaAndRoundTrips(db)
  describePaymentView(db)
  describeGuardsAndTransactions(db)
  describeKeysetPagination(db)
  describeOffsetPages(db)
  describeOffsetPageAnnexes(db)
  describeCustomerRows(db)
  describeListAnnexes(db)
  describeOtherLists(db)
  describeSearchAndAggregates(db)
  describeIdReservation(db)
  describeDrawnIds(db)
  describeUnitFolds(db)
}
