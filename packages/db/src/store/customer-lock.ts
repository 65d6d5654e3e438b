/**
 * `LedgerStore.lockCustomerWith`: the customer named by one of its unique keys (id, number, public
 * id), locked as `lockCustomer` locks it (PostgreSQL `SELECT … FOR UPDATE` of the customer row
 * inside a transaction; SQLite's transactions hold the write lock already), and in the same
 * statement the payment presets a new payment names, left-joined so the customer row comes back
 * once per preset found (or once with empty preset columns), and when asked whether the customer has
 * unpaid documents (what oldest-first allocation would pay), the dialect records a caller names by
 * key (each left-joined on its unique key, so it adds no row; only one of no customer or of this
 * customer), the customer's billing entity and the documents a create pays (read once the lock is
 * held: on PostgreSQL a VOLATILE function of the locked row, migration 20261207100000). One statement: a create learns its customer and
 * checks its presets and what a dialect checks beside it without a read of its own. Rows are
 * converted by the ORM's column types (`leanMapperOf`) and the table mappers.
 */
import type { EntityName } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import type {
  CustomerRef,
  DialectRecord,
  DialectRecordRef,
  Document,
  DocumentId,
  LockedCustomer,
  PaymentPreset,
  PresetId
} from "@paybridge/core"
import { BillingEntityEntity, type BillingEntityRow } from "../entities/billing-entity.entity.ts"
import { CustomerEntity, type CustomerRow } from "../entities/customer.entity.ts"
import { DialectRecordEntity, type DialectRecordRow } from "../entities/dialect-record.entity.ts"
import { DocumentEntity, type DocumentRow } from "../entities/document.entity.ts"
import { PaymentPresetEntity, type PaymentPresetRow } from "../entities/payment-preset.entity.ts"
import { billingEntityFromRow } from "../mappers/billing-entity.mapper.ts"
import { customerFromRow } from "../mappers/customer.mapper.ts"
import { dialectRecordFromRow } from "../mappers/dialect-record.mapper.ts"
import { documentFromRow } from "../mappers/document.mapper.ts"
import { paymentPresetFromRow } from "../mappers/payment-preset.mapper.ts"
import { leanMapperOf } from "./lean-rows.ts"
import { branchOf } from "./payment-children.ts"

const keyOf = (ref: CustomerRef): { readonly column: string; readonly value: unknown } =>
  "id" in ref
    ? { column: "id", value: ref.id }
    : "number" in ref
      ? { column: "number", value: ref.number }
      : { column: "public_id", value: ref.publicId }

/**
 * Whether the customer (`t`, the locked row's columns prefixed `c_`) has an issued invoice or bill in
 * its own currency with something outstanding. PostgreSQL: a VOLATILE function (migration
 * 20261205500000) evaluated above the row lock, so it sees what a writer that held the lock committed.
 */
const unpaidDocumentsColumn = (postgres: boolean) =>
  postgres
    ? "paybridge_has_unpaid_documents(t.c_id, t.c_currency)"
    : "exists (select 1 from documents d where d.customer_id = t.c_id and d.kind in ('invoice', 'bill') and d.state = 'issued' and d.outstanding > 0 and d.currency = t.c_currency)"

/** A boolean column as the drivers return it (PostgreSQL `true`, SQLite `1`). */
const isTrue = (value: unknown) => value === true || value === 1 || value === 1n

/**
 * Reads (and, when `lock`, locks) the customer `ref` names with the presets of `presetIds`, with
 * `unpaidDocuments` whether it has unpaid documents (`unpaidDocumentsColumn`), the dialect records
 * of `records` it may see and, with `billingEntity`, its billing entity.
 */
