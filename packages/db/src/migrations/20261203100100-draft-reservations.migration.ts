/**
 * Migration 20261203100100 "draft-reservations", written by hand (a data migration, the same SQL
 * on both drivers): a draft or pending payment's allocations only reserve their documents now
 * (docs/money-model.md), so existing ones become unbooked reservations and every document they
 * touched gets its allocated and outstanding amounts and its state recomputed from the booked
 * allocations alone. Safe on a populated database and a no-op on an empty one.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

const booked =
  "select coalesce(sum(a.amount), 0) from allocations a where a.document_id = documents.id and a.booked = true"

const statements = [
  "update allocations set booked = false where payment_id in (select id from payments where state in ('draft', 'pending'))",
  `update documents set allocated = (${booked}), outstanding = total - (${booked}), ` +
    `state = case when state = 'cancelled' then state when total - (${booked}) = 0 then 'paid' else 'issued' end, ` +
    "version = version + 1 where id in (select document_id from allocations where booked = false)"
]

export class Migration20261203100100DraftReservations extends DriverMigration {
  static readonly migrationName = "Migration20261203100100DraftReservations"
  override name = Migration20261203100100DraftReservations.migrationName
  protected readonly statements: DriverStatements = { postgresql: statements, sqlite: statements }
}
