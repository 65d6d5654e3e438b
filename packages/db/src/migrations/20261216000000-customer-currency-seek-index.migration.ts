/**
 * Migration 20261216000000 "customer-currency-seek-index", written by hand (issue 14): a customer's
 * payments by currency, then id, and by external system, currency, then id, so a customer-row list
 * filtered by currency (Silver's `currency`) checks a dated row's payment and reads the payments of
 * that currency without an external reference in id order up to the page's reach from indexes, instead
 * of the customer's whole history (`store/customer-row-seek.ts`). Only `create index`: safe on a
 * populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261216000000CustomerCurrencySeekIndex extends DriverMigration {
  static readonly migrationName = "Migration20261216000000CustomerCurrencySeekIndex"
  override name = Migration20261216000000CustomerCurrencySeekIndex.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "payments_customer_id_currency_id_index" on "payments" ("customer_id", "currency", "id")',
      'create index "payments_customer_id_external_system_currency_id_index" on "payments" ("customer_id", "external_system", "currency", "id")'
    ],
    sqlite: [
      "create index `payments_customer_id_currency_id_index` on `payments` (`customer_id`, `currency`, `id`)",
      "create index `payments_customer_id_external_system_currency_id_index` on `payments` (`customer_id`, `external_system`, `currency`, `id`)"
    ]
  }
}
