/**
 * The offset-paged payment list, for vendor lists that page by number and sort on ledger columns:
 * one statement selects the page in the requested order (id ascending as the last tie-breaker),
 * skips the rows before it in SQL (`offset`, never read by the process) and, when asked, counts
 * every match in the same statement (`count(*) over ()`); only when the page is empty beyond the
 * first one is the total counted by a second statement (no row carries it). A missing value sorts
 * before every value on both databases (`nulls first` ascending, `nulls last` descending), so
 * SQLite and PostgreSQL give the same order. The next page's cursor is its offset. Asked for an
 * annex (`PaymentAnnexRequest`), the same statement also brings each row's customer, creator, first
 * and last actors and dialect record data along as extra columns (`withAnnex`): a vendor page in one statement.
 */
import { type FilterQuery, QueryOrder, raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import {
  type ActorId,
  type PaymentAnnex,
  type PaymentAnnexRequest,
  type PaymentId,
  type PaymentPage,
  type PaymentQuery,
  type PaymentSortField,
  type PaymentSortKey,
  trustedId
} from "@paybridge/core"
import { CustomerEntity, type CustomerRow } from "../entities/customer.entity.ts"
import { PaymentEntity, type PaymentRow } from "../entities/payment.entity.ts"
import { customerFromRow } from "../mappers/customer.mapper.ts"
import { paymentFromRow } from "../mappers/payment.mapper.ts"
import { encodeCursor } from "./keyset-cursor.ts"
import { branchOf, leanMapperOf } from "./payment-children.ts"

/** The sortable columns a payment may leave empty (they take the explicit `nulls` placement). */
const nullableSortFields: ReadonlySet<PaymentSortField> = new Set<PaymentSortField>([
  "postedAt",
  "receivedAt",
  "methodId",
  "typeId",
  "reversalDate",
  "number"
])

/** The order of an offset-paged list: `sort` (or `order`'s columns), then id ascending unless id is a key. */
export const sortKeysOf = (query: PaymentQuery): ReadonlyArray<PaymentSortKey> => {
  const keys: ReadonlyArray<PaymentSortKey> =
    query.sort ??
    (query.order === "id"
      ? [{ field: "id", direction: "asc" }]
      : [
          { field: "paymentDate", direction: "desc" },
          { field: "id", direction: "desc" }
        ])
  const distinct = keys.filter((key, index) => keys.findIndex((other) => other.field === key.field) === index)
  return distinct.some((key) => key.field === "id") ? distinct : [...distinct, { field: "id", direction: "asc" }]
}

const orderOf = (key: PaymentSortKey): QueryOrder =>
  !nullableSortFields.has(key.field)
    ? key.direction === "asc"
      ? QueryOrder.asc
      : QueryOrder.desc
    : key.direction === "asc"
      ? QueryOrder.asc_nulls_first
      : QueryOrder.desc_nulls_last

/** The column the window count is returned in (no payment column has this name). */
const totalColumn = "paybridge_match_total"

export interface OffsetPageRequest {
  readonly where: ReadonlyArray<object>
  readonly sort: ReadonlyArray<PaymentSortKey>
  readonly offset: number
  readonly limit: number
  readonly withTotal: boolean
  readonly annex?: PaymentAnnexRequest | undefined
}

/** Column prefixes of the annex (no payment column starts with them). */
const customerPrefix = "paybridge_customer_"
const creatorIdColumn = "paybridge_creator_id"
const creatorNameColumn = "paybridge_creator_name"
const recordColumn = "paybridge_record_data"
const typeNameColumn = "paybridge_type_name"
const methodNameColumn = "paybridge_method_name"
const firstActorIdColumn = "paybridge_first_actor_id"
const firstActorNameColumn = "paybridge_first_actor_name"
const lastActorIdColumn = "paybridge_last_actor_id"
const lastActorNameColumn = "paybridge_last_actor_name"
const customerRecordColumn = "paybridge_customer_record_data"

/**
 * The page statement with its annex: the page (as `qb` selects it) becomes a common table, and each
 * of its rows is joined with its customer's columns and given, by correlated look-ups on indexed
 * columns, its creator (the `payment.created` event), the actors of its first and last event, its
 * dialect record's data and its customer's — still one row per payment, in the page's order.
 */
const withAnnex = (
  em: SqlEntityManager,
  page: { readonly sql: string; readonly params: ReadonlyArray<unknown> },
  sort: ReadonlyArray<PaymentSortKey>,
  annex: PaymentAnnexRequest
) => {
  const meta = em.getMetadata().get(PaymentEntity)
  const columnOf = (field: string) => meta.properties[field as keyof typeof meta.properties]?.fieldNames[0] ?? field
  const selects = ["page.*"]
  // PostgreSQL's builder numbers its placeholders (`$1`); the whole statement uses `?` (bound in order).
  const params: Array<unknown> = []
  const pageSql = page.sql.replace(/\$(\d+)/gu, (_, index: string) => {
    params.push(page.params[Number(index) - 1])
    return "?"
  })
  if (params.length === 0) params.push(...page.params)
  let from = "page"
  if (annex.customer === true) {
    const customer = branchOf(em, CustomerEntity as never)
    selects.push(...customer.columns.map((column) => `c.${column} as ${customerPrefix}${column}`))
    from = `page left join ${customer.table} c on c.id = page.customer_id`
  }
  if (annex.presetNames === true) {
    selects.push(
      `(select t.name from payment_presets t where t.id = page.type_id) as ${typeNameColumn}`,
      `(select m.name from payment_presets m where m.id = page.method_id) as ${methodNameColumn}`
    )
  }
  if (annex.creationEvent === true) {
    const creator = (column: string, alias: string) =>
      `(select e.${column} from ledger_events e where e.payment_id = page.id and e.type = ? order by e.id limit 1) as ${alias}`
    selects.push(creator("actor_id", creatorIdColumn), creator("actor_name", creatorNameColumn))
    params.push("payment.created", "payment.created")
  }
  if (annex.firstAndLastActors === true) {
    const actor = (column: string, direction: "asc" | "desc", alias: string) =>
      `(select e.${column} from ledger_events e where e.payment_id = page.id order by e.id ${direction} limit 1) as ${alias}`
    selects.push(
      actor("actor_id", "asc", firstActorIdColumn),
      actor("actor_name", "asc", firstActorNameColumn),
      actor("actor_id", "desc", lastActorIdColumn),
      actor("actor_name", "desc", lastActorNameColumn)
    )
  }
  if (annex.record !== undefined) {
    const key = annex.record.key === "payment-public-id" ? "page.public_id" : "cast(page.id as varchar(20))"
    selects.push(
      `(select d.data from dialect_records d where d.dialect = ? and d.kind = ? and d.key = ${key}) as ${recordColumn}`
    )
    params.push(annex.record.dialect, annex.record.kind)
  }
  if (annex.customerRecord !== undefined) {
    selects.push(
      `(select cd.data from dialect_records cd where cd.dialect = ? and cd.kind = ? and cd.key = (select cc.public_id from customers cc where cc.id = page.customer_id)) as ${customerRecordColumn}`
    )
    params.push(annex.customerRecord.dialect, annex.customerRecord.kind)
  }
  const order = sort.map((key) => {
    const nulls = nullableSortFields.has(key.field) ? (key.direction === "asc" ? " nulls first" : " nulls last") : ""
    return `page.${columnOf(key.field)} ${key.direction}${nulls}`
  })
  return {
    sql: `with page as (${pageSql}) select ${selects.join(", ")} from ${from} order by ${order.join(", ")}`,
    params
  }
}

const annexColumns: ReadonlySet<string> = new Set([
  creatorIdColumn,
  creatorNameColumn,
  recordColumn,
  typeNameColumn,
  methodNameColumn,
  firstActorIdColumn,
  firstActorNameColumn,
  lastActorIdColumn,
  lastActorNameColumn,
  customerRecordColumn
])

/** The data of a dialect record column: JSON text on SQLite, parsed JSON on PostgreSQL; `null` when absent. */
const recordData = (data: unknown): Readonly<Record<string, unknown>> | null =>
  data === null || data === undefined
    ? null
    : ((typeof data === "string" ? JSON.parse(data) : data) as Readonly<Record<string, unknown>>)

/** An actor from its id and name columns; `null` when the look-up found no event. */
const actorOf = (row: Record<string, unknown>, idColumn: string, nameColumn: string) =>
  row[idColumn] === null || row[idColumn] === undefined
    ? null
    : { actorId: trustedId<ActorId>(Number(row[idColumn])), actorName: String(row[nameColumn]) }

/** Splits a row of the annexed statement into the payment's columns and its annex. */
const splitAnnex = (em: SqlEntityManager, row: Record<string, unknown>, annex: PaymentAnnexRequest) => {
  const columns: Record<string, unknown> = {}
  const customerColumns: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(row)) {
    if (name.startsWith(customerPrefix)) customerColumns[name.slice(customerPrefix.length)] = value
    else if (!annexColumns.has(name)) columns[name] = value
  }
  const record = recordData(row[recordColumn])
  const found: PaymentAnnex = {
    customer:
      annex.customer === true && customerColumns.id !== null && customerColumns.id !== undefined
        ? customerFromRow(leanMapperOf(em, CustomerEntity)(customerColumns) as CustomerRow)
        : null,
    creator: actorOf(row, creatorIdColumn, creatorNameColumn),
    record,
    ...(annex.firstAndLastActors === true
      ? {
          firstActor: actorOf(row, firstActorIdColumn, firstActorNameColumn),
          lastActor: actorOf(row, lastActorIdColumn, lastActorNameColumn)
        }
      : {}),
    ...(annex.customerRecord === undefined ? {} : { customerRecord: recordData(row[customerRecordColumn]) }),
    ...(annex.presetNames === true
      ? {
          typeName: row[typeNameColumn] === null ? null : String(row[typeNameColumn]),
          methodName: row[methodNameColumn] === null ? null : String(row[methodNameColumn])
        }
      : {})
  }
  return { columns, annex: found }
}

