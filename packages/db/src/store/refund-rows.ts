/**
 * The `refunds` part of the `LedgerStore` on MikroORM: insert, get, the guarded replace, ids drawn
 * ahead and rows inserted under them (a bulk unit's, `drawn-ids.ts`), and the
 * list by id ascending (customer, payment, states, made or moved since). Asked for a dialect record
 * (`RefundQuery.record`), the list's one statement also brings each refund's record data, keyed by
 * the refund's id, as an extra column looked up on the record's unique key: a vendor's refund rows
 * with what it keeps beside them in one read.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { LedgerStoreShape, Refund, RefundId, RefundPage, RefundQuery } from "@paybridge/core"
import { Effect } from "effect"
import { RefundEntity, type RefundRow } from "../entities/refund.entity.ts"
import { refundFromRow, refundToRow } from "../mappers/refund.mapper.ts"
import { drawIdsOf, insertAllWithIds, releaseIdsOf } from "./drawn-ids.ts"
import { whereTextOf } from "./lean-rows.ts"
import type { OrmSession } from "./orm-session.ts"

/** The column the record's data is returned in (no refund column has this name). */
const recordColumn = "paybridge_record_data"

/** A JSON column's value (text on SQLite, parsed already on PostgreSQL); `null` when absent. */
const jsonData = (data: unknown): Readonly<Record<string, unknown>> | null =>
  data === null || data === undefined
    ? null
    : ((typeof data === "string" ? JSON.parse(data) : data) as Readonly<Record<string, unknown>>)

/** One page of refunds after `afterId` with each one's record data, in one statement. */
const readWithRecords = async (
  em: SqlEntityManager,
  where: ReadonlyArray<object>,
  limit: number,
  record: { readonly dialect: string; readonly kind: string }
) => {
  // The filter's text kept by its shape (no query builder per request).
  const filter = whereTextOf(em, RefundEntity, "r", where)
  const pageSql = `select r.* from ${em.getMetadata().get(RefundEntity).tableName} r where ${filter.sql} order by r.id asc limit ?`
  const params: Array<unknown> = [...filter.params, limit + 1, record.dialect, record.kind]
  const raws = (await em.execute(
    `with page as (${pageSql}) select page.*, (select d.data from dialect_records d where d.dialect = ? and d.kind = ? and d.key = cast(page.id as varchar(20))) as ${recordColumn} from page order by page.id asc`,
    params
  )) as ReadonlyArray<Record<string, unknown>>
  return raws.map((raw) => {
    const { [recordColumn]: data, ...columns } = raw
    return { row: em.map(RefundEntity, columns) as unknown as RefundRow, data: jsonData(data) }
  })
}

export const makeRefundRows = (session: OrmSession): LedgerStoreShape["refunds"] => {
  const { decode, equals, findOne, inList, insert, limitOf, listById, replace, toPage, use } = session
  const conditionsOf = (query: RefundQuery): ReadonlyArray<object> => [
    ...equals(query.customerId, "customerId"),
    ...inList(query.customerIds, "customerId"),
    ...equals(query.paymentId, "paymentId"),
    ...inList(query.states, "state"),
    ...(query.createdSince === undefined ? [] : [{ createdAt: { $gte: query.createdSince } }]),
    ...(query.changedSince === undefined
      ? []
      : [
          {
            $or: (["createdAt", "submittedAt", "settledAt", "cancelledAt", "failedAt"] as const).map((column) => ({
              [column]: { $gte: query.changedSince }
            }))
          }
        ])
  ]
  return {
    insert: (row) => insert("refunds.insert", RefundEntity, row, refundToRow),
    get: (id) => findOne("refunds.get", RefundEntity, { id }, refundFromRow),
    update: (row) => replace("refunds.update", RefundEntity, row, refundToRow),
    drawIds: drawIdsOf<RefundId>(session, "refunds"),
    releaseIds: releaseIdsOf<RefundId>(session, "refunds"),
    insertDrawn: insertAllWithIds<RefundRow, Refund>(session, "refunds.insertDrawn", RefundEntity, refundToRow),
    list: (query: RefundQuery) => {
      const record = query.record
      if (record === undefined) {
        return listById<RefundRow, ReturnType<typeof refundFromRow>>(
          "refunds.list",
          RefundEntity,
          conditionsOf(query),
          query,
          refundFromRow
        )
      }
      return Effect.flatMap(decode(query.cursor, "id", ["number"]), (after) => {
        const limit = limitOf(query)
        const where = [...conditionsOf(query), ...(after === null ? [] : [{ id: { $gt: after[0] } }])]
        return use("refunds.list", async (em): Promise<RefundPage> => {
          const read = await readWithRecords(em, where, limit, record)
          const page = toPage(
            read.map((entry) => entry.row),
            limit,
            "id",
            (row) => [row.id],
            refundFromRow
          )
          const records = new Map<RefundId, Readonly<Record<string, unknown>> | null>()
          for (const entry of read.slice(0, limit)) records.set(entry.row.id as RefundId, entry.data)
          return { ...page, records }
        })
      })
    }
  }
}
