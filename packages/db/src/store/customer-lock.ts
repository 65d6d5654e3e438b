/**
 * `LedgerStore.lockCustomerWith`: the customer named by one of its unique keys (id, number, public
 * id), locked as `lockCustomer` locks it (PostgreSQL `SELECT … FOR UPDATE` of the customer row
 * inside a transaction; SQLite's transactions hold the write lock already), and in the same
 * statement the payment presets a new payment names, left-joined so the customer row comes back
 * once per preset found (or once with empty preset columns). One statement: a create learns its
 * customer and checks its presets without a read of its own. Rows are converted by the ORM's column
 * types (`leanMapperOf`) and the table mappers.
 */
import type { EntityName } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { CustomerRef, LockedCustomer, PaymentPreset, PresetId } from "@paybridge/core"
import { CustomerEntity, type CustomerRow } from "../entities/customer.entity.ts"
import { PaymentPresetEntity, type PaymentPresetRow } from "../entities/payment-preset.entity.ts"
import { customerFromRow } from "../mappers/customer.mapper.ts"
import { paymentPresetFromRow } from "../mappers/payment-preset.mapper.ts"
import { branchOf, leanMapperOf } from "./payment-children.ts"

const keyOf = (ref: CustomerRef): { readonly column: string; readonly value: unknown } =>
  "id" in ref
    ? { column: "id", value: ref.id }
    : "number" in ref
      ? { column: "number", value: ref.number }
      : { column: "public_id", value: ref.publicId }

/** Reads (and, when `lock`, locks) the customer `ref` names with the presets of `presetIds`. */
export const readLockedCustomer = async (
  em: SqlEntityManager,
  ref: CustomerRef,
  presetIds: ReadonlyArray<PresetId>,
  lock: boolean
): Promise<LockedCustomer | null> => {
  const customer = branchOf(em, CustomerEntity as EntityName<object>)
  const preset = branchOf(em, PaymentPresetEntity as EntityName<object>)
  const ids = [...new Set(presetIds)]
  const key = keyOf(ref)
  const selects = [
    ...customer.columns.map((column) => `c.${column} as c_${column}`),
    ...(ids.length === 0 ? [] : preset.columns.map((column) => `p.${column} as p_${column}`))
  ]
  const join = ids.length === 0 ? "" : ` left join ${preset.table} p on p.id in (${ids.map(() => "?").join(", ")})`
  const sql =
    `select ${selects.join(", ")} from ${customer.table} c${join} where c.${key.column} = ?` +
    (lock ? " for update of c" : "")
  const rows = (await em.execute(sql, [...ids, key.value])) as ReadonlyArray<Record<string, unknown>>
  const first = rows[0]
  if (first === undefined) return null
  const columnsOf = (row: Record<string, unknown>, prefix: string, columns: ReadonlyArray<string>) =>
    Object.fromEntries(columns.map((column) => [column, row[`${prefix}${column}`]]))
  const toCustomer = leanMapperOf(em, CustomerEntity)
  const toPreset = leanMapperOf(em, PaymentPresetEntity)
  const presets: Array<PaymentPreset> = []
  for (const row of rows) {
    if (ids.length === 0 || row.p_id === null || row.p_id === undefined) continue
    presets.push(paymentPresetFromRow(toPreset(columnsOf(row, "p_", preset.columns)) as PaymentPresetRow))
  }
  return {
    customer: customerFromRow(toCustomer(columnsOf(first, "c_", customer.columns)) as CustomerRow),
    presets
  }
}
