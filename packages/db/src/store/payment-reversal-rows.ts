/**
 * The rows of an offset-paged payment list with reversal rows (`PaymentQuery.reversalRows`), as
 * narrow rows for `payment-offset-page.ts` to order, cut and join: the matching payments `union all`
 * one row per active reversal of the payments the reversal filters match, each with the payment's id
 * and sort columns, the reversal it shows and the row's own creation instant; and the statement that
 * counts them, which counts payments without a dialect record of a kind (a deleted payment) as the
 * matches less those with one, read from the records (few), instead of one record look-up per match.
 * Each filter is compiled by the query builder once and its text used wherever it is needed; the
 * texts are kept by the filters' shape (`where-shapes.ts`), so a list of a known shape runs no builder.
 */
import { raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { PaymentSortKey } from "@paybridge/core"
import { PaymentEntity } from "../entities/payment.entity.ts"
import { ReversalEntity } from "../entities/reversal.entity.ts"
import { compileWhere, positional } from "./lean-rows.ts"
import { compiledByShape, type WhereText } from "./where-shapes.ts"

/** A dialect record kind whose payments a list leaves out. */
export interface RecordKind {
  readonly dialect: string
  readonly kind: string
}

/** With reversal rows: the reversal a row shows (null: the payment's own row) and the row's creation instant. */
export const reversalIdColumn = "paybridge_reversal_id"
export const rowCreatedColumn = "paybridge_row_created"
/** The last key of the merged order: 0 for a payment's row, the reversal's id for a reversal's. */
export const reversalOrderColumn = "paybridge_reversal_order"

/** Payments (alias `p`) with no dialect record of this kind (an indexed `not exists` on dialect, kind, payment). */
const recordlessSql = (alias: string) =>
  `not exists (select 1 from dialect_records dr where dr.dialect = ? and dr.kind = ? and dr.payment_id = ${alias}.id)`
export const withoutRecord = (record: RecordKind): object => ({
  [raw(recordlessSql, [record.dialect, record.kind])]: []
})

/** The text between two filters compiled together (a condition no filter writes). */
const splitMarker = "'paybridge:split' = 'paybridge:split'"

/**
 * The `where` text (alias `p`) and parameters of two payment filters. The builder is costly, so the
 * texts are kept by shape (`compiledByShape`) and, when compiled, both are compiled in one statement,
 * its conditions split at a marker between them; compiled apart when the marker is not where it is
 * expected.
 */
const conditionsOf = (em: SqlEntityManager, first: ReadonlyArray<object>, second: ReadonlyArray<object>) => {
  const [matching, reversed] = compiledByShape(em.getMetadata(), [first, second], ([one, two]) =>
    compiledConditions(em, one ?? [], two ?? [])
  )
  return [matching ?? { sql: "1 = 1", params: [] }, reversed ?? { sql: "1 = 1", params: [] }] as const
}

const compiledConditions = (
  em: SqlEntityManager,
  first: ReadonlyArray<object>,
  second: ReadonlyArray<object>
): readonly [WhereText, WhereText] => {
  const compile = (where: ReadonlyArray<object>) => compileWhere(em, PaymentEntity, "p", where)
  const marker = { [raw(splitMarker)]: [] }
  const both = compile([...first, marker, ...second])
  const parts = both.sql.split(splitMarker)
  const [head, tail] = parts
  if (parts.length !== 2 || head === undefined || tail === undefined) return [compile(first), compile(second)] as const
  const firstSql = first.length === 0 ? "" : head.replace(/ and $/u, "")
  const secondSql = second.length === 0 ? "" : tail.replace(/^ and /u, "")
  if ((first.length > 0 && firstSql === head) || (second.length > 0 && secondSql === tail)) {
    return [compile(first), compile(second)] as const
  }
  const firstCount = firstSql.split("?").length - 1
  return [
    { sql: firstSql === "" ? "1 = 1" : firstSql, params: both.params.slice(0, firstCount) },
    { sql: secondSql === "" ? "1 = 1" : secondSql, params: both.params.slice(firstCount) }
  ] as const
}

/**
 * The rows of a list with reversal rows, unordered: the matching payments (each with no reversal
 * and its own creation instant) `union all` one row per active reversal of the payments
 * `reversalRows` matches (the reversal's id and `reversedAt`). Each row carries only the payment's
 * id and sort columns (`keys`): the page is ordered and cut on these narrow rows, and only its own
 * rows are joined with their payment's columns (`readOffsetPage`), so the rows skipped or counted are
 * never read whole. `count` counts them: the payments without a dialect record (`withoutRecord`) as
 * the matches less those with one (the records are few), not one record look-up per match.
 */
export const rowsWithReversals = (
  em: SqlEntityManager,
  request: {
    readonly where: ReadonlyArray<object>
    readonly withoutRecord?: RecordKind | undefined
    readonly sort: ReadonlyArray<PaymentSortKey>
  },
  reversalRows: { readonly where: ReadonlyArray<object>; readonly reversedSince?: Date | undefined }
) => {
  const meta = em.getMetadata().get(PaymentEntity)
  const keys = [...new Set(["id", ...request.sort.map((key) => key.field)])]
    .map((field) => `p.${meta.properties[field as keyof typeof meta.properties]?.fieldNames[0] ?? field}`)
    .join(", ")
  const [matching, reversed] = conditionsOf(em, request.where, reversalRows.where)
  const record = request.withoutRecord === undefined ? [] : [request.withoutRecord.dialect, request.withoutRecord.kind]
  const from = `from ${meta.tableName} p where ${matching.sql}`
  const payments = {
    sql:
      `select ${keys}, cast(null as integer) as ${reversalIdColumn}, p.created_at as ${rowCreatedColumn},` +
      ` 0 as ${reversalOrderColumn} ${from}${record.length === 0 ? "" : ` and ${recordlessSql("p")}`}`,
    params: [...matching.params, ...record]
  }
  const reversals =
    reversalRows.reversedSince === undefined
      ? { sql: "select r.id, r.payment_id, r.reversed_at from reversals r where r.reinstated_at is null", params: [] }
      : positional(
          em
            .createQueryBuilder(ReversalEntity, "r")
            .select(["id", "paymentId", "reversedAt"])
            .where({ reinstatedAt: null, reversedAt: { $gte: reversalRows.reversedSince } } as never)
            .toQuery()
        )
  const reversalRowsOf = {
    sql:
      `select ${keys}, rr.id as ${reversalIdColumn}, rr.reversed_at as ${rowCreatedColumn}, rr.id as ${reversalOrderColumn}` +
      ` from ${meta.tableName} p join (${reversals.sql}) rr on rr.payment_id = p.id where ${reversed.sql}`,
    params: [...reversals.params, ...reversed.params]
  }
  // The payments without the record: the matches less those with one, read from the records (few).
  const withRecords =
    record.length === 0
      ? ""
      : ` - (select count(*) ${from} and p.id in (select dr.payment_id from dialect_records dr where dr.dialect = ? and dr.kind = ?))`
  return {
    payments,
    reversalRows: reversalRowsOf,
    sql: `${payments.sql} union all ${reversalRowsOf.sql}`,
    params: [...payments.params, ...reversalRowsOf.params],
    count: {
      sql: `(select count(*) ${from})${withRecords} + (select count(*) from (${reversalRowsOf.sql}) n)`,
      params: [
        ...matching.params,
        ...(record.length === 0 ? [] : [...matching.params, ...record]),
        ...reversalRowsOf.params
      ]
    }
  }
}
