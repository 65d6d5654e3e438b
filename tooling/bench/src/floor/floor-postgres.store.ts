/**
 * The floor's PostgreSQL store: a `pg` pool sized as `packages/db` sizes MikroORM's (min 0, max
 * 10, the same `pg` version) and named prepared statements for every operation. The create runs
 * in one READ COMMITTED transaction that locks the customer row with `SELECT … FOR UPDATE`, as
 * Paybridge's `lockCustomer` does.
 */
import pg from "pg"
import type { FloorCreateResult, FloorStore, ListAfter, Row } from "./floor-store.ts"
import { publicId, today } from "./floor-store.ts"

/** `date` columns stay `YYYY-MM-DD` text (pg would make a local-midnight Date of them). */
const dateOid = 1082

export const openPostgresFloorStore = (connectionString: string): FloorStore => {
  const types = new pg.TypeOverrides()
  types.setTypeParser(dateOid, (value: string) => value)
  const pool = new pg.Pool({ connectionString, min: 0, max: 10, types })
  pool.on("error", (error) => process.stderr.write(`floor: idle PostgreSQL client failed: ${error.message}\n`))

  const one = async (name: string, text: string, values: ReadonlyArray<unknown>): Promise<Row | undefined> =>
    (await pool.query<Row>({ name, text, values: [...values] })).rows[0]

  return {
    getPayment: (id) => one("floor-get", "select * from payments where id = $1", [id]),
    listPayments: async (customerId, limit, after: ListAfter | null) =>
      after === null
        ? (
            await pool.query<Row>({
              name: "floor-first-page",
              text: "select * from payments where customer_id = $1 order by payment_date desc, id desc limit $2",
              values: [customerId, limit]
            })
          ).rows
        : (
            await pool.query<Row>({
              name: "floor-next-page",
              text:
                "select * from payments where customer_id = $1 and payment_date <= $2 and (payment_date, id) < ($2, $3) " +
                "order by payment_date desc, id desc limit $4",
              values: [customerId, after.paymentDate, after.id, limit]
            })
          ).rows,
    balance: (customerId) =>
      one("floor-balance", "select id, currency, balance from customers where id = $1", [customerId]),
    createPayment: async (input): Promise<FloorCreateResult> => {
      const client = await pool.connect()
      try {
        await client.query("begin")
        const now = new Date()
        const claimed = await client.query({
          name: "floor-claim",
          text:
            "insert into idempotency_keys (principal_id, key, operation, request_hash, response, created_at, completed_at) " +
            "values (0, $1, 'floor.create', '-', null, $2, null) on conflict (principal_id, key) do nothing",
          values: [input.idempotencyKey, now]
        })
        if (claimed.rowCount === 0) {
          await client.query("rollback")
          return { kind: "replayed" }
        }
        const customer = (
          await client.query<{ currency: string; balance: string }>({
            name: "floor-lock-customer",
            text: "select id, currency, balance from customers where id = $1 for update",
            values: [input.customerId]
          })
        ).rows[0]
        if (customer === undefined) throw new Error(`no customer ${input.customerId}`)
        const balanceAfter = BigInt(customer.balance) + BigInt(input.amount)
        const date = today()
        const key = publicId()
        const payment = (
          await client.query<Row>({
            name: "floor-insert-payment",
            text:
              "insert into payments (public_id, reference_number, number, customer_id, currency, amount, state, payment_date, " +
              "posted_on, posted_at, balance_after_posting, reversed_amount, allocated_amount, refunded_amount, custom_fields, " +
              "origin, created_by, created_at, updated_at, version) " +
              "values ($1, $2, $2, $3, $4, $5, 'posted', $6, $6, $7, $8, 0, 0, 0, '{}', 'floor', 0, $7, $7, 1) returning *",
            values: [key, `F${key}`, input.customerId, customer.currency, input.amount, date, now, balanceAfter]
          })
        ).rows[0] as Row
        await client.query({
          name: "floor-insert-event",
          text:
            "insert into ledger_events (type, entity, entity_id, customer_id, payment_id, occurred_at, actor_id, actor_name, " +
            "origin, request_id, idempotency_key, data) values ('payment.posted', 'payment', $1, $2, $1, $3, 0, 'floor', 'floor', null, $4, $5)",
          values: [
            payment.id,
            input.customerId,
            now,
            input.idempotencyKey,
            JSON.stringify({ amount: String(input.amount), balanceAfter: String(balanceAfter) })
          ]
        })
        await client.query({
          name: "floor-insert-balance-entry",
          text:
            "insert into balance_entries (customer_id, sequence, kind, delta, balance_after, payment_id, description, occurred_at) " +
            "select $1, coalesce(max(sequence), 0) + 1, 'payment-posted', $2, $3, $4, 'payment posted', $5 " +
            "from balance_entries where customer_id = $1",
          values: [input.customerId, input.amount, balanceAfter, payment.id, now]
        })
        await client.query({
          name: "floor-move-balance",
          text: "update customers set balance = $1, version = version + 1, updated_at = $2 where id = $3",
          values: [balanceAfter, now, input.customerId]
        })
        await client.query("commit")
        return { kind: "created", payment }
      } catch (error) {
        await client.query("rollback").catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end()
  }
}
