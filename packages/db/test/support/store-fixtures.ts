/**
 * Record factories for the store tests: complete, valid records of every kind with every field
 * set, so a round trip through the database proves each column is stored and read back exactly.
 * Customers, documents, payments and events start from the core's record fixtures (the same
 * complete shape the store contract inserts), with this suite's own values.
 */
import {
  type ApiKeyRecord,
  type BalanceEntry,
  type BillingEntity,
  type Customer,
  type CustomerId,
  type Document,
  type Gateway,
  type LedgerEvent,
  type New,
  newPublicId,
  type Payment,
  type PaymentId,
  type PaymentPreset,
  type Refund,
  type UserId,
  type UserRecord
} from "@paybridge/core"
import { customerRow, documentRow, eventRow, paymentRow } from "./record-fixtures.ts"

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

export const newCustomer = (overrides: Partial<New<Customer>> = {}): New<Customer> =>
  customerRow(unique("C"), {
    publicId: newPublicId(),
    name: "Acme Trading",
    email: "accounts@acme.example",
    createdAt: at("2026-01-02T03:04:05.678Z"),
    updatedAt: at("2026-01-02T03:04:05.678Z"),
    ...overrides
  })

export const newDocument = (customerId: CustomerId, overrides: Partial<New<Document>> = {}): New<Document> =>
  documentRow(customerId, unique("INV"), {
    publicId: newPublicId(),
    total: 10_000n,
    outstanding: 10_000n,
    issueDate: "2026-03-01",
    dueDate: "2026-03-31",
    createdAt: at("2026-03-01T09:00:00.000Z"),
    updatedAt: at("2026-03-01T09:00:00.000Z"),
    ...overrides
  })

export const newPayment = (customerId: CustomerId, overrides: Partial<New<Payment>> = {}): New<Payment> =>
  paymentRow(customerId, unique("R"), {
    publicId: newPublicId(),
    amount: 2_500n,
    paymentDate: "2026-04-15",
    postedOn: "2026-04-15",
    receivedAt: at("2026-04-15T09:08:07.065Z"),
    postedAt: at("2026-04-15T10:11:12.131Z"),
    balanceAfterPosting: 2_500n,
    origin: "trpc",
    createdAt: at("2026-04-15T10:11:12.131Z"),
    updatedAt: at("2026-04-15T10:11:12.131Z"),
    ...overrides
  })

export const newRefund = (
  paymentId: PaymentId,
  customerId: CustomerId,
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
  customerId: CustomerId,
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

export const newEvent = (overrides: Partial<New<LedgerEvent>> = {}): New<LedgerEvent> =>
  eventRow({ occurredAt: at("2026-05-01T00:00:00.000Z"), ...overrides })

export const newUser = (overrides: Partial<New<UserRecord>> = {}): New<UserRecord> => ({
  email: `${unique("user")}@example.com`,
  name: "Fran Finance",
  role: "finance",
  passwordHash: "scrypt$abc",
  customerScope: null,
  createdAt: at("2026-01-01T00:00:00.000Z"),
  ...overrides
})

export const newApiKey = (userId: UserId, overrides: Partial<New<ApiKeyRecord>> = {}): New<ApiKeyRecord> => ({
  userId,
  prefix: unique("pfx"),
  secretHash: "sha256$def",
  label: "integration",
  createdAt: at("2026-01-01T00:00:00.000Z"),
  revokedAt: null,
  ...overrides
})

export const newGateway = (overrides: Partial<New<Gateway>> = {}): New<Gateway> => ({
  publicId: newPublicId(),
  code: unique("gw"),
  name: "Test gateway",
  driver: "test",
  enabled: true,
  createdAt: at("2026-01-01T00:00:00.000Z"),
  ...overrides
})

export const newPreset = (
  kind: PaymentPreset["kind"],
  overrides: Partial<New<PaymentPreset>> = {}
): New<PaymentPreset> => ({
  publicId: newPublicId(),
  kind,
  code: unique(kind),
  name: `A ${kind}`,
  available: true,
  gatewayId: null,
  createdAt: at("2026-01-01T00:00:00.000Z"),
  ...overrides
})
