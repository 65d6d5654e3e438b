/**
 * A payment's read model in one statement (issue 14: a get by id within three statements including
 * authentication). A common table `target` finds the payment — by ledger id, by public id, or by
 * the id a vendor dialect shows (the payment migrated under that vendor id first, else the ledger's
 * payment of that id unless it was itself migrated from that vendor; issue 16.2) — and a `union all`
 * reads, against `target`, the payment's children (as in `payment-children.ts`; left out when the caller
 * asks for the payment alone), the payment, the
 * dialect records the caller names (by key, by a key derived from the payment or its customer, or
 * every record of a kind attached to the payment), the customer and the payment's events (or, asked
 * for `firstAndLastActors`, only the actors of its first and last event, as columns of the payment's
 * row). Each branch selects its own columns and a typed `null` for the
 * others'; rows are split back per table, converted by the ORM's column types (`leanMapperOf`, no entity
 * is hydrated or tracked) and by the table mappers. Statements are built once per shape.
 */
import type { EntityName } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import { type ActorId, type PaymentTarget, type PaymentView, type PaymentViewInclude, trustedId } from "@paybridge/core"
import { AllocationEntity } from "../entities/allocation.entity.ts"
import { CollectionEntity } from "../entities/collection.entity.ts"
import { CustomerEntity, type CustomerRow } from "../entities/customer.entity.ts"
import { DialectRecordEntity, type DialectRecordRow } from "../entities/dialect-record.entity.ts"
import { LedgerEventEntity, type LedgerEventRow } from "../entities/ledger-event.entity.ts"
import { PaymentEntity, type PaymentRow } from "../entities/payment.entity.ts"
import { RefundEntity } from "../entities/refund.entity.ts"
import { ReversalEntity } from "../entities/reversal.entity.ts"
import { customerFromRow } from "../mappers/customer.mapper.ts"
import { dialectRecordFromRow } from "../mappers/dialect-record.mapper.ts"
import { ledgerEventFromRow } from "../mappers/ledger-event.mapper.ts"
import { paymentFromRow } from "../mappers/payment.mapper.ts"
import { leanMapperOf } from "./lean-rows.ts"
import { type Branch, branchOf, childrenOf, rowsOfBranch } from "./payment-children.ts"

/** The tables of the view, in branch order (children first, as `childrenOf` expects). */
const tables = [
  AllocationEntity,
  ReversalEntity,
  CollectionEntity,
  RefundEntity,
  PaymentEntity,
  DialectRecordEntity,
  CustomerEntity,
  LedgerEventEntity
] as const
const paymentBranch = 4
const recordBranch = 5
const customerBranch = 6
const eventBranch = 7

const targetId = "(select id from target)"

/** The column prefixes of the first and last event's actor (`PaymentViewInclude.firstAndLastActors`). */
const actorEnds = [
  { alias: "first", direction: "asc" },
  { alias: "last", direction: "desc" }
] as const

/** The `target` common table of each kind of lookup. */
const targetSql = {
  id: "select id, customer_id, public_id from payments where id = ?",
  publicId: "select id, customer_id, public_id from payments where public_id = ?",
  vendorId:
    "select id, customer_id, public_id from (select id, customer_id, public_id, 0 as rank from payments" +
    " where external_system = ? and external_id = ? union all select id, customer_id, public_id, 1 as rank" +
    " from payments where id = ? and (external_system is null or external_system <> ?)) found order by rank limit 1"
} as const

const targetKind = (target: PaymentTarget): keyof typeof targetSql =>
  "id" in target ? "id" : "publicId" in target ? "publicId" : "vendorId"

const targetParams = (target: PaymentTarget): Array<unknown> =>
  "id" in target
    ? [target.id]
    : "publicId" in target
      ? [target.publicId]
      : [target.vendorId.system, target.vendorId.id, target.vendorId.nativeId, target.vendorId.system]

/** The SQL of each key a record can take from the payment found (`PaymentViewInclude.keyedRecords`). */
const derivedKey = {
  "payment-id": "(select cast(id as varchar(20)) from target)",
  "payment-public-id": "(select public_id from target)",
  "customer-public-id": "(select c.public_id from customers c where c.id = (select customer_id from target))"
} as const

interface Built {
  readonly sql: string
  readonly branches: ReadonlyArray<Branch>
}

/** Built statements per ORM metadata and shape (lookup kind, how many records, event types …). */
const statements = new WeakMap<object, Map<string, Built>>()

