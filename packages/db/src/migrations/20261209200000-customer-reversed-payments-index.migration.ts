/**
 * Migration 20261209200000 "customer-reversed-payments-index", written by hand (issue 14.3): one
 * account's payments with something reversed, by state, with the id and creation instant a list
 * orders them by. LogiSense's lists of one account show each active reversal as a row of its own;
 * its reversal-row branch (`store/payment-offset-page.ts`) reads the account's few reversed payments
 * from this index instead of every payment of the account's history. Only `create index`: safe on a
 * populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261209200000CustomerReversedPaymentsIndex extends DriverMigration {
  static readonly migrationName = "Migration20261209200000CustomerReversedPaymentsIndex"
  override name = Migration20261209200000CustomerReversedPaymentsIndex.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create index "payments_customer_id_state_reversed_amount_id_created_at_index" on "payments" ("customer_id", "state", "reversed_amount", "id", "created_at")'
    ],
    sqlite: [
      "create index `payments_customer_id_state_reversed_amount_id_created_at_index` on `payments` (`customer_id`, `state`, `reversed_amount`, `id`, `created_at`)"
    ]
  }
}
