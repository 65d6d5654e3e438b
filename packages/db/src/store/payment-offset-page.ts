/**
 * The offset-paged payment list, for vendor lists that page by number and sort on ledger columns:
 * one statement selects the page in the requested order (id ascending as the last tie-breaker),
 * skips the rows before it in SQL (`offset`, never read by the process) and, when asked, counts
 * every match in the same statement (`count(*) over ()`); only when the page is empty beyond the
 * first one is the total counted by a second statement (no row carries it). A missing value sorts
 * before every value on both databases (`nulls first` ascending, `nulls last` descending), so
 * SQLite and PostgreSQL give the same order. The next page's cursor is its offset.
 */
import { type FilterQuery, QueryOrder, raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { Page, Payment, PaymentQuery, PaymentSortField, PaymentSortKey } from "@paybridge/core"
import { PaymentEntity, type PaymentRow } from "../entities/payment.entity.ts"
import { paymentFromRow } from "../mappers/payment.mapper.ts"
import { encodeCursor } from "./keyset-cursor.ts"

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
}

/** Reads one offset page (see the module comment). */
export const readOffsetPage = async (em: SqlEntityManager, request: OffsetPageRequest): Promise<Page<Payment>> => {
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
  const raws = (await qb.execute("all", false)) as ReadonlyArray<Record<string, unknown>>
  const rows = raws.map((row) => {
    const { [totalColumn]: _total, ...columns } = row
    return paymentFromRow(em.map(PaymentEntity, columns) as unknown as PaymentRow)
  })
  const pageRows = rows.slice(0, limit)
  const more = (total: number | undefined) =>
    total === undefined ? rows.length > limit : offset + pageRows.length < total
  if (!withTotal) {
    return { items: pageRows, nextCursor: more(undefined) ? encodeCursor("offset", [offset + limit]) : null }
  }
  const first = raws[0]
  const total =
    first !== undefined ? Number(first[totalColumn]) : offset === 0 ? 0 : await em.count(PaymentEntity, where as never)
  return {
    items: pageRows,
    nextCursor: more(total) ? encodeCursor("offset", [offset + pageRows.length]) : null,
    total
  }
}
