/**
 * The `payments` part of the `LedgerStore` on MikroORM: the insert under numbers drawn with it (on
 * PostgreSQL in the insert's own statement), lookups by every identifier, the version-guarded update, the filtered keyset list (`newest`: payment date then id descending;
 * `id`: ascending, for incremental sync; event filters through the event log) or, with a `sort`,
 * an `offset` or `withTotal`, the offset-paged list (`payment-offset-page.ts`; with reversal rows
 * when asked), everything hanging
 * off a payment in one read (`payment-children.ts`), a customer's payments and open documents as one
 * list (`customer-rows.ts`; its default order without filters from indexes, `customer-row-seek.ts`), a customer's payment totals
 * (`payment-totals.ts`) and the overview aggregates, summed in SQL as text so they stay exact on
 * both databases.
 */
import { raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import {
  type CurrencyCode,
  type LedgerStoreShape,
  type Payment,
  type PaymentColumnTerm,
  type PaymentId,
  type PaymentQuery,
  type PaymentTermField,
  trustedId
} from "@paybridge/core"
import { Effect } from "effect"
import { LedgerEventEntity } from "../entities/ledger-event.entity.ts"
import { PaymentEntity, type PaymentRow } from "../entities/payment.entity.ts"
import { paymentFromRow, paymentToRow } from "../mappers/payment.mapper.ts"
import { isSeekable, readCustomerRowsBySeek } from "./customer-row-seek.ts"
import { readCustomerRows } from "./customer-rows.ts"
import { drawIdsOf, insertAllWithIds, releaseIdsOf } from "./drawn-ids.ts"
import { findRowsLean } from "./lean-rows.ts"
import type { OrmSession } from "./orm-session.ts"
import { readChildrenOfPayments, readPaymentChildren, readPaymentWithChildren } from "./payment-children.ts"
import { insertNumberedInTwo, insertNumberedOnPostgres, insertUnlessTakenOn } from "./payment-insert.ts"
import { readOffsetPage, sortKeysOf } from "./payment-offset-page.ts"
import { withoutRecord } from "./payment-reversal-rows.ts"
import { readPaymentTotals } from "./payment-totals.ts"
import { readPaymentView } from "./payment-view.ts"

/** Money columns hold bigints: their terms compare with bigint values. */
const bigintTermFields: ReadonlySet<PaymentTermField> = new Set<PaymentTermField>(["allocatedAmount", "reversedAmount"])

/** A vendor search term on a column as a filter (see `PaymentColumnTerm` for what `null` means). */
const columnTermCondition = (term: PaymentColumnTerm): object => {
  const { field, operator } = term
  if (term.value === null) {
    if (operator === "eq") return { [field]: null }
    if (operator === "notEq") return { [field]: { $ne: null } }
    return { id: { $in: [] } }
  }
  const value = bigintTermFields.has(field) ? BigInt(term.value) : term.value
  switch (operator) {
    case "eq":
      return { [field]: value }
    case "notEq":
      return { $or: [{ [field]: { $ne: value } }, { [field]: null }] }
    case "lt":
      return { [field]: { $lt: value } }
    case "ltEq":
      return { [field]: { $lte: value } }
    case "gt":
      return { [field]: { $gt: value } }
    case "gtEq":
      return { [field]: { $gte: value } }
  }
}

/** Payments not wholly reversed: some of the amount still stands (`PaymentQuery.reversal` `standing`). */
const notWhollyReversed = (): object => ({
  [raw((alias: string) => `${alias}.reversed_amount < ${alias}.amount`)]: []
})

/** `PaymentQuery.reversal` as a condition; `reversalExcept` names a payment it does not apply to. */
const reversalConditions = (query: PaymentQuery): Array<object> => {
  const condition =
    query.reversal === "none"
      ? { reversedAmount: 0n }
      : query.reversal === "some"
        ? { reversedAmount: { $gt: 0n } }
        : query.reversal === "standing"
          ? notWhollyReversed()
          : null
  if (condition === null) return []
  return [query.reversalExcept === undefined ? condition : { $or: [condition, { id: query.reversalExcept }] }]
}

/** Whether two column values are equal (dates by instant, JSON by its text). */
const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object")
    return JSON.stringify(a) === JSON.stringify(b)
  return false
}

