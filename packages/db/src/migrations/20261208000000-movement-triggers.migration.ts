/**
 * Migration 20261208000000 "movement-triggers" (issue 14.3: a create ≤ 8 statements, also when it
 * pays documents). Two columns that carry, in the row a store statement inserts, the guarded update
 * of another row, which a trigger makes and then clears (null in every stored row), as
 * `ledger_events.attached_record` does: `balance_entries.customer_version` (`LedgerStore.balance.move`)
 * — the customer row's version the entry was computed from: the customer takes the entry's
 * `balance_after` as its balance, `occurred_at` as `updated_at`, and the next version — and
 * `allocations.document_change` (`LedgerStore.allocations.insertAll` with documents) — the new
 * `allocated`, `outstanding` and `state` of the allocation's document and the version they were
 * computed from (amounts as decimal strings), written with `updated_at` = the allocation's
 * `created_at`. Each update is guarded by the version the ledger read: when the row moved since,
 * the trigger raises `paybridge guard: …`, which the store answers as `Conflict("concurrent-modification")`
 * (`storage-errors.ts`) and the ledger retries the command. The triggers decide nothing: the values
 * are the ones the ledger computed. Additions only (nullable columns, triggers, functions): safe on a
 * populated database; written by hand (the schema generator knows only the columns).
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

/** The triggers this migration adds (the entities do not describe them; the schema-diff check takes them out). */
export const movementTriggers: ReadonlyArray<{ readonly table: string; readonly name: string }> = [
  { table: "balance_entries", name: "balance_entries_move_customer" },
  { table: "allocations", name: "allocations_change_document" }
]

export class Migration20261208000000MovementTriggers extends DriverMigration {
  static readonly migrationName = "Migration20261208000000MovementTriggers"
  override name = Migration20261208000000MovementTriggers.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'alter table "balance_entries" add "customer_version" int null',
      'alter table "allocations" add "document_change" jsonb null',
      `create or replace function paybridge_move_customer() returns trigger language plpgsql as $$
begin
  update customers set balance = new.balance_after, updated_at = new.occurred_at, version = new.customer_version + 1
    where id = new.customer_id and version = new.customer_version;
  if not found then
    raise exception 'paybridge guard: customer % changed since it was read (expected version %)',
      new.customer_id, new.customer_version;
  end if;
  new.customer_version := null;
  return new;
end
$$`,
      'create trigger "balance_entries_move_customer" before insert on "balance_entries" for each row when (new.customer_version is not null) execute function paybridge_move_customer()',
      `create or replace function paybridge_change_document() returns trigger language plpgsql as $$
declare
  change jsonb := new.document_change;
begin
  update documents set allocated = (change ->> 'allocated')::bigint, outstanding = (change ->> 'outstanding')::bigint,
    state = change ->> 'state', updated_at = new.created_at, version = (change ->> 'version')::int + 1
    where id = new.document_id and version = (change ->> 'version')::int;
  if not found then
    raise exception 'paybridge guard: document % changed since it was read (expected version %)',
      new.document_id, change ->> 'version';
  end if;
  new.document_change := null;
  return new;
end
$$`,
      'create trigger "allocations_change_document" before insert on "allocations" for each row when (new.document_change is not null) execute function paybridge_change_document()'
    ],
    sqlite: [
      "alter table `balance_entries` add column `customer_version` integer null",
      "alter table `allocations` add column `document_change` json null",
      `create trigger \`balance_entries_move_customer\` after insert on \`balance_entries\` when new.customer_version is not null
begin
  select raise(abort, 'paybridge guard: the customer changed since it was read')
    where not exists (select 1 from customers where id = new.customer_id and version = new.customer_version);
  update customers set balance = new.balance_after, updated_at = new.occurred_at, version = new.customer_version + 1
    where id = new.customer_id;
  update balance_entries set customer_version = null where id = new.id;
end`,
      `create trigger \`allocations_change_document\` after insert on \`allocations\` when new.document_change is not null
begin
  select raise(abort, 'paybridge guard: the document changed since it was read')
    where not exists (select 1 from documents where id = new.document_id
      and version = json_extract(new.document_change, '$.version'));
  update documents set allocated = cast(json_extract(new.document_change, '$.allocated') as integer),
    outstanding = cast(json_extract(new.document_change, '$.outstanding') as integer),
    state = json_extract(new.document_change, '$.state'), updated_at = new.created_at,
    version = json_extract(new.document_change, '$.version') + 1
    where id = new.document_id;
  update allocations set document_change = null where id = new.id;
end`
    ]
  }
}
