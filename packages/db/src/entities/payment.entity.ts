/**
 * Persistence row of a payment. Money columns are bigint minor units; the indexes follow the
 * listing patterns of the ledger and the dialects: a customer's payments newest first, all payments
 * newest first, state filters, incremental sync by creation or update time, reversal-date reports,
 * and the unique business keys (public id, reference number, number, external reference).
 * `searchText` is the folded references and numbers that a payment search looks in (see
 * `store/search-text.ts`).
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"
import { paymentStates } from "@paybridge/core"

export const PaymentEntity = defineEntity({
  name: "Payment",
  tableName: "payments",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    referenceNumber: p.string().length(64).unique(),
    number: p.string().length(64).nullable().unique(),
    customerId: p.integer(),
    currency: p.string().length(3),
    amount: p.bigint("bigint"),
    state: p.enum(paymentStates),
    paymentDate: p.date(),
    receivedAt: p.datetime().nullable(),
    postedOn: p.date().nullable(),
    postedAt: p.datetime().nullable(),
    balanceAfterPosting: p.bigint("bigint").nullable(),
    methodId: p.integer().nullable(),
    typeId: p.integer().nullable(),
    gatewayId: p.integer().nullable(),
    gatewayReference: p.text().nullable(),
    billingEntityId: p.integer().nullable(),
    reversedAmount: p.bigint("bigint"),
    allocatedAmount: p.bigint("bigint"),
    refundedAmount: p.bigint("bigint"),
    rejectionReason: p.text().nullable(),
    rejectedAt: p.datetime().nullable(),
    cancelledAt: p.datetime().nullable(),
    reversalDate: p.date().nullable().index(),
    description: p.text().nullable(),
    notes: p.text().nullable(),
    reference: p.text().nullable(),
    customerReference: p.text().nullable(),
    checkNumber: p.text().nullable(),
    thirdPartyReference: p.text().nullable(),
    customFields: p.json<Record<string, string>>(),
    searchText: p.text().default(""),
    externalSystem: p.string().length(40).nullable(),
    externalId: p.string().length(120).nullable(),
    /** Kept verbatim (`json`, not `jsonb`, on PostgreSQL). */
    sourceRecord: p.json<unknown>().nullable().columnType("json"),
    origin: p.string().length(64),
    createdBy: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.integer()
  },
  indexes: [
    { properties: ["customerId", "paymentDate", "id"] },
    { properties: ["paymentDate", "id"] },
    { properties: ["state", "paymentDate", "id"] },
    { properties: ["createdAt", "id"] },
    { properties: ["updatedAt", "id"] },
    // Vendor lists: LogiSense's default order (posted, creation then id), for all and for one account;
    // Elevate's customer payments (posted, id order).
    { properties: ["state", "createdAt", "id"] },
    { properties: ["customerId", "state", "createdAt", "id"] },
    { properties: ["customerId", "state", "id"] },
    // A customer-row list page in its default order (store/customer-row-seek.ts): a customer's payments without
    // an external reference in id order, and those with one.
    { properties: ["customerId", "externalSystem", "id"] },
    // The same filtered by a state (a list filtered by one payment state's statuses).
    { properties: ["customerId", "externalSystem", "state", "id"] },
    // Payments with something reversed (few): LogiSense lists read their reversal rows, of all accounts and of one.
    { properties: ["reversedAmount"] },
    { properties: ["customerId", "state", "reversedAmount", "id", "createdAt"] }
  ],
  uniques: [{ properties: ["externalSystem", "externalId"] }]
})
export type PaymentRow = InferEntity<typeof PaymentEntity>
