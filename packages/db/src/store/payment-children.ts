/**
 * The records that hang off one payment — allocations, reversals, collections and refunds — in
 * one statement (optionally with the payment itself, a payment's whole detail; or of a whole page
 * of payments at once, so a list never reads per row): a `union all` of the four tables, each branch selecting its own columns and a
 * typed `null` for the others' (one column per table and field, so the types never mix), ordered by
 * table and id. Each row is split back into its table's columns and converted by the ORM's column
 * types (`em.map`), then by the table's mapper, so the records equal what the per-table reads give.
 */
import type { EntityName } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { Payment, PaymentChildren, PaymentId } from "@paybridge/core"
import { AllocationEntity, type AllocationRow } from "../entities/allocation.entity.ts"
import { CollectionEntity, type CollectionRow } from "../entities/collection.entity.ts"
import { PaymentEntity, type PaymentRow } from "../entities/payment.entity.ts"
import { RefundEntity, type RefundRow } from "../entities/refund.entity.ts"
import { ReversalEntity, type ReversalRow } from "../entities/reversal.entity.ts"
import { allocationFromRow } from "../mappers/allocation.mapper.ts"
import { collectionFromRow } from "../mappers/collection.mapper.ts"
import { paymentFromRow } from "../mappers/payment.mapper.ts"
import { refundFromRow } from "../mappers/refund.mapper.ts"
import { reversalFromRow } from "../mappers/reversal.mapper.ts"

interface Branch {
  readonly entity: EntityName<object>
  readonly table: string
  readonly columns: ReadonlyArray<string>
  /** Each column's SQL type: the other branches select `cast(null as <type>)`, so PostgreSQL can unite them. */
  readonly types: ReadonlyArray<string>
}

/** A column type as a cast target (auto-increment pseudo-types are integers). */
const castType = (columnType: string | undefined): string => {
  if (columnType === undefined) return "text"
  if (/^serial|^int.*autoincrement/i.test(columnType)) return "integer"
  if (/^bigserial/i.test(columnType)) return "bigint"
  return columnType
}

/** The tables of a payment's children, and how each finds the payment's rows. */
const childBranches = [
  { entity: AllocationEntity, condition: "t.payment_id = ?" },
  { entity: ReversalEntity, condition: "t.payment_id = ?" },
  { entity: CollectionEntity, condition: "t.payment_id = ?" },
  { entity: RefundEntity, condition: "t.payment_id = ?" }
] as const
/** The same with the payment itself as a fifth branch (a payment's whole detail in one statement). */
const detailBranches = [...childBranches, { entity: PaymentEntity, condition: "t.id = ?" }] as const

type BranchSpec = { readonly entity: unknown; readonly condition: string }

/** The statements, built once per ORM and branch list from the entities' metadata (column lists). */
const statements = new WeakMap<
  object,
  Map<ReadonlyArray<BranchSpec>, { readonly sql: string; readonly branches: ReadonlyArray<Branch> }>
>()

const statementFor = (em: SqlEntityManager, specs: ReadonlyArray<BranchSpec>) => {
  const metadata = em.getMetadata()
  const perOrm = statements.get(metadata) ?? new Map()
  statements.set(metadata, perOrm)
  const cached = perOrm.get(specs)
  if (cached !== undefined) return cached
  const branches: Array<Branch> = specs.map((spec) => {
    const meta = metadata.get(spec.entity as EntityName<object>)
    const props = meta.props.filter((prop) => prop.persist !== false && (prop.fieldNames ?? []).length > 0)
    return {
      entity: spec.entity as EntityName<object>,
      table: meta.tableName,
      columns: props.flatMap((prop) => [...prop.fieldNames]),
      types: props.flatMap((prop) => prop.fieldNames.map((_, index) => castType(prop.columnTypes?.[index])))
    }
  })
  const alias = (branch: number, column: string) => `b${branch}_${column}`
  const selects = branches.map((branch, index) => {
    const columns = branches.flatMap((other, otherIndex) =>
      other.columns.map((column, columnIndex) =>
        otherIndex === index
          ? `t.${column} as ${alias(otherIndex, column)}`
          : `cast(null as ${other.types[columnIndex] ?? "text"}) as ${alias(otherIndex, column)}`
      )
    )
    return `select ${index} as branch, t.id as ord, ${columns.join(", ")} from ${branch.table} t where ${specs[index]?.condition}`
  })
  const built = { sql: `${selects.join(" union all ")} order by branch, ord`, branches }
  perOrm.set(specs, built)
  return built
}

