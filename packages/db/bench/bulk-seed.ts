/**
 * Bulk seeding of a migrated ledger database for the benchmark, in set-based SQL (no ORM, no
 * round trip per row): `INSERT … SELECT` over `generate_series` on PostgreSQL and over a recursive
 * CTE on SQLite, one statement per table. The data is what the ledger itself would have written,
 * so every read and write path of the Ledger works on it unchanged:
 *
 * - customers 1..C in EUR; customer 1 is the "big" customer;
 * - payments 1..N in id order with payment dates rising over six years (2020-01-01 to 2025-12-31,
 *   a few days of jitter), every k-th payment belonging to the big customer and the rest spread by
 *   a hash over the others; amounts 1.00–5000.00; 97% posted, 1% each draft, rejected, cancelled;
 * - one `payment-posted` balance entry per posted payment, sequences gap-free per customer from 1,
 *   `balanceAfter` the running sum, which is also the payment's `balanceAfterPosting`, and each
 *   customer's balance the sum of its posted payments;
 * - the event log's `payment.created` and `payment.posted` events;
 * - the number sequences and the id sequences moved past the seeded rows;
 * - each customer's and payment's `search_text` as the store writes it (the seeded text is ASCII,
 *   so SQL's `lower()` folds it exactly as `src/store/search-text.ts` does).
 *
 * Pseudo-random choices come from a multiplicative hash of the row number, so a seed is repeatable.
 */
import type { LedgerOrm } from "../src/index.ts"
import { customerSearchColumns, paymentSearchColumns } from "../src/store/search-text.ts"

export interface SeedPlan {
  readonly customers: number
  readonly payments: number
  /** How many payments the big customer (id 1) gets. */
  readonly bigCustomerPayments: number
}

export type SeedDriver = "sqlite" | "postgresql"

/** Seconds spent per step, in the order the steps ran. */
export type SeedTimings = ReadonlyArray<{ readonly step: string; readonly seconds: number }>

/** Days from 2020-01-01 to 2025-12-31. */
const spanDays = 2191

