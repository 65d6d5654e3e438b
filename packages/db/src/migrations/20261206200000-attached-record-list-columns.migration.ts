/**
 * Migration 20261206200000 "attached-record-list-columns" (issue 14.3: a Silver create stating its
 * attributes within core's 8 statements). The trigger of migration 20261205500000 that writes the
 * dialect record attached to an event (`ledger_events.attached_record`) now also fills the record's
 * indexed list columns (`list_date`, `list_flag`, `list_proforma_id`, `list_invoice_id`) from the
 * attachment's `listColumns` (`{date, flag, proformaId, invoiceId}`; absent or null: none), and a
 * replacement under a taken key replaces them too, as it replaces the data. Written by hand: on
 * PostgreSQL the trigger's function is replaced (the trigger stays), on SQLite the trigger is
 * dropped and created again in the same transaction. No table changes and no rows touched (the
 * column is null in every stored event): safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261206200000AttachedRecordListColumns extends DriverMigration {
  static readonly migrationName = "Migration20261206200000AttachedRecordListColumns"
  override name = Migration20261206200000AttachedRecordListColumns.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      `create or replace function paybridge_write_attached_record() returns trigger language plpgsql as $$
declare
  columns jsonb := new.attached_record -> 'listColumns';
begin
  insert into dialect_records (dialect, kind, key, customer_id, payment_id, data,
    list_date, list_flag, list_proforma_id, list_invoice_id, created_at, updated_at)
  values (new.attached_record ->> 'dialect', new.attached_record ->> 'kind', new.attached_record ->> 'key',
    new.customer_id, new.payment_id, new.attached_record -> 'data',
    (columns ->> 'date')::date, (columns ->> 'flag')::boolean, (columns ->> 'proformaId')::int,
    (columns ->> 'invoiceId')::int, new.occurred_at, new.occurred_at)
  on conflict (dialect, kind, key) do update set customer_id = excluded.customer_id,
    payment_id = excluded.payment_id, data = excluded.data, list_date = excluded.list_date,
    list_flag = excluded.list_flag, list_proforma_id = excluded.list_proforma_id,
    list_invoice_id = excluded.list_invoice_id, updated_at = excluded.updated_at;
  new.attached_record := null;
  return new;
end
$$`
    ],
    sqlite: [
      "drop trigger if exists `ledger_events_attached_record`",
      `create trigger \`ledger_events_attached_record\` after insert on \`ledger_events\` when new.attached_record is not null
begin
  insert into dialect_records (dialect, kind, key, customer_id, payment_id, data,
    list_date, list_flag, list_proforma_id, list_invoice_id, created_at, updated_at)
  values (json_extract(new.attached_record, '$.dialect'), json_extract(new.attached_record, '$.kind'),
    json_extract(new.attached_record, '$.key'), new.customer_id, new.payment_id,
    json_extract(new.attached_record, '$.data'),
    json_extract(new.attached_record, '$.listColumns.date'), json_extract(new.attached_record, '$.listColumns.flag'),
    json_extract(new.attached_record, '$.listColumns.proformaId'),
    json_extract(new.attached_record, '$.listColumns.invoiceId'), new.occurred_at, new.occurred_at)
  on conflict (dialect, kind, key) do update set customer_id = excluded.customer_id,
    payment_id = excluded.payment_id, data = excluded.data, list_date = excluded.list_date,
    list_flag = excluded.list_flag, list_proforma_id = excluded.list_proforma_id,
    list_invoice_id = excluded.list_invoice_id, updated_at = excluded.updated_at;
  update ledger_events set attached_record = null where id = new.id;
end`
    ]
  }
}
