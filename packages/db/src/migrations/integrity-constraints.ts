/**
 * The integrity constraints of the ledger schema, declared once for both databases (issue 15.5):
 * a foreign key for every reference between ledger tables and a CHECK for every money invariant
 * one row can state (amounts and outstanding never negative, allocated never above the amount,
 * well-formed currency codes, a balance chain that starts at 1). Migration 20261203300000 applies
 * them; `constraintViolations` counts the rows that would break each one, so the migration can
 * refuse a database holding such rows with a message naming them instead of failing halfway.
 *
 * Columns that name an actor (`payments.created_by`, `ledger_events.actor_id`,
 * `idempotency_keys.principal_id`) have no foreign key: the system principal (id 0) acts without
 * a user row. `ledger_events.entity_id` names a row of the table its `entity` says and has none either.
 * The payment-level sum `allocated + reversed + refunded <= amount` (issue 12's invariant) is not a
 * CHECK yet: today's release rules can break it (the money-model work of issue 12 fixes them), and a
 * CHECK would turn those commands into failures; it belongs here once they hold it.
 */

/** A reference from `table.column` to `parent.id` (a null column references nothing). */
export interface ForeignKey {
  readonly table: string
  readonly column: string
  readonly parent: string
}

/** A row-level invariant; `sqlite` / `postgresql` are the expression in each dialect. */
export interface RowCheck {
  readonly table: string
  readonly name: string
  readonly sqlite: string
  readonly postgresql: string
}

/**
 * The tables in an order where every table comes after the tables it references (its own
 * self-reference aside), which is the order the SQLite rebuild needs.
 */
export const constrainedTables = [
  "users",
  "billing_entities",
  "gateways",
  "payment_presets",
  "api_keys",
  "customers",
  "documents",
  "payments",
  "allocations",
  "reversals",
  "collections",
  "refunds",
  "balance_entries",
  "ledger_events",
  "dialect_records"
] as const

export const ledgerForeignKeys: ReadonlyArray<ForeignKey> = [
  { table: "api_keys", column: "user_id", parent: "users" },
  { table: "payment_presets", column: "gateway_id", parent: "gateways" },
  { table: "customers", column: "billing_entity_id", parent: "billing_entities" },
  { table: "documents", column: "customer_id", parent: "customers" },
  { table: "documents", column: "billing_entity_id", parent: "billing_entities" },
  { table: "documents", column: "related_document_id", parent: "documents" },
  { table: "payments", column: "customer_id", parent: "customers" },
  { table: "payments", column: "method_id", parent: "payment_presets" },
  { table: "payments", column: "type_id", parent: "payment_presets" },
  { table: "payments", column: "gateway_id", parent: "gateways" },
  { table: "payments", column: "billing_entity_id", parent: "billing_entities" },
  { table: "allocations", column: "payment_id", parent: "payments" },
  { table: "allocations", column: "document_id", parent: "documents" },
  { table: "reversals", column: "payment_id", parent: "payments" },
  { table: "collections", column: "payment_id", parent: "payments" },
  { table: "refunds", column: "payment_id", parent: "payments" },
  { table: "refunds", column: "customer_id", parent: "customers" },
  { table: "refunds", column: "document_id", parent: "documents" },
  { table: "balance_entries", column: "customer_id", parent: "customers" },
  { table: "balance_entries", column: "payment_id", parent: "payments" },
  { table: "balance_entries", column: "document_id", parent: "documents" },
  { table: "balance_entries", column: "refund_id", parent: "refunds" },
  { table: "balance_entries", column: "reversal_id", parent: "reversals" },
  { table: "ledger_events", column: "customer_id", parent: "customers" },
  { table: "ledger_events", column: "payment_id", parent: "payments" },
  { table: "dialect_records", column: "customer_id", parent: "customers" },
  { table: "dialect_records", column: "payment_id", parent: "payments" }
]

const both = (table: string, name: string, expression: string): RowCheck => ({
  table,
  name,
  sqlite: expression,
  postgresql: expression
})

