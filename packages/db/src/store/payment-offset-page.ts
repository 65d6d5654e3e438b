/**
 * The offset-paged payment list, for vendor lists that page by number and sort on ledger columns:
 * one statement cuts the page's ids from the matches in the requested order (id ascending as the
 * last tie-breaker), skipping the rows before it in SQL (`offset`; ids only, from an index alone
 * when one covers the filter and order), reads only those ids' payments (`pageByIds`) and, when
 * asked, counts every match beside the ids (`count(*) over ()`); only when the page is empty beyond
 * the first one is the total counted by a second statement (no row carries it). A missing value
 * sorts before every value on both databases (`nulls first` ascending, `nulls last` descending), so
 * SQLite and PostgreSQL give the same order. The next page's cursor is its offset. Asked for an
 * annex (`PaymentAnnexRequest`), the same statement also brings each row's customer, creator, first
 * and last actors and dialect record data along as extra columns (`withAnnex`), and what hangs off
 * the payment (its children, the numbers of its documents, its events, the records keyed by its
 * reversals) as JSON lists in columns of its row (`json-rows.ts`): a vendor page in one statement,
 * one row per payment. Asked for reversal rows (`reversalRows`), the page is taken from the
 * payments `union all` one row per active reversal of the payments those filters match
 * (`payment-reversal-rows.ts`): both branches merged in the list's order (read in an index's order
 * where one serves), offset and limited in SQL, and counted over narrow index rows
 * (`reversalRowsPage`), so a vendor that shows reversals as rows reads no row it does not show and
 * sorts none it skips.
 */
import type { FilterQuery } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import {
  type ActorId,
  type CollectionState,
  type Customer,
  type DocumentId,
  type PaymentAnnex,
  type PaymentAnnexRequest,
  type PaymentId,
  type PaymentPage,
  type PaymentQuery,
  type PaymentSortField,
  type PaymentSortKey,
  type ReversalId,
  trustedId
} from "@paybridge/core"
import { AllocationEntity, type AllocationRow } from "../entities/allocation.entity.ts"
import { CollectionEntity, type CollectionRow } from "../entities/collection.entity.ts"
import { CustomerEntity, type CustomerRow } from "../entities/customer.entity.ts"
import { DialectRecordEntity, type DialectRecordRow } from "../entities/dialect-record.entity.ts"
import { LedgerEventEntity, type LedgerEventRow } from "../entities/ledger-event.entity.ts"
import { PaymentEntity, type PaymentRow } from "../entities/payment.entity.ts"
import { RefundEntity, type RefundRow } from "../entities/refund.entity.ts"
import { ReversalEntity, type ReversalRow } from "../entities/reversal.entity.ts"
import { allocationFromRow } from "../mappers/allocation.mapper.ts"
import { collectionFromRow } from "../mappers/collection.mapper.ts"
import { customerFromRow } from "../mappers/customer.mapper.ts"
import { dialectRecordFromRow } from "../mappers/dialect-record.mapper.ts"
import { ledgerEventFromRow } from "../mappers/ledger-event.mapper.ts"
import { paymentFromRow } from "../mappers/payment.mapper.ts"
import { refundFromRow } from "../mappers/refund.mapper.ts"
import { reversalFromRow } from "../mappers/reversal.mapper.ts"
import { isPostgres, type JsonRows, jsonRowsOf, jsonValue } from "./json-rows.ts"
import { encodeCursor } from "./keyset-cursor.ts"
import { leanMapperOf, positional, whereTextOf } from "./lean-rows.ts"
import { branchOf } from "./payment-children.ts"
import {
  type RecordKind,
  reversalIdColumn,
  reversalOrderColumn,
  rowCreatedColumn,
  rowsWithReversals,
  withoutRecord
} from "./payment-reversal-rows.ts"

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

/** The column the window count is returned in (no payment column has this name). */
const totalColumn = "paybridge_match_total"

