/**
 * Migration 20261209000000 "list-flag-seek-index", written by hand (issue 14.3): a customer's
 * dialect records by list flag, list date, then payment, so a customer-row list filtered by the
 * flag `false` (Silver's `visible=False`) reads its page from indexes instead of the customer's
 * whole history — the dated records up to the page's reach, the undated ones in payment order — and
 * counts them from it (`store/customer-row-seek.ts`). Only `create index`: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261209000000ListFlagSeekIndex extends DriverMigration {
  static readonly migrationName = "Migration20261209000000ListFlagSeekIndex"
  override name = Migration20261209000000ListFlagSeekIndex.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "dialect_records_list_flag_seek_index" on "dialect_records" ("dialect", "kind", "customer_id", "list_flag", "list_date", "payment_id")'
    ],
    sqlite: [
      "create index `dialect_records_list_flag_seek_index` on `dialect_records` (`dialect`, `kind`, `customer_id`, `list_flag`, `list_date`, `payment_id`)"
    ]
  }
}