/** Runs a built union with `parameters`; `of(i)` gives branch `i`'s rows converted by the ORM's types. */
const runBranches = async (
  em: SqlEntityManager,
  built: { readonly sql: string; readonly branches: ReadonlyArray<Branch> },
  parameters: ReadonlyArray<unknown>
) => {
  const { sql, branches } = built
  const rows = (await em.execute(sql, [...parameters])) as ReadonlyArray<Record<string, unknown>>
  return (branch: number): Array<object> =>
    rows.flatMap((row) => {
      if (Number(row.branch) !== branch) return []
      const spec = branches[branch]
      if (spec === undefined) return []
      const data = Object.fromEntries(spec.columns.map((column: string) => [column, row[`b${branch}_${column}`]]))
      return [em.map(spec.entity, data)]
    })
}

/** Runs the union of `specs` for one payment id. */
const readBranches = (em: SqlEntityManager, specs: ReadonlyArray<BranchSpec>, paymentId: PaymentId) => {
  const built = statementFor(em, specs)
  return runBranches(
    em,
    built,
    built.branches.map(() => paymentId)
  )
}

const childrenOf = (of: (branch: number) => Array<object>): PaymentChildren => ({
  allocations: of(0).map((row) => allocationFromRow(row as AllocationRow)),
  reversals: of(1).map((row) => reversalFromRow(row as ReversalRow)),
  collections: of(2).map((row) => collectionFromRow(row as CollectionRow)),
  refunds: of(3).map((row) => refundFromRow(row as RefundRow))
})

/** Reads everything that hangs off `paymentId` in one statement (each kind oldest first). */
export const readPaymentChildren = async (em: SqlEntityManager, paymentId: PaymentId): Promise<PaymentChildren> =>
  childrenOf(await readBranches(em, childBranches, paymentId))

/** The child tables of many payments: the same union, each branch keyed by `payment_id in (…)` (one list per count). */
const manyBranchesFor = (count: number): ReadonlyArray<BranchSpec> => {
  const cached = manyBranches.get(count)
  if (cached !== undefined) return cached
  const list = Array.from({ length: count }, () => "?").join(", ")
  const specs = childBranches.map((branch) => ({ entity: branch.entity, condition: `t.payment_id in (${list})` }))
  manyBranches.set(count, specs)
  return specs
}
const manyBranches = new Map<number, ReadonlyArray<BranchSpec>>()

/**
 * Reads everything that hangs off each of `paymentIds` in one statement (a page of a list), each
 * kind oldest first; a payment with nothing hanging off it maps to empty lists.
 */
export const readChildrenOfPayments = async (
  em: SqlEntityManager,
  paymentIds: ReadonlyArray<PaymentId>
): Promise<ReadonlyMap<PaymentId, PaymentChildren>> => {
  const ids = [...new Set(paymentIds)]
  const result = new Map<PaymentId, PaymentChildren>()
  if (ids.length === 0) return result
  const built = statementFor(em, manyBranchesFor(ids.length))
  const of = await runBranches(
    em,
    built,
    built.branches.flatMap(() => ids)
  )
  const grouped = new Map<
    PaymentId,
    Array<{ readonly branch: number; readonly row: { readonly paymentId: PaymentId } }>
  >()
  for (const branch of [0, 1, 2, 3]) {
    for (const row of of(branch) as Array<{ readonly paymentId: PaymentId }>) {
      const list = grouped.get(row.paymentId) ?? []
      list.push({ branch, row })
      grouped.set(row.paymentId, list)
    }
  }
  for (const id of ids) {
    const rows = grouped.get(id) ?? []
    result.set(
      id,
      childrenOf((branch) => rows.flatMap((entry) => (entry.branch === branch ? [entry.row] : [])))
    )
  }
  return result
}

/** Reads a payment and everything that hangs off it in one statement; `null` when there is no such payment. */
export const readPaymentWithChildren = async (
  em: SqlEntityManager,
  paymentId: PaymentId
): Promise<{ readonly payment: Payment; readonly children: PaymentChildren } | null> => {
  const of = await readBranches(em, detailBranches, paymentId)
  const payment = of(4)[0]
  return payment === undefined ? null : { payment: paymentFromRow(payment as PaymentRow), children: childrenOf(of) }
}