export const readLockedCustomer = async (
  em: SqlEntityManager,
  ref: CustomerRef,
  presetIds: ReadonlyArray<PresetId>,
  options: {
    readonly lock: boolean
    readonly postgres: boolean
    readonly unpaidDocuments: boolean
    readonly records?: ReadonlyArray<DialectRecordRef> | undefined
    readonly billingEntity?: boolean | undefined
    readonly documents?: ReadonlyArray<DocumentId> | undefined
  }
): Promise<LockedCustomer | null> => {
  const customer = branchOf(em, CustomerEntity as EntityName<object>)
  const preset = branchOf(em, PaymentPresetEntity as EntityName<object>)
  const record = branchOf(em, DialectRecordEntity as EntityName<object>)
  const entity = branchOf(em, BillingEntityEntity as EntityName<object>)
  const document = branchOf(em, DocumentEntity as EntityName<object>)
  const documentIds = [...new Set(options.documents ?? [])]
  const ids = [...new Set(presetIds)]
  const records = options.records ?? []
  const withEntity = options.billingEntity === true
  const key = keyOf(ref)
  const selects = [
    ...customer.columns.map((column) => `c.${column} as c_${column}`),
    ...(ids.length === 0 ? [] : preset.columns.map((column) => `p.${column} as p_${column}`)),
    ...records.flatMap((_, index) => record.columns.map((column) => `r${index}.${column} as r${index}_${column}`)),
    ...(withEntity ? entity.columns.map((column) => `b.${column} as b_${column}`) : [])
  ]
  const joins = [
    ...(ids.length === 0 ? [] : [`left join ${preset.table} p on p.id in (${ids.map(() => "?").join(", ")})`]),
    // Unique (dialect, kind, key): at most one row each, so the joins add no rows.
    ...records.map(
      (_, index) =>
        `left join ${record.table} r${index} on r${index}.dialect = ? and r${index}.kind = ? and r${index}.key = ?` +
        ` and (r${index}.customer_id is null or r${index}.customer_id = c.id)`
    ),
    ...(withEntity ? [`left join ${entity.table} b on b.id = c.billing_entity_id`] : [])
  ]
  const locked =
    `select ${selects.join(", ")} from ${customer.table} c${joins.map((join) => ` ${join}`).join("")}` +
    ` where c.${key.column} = ?` +
    (options.lock ? " for update of c" : "")
  // The unpaid-documents check wraps the locking select, so it is evaluated once the lock is held.
  // The documents named join the customer's row (once per document found, times the presets), read
  // once the lock is held: on PostgreSQL by a VOLATILE function of the locked row (migration 20261207100000).
  const documentJoin =
    documentIds.length === 0
      ? ""
      : options.postgres
        ? ` left join lateral paybridge_documents_after_lock(t.c_id, array[${documentIds.map(() => "?").join(", ")}]::int[]) d on true`
        : ` left join ${document.table} d on d.id in (${documentIds.map(() => "?").join(", ")})`
  const sql =
    options.unpaidDocuments || documentJoin !== ""
      ? `select t.*${options.unpaidDocuments ? `, ${unpaidDocumentsColumn(options.postgres)} as has_unpaid_documents` : ""}` +
        `${documentJoin === "" ? "" : `, ${document.columns.map((column) => `d.${column} as d_${column}`).join(", ")}`}` +
        ` from (${locked}) t${documentJoin}`
      : locked
  const parameters = [
    ...ids,
    ...records.flatMap((named) => [named.dialect, named.kind, named.key]),
    key.value,
    ...documentIds
  ]
  const rows = (await em.execute(sql, parameters)) as ReadonlyArray<Record<string, unknown>>
  const first = rows[0]
  if (first === undefined) return null
  const columnsOf = (row: Record<string, unknown>, prefix: string, columns: ReadonlyArray<string>) =>
    Object.fromEntries(columns.map((column) => [column, row[`${prefix}${column}`]]))
  const toCustomer = leanMapperOf(em, CustomerEntity)
  const toPreset = leanMapperOf(em, PaymentPresetEntity)
  // Once per preset found, times the documents found (each document joins every preset's row).
  const presets = new Map<unknown, PaymentPreset>()
  for (const row of rows) {
    if (ids.length === 0 || row.p_id === null || row.p_id === undefined || presets.has(row.p_id)) continue
    presets.set(row.p_id, paymentPresetFromRow(toPreset(columnsOf(row, "p_", preset.columns)) as PaymentPresetRow))
  }
  const found: Array<DialectRecord> = []
  if (records.length > 0) {
    const toRecord = leanMapperOf(em, DialectRecordEntity)
    records.forEach((_, index) => {
      if (first[`r${index}_id`] === null || first[`r${index}_id`] === undefined) return
      found.push(dialectRecordFromRow(toRecord(columnsOf(first, `r${index}_`, record.columns)) as DialectRecordRow))
    })
  }
  const documents = new Map<DocumentId, Document>()
  if (documentIds.length > 0) {
    const toDocument = leanMapperOf(em, DocumentEntity)
    for (const row of rows) {
      if (row.d_id === null || row.d_id === undefined) continue
      const read = documentFromRow(toDocument(columnsOf(row, "d_", document.columns)) as DocumentRow)
      documents.set(read.id, read)
    }
  }
  const hasEntity = withEntity && first.b_id !== null && first.b_id !== undefined
  return {
    customer: customerFromRow(toCustomer(columnsOf(first, "c_", customer.columns)) as CustomerRow),
    presets: [...presets.values()],
    hasUnpaidDocuments: options.unpaidDocuments && isTrue(first.has_unpaid_documents),
    records: found,
    documents: [...documents.values()].sort((a, b) => a.id - b.id),
    billingEntity: hasEntity
      ? billingEntityFromRow(
          leanMapperOf(em, BillingEntityEntity)(columnsOf(first, "b_", entity.columns)) as BillingEntityRow
        )
      : null
  }
}
