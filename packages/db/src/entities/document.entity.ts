/**
 * Persistence row of an invoice, bill or proforma. Amounts are bigint minor units; the
 * (customer_id, issue_date, id) index serves the pay-oldest-first listing of a customer.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const DocumentEntity = defineEntity({
  name: "Document",
  tableName: "documents",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    kind: p.enum(["invoice", "bill", "proforma"] as const),
    number: p.string().length(64),
    customerId: p.integer(),
    billingEntityId: p.integer().nullable(),
    relatedDocumentId: p.integer().nullable(),
    currency: p.string().length(3),
    total: p.bigint("bigint"),
    allocated: p.bigint("bigint"),
    outstanding: p.bigint("bigint"),
    state: p.enum(["issued", "paid", "cancelled"] as const),
    issueDate: p.date(),
    dueDate: p.date().nullable(),
    externalSystem: p.string().length(40).nullable(),
    externalId: p.string().length(120).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.integer()
  },
  indexes: [{ properties: ["customerId", "issueDate", "id"] }, { properties: ["issueDate", "id"] }],
  uniques: [{ properties: ["kind", "number"] }, { properties: ["externalSystem", "externalId"] }]
})
export type DocumentRow = InferEntity<typeof DocumentEntity>