export interface OffsetPageRequest {
  readonly where: ReadonlyArray<object>
  /** Only payments with no dialect record of this kind (see `withoutRecord`; kept apart to count by difference). */
  readonly withoutRecord?: RecordKind | undefined
  readonly sort: ReadonlyArray<PaymentSortKey>
  readonly offset: number
  readonly limit: number
  readonly withTotal: boolean
  readonly annex?: PaymentAnnexRequest | undefined
  /** Also these payments' active reversals as rows of their own (see `PaymentQuery.reversalRows`). */
  readonly reversalRows?:
    | { readonly where: ReadonlyArray<object>; readonly reversedSince?: Date | undefined }
    | undefined
}

/**
 * The order of an outer statement over `alias`'s rows (`null`: a compound statement's own columns):
 * the sort keys (a missing value first ascending, last descending); with reversal rows, `createdAt` is
 * the row's own creation instant and a payment's row comes before its reversals' rows, by reversal id.
 */
const orderSql = (
  em: SqlEntityManager,
  alias: string | null,
  sort: ReadonlyArray<PaymentSortKey>,
  withReversalRows: boolean
): string => {
  const meta = em.getMetadata().get(PaymentEntity)
  const column = (name: string) => (alias === null ? name : `${alias}.${name}`)
  const columnOf = (field: string) =>
    withReversalRows && field === "createdAt"
      ? rowCreatedColumn
      : (meta.properties[field as keyof typeof meta.properties]?.fieldNames[0] ?? field)
  const keys = sort.map((key) => {
    const nulls = nullableSortFields.has(key.field) ? (key.direction === "asc" ? " nulls first" : " nulls last") : ""
    return `${column(columnOf(key.field))} ${key.direction}${nulls}`
  })
  const reversalOrder = alias === null ? reversalOrderColumn : `coalesce(${alias}.${reversalIdColumn}, 0)`
  return [...keys, ...(withReversalRows ? [`${reversalOrder} asc`] : [])].join(", ")
}

/**
 * The page of a list with reversal rows: the two branches merged in the list's order, offset and
 * cut in SQL, and only the page's rows joined with their payments; the total, when asked, counted in
 * the same statement (`count`). SQLite merges the branches as they come (the payment rows in an
 * index's order: the rows before the page are stepped over, never sorted); PostgreSQL plans a merge
 * of branches each ordered and cut to the page's end (its first `offset + limit` rows hold every row
 * of the merged order's first `offset + limit`).
 */
const reversalRowsPage = (
  em: SqlEntityManager,
  union: ReturnType<typeof rowsWithReversals>,
  sort: ReadonlyArray<PaymentSortKey>,
  withTotal: boolean,
  fetched: number,
  offset: number
) => {
  const order = orderSql(em, null, sort, true)
  const branch = (sql: string, alias: string) => `select * from (${sql} order by ${order} limit ?) ${alias}`
  const merged = isPostgres(em)
    ? {
        sql: `${branch(union.payments.sql, "pb")} union all ${branch(union.reversalRows.sql, "rb")}`,
        params: [...union.payments.params, offset + fetched, ...union.reversalRows.params, offset + fetched]
      }
    : union
  return {
    sql:
      `select p.*, k.${reversalIdColumn}, k.${rowCreatedColumn}${withTotal ? `, (${union.count.sql}) as ${totalColumn}` : ""}` +
      ` from (${merged.sql} order by ${order} limit ? offset ?) k` +
      ` join ${em.getMetadata().get(PaymentEntity).tableName} p on p.id = k.id` +
      ` order by ${orderSql(em, "k", sort, true)}`,
    params: [...(withTotal ? union.count.params : []), ...merged.params, fetched, offset]
  }
}

/**
 * A page without reversal rows: its ids cut from the matches in order (and the count when asked),
 * then their payments, each read by its id (PostgreSQL: from an array, never a scan of the table).
 */
const pageByIds = (em: SqlEntityManager, request: OffsetPageRequest, where: ReadonlyArray<object>, fetched: number) => {
  // The filter's text kept by shape (no query builder per request); the order as the outer statement's.
  const filter = whereTextOf(em, PaymentEntity, "p", where)
  const table = em.getMetadata().get(PaymentEntity).tableName
  const counted = request.withTotal ? `, count(*) over () as ${totalColumn}` : ""
  const keys = `select p.id${counted} from ${table} p where ${filter.sql} order by ${orderSql(em, "p", request.sort, false)} limit ? offset ?`
  const total = request.withTotal ? `, (select k.${totalColumn} from k limit 1) as ${totalColumn}` : ""
  const shown = isPostgres(em) ? "p.id = any(array(select k.id from k))" : "p.id in (select k.id from k)"
  return {
    sql: `with k as (${keys}) select p.*${total} from ${table} p where ${shown} order by ${orderSql(em, "p", request.sort, false)}`,
    params: [...filter.params, fetched, request.offset]
  }
}

