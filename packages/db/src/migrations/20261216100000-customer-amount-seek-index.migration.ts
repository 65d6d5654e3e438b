/**
 * Migration 20261216100000 "customer-amount-seek-index", written by hand (issue 14): a customer's
 * payments by external system then id, covering the columns the amount a payment shows is computed
 * from (state, amount, reversed amount), so a customer-row list filtered by an amount range (Silver's
 * `min_amount`, `max_amount`) counts the payments showing an amount in it and reads those without an
 * external reference in id order from the index alone, not from the table (`store/customer-row-seek.ts`).
 * Only `create index`: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261216100000CustomerAmountSeekIndex extends DriverMigration {
  static readonly migrationName = "Migration20261216100000CustomerAmountSeekIndex"
  override name = Migration20261216100000CustomerAmountSeekIndex.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "payments_customer_amount_seek_index" on "payments" ("customer_id", "external_system", "id", "state", "amount", "reversed_amount")'
    ],
    sqlite: [
      "create index `payments_customer_amount_seek_index` on `payments` (`customer_id`, `external_system`, `id`, `state`, `amount`, `reversed_amount`)"
    ]
  }
}
