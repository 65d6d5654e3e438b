/**
 * Persistence row of a customer: balance and credit limit in bigint minor units, guarded by
 * `version`; `searchText` is the folded name, number and email that customer search looks in
 * (see `store/search-text.ts`).
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const CustomerEntity = defineEntity({
  name: "Customer",
  tableName: "customers",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    number: p.string().length(64).unique(),
    name: p.text(),
    email: p.text().nullable(),
    currency: p.string().length(3),
    balance: p.bigint("bigint"),
    creditLimit: p.bigint("bigint").nullable(),
    billingEntityId: p.integer().nullable().index(),
    externalSystem: p.string().length(40).nullable(),
    externalId: p.string().length(120).nullable(),
    customFields: p.json<Record<string, string>>(),
    searchText: p.text().default(""),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.integer()
  },
  uniques: [{ properties: ["externalSystem", "externalId"] }]
})
export type CustomerRow = InferEntity<typeof CustomerEntity>
