/**
 * Migration 20261212000000 "customer-state-seek-index", written by hand (issue 14): a customer's
 * payments by external system, state, then id, so a customer-row list filtered by the statuses of one
 * payment state (Silver's `status=unpaid`, `pending`, `paid`) reads the payments of that state
 * without an external reference in id order up to the page's reach from an index, instead of the
 * customer's whole history (`store/customer-row-seek.ts`). Only `create index`: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261212000000CustomerStateSeekIndex extends DriverMigration {
  static readonly migrationName = "Migration20261212000000CustomerStateSeekIndex"
  override name = Migration20261212000000CustomerStateSeekIndex.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "payments_customer_id_external_system_state_id_index" on "payments" ("customer_id", "external_system", "state", "id")'
    ],
    sqlite: [
      "create index `payments_customer_id_external_system_state_id_index` on `payments` (`customer_id`, `external_system`, `state`, `id`)"
    ]
  }
}
