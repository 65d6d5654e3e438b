/**
 * Migration 20261204300000 "vendor-list-indexes", written by hand (the generator's diff also wants
 * to drop the hand-written integrity constraints of 20261203300000): the payment indexes the vendor
 * lists' compiled filters and sorts need — LogiSense's default order (posted payments by creation
 * then id, for every account and for one), Elevate's customer payments (one customer's posted
 * payments in id order), and the few payments with something reversed (LogiSense lists read their
 * reversal rows). Only `create index`: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261204300000VendorListIndexes extends DriverMigration {
  static readonly migrationName = "Migration20261204300000VendorListIndexes"
  override name = Migration20261204300000VendorListIndexes.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "payments_state_created_at_id_index" on "payments" ("state", "created_at", "id")',
      'create index "payments_customer_id_state_created_at_id_index" on "payments" ("customer_id", "state", "created_at", "id")',
      'create index "payments_customer_id_state_id_index" on "payments" ("customer_id", "state", "id")',
      'create index "payments_reversed_amount_index" on "payments" ("reversed_amount")'
    ],
    sqlite: [
      "create index `payments_state_created_at_id_index` on `payments` (`state`, `created_at`, `id`)",
      "create index `payments_customer_id_state_created_at_id_index` on `payments` (`customer_id`, `state`, `created_at`, `id`)",
      "create index `payments_customer_id_state_id_index` on `payments` (`customer_id`, `state`, `id`)",
      "create index `payments_reversed_amount_index` on `payments` (`reversed_amount`)"
    ]
  }
}
