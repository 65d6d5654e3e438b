/**
 * Record factories for the store tests: complete, valid records of every kind with every field
 * set, so a round trip through the database proves each column is stored and read back exactly.
 */
import {
  type ApiKeyRecord,
  type BalanceEntry,
  type BillingEntity,
  type Customer,
  type Document,
  type LedgerEvent,
  type New,
  newPublicId,
  type Payment,
  type Refund,
  type UserRecord
} from "@paybridge/core"

let counter = 0
export const unique = (prefix: string): string => {
  counter += 1
  return `${prefix}-${Date.now().toString(36)}-${counter}`
}

/** A timestamp with whole milliseconds (what both databases keep). */
export const at = (iso: string): Date => new Date(iso)

export const newBillingEntity = (overrides: Partial<New<BillingEntity>> = {}): New<BillingEntity> => ({
  publicId: newPublicId(),
  name: "Paybridge Billing Ltd",
  email: "billing@example.com",
  flow: "proforma",
  defaultCurrency: "EUR",
  createdAt: at("2026-01-02T03:04:05.678Z"),
  ...overrides
})

export const newCustomer = (overrides: Partial<New<Customer>> = {}): New<Customer> => ({
  publicId: newPublicId(),
  number: unique("C"),
  name: "Acme Trading",
  email: "accounts@acme.example",
  currency: "EUR",
  balance: 0n,
  creditLimit: null,
  billingEntityId: null,
  externalRef: null,
  customFields: {},
  createdAt: at("2026-01-02T03:04:05.678Z"),
  updatedAt: at("2026-01-02T03:04:05.678Z"),
  version: 1,
  ...overrides
})

export const newDocument = (customerId: number, overrides: Partial<New<Document>> = {}): New<Document> => ({
  publicId: newPublicId(),
  kind: "invoice",
  number: unique("INV"),
  customerId,
  billingEntityId: null,
  relatedDocumentId: null,
  currency: "EUR",
  total: 10_000n,
  allocated: 0n,
  outstanding: 10_000n,
  state: "issued",
  issueDate: "2026-03-01",
  dueDate: "2026-03-31",
  externalRef: null,
  createdAt: at("2026-03-01T09:00:00.000Z"),
  updatedAt: at("2026-03-01T09:00:00.000Z"),
  version: 1,
  ...overrides
})

export const newPayment = (customerId: number, overrides: Partial<New<Payment>> = {}): New<Payment> => ({
  publicId: newPublicId(),
  referenceNumber: unique("R"),
  number: null,
  customerId,
  currency: "EUR",
  amount: 2_500n,
  state: "posted",
  paymentDate: "2026-04-15",
  postedOn: "2026-04-15",
  postedAt: at("2026-04-15T10:11:12.131Z"),
  balanceAfterPosting: 2_500n,
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
  origin: "trpc",
  createdBy: 1,
  createdAt: at("2026-04-15T10:11:12.131Z"),
  updatedAt: at("2026-04-15T10:11:12.131Z"),
  version: 1,
  ...overrides
})

export const newRefund = (
  paymentId: number,
  customerId: number,
  overrides: Partial<New<Refund>> = {}
): New<Refund> => ({
  publicId: newPublicId(),
  paymentId,
  customerId,
  documentId: null,
  currency: "EUR",
  amount: 500n,
  state: "requested",
  reason: "customer asked",
  gatewayReference: null,
  createdAt: at("2026-05-01T00:00:00.000Z"),
  submittedAt: null,
  settledAt: null,
  cancelledAt: null,
  failedAt: null,
  ...overrides
})

export const newBalanceEntry = (
  customerId: number,
  overrides: Partial<Omit<New<BalanceEntry>, "sequence">> = {}
): Omit<New<BalanceEntry>, "sequence"> => ({
  customerId,
  kind: "adjustment",
  delta: 100n,
  balanceAfter: 100n,
  paymentId: null,
  documentId: null,
  refundId: null,
  reversalId: null,
  description: null,
  occurredAt: at("2026-05-01T00:00:00.000Z"),
  ...overrides
})

export const newEvent = (overrides: Partial<New<LedgerEvent>> = {}): New<LedgerEvent> => ({
  type: "payment.created",
  entity: "payment",
  entityId: 1,
  customerId: null,
  paymentId: null,
  occurredAt: at("2026-05-01T00:00:00.000Z"),
  actorId: 1,
  actorName: "system",
  origin: "system",
  requestId: null,
  idempotencyKey: null,
  data: {},
  ...overrides
})

export const newUser = (overrides: Partial<New<UserRecord>> = {}): New<UserRecord> => ({
  email: `${unique("user")}@example.com`,
  name: "Fran Finance",
  role: "finance",
  passwordHash: "scrypt$abc",
  customerScope: null,
  createdAt: at("2026-01-01T00:00:00.000Z"),
  ...overrides
})

export const newApiKey = (userId: number, overrides: Partial<New<ApiKeyRecord>> = {}): New<ApiKeyRecord> => ({
  userId,
  prefix: unique("pfx"),
  secretHash: "sha256$def",
  label: "integration",
  createdAt: at("2026-01-01T00:00:00.000Z"),
  revokedAt: null,
  ...overrides
})