/** Column prefixes of the annex (no payment column starts with them). */
const customerPrefix = "paybridge_customer_"
/** An actor's id and name as one JSON array `[id, name]` (one look-up of the event, not one per column). */
const creatorColumn = "paybridge_creator"
const recordColumn = "paybridge_record_data"
const typeNameColumn = "paybridge_type_name"
const methodNameColumn = "paybridge_method_name"
const firstActorColumn = "paybridge_first_actor"
const lastActorColumn = "paybridge_last_actor"
const customerRecordColumn = "paybridge_customer_record_data"
const latestCollectionColumn = "paybridge_latest_collection"
const settingsColumn = "paybridge_settings_data"
/** The annex lists (`jsonRowsOf`): each a JSON array in a column of the payment's row. */
const childColumns = {
  allocations: "paybridge_allocations",
  reversals: "paybridge_reversals",
  collections: "paybridge_collections",
  refunds: "paybridge_refunds"
} as const
const documentNumbersColumn = "paybridge_document_numbers"
const eventsColumn = "paybridge_events"
const reversalRecordsColumn = "paybridge_reversal_records"

/** The JSON lists of an annex, built once per ORM (the statement text depends on the database only). */
const builtLists = new WeakMap<object, ReturnType<typeof buildLists>>()
const listsOf = (em: SqlEntityManager) => {
  const metadata = em.getMetadata()
  const cached = builtLists.get(metadata)
  if (cached !== undefined) return cached
  const built = buildLists(em)
  builtLists.set(metadata, built)
  return built
}
const buildLists = (em: SqlEntityManager) => {
  const eventLists = new Map<number, JsonRows>()
  const events = (types: number): JsonRows => {
    const known = eventLists.get(types)
    if (known !== undefined) return known
    const built = jsonRowsOf(
      em,
      LedgerEventEntity,
      "pe",
      `pe.payment_id = page.id and pe.type in (${Array.from({ length: types }, () => "?").join(", ")})`
    )
    eventLists.set(types, built)
    return built
  }
  return {
    allocations: jsonRowsOf(em, AllocationEntity, "pa", "pa.payment_id = page.id"),
    reversals: jsonRowsOf(em, ReversalEntity, "pr", "pr.payment_id = page.id"),
    collections: jsonRowsOf(em, CollectionEntity, "pc", "pc.payment_id = page.id"),
    refunds: jsonRowsOf(em, RefundEntity, "pf", "pf.payment_id = page.id"),
    events,
    reversalRecords: jsonRowsOf(
      em,
      DialectRecordEntity,
      "pd",
      "pd.dialect = ? and pd.kind = ? and pd.key in (select cast(rr.id as varchar(20)) from reversals rr where rr.payment_id = page.id)"
    )
  }
}

