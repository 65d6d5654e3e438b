/**
 * Migration 20261205400000 "dialect-record-list-columns", written by hand: the list columns of
 * dialect records (`list_date`, `list_flag`, `list_proforma_id`, `list_invoice_id`, null on every
 * existing row) and their index per dialect, kind and customer, so a dialect's list filters and
 * sorts on its own attributes of a payment in SQL (Silver's due date, visible flag, proforma and
 * invoice: `DialectRecordListColumns`). Then a backfill in SQL of the one kind that keeps them today,
 * Silver's `payment-attributes` records, from their JSON (`dueDate`, `visible`, `proformaId`,
 * `invoiceId`; a value of another type stays null, as the adapter reads it; the adapter wrote only
 * valid dates there, checked again by pattern before PostgreSQL casts one). Additions and one
 * `update` of existing rows: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261205400000DialectRecordListColumns extends DriverMigration {
  static readonly migrationName = "Migration20261205400000DialectRecordListColumns"
  override name = Migration20261205400000DialectRecordListColumns.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'alter table "dialect_records" add "list_date" date null, add "list_flag" boolean null, add "list_proforma_id" int null, add "list_invoice_id" int null',
      'create index "dialect_records_dialect_kind_customer_id_list_date_id_index" on "dialect_records" ("dialect", "kind", "customer_id", "list_date", "id")',
      `update "dialect_records" set
        "list_date" = case when jsonb_typeof("data"->'dueDate') = 'string' and "data"->>'dueDate' ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' then ("data"->>'dueDate')::date end,
        "list_flag" = case when jsonb_typeof("data"->'visible') = 'boolean' then ("data"->>'visible')::boolean else true end,
        "list_proforma_id" = case when jsonb_typeof("data"->'proformaId') = 'number' and "data"->>'proformaId' ~ '^[1-9][0-9]{0,8}$' then ("data"->>'proformaId')::int end,
        "list_invoice_id" = case when jsonb_typeof("data"->'invoiceId') = 'number' and "data"->>'invoiceId' ~ '^[1-9][0-9]{0,8}$' then ("data"->>'invoiceId')::int end
      where "dialect" = 'silver' and "kind" = 'payment-attributes'`
    ],
    sqlite: [
      "alter table `dialect_records` add column `list_date` date null",
      "alter table `dialect_records` add column `list_flag` integer null",
      "alter table `dialect_records` add column `list_proforma_id` integer null",
      "alter table `dialect_records` add column `list_invoice_id` integer null",
      "create index `dialect_records_dialect_kind_customer_id_list_date_id_index` on `dialect_records` (`dialect`, `kind`, `customer_id`, `list_date`, `id`)",
      `update \`dialect_records\` set
        \`list_date\` = case when json_type(\`data\`, '$.dueDate') = 'text' and json_extract(\`data\`, '$.dueDate') glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' then json_extract(\`data\`, '$.dueDate') end,
        \`list_flag\` = case json_type(\`data\`, '$.visible') when 'true' then 1 when 'false' then 0 else 1 end,
        \`list_proforma_id\` = case when json_type(\`data\`, '$.proformaId') = 'integer' and json_extract(\`data\`, '$.proformaId') > 0 then json_extract(\`data\`, '$.proformaId') end,
        \`list_invoice_id\` = case when json_type(\`data\`, '$.invoiceId') = 'integer' and json_extract(\`data\`, '$.invoiceId') > 0 then json_extract(\`data\`, '$.invoiceId') end
      where \`dialect\` = 'silver' and \`kind\` = 'payment-attributes'`
    ]
  }
}