/** The columns of `next` that differ from `stored` (the version always): a narrow update's set list. */
const changedColumns = <R extends Record<string, unknown>>(stored: R, next: R): Partial<R> => {
  const changed: Partial<R> = {}
  for (const key of Object.keys(next) as Array<keyof R>) {
    if (key === "version" || !sameValue(stored[key], next[key])) changed[key] = next[key]
  }
  return changed
}

/** One group of an overview aggregate, as the database returns it (sums cast to text: exact on both drivers). */
interface AggregateRow {
  readonly day?: unknown
  readonly currency: string
  readonly method_id?: number | string | null
  readonly n: number | string
  readonly total: string
}

export const makePaymentRows = (session: OrmSession): LedgerStoreShape["payments"] => {
  const {
    decode,
    equals,
    externalRefWhere,
    findOne,
    guardedUpdate,
    inList,
    insert,
    limitOf,
    rowComparison,
    searchTextContains,
    toPage,
    use,
    write
  } = session
  return {
    insert: (row) => insert("payments.insert", PaymentEntity, row, paymentToRow),
    // `on conflict do nothing` without a target covers every unique index of the table (public id,
    // reference number, number, external reference): a taken key writes nothing and returns no row.
    insertUnlessTaken: (row) => write("payments.insertUnlessTaken", (em) => insertUnlessTakenOn(em, row)),
    insertNumbered: (row, numbered) =>
      write("payments.insertNumbered", (em) =>
        session.isPostgres ? insertNumberedOnPostgres(em, row, numbered) : insertNumberedInTwo(em, row, numbered)
      ),
    get: (id) => findOne("payments.get", PaymentEntity, { id }, paymentFromRow),
    getByPublicId: (publicId) => findOne("payments.getByPublicId", PaymentEntity, { publicId }, paymentFromRow),
    getByReferenceNumber: (referenceNumber) =>
      findOne("payments.getByReferenceNumber", PaymentEntity, { referenceNumber }, paymentFromRow),
    getByNumber: (number) => findOne("payments.getByNumber", PaymentEntity, { number }, paymentFromRow),
    getByExternalRef: (ref) =>
      findOne("payments.getByExternalRef", PaymentEntity, externalRefWhere(ref), paymentFromRow),
    update: (row, expectedVersion, stored) =>
      stored === undefined || stored.id !== row.id || stored.version !== expectedVersion
        ? guardedUpdate("payments.update", PaymentEntity, row, expectedVersion, paymentToRow)
        : guardedUpdate("payments.update", PaymentEntity, row, expectedVersion, (next) =>
            changedColumns(paymentToRow(stored), paymentToRow(next))
          ),
    drawIds: drawIdsOf<PaymentId>(session, "payments"),
    releaseIds: releaseIdsOf<PaymentId>(session, "payments"),
    insertAll: insertAllWithIds<PaymentRow, Payment>(session, "payments.insertAll", PaymentEntity, paymentToRow),
    children: (paymentId) => use("payments.children", (em) => readPaymentChildren(em, paymentId)),
    childrenOfPayments: (paymentIds) =>
      use("payments.childrenOfPayments", (em) => readChildrenOfPayments(em, paymentIds)),
    getWithChildren: (id) => use("payments.getWithChildren", (em) => readPaymentWithChildren(em, id)),
    view: (target, include) => use("payments.view", (em) => readPaymentView(em, target, include)),
    listCustomerRows: (query) =>
      use("payments.listCustomerRows", (em) =>
        isSeekable(query)
          ? readCustomerRowsBySeek(em, session.isPostgres, query)
          : readCustomerRows(em, session.isPostgres, query)
      ),
    totals: (query) => use("payments.totals", (em) => readPaymentTotals(em, session.isPostgres, query)),
    list: (query: PaymentQuery) => {
      const eventSince = query.eventSince
      // The upper payment-date bound is a parameter: a "newest" page narrows it to its cursor's date,
      // which lets SQLite start its index range at the cursor instead of at the filter's end date
      // (deep pages then cost what the first one does; the row comparison still decides ties).
      // `recordApart`: without `withoutDialectRecord`, which the offset page applies (and counts) itself.
      const conditionsUpTo = (paymentDateTo: string | undefined, recordApart = false): Array<object> => [
        ...equals(query.customerId, "customerId"),
        ...inList(query.customerIds, "customerId"),
        ...inList(query.states, "state"),
        ...equals(query.currency, "currency"),
        ...(query.paymentDateFrom === undefined ? [] : [{ paymentDate: { $gte: query.paymentDateFrom } }]),
        ...(paymentDateTo === undefined ? [] : [{ paymentDate: { $lte: paymentDateTo } }]),
        ...reversalConditions(query),
        ...(query.reversalDateFrom === undefined ? [] : [{ reversalDate: { $gte: query.reversalDateFrom } }]),
        ...(query.reversalDateTo === undefined ? [] : [{ reversalDate: { $lte: query.reversalDateTo } }]),
        ...(query.idAfter === undefined ? [] : [{ id: { $gt: query.idAfter } }]),
        ...(query.createdSince === undefined ? [] : [{ createdAt: { $gte: query.createdSince } }]),
        ...(query.updatedSince === undefined ? [] : [{ updatedAt: { $gte: query.updatedSince } }]),
        ...equals(query.methodId, "methodId"),
        ...equals(query.typeId, "typeId"),
        ...equals(query.gatewayId, "gatewayId"),
        ...equals(query.externalSystem, "externalSystem"),
        ...(query.amountMin === undefined ? [] : [{ amount: { $gte: query.amountMin } }]),
        ...(query.amountMax === undefined ? [] : [{ amount: { $lte: query.amountMax } }]),
        ...equals(query.origin, "origin"),
        ...(query.search === undefined ? [] : [searchTextContains(query.search)]),
        ...(query.columnTerms ?? []).map(columnTermCondition),
        ...(query.withoutDialectRecord === undefined || recordApart ? [] : [withoutRecord(query.withoutDialectRecord)])
      ]
      const withEvents = (em: SqlEntityManager, paymentDateTo = query.paymentDateTo, recordApart = false) => {
        const conditions = conditionsUpTo(paymentDateTo, recordApart)
        if (eventSince === undefined) return conditions
        if (eventSince.types.length === 0) return [...conditions, { id: { $in: [] } }]
        const touched = em
          .createQueryBuilder(LedgerEventEntity, "ev")
          .select("paymentId")
          .where({
            type: { $in: [...eventSince.types] },
            occurredAt: { $gte: eventSince.since },
            paymentId: { $ne: null }
          } as never)
        return [...conditions, { id: { $in: touched.getNativeQuery() } }]
      }
      if (query.sort !== undefined || query.offset !== undefined || query.withTotal === true) {
        const sort = sortKeysOf(query)
        return Effect.flatMap(decode(query.cursor, "offset", ["number"]), (resumeAt) => {
          const limit = limitOf(query)
          const offset = resumeAt === null ? Math.max(0, Math.trunc(query.offset ?? 0)) : Number(resumeAt[0])
          return use("payments.list", (em) =>
            readOffsetPage(em, {
              where: withEvents(em, query.paymentDateTo, true),
              withoutRecord: query.withoutDialectRecord,
              sort,
              offset,
              limit,
              withTotal: query.withTotal === true,
              annex: query.annex,
              reversalRows:
                query.reversalRows === undefined
                  ? undefined
                  : {
                      where: [
                        ...inList(query.customerIds, "customerId"),
                        ...inList(query.reversalRows.states, "state"),
                        { reversedAmount: { $gt: 0n } },
                        ...(query.reversalRows.columnTerms ?? []).map(columnTermCondition),
                        ...(query.reversalRows.withoutDialectRecord === undefined
                          ? []
                          : [withoutRecord(query.reversalRows.withoutDialectRecord)])
                      ],
                      reversedSince: query.reversalRows.reversedSince
                    }
            })
          )
        })
      }
      if (query.order === "id") {
        return Effect.flatMap(decode(query.cursor, "id", ["number"]), (after) => {
          const limit = limitOf(query)
          return use("payments.list", async (em) => {
            const where = { $and: [...withEvents(em), ...(after === null ? [] : [{ id: { $gt: after[0] } }])] }
            const rows = await findRowsLean(em, PaymentEntity, where, [{ id: "asc" }], limit + 1)
            return toPage(rows, limit, "id", (row) => [row.id], paymentFromRow)
          })
        })
      }
      return Effect.flatMap(decode(query.cursor, "newest", ["string", "number"]), (after) => {
        const limit = limitOf(query)
        const keyset = after === null ? [] : [rowComparison(["payment_date", "id"], "<", after)]
        const cursorDate = after === null ? undefined : String(after[0])
        const upTo =
          cursorDate === undefined || (query.paymentDateTo !== undefined && query.paymentDateTo < cursorDate)
            ? query.paymentDateTo
            : cursorDate
        return use("payments.list", async (em) => {
          const rows = await findRowsLean(
            em,
            PaymentEntity,
            { $and: [...withEvents(em, upTo), ...keyset] },
            [{ paymentDate: "desc" }, { id: "desc" }],
            limit + 1
          )
          return toPage(rows, limit, "newest", (row) => [row.paymentDate, row.id], paymentFromRow)
        })
      })
    },
    overview: (query) =>
      use("payments.overview", async (em) => {
        const scope = query.customerIds
        const scoped = (column: string) =>
          scope === undefined
            ? { sql: "", params: [] as Array<number> }
            : scope.length === 0
              ? { sql: " and 1 = 0", params: [] as Array<number> }
              : { sql: ` and ${column} in (${scope.map(() => "?").join(", ")})`, params: [...scope] }
        const payScope = scoped("p.customer_id")
        const volume = (await em.execute(
          `select cast(p.payment_date as text) as day, p.currency as currency, p.method_id as method_id,
                      count(*) as n, cast(sum(p.amount) as text) as total
                 from payments p
                where p.state = 'posted' and p.payment_date >= ? and p.payment_date <= ?${payScope.sql}
                group by p.payment_date, p.currency, p.method_id
                order by p.payment_date, p.currency, coalesce(p.method_id, 0)`,
          [query.from, query.to, ...payScope.params]
        )) as ReadonlyArray<AggregateRow>
        const pending = (await em.execute(
          `select p.currency as currency, count(*) as n, cast(sum(p.amount) as text) as total
                 from payments p where p.state = 'pending'${payScope.sql}
                group by p.currency order by p.currency`,
          [...payScope.params]
        )) as ReadonlyArray<AggregateRow>
        const reversals = (await em.execute(
          `select cast(r.effective_date as text) as day, p.currency as currency, count(*) as n,
                      cast(sum(r.amount) as text) as total
                 from reversals r join payments p on p.id = r.payment_id
                where r.reinstated_at is null and r.effective_date >= ? and r.effective_date <= ?${payScope.sql}
                group by r.effective_date, p.currency order by r.effective_date, p.currency`,
          [query.from, query.to, ...payScope.params]
        )) as ReadonlyArray<AggregateRow>
        const customerScope = scoped("c.id")
        const debtors = (await em.execute(
          `select c.id as id, c.number as number, c.name as name, c.currency as currency,
                      cast(c.balance as text) as balance
                 from customers c where c.balance < 0${customerScope.sql}
                order by c.balance asc, c.id asc limit ?`,
          [...customerScope.params, query.topDebtors]
        )) as ReadonlyArray<{ id: number; number: string; name: string; currency: string; balance: string }>
        const day = (value: unknown) => String(value).slice(0, 10)
        return {
          from: query.from,
          to: query.to,
          volumeByDay: volume.map((row) => ({
            date: day(row.day),
            currency: row.currency as CurrencyCode,
            methodId: row.method_id === null || row.method_id === undefined ? null : trustedId(Number(row.method_id)),
            count: Number(row.n),
            amount: BigInt(row.total)
          })),
          pendingCollection: pending.map((row) => ({
            currency: row.currency as CurrencyCode,
            count: Number(row.n),
            amount: BigInt(row.total)
          })),
          reversalsByDay: reversals.map((row) => ({
            date: day(row.day),
            currency: row.currency as CurrencyCode,
            count: Number(row.n),
            amount: BigInt(row.total)
          })),
          topDebtors: debtors.map((row) => ({
            customerId: trustedId(Number(row.id)),
            number: row.number,
            name: row.name,
            currency: row.currency as CurrencyCode,
            balance: BigInt(row.balance)
          }))
        }
      })
  }
}