const currency = (table: string, column: string): RowCheck => ({
  table,
  name: `${table}_${column}_format_check`,
  sqlite: `${column} glob '[A-Z][A-Z][A-Z]'`,
  postgresql: `${column} ~ '^[A-Z]{3}$'`
})

export const ledgerRowChecks: ReadonlyArray<RowCheck> = [
  currency("billing_entities", "default_currency"),
  currency("customers", "currency"),
  both("customers", "customers_credit_limit_check", "credit_limit is null or credit_limit >= 0"),
  currency("documents", "currency"),
  both("documents", "documents_total_check", "total >= 0"),
  both("documents", "documents_allocated_check", "allocated >= 0 and allocated <= total"),
  both("documents", "documents_outstanding_check", "outstanding >= 0 and outstanding <= total"),
  currency("payments", "currency"),
  both("payments", "payments_amount_check", "amount >= 0"),
  both("payments", "payments_allocated_amount_check", "allocated_amount >= 0 and allocated_amount <= amount"),
  both("payments", "payments_reversed_amount_check", "reversed_amount >= 0 and reversed_amount <= amount"),
  both("payments", "payments_refunded_amount_check", "refunded_amount >= 0 and refunded_amount <= amount"),
  both("allocations", "allocations_amount_check", "amount > 0"),
  both("reversals", "reversals_amount_check", "amount > 0"),
  currency("refunds", "currency"),
  both("refunds", "refunds_amount_check", "amount > 0"),
  both("balance_entries", "balance_entries_sequence_check", "sequence >= 1")
]

/**
 * Foreign keys of tables created after migration 20261203300000, each added by the migration
 * that creates its table (so that migration never sees them); the schema tests expect them too.
 */
export const laterForeignKeys: ReadonlyArray<ForeignKey> = [
  { table: "gateway_settings", column: "gateway_id", parent: "gateways" }
]

export const foreignKeyName = (key: ForeignKey): string => `${key.table}_${key.column}_foreign`

/** One kind of row the constraints would refuse, and how many such rows the database holds. */
export interface ConstraintViolation {
  readonly constraint: string
  readonly rows: number
  readonly description: string
}

type Execute = (sql: string) => Promise<ReadonlyArray<Record<string, unknown>>>

/** Counts, per constraint, the existing rows that break it (only the constraints some row breaks). */
export const constraintViolations = async (
  execute: Execute,
  driver: "sqlite" | "postgresql"
): Promise<ReadonlyArray<ConstraintViolation>> => {
  const found: Array<ConstraintViolation> = []
  for (const key of ledgerForeignKeys) {
    const rows = await execute(
      `select count(*) as n from ${key.table} c where c.${key.column} is not null and not exists (select 1 from ${key.parent} p where p.id = c.${key.column})`
    )
    const n = Number(rows[0]?.n ?? 0)
    if (n > 0) {
      found.push({
        constraint: foreignKeyName(key),
        rows: n,
        description: `${key.table}.${key.column} names a ${key.parent} row that does not exist`
      })
    }
  }
  for (const check of ledgerRowChecks) {
    const expression = check[driver]
    const rows = await execute(`select count(*) as n from ${check.table} where not (${expression})`)
    const n = Number(rows[0]?.n ?? 0)
    if (n > 0) {
      found.push({ constraint: check.name, rows: n, description: `${check.table} rows break (${expression})` })
    }
  }
  return found
}

/** The message a migration refusing `violations` fails with. */
export const violationReport = (violations: ReadonlyArray<ConstraintViolation>): string =>
  [
    `the database holds ${violations.reduce((sum, v) => sum + v.rows, 0)} row(s) that break the ledger's integrity constraints; nothing was changed.`,
    ...violations.map((v) => `  ${v.constraint}: ${v.rows} row(s) — ${v.description}`),
    "Repair or remove these rows (they were written outside the ledger's commands), then start again."
  ].join("\n")
