/**
 * Migration 20261208100000 "customer-payment-seek-index", written by hand (issue 14.3): a customer's
 * payments by external system then id, so a customer-row list page in its default order (list date
 * descending, then shown id) reads the page from indexes instead of the customer's whole history —
 * the payments without an external reference in id order up to the page's reach, those with one (a
 * migration's, a fixed set) by a range of the same index — and counts them from it
 * (`store/customer-row-seek.ts`). Only `create index`: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261208100000CustomerPaymentSeekIndex extends DriverMigration {
  static readonly migrationName = "Migration20261208100000CustomerPaymentSeekIndex"
  override name = Migration20261208100000CustomerPaymentSeekIndex.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "payments_customer_id_external_system_id_index" on "payments" ("customer_id", "external_system", "id")'
    ],
    sqlite: [
      "create index `payments_customer_id_external_system_id_index` on `payments` (`customer_id`, `external_system`, `id`)"
    ]
  }
}
