/**
 * Migration 20261207100000 "locked-documents" (issue 14.3: a create that pays documents within
 * core's unit). On PostgreSQL `paybridge_documents_after_lock` answers, for `lockCustomerWith`
 * (`documents`), the rows of the documents a create names: it is VOLATILE plpgsql called with the
 * locked customer's id, so it runs once the customer row is locked and its query takes a fresh
 * snapshot, seeing what writers that held the customer lock before committed (the locking
 * statement's own snapshot predates the lock wait). The customer id only orders the call after the
 * lock: documents of any customer are answered, so a create can say whose a document is. SQLite
 * needs nothing (its transactions hold the write lock from their start). An addition only (a
 * function): safe on a populated database; written by hand.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261207100000LockedDocuments extends DriverMigration {
  static readonly migrationName = "Migration20261207100000LockedDocuments"
  override name = Migration20261207100000LockedDocuments.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      `create or replace function paybridge_documents_after_lock(locked_customer int, ids int[]) returns setof documents language plpgsql volatile as $$
begin
  return query select d.* from documents d where d.id = any(ids) and locked_customer is not null;
end
$$`
    ],
    sqlite: []
  }
}
