/**
 * Persistence row of a dialect's vendor-only object (see `DialectRecord` in core): unique per
 * (dialect, kind, key), listed per kind by customer or payment, with the object's fields as JSON.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const DialectRecordEntity = defineEntity({
  name: "DialectRecord",
  tableName: "dialect_records",
  properties: {
    id: p.integer().primary().autoincrement(),
    dialect: p.string().length(40),
    kind: p.string().length(60),
    key: p.string().length(200),
    customerId: p.integer().nullable(),
    paymentId: p.integer().nullable(),
    data: p.json<Record<string, unknown>>(),
    /** List columns (`DialectRecordListColumns`): a dialect's attributes its lists filter and sort on in SQL. */
    listDate: p.date().nullable(),
    listFlag: p.boolean().nullable(),
    listProformaId: p.integer().nullable(),
    listInvoiceId: p.integer().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime()
  },
  uniques: [{ properties: ["dialect", "kind", "key"] }],
  indexes: [
    { properties: ["dialect", "kind", "customerId", "id"] },
    { properties: ["dialect", "kind", "paymentId", "id"] },
    { properties: ["dialect", "kind", "customerId", "listDate", "id"] },
    // A customer's records with a list flag, by list date then payment (a list filtered by the flag read up to its page).
    {
      name: "dialect_records_list_flag_seek_index",
      properties: ["dialect", "kind", "customerId", "listFlag", "listDate", "paymentId"]
    }
  ]
})
export type DialectRecordRow = InferEntity<typeof DialectRecordEntity>
