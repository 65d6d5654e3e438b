/**
 * The records that hang off one payment — allocations, reversals, collections and refunds — in
 * one statement (optionally with the payment itself, a payment's whole detail): a `union all` of the four tables, each branch selecting its own columns and a
 * typed `null` for the others' (one column per table and field, so the types never mix), ordered by
 * table and id. Each row is split back into its table's columns and converted by the ORM's column
 * types (`leanMapperOf`: no entity is hydrated), then by the table's mapper, so the records equal what the per-table reads give.
 * The same union with `payment_id in (…)` reads the children of a whole page of payments at once.
 */
import type { EntityName } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { Allocation, Collection, Payment, PaymentChildren, PaymentId, Refund, Reversal } from "@paybridge/core"
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
import { type LeanMapper, leanMapperOf } from "./lean-rows.ts"

export interface Branch {
  readonly entity: EntityName<object>
  readonly table: string
  readonly columns: ReadonlyArray<string>
  /** Each column's SQL type: the other branches select `cast(null as <type>)`, so PostgreSQL can unite them. */
  readonly types: ReadonlyArray<string>
}

/** A column type as a cast target (auto-increment pseudo-types are integers). */
export const castType = (columnType: string | undefined): string => {
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

/** An entity's table, persisted columns and their SQL types, from the ORM's metadata. */
export const branchOf = (em: SqlEntityManager, entity: EntityName<object>): Branch => {
  const meta = em.getMetadata().get(entity)
  const props = meta.props.filter((prop) => prop.persist !== false && (prop.fieldNames ?? []).length > 0)
  return {
    entity,
    table: meta.tableName,
    columns: props.flatMap((prop) => [...prop.fieldNames]),
    types: props.flatMap((prop) => prop.fieldNames.map((_, index) => castType(prop.columnTypes?.[index])))
  }
}

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
  const branches: Array<Branch> = specs.map((spec) => branchOf(em, spec.entity as EntityName<object>))
  const built = {
    sql: unionOf(
      branches,
      specs.map((spec) => spec.condition)
    ),
    branches
  }
  perOrm.set(specs, built)
  return built
}

/** The `union all` of the branches, each restricted by its condition, ordered by branch and id. */
const unionOf = (branches: ReadonlyArray<Branch>, conditions: ReadonlyArray<string>): string => {
  const alias = (branch: number, column: string) => `b${branch}_${column}`
  const selects = branches.map((branch, index) => {
    const columns = branches.flatMap((other, otherIndex) =>
      other.columns.map((column, columnIndex) =>
        otherIndex === index
          ? `t.${column} as ${alias(otherIndex, column)}`
          : `cast(null as ${other.types[columnIndex] ?? "text"}) as ${alias(otherIndex, column)}`
      )
    )
    return `select ${index} as branch, t.id as ord, ${columns.join(", ")} from ${branch.table} t where ${conditions[index]}`
  })
  return `${selects.join(" union all ")} order by branch, ord`
}

/** Runs the union of `specs` for one payment id; `of(i)` gives branch `i`'s rows converted by the ORM's types. */
const readBranches = async (em: SqlEntityManager, specs: ReadonlyArray<BranchSpec>, paymentId: PaymentId) => {
  const { sql, branches } = statementFor(em, specs)
  const rows = (await em.execute(
    sql,
    branches.map(() => paymentId)
  )) as ReadonlyArray<Record<string, unknown>>
  return splitBranches(em, branches, rows)
}

/** Each branch's column aliases in a united row (`b<branch>_<column>`), made once per branch and position. */
const aliases = new WeakMap<Branch, Map<number, ReadonlyArray<string>>>()
const aliasesOf = (branch: Branch, index: number): ReadonlyArray<string> => {
  const perIndex = aliases.get(branch) ?? new Map<number, ReadonlyArray<string>>()
  aliases.set(branch, perIndex)
  const found = perIndex.get(index)
  if (found !== undefined) return found
  const made = branch.columns.map((column) => `b${index}_${column}`)
  perIndex.set(index, made)
  return made
}

/**
 * Branch `index`'s rows among united `rows`, as `branch`'s columns converted by `toRow`. One pass,
 * no string built per column and row (this runs for every payment a get or a page reads).
 */
export const rowsOfBranch = (
  rows: ReadonlyArray<Record<string, unknown>>,
  index: number,
  branch: Branch,
  toRow: LeanMapper
): Array<object> => {
  const columns = branch.columns
  const names = aliasesOf(branch, index)
  const found: Array<object> = []
  for (const row of rows) {
    if (Number(row.branch) !== index) continue
    const data: Record<string, unknown> = {}
    for (let at = 0; at < columns.length; at++) data[columns[at] as string] = row[names[at] as string]
    found.push(toRow(data))
  }
  return found
}

/** Splits united rows back into branch `i`'s rows, converted by the ORM's column types (no entity hydrated). */
const splitBranches =
  (em: SqlEntityManager, branches: ReadonlyArray<Branch>, rows: ReadonlyArray<Record<string, unknown>>) =>
  (branch: number): Array<object> => {
    const spec = branches[branch]
    return spec === undefined ? [] : rowsOfBranch(rows, branch, spec, leanMapperOf(em, spec.entity))
  }

export const childrenOf = (of: (branch: number) => Array<object>): PaymentChildren => ({
  allocations: of(0).map((row) => allocationFromRow(row as AllocationRow)),
  reversals: of(1).map((row) => reversalFromRow(row as ReversalRow)),
  collections: of(2).map((row) => collectionFromRow(row as CollectionRow)),
  refunds: of(3).map((row) => refundFromRow(row as RefundRow))
})

/** Reads everything that hangs off `paymentId` in one statement (each kind oldest first). */
export const readPaymentChildren = async (em: SqlEntityManager, paymentId: PaymentId): Promise<PaymentChildren> =>
  childrenOf(await readBranches(em, childBranches, paymentId))

/**
 * Reads what hangs off each of `paymentIds` (a page's payments) in one statement: the same union
 * with `payment_id in (…)` in every branch; payments with nothing hanging off them are absent.
 */
export const readChildrenOfPayments = async (
  em: SqlEntityManager,
  paymentIds: ReadonlyArray<PaymentId>
): Promise<ReadonlyMap<PaymentId, PaymentChildren>> => {
  const ids = [...new Set(paymentIds)]
  if (ids.length === 0) return new Map()
  const { branches } = statementFor(em, childBranches)
  const list = ids.map(() => "?").join(", ")
  const sql = unionOf(
    branches,
    branches.map(() => `t.payment_id in (${list})`)
  )
  const of = splitBranches(
    em,
    branches,
    (await em.execute(
      sql,
      branches.flatMap(() => ids)
    )) as ReadonlyArray<Record<string, unknown>>
  )
  const children = childrenOf(of)
  const byPayment = new Map<
    PaymentId,
    {
      allocations: Array<Allocation>
      reversals: Array<Reversal>
      collections: Array<Collection>
      refunds: Array<Refund>
    }
  >()
  const entry = (paymentId: PaymentId | null) => {
    if (paymentId === null) return null
    const found = byPayment.get(paymentId) ?? { allocations: [], reversals: [], collections: [], refunds: [] }
    byPayment.set(paymentId, found)
    return found
  }
  for (const row of children.allocations) entry(row.paymentId)?.allocations.push(row)
  for (const row of children.reversals) entry(row.paymentId)?.reversals.push(row)
  for (const row of children.collections) entry(row.paymentId)?.collections.push(row)
  for (const row of children.refunds) entry(row.paymentId)?.refunds.push(row)
  return byPayment
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
