/**
 * A customer's payment totals (`LedgerStore.payments.totals`, core's `PaymentTotalsQuery`) in one
 * statement that loads no payment: the customer's payments of the asked states summed in SQL
 * (amount less what was reversed, cast to text so the sums stay exact on both databases), the part
 * posted at or after the newest not-cancelled document of the asked kinds (a scalar subquery), and
 * the dialect record keyed by the newest payment's id as one extra column. A vendor balance summary
 * (Elevate's `customer-balances`) reads this instead of every payment of the customer's history.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import { type PaymentTotals, type PaymentTotalsQuery, trustedId } from "@paybridge/core"

const placeholders = (values: ReadonlyArray<unknown>) => values.map(() => "?").join(", ")

/** Reads the totals (see the module comment). */
export const readPaymentTotals = async (
  em: SqlEntityManager,
  isPostgres: boolean,
  query: PaymentTotalsQuery
): Promise<PaymentTotals> => {
  const states = query.states.length === 0 ? ["-"] : query.states
  const kinds = query.sinceLatestDocument.kinds.length === 0 ? ["-"] : query.sinceLatestDocument.kinds
  const record = query.latestRecord
  const keyText = isPostgres ? "cast(t.latest_id as varchar)" : "cast(t.latest_id as text)"
  const recordColumn =
    record === undefined
      ? "null as record"
      : `(select dr.data from dialect_records dr where dr.dialect = ? and dr.kind = ? and dr.key = ${keyText}) as record`
  const net = "p.amount - p.reversed_amount"
  const sql = `select t.n as n, t.net as net, t.since as since, t.latest_id as latest_id, ${recordColumn}
       from (select count(p.id) as n,
                    cast(coalesce(sum(${net}), 0) as text) as net,
                    cast(coalesce(sum(case when l.at is null or p.posted_at >= l.at then ${net} else 0 end), 0) as text)
                      as since,
                    max(p.id) as latest_id
               from (select max(d.created_at) as at from documents d
                      where d.customer_id = ? and d.kind in (${placeholders(kinds)}) and d.state <> 'cancelled') l
               left join payments p on p.customer_id = ? and p.state in (${placeholders(states)})) t`
  const params = [
    ...(record === undefined ? [] : [record.dialect, record.kind]),
    query.customerId,
    ...kinds,
    query.customerId,
    ...states
  ]
  const rows = (await em.execute(sql, params)) as ReadonlyArray<Record<string, unknown>>
  const row = rows[0] ?? {}
  const latestId = row.latest_id === null || row.latest_id === undefined ? null : Number(row.latest_id)
  const data = row.record
  return {
    count: Number(row.n ?? 0),
    net: BigInt(String(row.net ?? "0")),
    netSinceLatestDocument: BigInt(String(row.since ?? "0")),
    latestPaymentId: latestId === null ? null : trustedId(latestId),
    latestRecord:
      data === null || data === undefined
        ? null
        : ((typeof data === "string" ? JSON.parse(data) : data) as Readonly<Record<string, unknown>>)
  }
}
