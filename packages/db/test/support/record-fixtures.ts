/**
 * Complete, valid records of the ledger's main kinds (every field set, fixed dates, numbers chosen
 * by the caller), for tests that insert rows straight into a `LedgerStore` and override the fields
 * they care about.
 */
import {
  type Customer,
  type CustomerId,
  type Document,
  type LedgerEvent,
  type New,
  type Payment,
  UserId
} from "@paybridge/core"

const at = (iso: string) => new Date(iso)

export const customerRow = (number: string, overrides: Partial<New<Customer>> = {}): New<Customer> => ({
  publicId: `C${number.padStart(31, "0")}`,
  number,
  name: `Customer ${number}`,
  email: null,
  currency: "EUR",
  balance: 0n,
  creditLimit: null,
  billingEntityId: null,
  externalRef: null,
  customFields: {},
  createdAt: at("2026-01-01T00:00:00.000Z"),
  updatedAt: at("2026-01-01T00:00:00.000Z"),
  version: 1,
  ...overrides
})

export const documentRow = (
  customerId: CustomerId,
  number: string,
  overrides: Partial<New<Document>> = {}
): New<Document> => ({
  // Numbers are unique per kind, public ids per record: the kind is part of the public id.
  publicId: `D${["invoice", "bill", "proforma"].indexOf(overrides.kind ?? "invoice")}${number.padStart(30, "0")}`,
  kind: "invoice",
  number,
  customerId,
  billingEntityId: null,
  relatedDocumentId: null,
  currency: "EUR",
  total: 1000n,
  allocated: 0n,
  outstanding: 1000n,
  state: "issued",
  issueDate: "2026-01-01",
  dueDate: null,
  externalRef: null,
  createdAt: at("2026-01-01T00:00:00.000Z"),
  updatedAt: at("2026-01-01T00:00:00.000Z"),
  version: 1,
  ...overrides
})

export const paymentRow = (
  customerId: CustomerId,
  referenceNumber: string,
  overrides: Partial<New<Payment>> = {}
): New<Payment> => ({
  publicId: `P${referenceNumber.padStart(31, "0")}`,
  referenceNumber,
  number: null,
  customerId,
  currency: "EUR",
  amount: 1000n,
  state: "posted",
  paymentDate: "2026-01-01",
  postedOn: null,
  receivedAt: null,
  postedAt: null,
  balanceAfterPosting: null,
  methodId: null,
  typeId: null,
  gatewayId: null,
  gatewayReference: null,
  billingEntityId: null,
  reversedAmount: 0n,
  allocatedAmount: 0n,
  refundedAmount: 0n,
  rejectionReason: null,
  rejectedAt: null,
  cancelledAt: null,
  reversalDate: null,
  references: {
    description: null,
    notes: null,
    reference: null,
    customerReference: null,
    checkNumber: null,
    thirdPartyReference: null
  },
  customFields: {},
  externalRef: null,
  sourceRecord: null,
  origin: "system",
  createdBy: UserId.make(1),
  createdAt: at("2026-01-01T00:00:00.000Z"),
  updatedAt: at("2026-01-01T00:00:00.000Z"),
  version: 1,
  ...overrides
})

export const eventRow = (overrides: Partial<New<LedgerEvent>> = {}): New<LedgerEvent> => ({
  type: "payment.created",
  entity: "payment",
  entityId: 1,
  customerId: null,
  paymentId: null,
  occurredAt: at("2026-01-01T00:00:00.000Z"),
  actorId: UserId.make(1),
  actorName: "system",
  origin: "system",
  requestId: null,
  idempotencyKey: null,
  data: {},
  ...overrides
})
