/**
 * Migration 20261205500000 "event-attached-records" (issue 14.3: a dialect create within the 8
 * statements of core's unit). `ledger_events.attached_record` carries a dialect record written by
 * the statement that appends its event (`LedgerStore.events.appendAll`): a trigger inserts (or,
 * under a taken key, replaces) the `dialect_records` row, linked to the event's customer and
 * payment and dated at the event, and clears the column, so it is null in every stored row. On
 * PostgreSQL `paybridge_has_unpaid_documents` answers, for `lockCustomerWith` (`unpaidDocuments`), whether a
 * customer has unpaid invoices or bills: it is VOLATILE plpgsql, so its query takes a fresh snapshot
 * and sees what writers that held the customer lock before committed (the statement's own snapshot
 * predates the lock wait). Additions only (a nullable column, a trigger, functions): safe on a
 * populated database; written by hand (the schema generator knows only the column).
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

/** The triggers this migration adds (the entities do not describe them; the schema-diff check takes them out). */
export const ledgerTriggers: ReadonlyArray<{ readonly table: string; readonly name: string }> = [
  { table: "ledger_events", name: "ledger_events_attached_record" }
]

export class Migration20261205500000EventAttachedRecords extends DriverMigration {
  static readonly migrationName = "Migration20261205500000EventAttachedRecords"
  override name = Migration20261205500000EventAttachedRecords.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'alter table "ledger_events" add "attached_record" jsonb null',
      `create or replace function paybridge_write_attached_record() returns trigger language plpgsql as $$
begin
  insert into dialect_records (dialect, kind, key, customer_id, payment_id, data, created_at, updated_at)
  values (new.attached_record ->> 'dialect', new.attached_record ->> 'kind', new.attached_record ->> 'key',
    new.customer_id, new.payment_id, new.attached_record -> 'data', new.occurred_at, new.occurred_at)
  on conflict (dialect, kind, key) do update set customer_id = excluded.customer_id,
    payment_id = excluded.payment_id, data = excluded.data, updated_at = excluded.updated_at;
  new.attached_record := null;
  return new;
end
$$`,
      'create trigger "ledger_events_attached_record" before insert on "ledger_events" for each row when (new.attached_record is not null) execute function paybridge_write_attached_record()',
      `create or replace function paybridge_has_unpaid_documents(customer int, currency_code varchar) returns boolean language plpgsql volatile as $$
begin
  return exists (select 1 from documents d where d.customer_id = customer and d.kind in ('invoice', 'bill')
    and d.state = 'issued' and d.outstanding > 0 and d.currency = currency_code);
end
$$`
    ],
    sqlite: [
      "alter table `ledger_events` add column `attached_record` json null",
      `create trigger \`ledger_events_attached_record\` after insert on \`ledger_events\` when new.attached_record is not null
begin
  insert into dialect_records (dialect, kind, key, customer_id, payment_id, data, created_at, updated_at)
  values (json_extract(new.attached_record, '$.dialect'), json_extract(new.attached_record, '$.kind'),
    json_extract(new.attached_record, '$.key'), new.customer_id, new.payment_id,
    json_extract(new.attached_record, '$.data'), new.occurred_at, new.occurred_at)
  on conflict (dialect, kind, key) do update set customer_id = excluded.customer_id,
    payment_id = excluded.payment_id, data = excluded.data, updated_at = excluded.updated_at;
  update ledger_events set attached_record = null where id = new.id;
end`
    ]
  }
}