/** The numbers of the documents the payment's allocations name, as a JSON array of `[id, number]`. */
const documentNumbersSql = (em: SqlEntityManager) =>
  isPostgres(em)
    ? "(select coalesce(json_agg(json_build_array(dn.id, dn.number)), '[]'::json) from documents dn where dn.id in (select da.document_id from allocations da where da.payment_id = page.id))"
    : "(select json_group_array(json_array(dn.id, dn.number)) from documents dn where dn.id in (select da.document_id from allocations da where da.payment_id = page.id))"

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
  annex: PaymentAnnexRequest,
  withReversalRows: boolean
) => {
  const selects = ["page.*"]
  // The whole statement uses `?` placeholders, bound in order.
  const { sql: pageSql, params } = positional(page)
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
  const actorPair = isPostgres(em)
    ? "json_build_array(e.actor_id, e.actor_name)"
    : "json_array(e.actor_id, e.actor_name)"
  if (annex.creationEvent === true) {
    selects.push(
      `(select ${actorPair} from ledger_events e where e.payment_id = page.id and e.type = ? order by e.id limit 1) as ${creatorColumn}`
    )
    params.push("payment.created")
  }
  if (annex.firstAndLastActors === true) {
    const actor = (direction: "asc" | "desc", alias: string) =>
      `(select ${actorPair} from ledger_events e where e.payment_id = page.id order by e.id ${direction} limit 1) as ${alias}`
    selects.push(actor("asc", firstActorColumn), actor("desc", lastActorColumn))
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
  if (annex.latestCollection === true) {
    selects.push(
      `(select co.state from collections co where co.payment_id = page.id order by co.requested_at desc, co.id desc limit 1) as ${latestCollectionColumn}`
    )
  }
  if (annex.settings !== undefined) {
    selects.push(
      `(select s.data from dialect_records s where s.dialect = ? and s.kind = ? and s.key = ?) as ${settingsColumn}`
    )
    params.push(annex.settings.dialect, annex.settings.kind, annex.settings.key)
  }
  const lists = listsOf(em)
  if (annex.children === true) {
    for (const kind of ["allocations", "reversals", "collections", "refunds"] as const) {
      selects.push(`${lists[kind].sql} as ${childColumns[kind]}`)
    }
  } else if (annex.allocations === true) {
    selects.push(`${lists.allocations.sql} as ${childColumns.allocations}`)
  }
  if (annex.documentNumbers === true) selects.push(`${documentNumbersSql(em)} as ${documentNumbersColumn}`)
  if (annex.events !== undefined) {
    selects.push(`${lists.events(annex.events.length).sql} as ${eventsColumn}`)
    params.push(...annex.events)
  }
  if (annex.reversalRecords !== undefined) {
    selects.push(`${lists.reversalRecords.sql} as ${reversalRecordsColumn}`)
    params.push(annex.reversalRecords.dialect, annex.reversalRecords.kind)
  }
  return {
    sql: `with page as (${pageSql}) select ${selects.join(", ")} from ${from} order by ${orderSql(em, "page", sort, withReversalRows)}`,
    params
  }
}

const annexColumns: ReadonlySet<string> = new Set([
  creatorColumn,
  recordColumn,
  typeNameColumn,
  methodNameColumn,
  firstActorColumn,
  lastActorColumn,
  customerRecordColumn,
  latestCollectionColumn,
  settingsColumn,
  ...Object.values(childColumns),
  documentNumbersColumn,
  eventsColumn,
  reversalRecordsColumn
])

/** The data of a dialect record column: JSON text on SQLite, parsed JSON on PostgreSQL; `null` when absent. */
const recordData = (data: unknown): Readonly<Record<string, unknown>> | null =>
  data === null || data === undefined
    ? null
    : ((typeof data === "string" ? JSON.parse(data) : data) as Readonly<Record<string, unknown>>)

/** An actor from its `[id, name]` column; `null` when the look-up found no event (or one without an actor). */
const actorOf = (row: Record<string, unknown>, column: string) => {
  const pair = jsonValue(row[column]) as readonly [unknown, unknown] | null
  return pair === null || pair[0] === null
    ? null
    : { actorId: trustedId<ActorId>(Number(pair[0])), actorName: String(pair[1]) }
}

/** The annex lists of one row (see `listsOf`), those asked for. */
const annexLists = (em: SqlEntityManager, row: Record<string, unknown>, annex: PaymentAnnexRequest) => {
  const lists = listsOf(em)
  const rowsOf = (column: string, parse: (value: unknown) => Array<Record<string, unknown>>) => parse(row[column])
  return {
    ...(annex.allocations === true && annex.children !== true
      ? {
          allocations: rowsOf(childColumns.allocations, lists.allocations.parse).map((found) =>
            allocationFromRow(found as unknown as AllocationRow)
          )
        }
      : {}),
    ...(annex.children === true
      ? {
          children: {
            allocations: rowsOf(childColumns.allocations, lists.allocations.parse).map((found) =>
              allocationFromRow(found as unknown as AllocationRow)
            ),
            reversals: rowsOf(childColumns.reversals, lists.reversals.parse).map((found) =>
              reversalFromRow(found as unknown as ReversalRow)
            ),
            collections: rowsOf(childColumns.collections, lists.collections.parse).map((found) =>
              collectionFromRow(found as unknown as CollectionRow)
            ),
            refunds: rowsOf(childColumns.refunds, lists.refunds.parse).map((found) =>
              refundFromRow(found as unknown as RefundRow)
            )
          }
        }
      : {}),
    ...(annex.documentNumbers === true
      ? {
          documentNumbers: new Map(
            ((jsonValue(row[documentNumbersColumn]) ?? []) as ReadonlyArray<readonly [number, string]>).map(
              ([id, number]) => [Number(id) as DocumentId, String(number)] as const
            )
          )
        }
      : {}),
    ...(annex.events !== undefined
      ? {
          events: rowsOf(eventsColumn, lists.events(annex.events.length).parse).map((found) =>
            ledgerEventFromRow(found as unknown as LedgerEventRow)
          )
        }
      : {}),
    ...(annex.reversalRecords !== undefined
      ? {
          reversalRecords: rowsOf(reversalRecordsColumn, lists.reversalRecords.parse).map((found) =>
            dialectRecordFromRow(found as unknown as DialectRecordRow)
          )
        }
      : {})
  }
}

/** The columns of the page itself (its count, the reversal a row shows, the row's instant): no payment's. */
const pageColumns: ReadonlySet<string> = new Set([totalColumn, reversalIdColumn, rowCreatedColumn])

/** Where a column of the annexed statement goes, by its name (decided once per name). */
const columnKinds = new Map<string, "payment" | "customer" | "annex">()
const columnKindOf = (name: string) => {
  const known = columnKinds.get(name)
  if (known !== undefined) return known
  const kind = name.startsWith(customerPrefix)
    ? "customer"
    : annexColumns.has(name) || pageColumns.has(name)
      ? "annex"
      : "payment"
  columnKinds.set(name, kind)
  return kind
}

/** The payment's and the customer's columns of a statement's rows (they all have the same columns), sorted once. */
interface ColumnSplit {
  readonly payment: ReadonlyArray<string>
  readonly customer: ReadonlyArray<readonly [string, string]>
}
const columnSplitOf = (row: Record<string, unknown>): ColumnSplit => {
  const payment: Array<string> = []
  const customer: Array<readonly [string, string]> = []
  for (const name in row) {
    const kind = columnKindOf(name)
    if (kind === "payment") payment.push(name)
    else if (kind === "customer") customer.push([name, name.slice(customerPrefix.length)])
  }
  return { payment, customer }
}

/** Splits a row of the annexed statement into the payment's columns and its annex. */
const splitAnnex = (
  em: SqlEntityManager,
  row: Record<string, unknown>,
  split: ColumnSplit,
  annex: PaymentAnnexRequest,
  customers: Map<unknown, Customer>
) => {
  const columns: Record<string, unknown> = {}
  for (const name of split.payment) columns[name] = row[name]
  // A customer already mapped for this page (rows share it) is not split out again.
  const customerId = row[`${customerPrefix}id`]
  const known = customerId === null || customerId === undefined ? undefined : customers.get(customerId)
  const customerColumns: Record<string, unknown> = {}
  if (known === undefined) for (const [name, column] of split.customer) customerColumns[column] = row[name]
  const record = recordData(row[recordColumn])
  const customer =
    annex.customer !== true || customerId === null || customerId === undefined
      ? null
      : (known ?? customerFromRow(leanMapperOf(em, CustomerEntity)(customerColumns) as CustomerRow))
  if (customer !== null) customers.set(customerId, customer)
  const found: PaymentAnnex = {
    customer,
    creator: actorOf(row, creatorColumn),
    record,
    ...(annex.firstAndLastActors === true
      ? {
          firstActor: actorOf(row, firstActorColumn),
          lastActor: actorOf(row, lastActorColumn)
        }
      : {}),
    ...(annex.customerRecord === undefined ? {} : { customerRecord: recordData(row[customerRecordColumn]) }),
    ...annexLists(em, row, annex),
    ...(annex.presetNames === true
      ? {
          typeName: row[typeNameColumn] === null ? null : String(row[typeNameColumn]),
          methodName: row[methodNameColumn] === null ? null : String(row[methodNameColumn])
        }
      : {}),
    ...(annex.latestCollection === true
      ? {
          latestCollectionState:
            row[latestCollectionColumn] === null || row[latestCollectionColumn] === undefined
              ? null
              : (String(row[latestCollectionColumn]) as CollectionState)
        }
      : {}),
    ...(annex.settings === undefined ? {} : { settings: recordData(row[settingsColumn]) })
  }
  return { columns, annex: found }
}

/** Reads one offset page (see the module comment). */
export const readOffsetPage = async (em: SqlEntityManager, request: OffsetPageRequest): Promise<PaymentPage> => {
  const { offset, limit, withTotal } = request
  const filters = [
    ...request.where,
    ...(request.withoutRecord === undefined ? [] : [withoutRecord(request.withoutRecord)])
  ]
  const where = { $and: filters } as FilterQuery<PaymentRow>
  // With the total known, the page itself says whether another follows; otherwise one row more does.
  const fetched = withTotal ? limit : limit + 1
  const union = request.reversalRows === undefined ? null : rowsWithReversals(em, request, request.reversalRows)
  const page =
    union === null
      ? pageByIds(em, request, filters, fetched)
      : reversalRowsPage(em, union, request.sort, withTotal, fetched, offset)
  const annexRequest = request.annex
  const annexed = annexRequest === undefined ? null : withAnnex(em, page, request.sort, annexRequest, union !== null)
  const statement = annexed ?? page
  const raws = (await em.execute(statement.sql, [...statement.params])) as ReadonlyArray<Record<string, unknown>>
  const annex = new Map<PaymentId, PaymentAnnex>()
  const reversalIds: Array<ReversalId | null> = []
  // Column types only (`leanMapperOf`): a read page hydrates no entity into the session.
  const toPaymentRow = leanMapperOf(em, PaymentEntity)
  // The page's rows share their customer (one statement, one snapshot): it is mapped once.
  const customers = new Map<unknown, Customer>()
  const first = raws[0]
  const split = annexRequest === undefined || first === undefined ? null : columnSplitOf(first)
  const rows = raws.map((raw) => {
    const reversalId = raw[reversalIdColumn]
    reversalIds.push(reversalId === null || reversalId === undefined ? null : (Number(reversalId) as ReversalId))
    if (annexRequest !== undefined && split !== null) {
      // The split leaves the page's own columns out (no copy of the row without them first).
      const found = splitAnnex(em, raw, split, annexRequest, customers)
      const payment = paymentFromRow(toPaymentRow(found.columns) as unknown as PaymentRow)
      annex.set(payment.id, found.annex)
      return payment
    }
    const { [totalColumn]: _total, [reversalIdColumn]: _reversal, [rowCreatedColumn]: _created, ...row } = raw
    return paymentFromRow(toPaymentRow(row) as unknown as PaymentRow)
  })
  const pageRows = rows.slice(0, limit)
  const annexOf = {
    ...(annexRequest === undefined ? {} : { annex }),
    ...(union === null ? {} : { reversalIds: reversalIds.slice(0, limit) })
  }
  const more = (total: number | undefined) =>
    total === undefined ? rows.length > limit : offset + pageRows.length < total
  if (!withTotal) {
    return {
      items: pageRows,
      nextCursor: more(undefined) ? encodeCursor("offset", [offset + limit]) : null,
      ...annexOf
    }
  }
  const countAll = async () =>
    union === null
      ? await em.count(PaymentEntity, where as never)
      : Number(
          ((await em.execute(`select (${union.count.sql}) as n`, [...union.count.params])) as Array<{ n: unknown }>)[0]
            ?.n ?? 0
        )
  const total = first !== undefined ? Number(first[totalColumn]) : offset === 0 ? 0 : await countAll()
  return {
    items: pageRows,
    nextCursor: more(total) ? encodeCursor("offset", [offset + pageRows.length]) : null,
    total,
    ...annexOf
  }
}
