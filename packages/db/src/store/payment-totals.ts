/**
 * A customer's payment totals (`LedgerStore.payments.totals`, core's `PaymentTotalsQuery`) in one
 * statement that loads no payment: the customer's payments of the asked states summed in SQL
 * (amount less what was reversed, cast to text so the sums stay exact on both databases), the part
 * posted at or after the newest not-cancelled document of the asked kinds (a scalar subquery), and
 * the dialect record keyed by the newest payment's id as one extra column, on the customer's own row
 * (mapped without hydrating an entity; no row: no such customer). On PostgreSQL it goes as a named
 * prepared statement (`preparedStatementHint`): planning it took about three times as long as
 * running it, on every request. A vendor balance summary
 * (Elevate's `customer-balances`) reads this instead of every payment of the customer's history.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import { type PaymentTotals, type PaymentTotalsQuery, trustedId } from "@paybridge/core"
import { CustomerEntity, type CustomerRow } from "../entities/customer.entity.ts"
import { customerFromRow } from "../mappers/customer.mapper.ts"
import { preparedStatementHint } from "../sql/pg-prepared-statements.ts"
import { leanMapperOf } from "./lean-rows.ts"

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
      ? "null as totals_record"
      : `(select dr.data from dialect_records dr where dr.dialect = ? and dr.kind = ? and dr.key = ${keyText}) as totals_record`
  const netOf = "p.amount - p.reversed_amount"
  const sql = `${preparedStatementHint}select c.*, t.n as totals_n, t.net as totals_net, t.since as totals_since,
            t.latest_id as totals_latest_id, ${recordColumn}
       from customers c cross join (select count(p.id) as n,
                    cast(coalesce(sum(${netOf}), 0) as text) as net,
                    cast(coalesce(sum(case when l.at is null or p.posted_at >= l.at then ${netOf} else 0 end), 0) as text)
                      as since,
                    max(p.id) as latest_id
               from (select max(d.created_at) as at from documents d
                      where d.customer_id = ? and d.kind in (${placeholders(kinds)}) and d.state <> 'cancelled') l
               left join payments p on p.customer_id = ? and p.state in (${placeholders(states)})) t
      where c.id = ?`
  const params = [
    ...(record === undefined ? [] : [record.dialect, record.kind]),
    query.customerId,
    ...kinds,
    query.customerId,
    ...states,
    query.customerId
  ]
  const rows = (await em.execute(sql, params)) as ReadonlyArray<Record<string, unknown>>
  const found = rows[0]
  if (found === undefined) {
    return { customer: null, count: 0, net: 0n, netSinceLatestDocument: 0n, latestPaymentId: null, latestRecord: null }
  }
  const {
    totals_n: n,
    totals_net: net,
    totals_since: since,
    totals_latest_id: latest,
    totals_record: data,
    ...row
  } = found
  const latestId = latest === null || latest === undefined ? null : Number(latest)
  return {
    customer: customerFromRow(leanMapperOf(em, CustomerEntity)(row) as CustomerRow),
    count: Number(n ?? 0),
    net: BigInt(String(net ?? "0")),
    netSinceLatestDocument: BigInt(String(since ?? "0")),
    latestPaymentId: latestId === null ? null : trustedId(latestId),
    latestRecord:
      data === null || data === undefined
        ? null
        : ((typeof data === "string" ? JSON.parse(data) : data) as Readonly<Record<string, unknown>>)
  }
}