const build = (em: SqlEntityManager, kind: keyof typeof targetSql, include: PaymentViewInclude): Built => {
  const branches = tables.map((entity) => branchOf(em, entity as EntityName<object>))
  const recordsAsked =
    (include.records ?? []).length + (include.keyedRecords ?? []).length + (include.paymentRecordKinds ?? []).length > 0
  const eventsAsked = include.events !== undefined && include.events !== false
  // Only the columns of the tables this statement reads (a narrower row is cheaper to build and to split).
  const children = include.children === false ? [] : [0, 1, 2, 3]
  const used = new Set([
    ...children,
    paymentBranch,
    ...(recordsAsked ? [recordBranch] : []),
    ...(include.customer === true ? [customerBranch] : []),
    ...(eventsAsked ? [eventBranch] : [])
  ])
  // The actors of the first and last event (`firstAndLastActors`): columns of the payment's row, a
  // typed null in the other branches.
  const events = branches[eventBranch]
  const actorTypes = ["actor_id", "actor_name"].map((column) => events?.types[events.columns.indexOf(column)] ?? "text")
  const actorColumns = (index: number) =>
    include.firstAndLastActors !== true
      ? ""
      : actorEnds
          .flatMap(({ alias, direction }) =>
            ["actor_id", "actor_name"].map((column, at) =>
              index === paymentBranch
                ? `(select e.${column} from ${events?.table} e where e.payment_id = t.id order by e.id ${direction} limit 1) as ${alias}_${column}`
                : `cast(null as ${actorTypes[at]}) as ${alias}_${column}`
            )
          )
          .map((column) => `, ${column}`)
          .join("")
  const select = (index: number, condition: string) => {
    const columns = branches.flatMap((other, otherIndex) =>
      !used.has(otherIndex)
        ? []
        : other.columns.map((column, columnIndex) =>
            otherIndex === index
              ? `t.${column} as b${otherIndex}_${column}`
              : `cast(null as ${other.types[columnIndex] ?? "text"}) as b${otherIndex}_${column}`
          )
    )
    return `select ${index} as branch, t.id as ord, ${columns.join(", ")}${actorColumns(index)} from ${branches[index]?.table} t where ${condition}`
  }
  const selects = [
    ...children.map((index) => select(index, `t.payment_id = ${targetId}`)),
    select(paymentBranch, `t.id = ${targetId}`),
    ...(include.records ?? []).map(() => select(recordBranch, "t.dialect = ? and t.kind = ? and t.key = ?")),
    ...(include.keyedRecords ?? []).map((record) =>
      select(recordBranch, `t.dialect = ? and t.kind = ? and t.key = ${derivedKey[record.key]}`)
    ),
    ...(include.paymentRecordKinds ?? []).map(() =>
      select(recordBranch, `t.dialect = ? and t.kind = ? and t.payment_id = ${targetId}`)
    ),
    ...(include.customer === true ? [select(customerBranch, "t.id = (select customer_id from target)")] : []),
    ...(include.events === undefined || include.events === false
      ? []
      : [
          select(
            eventBranch,
            include.events === true
              ? `t.payment_id = ${targetId}`
              : `t.payment_id = ${targetId} and t.type in (${include.events.map(() => "?").join(", ")})`
          )
        ])
  ]
  return {
    sql: `with target as (${targetSql[kind]}) ${selects.join(" union all ")} order by branch, ord`,
    branches
  }
}

const statementFor = (em: SqlEntityManager, kind: keyof typeof targetSql, include: PaymentViewInclude) => {
  const events =
    include.events === undefined || include.events === false ? 0 : include.events === true ? -1 : include.events.length
  const keyed = (include.keyedRecords ?? []).map((record) => record.key).join(",")
  const shape = `${kind}/${include.children !== false}/${include.records?.length ?? 0}/${keyed}/${include.paymentRecordKinds?.length ?? 0}/${include.customer === true}/${events}/${include.firstAndLastActors === true}`
  const metadata = em.getMetadata()
  const perOrm = statements.get(metadata) ?? new Map<string, Built>()
  statements.set(metadata, perOrm)
  const cached = perOrm.get(shape)
  if (cached !== undefined) return cached
  const built = build(em, kind, include)
  perOrm.set(shape, built)
  return built
}

/** Reads the view of the payment `target` finds, with what `include` names; `null` when there is none. */
export const readPaymentView = async (
  em: SqlEntityManager,
  target: PaymentTarget,
  include: PaymentViewInclude
): Promise<PaymentView | null> => {
  const { sql, branches } = statementFor(em, targetKind(target), include)
  const params = [
    ...targetParams(target),
    ...(include.records ?? []).flatMap((record) => [record.dialect, record.kind, record.key]),
    ...(include.keyedRecords ?? []).flatMap((record) => [record.dialect, record.kind]),
    ...(include.paymentRecordKinds ?? []).flatMap((record) => [record.dialect, record.kind]),
    ...(include.events === undefined || typeof include.events === "boolean" ? [] : include.events)
  ]
  const rows = (await em.execute(sql, params)) as ReadonlyArray<Record<string, unknown>>
  const of = (branch: number): Array<object> => {
    const spec = branches[branch]
    return spec === undefined ? [] : rowsOfBranch(rows, branch, spec, leanMapperOf(em, spec.entity))
  }
  const payment = of(paymentBranch)[0]
  if (payment === undefined) return null
  const customer = of(customerBranch)[0]
  const paymentRow =
    include.firstAndLastActors === true ? rows.find((row) => Number(row.branch) === paymentBranch) : undefined
  const actorOf = (alias: string) => {
    const id = paymentRow?.[`${alias}_actor_id`]
    return id === null || id === undefined
      ? null
      : { actorId: trustedId<ActorId>(Number(id)), actorName: String(paymentRow?.[`${alias}_actor_name`]) }
  }
  return {
    payment: paymentFromRow(payment as PaymentRow),
    children: childrenOf(of),
    records: of(recordBranch).map((row) => dialectRecordFromRow(row as DialectRecordRow)),
    customer: customer === undefined ? null : customerFromRow(customer as CustomerRow),
    events: of(eventBranch).map((row) => ledgerEventFromRow(row as LedgerEventRow)),
    ...(paymentRow === undefined ? {} : { actors: { first: actorOf("first"), last: actorOf("last") } })
  }
}