/** Reads one offset page (see the module comment). */
export const readOffsetPage = async (em: SqlEntityManager, request: OffsetPageRequest): Promise<PaymentPage> => {
  const { offset, limit, withTotal } = request
  const where = { $and: [...request.where] } as FilterQuery<PaymentRow>
  const qb = em
    .createQueryBuilder(PaymentEntity, "p")
    .select(withTotal ? ["*", raw(`count(*) over () as ${totalColumn}`)] : ["*"])
    .where(where as never)
    .orderBy(request.sort.map((key) => ({ [key.field]: orderOf(key) })) as never)
    // With the total known, the page itself says whether another follows; otherwise one row more does.
    .limit(withTotal ? limit : limit + 1)
    .offset(offset)
  const annexRequest = request.annex
  const annexed = annexRequest === undefined ? null : withAnnex(em, qb.toQuery(), request.sort, annexRequest)
  const raws = (
    annexed === null ? await qb.execute("all", false) : await em.execute(annexed.sql, [...annexed.params])
  ) as ReadonlyArray<Record<string, unknown>>
  const annex = new Map<PaymentId, PaymentAnnex>()
  const rows = raws.map((raw) => {
    const { [totalColumn]: _total, ...row } = raw
    const split = annexRequest === undefined ? null : splitAnnex(em, row, annexRequest)
    const payment = paymentFromRow(em.map(PaymentEntity, split?.columns ?? row) as unknown as PaymentRow)
    if (split !== null) annex.set(payment.id, split.annex)
    return payment
  })
  const pageRows = rows.slice(0, limit)
  const annexOf = annexRequest === undefined ? {} : { annex }
  const more = (total: number | undefined) =>
    total === undefined ? rows.length > limit : offset + pageRows.length < total
  if (!withTotal) {
    return {
      items: pageRows,
      nextCursor: more(undefined) ? encodeCursor("offset", [offset + limit]) : null,
      ...annexOf
    }
  }
  const first = raws[0]
  const total =
    first !== undefined ? Number(first[totalColumn]) : offset === 0 ? 0 : await em.count(PaymentEntity, where as never)
  return {
    items: pageRows,
    nextCursor: more(total) ? encodeCursor("offset", [offset + pageRows.length]) : null,
    total,
    ...annexOf
  }
}
