/**
 * The floor's SQLite store: one better-sqlite3 connection opened as `packages/db` opens it
 * (`timeout` = busy_timeout 5000 ms, WAL journal) and prepared statements for every operation.
 * Writes run in a `BEGIN IMMEDIATE` transaction, as Paybridge's SQLite dialect begins them.
 */
import { createRequire } from "node:module"
import type { FloorCreate, FloorCreateResult, FloorStore, ListAfter, Row } from "./floor-store.ts"
import { publicId, today } from "./floor-store.ts"

interface Statement {
  get(...parameters: ReadonlyArray<unknown>): unknown
  all(...parameters: ReadonlyArray<unknown>): Array<unknown>
  run(...parameters: ReadonlyArray<unknown>): { changes: number; lastInsertRowid: number | bigint }
}

interface SqliteDatabase {
  prepare(sql: string): Statement
  pragma(source: string): unknown
  transaction<A extends ReadonlyArray<unknown>, R>(work: (...args: A) => R): { immediate: (...args: A) => R }
  close(): void
}

type SqliteConstructor = new (filename: string, options: { readonly timeout: number }) => SqliteDatabase

const busyTimeoutMs = 5_000

export const openSqliteFloorStore = (filename: string): FloorStore => {
  const Database = createRequire(import.meta.url)("better-sqlite3") as SqliteConstructor
  const db = new Database(filename, { timeout: busyTimeoutMs })
  db.pragma("journal_mode = WAL")
  db.pragma(`busy_timeout = ${busyTimeoutMs}`)

  const getPayment = db.prepare("select * from payments where id = ?")
  const firstPage = db.prepare(
    "select * from payments where customer_id = ? order by payment_date desc, id desc limit ?"
  )
  // Paybridge's deep page: the cursor's date bounds the date from above, then the row comparison.
  const nextPage = db.prepare(
    "select * from payments where customer_id = ? and payment_date <= ? and (payment_date, id) < (?, ?) " +
      "order by payment_date desc, id desc limit ?"
  )
  const balance = db.prepare("select id, currency, balance from customers where id = ?")

  const claimKey = db.prepare(
    "insert into idempotency_keys (principal_id, key, operation, request_hash, response, created_at, completed_at) " +
      "values (0, ?, 'floor.create', '-', null, ?, null) on conflict (principal_id, key) do nothing"
  )
  const readCustomer = db.prepare("select id, currency, balance from customers where id = ?")
  const insertPayment = db.prepare(
    "insert into payments (public_id, reference_number, number, customer_id, currency, amount, state, payment_date, " +
      "posted_on, posted_at, balance_after_posting, reversed_amount, allocated_amount, refunded_amount, custom_fields, " +
      "origin, created_by, created_at, updated_at, version) " +
      "values (?, ?, ?, ?, ?, ?, 'posted', ?, ?, ?, ?, 0, 0, 0, '{}', 'floor', 0, ?, ?, 1) returning *"
  )
  const insertEvent = db.prepare(
    "insert into ledger_events (type, entity, entity_id, customer_id, payment_id, occurred_at, actor_id, actor_name, " +
      "origin, request_id, idempotency_key, data) values ('payment.posted', 'payment', ?, ?, ?, ?, 0, 'floor', 'floor', null, ?, ?)"
  )
  const insertBalanceEntry = db.prepare(
    "insert into balance_entries (customer_id, sequence, kind, delta, balance_after, payment_id, description, occurred_at) " +
      "select ?, coalesce(max(sequence), 0) + 1, 'payment-posted', ?, ?, ?, 'payment posted', ? " +
      "from balance_entries where customer_id = ?"
  )
  const moveBalance = db.prepare("update customers set balance = ?, version = version + 1, updated_at = ? where id = ?")

  const create = db.transaction((input: FloorCreate): FloorCreateResult => {
    const now = Date.now()
    if (claimKey.run(input.idempotencyKey, now).changes === 0) return { kind: "replayed" }
    const customer = readCustomer.get(input.customerId) as { currency: string; balance: number } | undefined
    if (customer === undefined) throw new Error(`no customer ${input.customerId}`)
    const balanceAfter = customer.balance + input.amount
    const date = today()
    const key = publicId()
    const payment = insertPayment.get(
      key,
      `F${key}`,
      `F${key}`,
      input.customerId,
      customer.currency,
      input.amount,
      date,
      date,
      now,
      balanceAfter,
      now,
      now
    ) as Row
    const data = JSON.stringify({ amount: String(input.amount), balanceAfter: String(balanceAfter) })
    insertEvent.run(payment.id, input.customerId, payment.id, now, input.idempotencyKey, data)
    insertBalanceEntry.run(input.customerId, input.amount, balanceAfter, payment.id, now, input.customerId)
    moveBalance.run(balanceAfter, now, input.customerId)
    return { kind: "created", payment }
  })

  return {
    getPayment: (id) => getPayment.get(id) as Row | undefined,
    listPayments: (customerId, limit, after: ListAfter | null) =>
      (after === null
        ? firstPage.all(customerId, limit)
        : nextPage.all(customerId, after.paymentDate, after.paymentDate, after.id, limit)) as Row[],
    balance: (customerId) => balance.get(customerId) as Row | undefined,
    createPayment: (input) => create.immediate(input),
    close: async () => db.close()
  }
}
