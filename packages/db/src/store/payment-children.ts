/**
 * The records that hang off one payment — allocations, reversals, collections and refunds — in
 * one statement: a `union all` of the four tables, each branch selecting its own columns and a
 * typed `null` for the others' (one column per table and field, so the types never mix), ordered by
 * table and id. Each row is split back into its table's columns and converted by the ORM's column
 * types (`em.map`), then by the table's mapper, so the records equal what the per-table reads give.
 */
import type { EntityName } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { PaymentChildren, PaymentId } from "@paybridge/core"
import { AllocationEntity, type AllocationRow } from "../entities/allocation.entity.ts"
import { CollectionEntity, type CollectionRow } from "../entities/collection.entity.ts"
import { RefundEntity, type RefundRow } from "../entities/refund.entity.ts"
import { ReversalEntity, type ReversalRow } from "../entities/reversal.entity.ts"
import { allocationFromRow } from "../mappers/allocation.mapper.ts"
import { collectionFromRow } from "../mappers/collection.mapper.ts"
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

const entities = [AllocationEntity, ReversalEntity, CollectionEntity, RefundEntity] as const

/** The statement, built once per ORM from the entities' metadata (column lists). */
const statements = new WeakMap<object, { readonly sql: string; readonly branches: ReadonlyArray<Branch> }>()

const statementFor = (em: SqlEntityManager) => {
  const metadata = em.getMetadata()
  const cached = statements.get(metadata)
  if (cached !== undefined) return cached
  const branches: Array<Branch> = entities.map((entity) => {
    const meta = metadata.get(entity as EntityName<object>)
    const props = meta.props.filter((prop) => prop.persist !== false && (prop.fieldNames ?? []).length > 0)
    return {
      entity: entity as EntityName<object>,
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
    return `select ${index} as branch, t.id as ord, ${columns.join(", ")} from ${branch.table} t where t.payment_id = ?`
  })
  const built = { sql: `${selects.join(" union all ")} order by branch, ord`, branches }
  statements.set(metadata, built)
  return built
}

/** Reads everything that hangs off `paymentId` in one statement (each kind oldest first). */
export const readPaymentChildren = async (em: SqlEntityManager, paymentId: PaymentId): Promise<PaymentChildren> => {
  const { sql, branches } = statementFor(em)
  const rows = (await em.execute(
    sql,
    branches.map(() => paymentId)
  )) as ReadonlyArray<Record<string, unknown>>
  const of = (branch: number): Array<object> =>
    rows.flatMap((row) => {
      if (Number(row.branch) !== branch) return []
      const spec = branches[branch]
      if (spec === undefined) return []
      const data = Object.fromEntries(spec.columns.map((column) => [column, row[`b${branch}_${column}`]]))
      return [em.map(spec.entity, data)]
    })
  return {
    allocations: of(0).map((row) => allocationFromRow(row as AllocationRow)),
    reversals: of(1).map((row) => reversalFromRow(row as ReversalRow)),
    collections: of(2).map((row) => collectionFromRow(row as CollectionRow)),
    refunds: of(3).map((row) => refundFromRow(row as RefundRow))
  }
}