const sqlFor = (driver: SeedDriver, plan: SeedPlan) => {
  const pg = driver === "postgresql"
  const every = Math.max(1, Math.floor(plan.payments / Math.max(1, plan.bigCustomerPayments)))
  const others = Math.max(1, plan.customers - 1)
  /** `prefix` goes before the INSERT (SQLite's CTE), `from` is a row source with a bigint column `i`. */
  const series = (count: number) =>
    pg
      ? { prefix: "", from: `generate_series(1::bigint, ${count}::bigint) as g(i)` }
      : { prefix: `with recursive g(i) as (select 1 union all select i + 1 from g where i < ${count}) `, from: "g" }
  const clamp = (expression: string, low: number, high: number) =>
    pg ? `greatest(${low}, least(${high}, ${expression}))` : `max(${low}, min(${high}, ${expression}))`
  const dateAfter = (days: string) =>
    pg ? `(date '2020-01-01' + (${days})::int)` : `date('2020-01-01', '+' || (${days}) || ' days')`
  /** A timestamp `seconds` after midnight (UTC) of a date column. */
  const at = (date: string, seconds: string) =>
    pg
      ? `(${date}::timestamp + make_interval(secs => ${seconds})) at time zone 'UTC'`
      : `(cast(strftime('%s', ${date}) as integer) + ${seconds}) * 1000`
  const text = (expression: string) => (pg ? `(${expression})::text` : `cast(${expression} as text)`)
  const publicId = (seed: string) => (pg ? `upper(md5(${seed}))` : "upper(hex(randomblob(16)))")
  const json = (pairs: ReadonlyArray<readonly [string, string]>) =>
    `${pg ? "jsonb_build_object" : "json_object"}(${pairs.map(([key, value]) => `'${key}', ${value}`).join(", ")})`
  const createdAt = at("payment_date", "h % 86400")
  const postedAt = at("payment_date", "h % 86400 + 60")

  const customerSeries = series(plan.customers)
  const customers = `${customerSeries.prefix}insert into customers (id, public_id, number, name, email, currency, balance, credit_limit, billing_entity_id, external_system, external_id, custom_fields, created_at, updated_at, version)
select i, ${publicId(`'customer-' || i`)}, ${text("i")}, case when i = 1 then 'Big Customer Ltd' else 'Customer ' || i end,
  'billing' || i || '@example.com', 'EUR', 0, null, null, null, null, '{}', ${at(pg ? "date '2019-12-01'" : "'2019-12-01'", "i")}, ${at(pg ? "date '2019-12-01'" : "'2019-12-01'", "i")}, 1
from ${customerSeries.from}`

  const paymentSeries = series(plan.payments)
  const base = `select i, h,
    case when i % ${every} = 0 then 1 else 2 + (h % ${others}) end as customer_id,
    100 + (h / 7) % 499901 as amount,
    case (h / 13) % 100 when 0 then 'draft' when 1 then 'rejected' when 2 then 'cancelled' else 'posted' end as state,
    ${dateAfter(clamp(`i * ${spanDays} / ${plan.payments} + (h / 17) % 7 - 3`, 0, spanDays))} as payment_date
  from (select i, (i * 2654435761) % 4294967296 as h from ${paymentSeries.from}) hashed`
  const posted = (value: string) => `case when state = 'posted' then ${value} end`
  const payments = `${paymentSeries.prefix}insert into payments (id, public_id, reference_number, number, customer_id, currency, amount, state, payment_date, posted_on, posted_at, balance_after_posting, method_id, type_id, gateway_id, gateway_reference, billing_entity_id, reversed_amount, allocated_amount, refunded_amount, rejection_reason, rejected_at, cancelled_at, reversal_date, description, notes, reference, customer_reference, check_number, third_party_reference, custom_fields, external_system, external_id, source_record, origin, created_by, created_at, updated_at, version)
select i, ${publicId(`'payment-' || i`)}, ${text("i")}, ${posted(text("i"))}, customer_id, 'EUR', amount, state, payment_date,
  ${posted("payment_date")}, ${posted(postedAt)},
  ${posted("sum(case when state = 'posted' then amount else 0 end) over (partition by customer_id order by i rows between unbounded preceding and current row)")},
  null, null, null, null, null, 0, 0, 0,
  case when state = 'rejected' then 'card declined' end, case when state = 'rejected' then ${postedAt} end,
  case when state = 'cancelled' then ${postedAt} end, null,
  'Payment for invoice ' || i, null, 'BANK-' || i, null, null, null, '{}', null, null, null, 'seed', 1,
  ${createdAt}, case when state = 'draft' then ${createdAt} else ${postedAt} end,
  case when state = 'draft' then 1 else 2 end
from (${base}) b
order by b.i`

  const balanceEntries = `insert into balance_entries (customer_id, sequence, kind, delta, balance_after, payment_id, document_id, refund_id, reversal_id, description, occurred_at)
select customer_id, row_number() over (partition by customer_id order by id), 'payment-posted', amount, balance_after_posting, id, null, null, null, 'payment ' || number || ' posted', posted_at
from payments p where p.state = 'posted'
order by p.id`

  const events = `insert into ledger_events (type, entity, entity_id, customer_id, payment_id, occurred_at, actor_id, actor_name, origin, request_id, idempotency_key, data)
select type, 'payment', id, customer_id, id, occurred_at, 1, 'seed', 'seed', null, null, data from (
  select id, customer_id, 0 as step, 'payment.created' as type, created_at as occurred_at,
    ${json([
      ["referenceNumber", "reference_number"],
      ["amount", text("amount")],
      ["currency", "currency"],
      ["paymentDate", text("payment_date")]
    ])} as data
  from payments
  union all
  select id, customer_id, 1, 'payment.posted', posted_at,
    ${json([
      ["number", "number"],
      ["amount", text("amount")],
      ["currency", "currency"],
      ["postedOn", text("posted_on")],
      ["balanceAfter", text("balance_after_posting")]
    ])}
  from payments where state = 'posted'
) e
order by e.id, e.step`

  const balances = `update customers set balance = t.total, version = 1 + t.count
from (select customer_id, sum(amount) as total, count(*) as count from payments where state = 'posted' group by customer_id) t
where t.customer_id = customers.id`

  const sequences = `insert into sequences (name, value) values ('customer-number', ${plan.customers}), ('payment-reference', ${plan.payments}), ('payment-number', ${plan.payments})
on conflict (name) do update set value = excluded.value`

  /** The store's `search_text` of ASCII fields: lower-cased, nulls skipped, joined by U+001F. */
  const searchText = (columns: ReadonlyArray<string>) =>
    `lower(concat_ws(${pg ? "chr(31)" : "char(31)"}, ${columns.join(", ")}))`
  const searchTexts = [
    `update customers set search_text = ${searchText(customerSearchColumns)}`,
    `update payments set search_text = ${searchText(paymentSearchColumns)}`
  ]

  const idSequences = pg
    ? [
        `select setval(pg_get_serial_sequence('customers', 'id'), ${plan.customers})`,
        `select setval(pg_get_serial_sequence('payments', 'id'), ${plan.payments})`
      ]
    : []

  return { customers, payments, balanceEntries, events, balances, sequences, searchTexts, idSequences }
}

/** Seeds an empty, migrated database; returns the time of each step. */
export const seedLedger = async (
  orm: LedgerOrm,
  driver: SeedDriver,
  plan: SeedPlan,
  progress: (step: string) => void = () => {}
): Promise<SeedTimings> => {
  const sql = sqlFor(driver, plan)
  const timings: Array<{ step: string; seconds: number }> = []
  const em = orm.em.fork()
  const step = async (name: string, statements: ReadonlyArray<string>) => {
    progress(name)
    const started = performance.now()
    for (const statement of statements) await em.execute(statement)
    timings.push({ step: name, seconds: (performance.now() - started) / 1000 })
  }
  await step("customers", [sql.customers])
  await step("payments", [sql.payments])
  await step("balance chain", [sql.balanceEntries, sql.balances])
  await step("event log", [sql.events])
  await step("sequences", [sql.sequences, ...sql.idSequences])
  await step("search text", sql.searchTexts)
  // PostgreSQL's autovacuum would analyse the bulk-loaded tables soon anyway; do it now so plans
  // are stable. The app never runs ANALYZE on SQLite, so neither does the benchmark.
  if (driver === "postgresql") {
    await step("vacuum analyze", [
      "vacuum analyze customers",
      "vacuum analyze payments",
      "vacuum analyze balance_entries",
      "vacuum analyze ledger_events",
      "vacuum analyze sequences"
    ])
  } else {
    await step("wal checkpoint", ["pragma wal_checkpoint(truncate)"])
  }
  return timings
}
