/**
 * `ledgerInvariants` on hand-written records: a consistent customer (an invoice paid partly by a
 * posted payment, a draft's reservation, a partial reversal, a refund, an adjustment) has no
 * violation, and each kind of broken figure is reported with the record it concerns.
 */
import { describe, expect, it } from "vitest"
import {
  AllocationId,
  type BalanceEntry,
  BalanceEntryId,
  CustomerId,
  type CustomerMoney,
  DocumentId,
  ledgerInvariants,
  PaymentId,
  RefundId,
  ReversalId
} from "../../src/index.ts"

const at = new Date("2026-03-14T09:30:00.000Z")
const customerId = CustomerId.make(1)
const invoiceId = DocumentId.make(1)
const postedId = PaymentId.make(1)
const draftId = PaymentId.make(2)

const entry = (sequence: number, kind: BalanceEntry["kind"], delta: bigint, balanceAfter: bigint): BalanceEntry => ({
  id: BalanceEntryId.make(sequence),
  customerId,
  sequence,
  kind,
  delta,
  balanceAfter,
  paymentId: null,
  documentId: null,
  refundId: null,
  reversalId: null,
  description: null,
  occurredAt: at
})

const payment = {
  publicId: "p",
  referenceNumber: "1",
  customerId,
  currency: "EUR" as const,
  paymentDate: "2026-03-14",
  receivedAt: null,
  methodId: null,
  typeId: null,
  gatewayId: null,
  gatewayReference: null,
  billingEntityId: null,
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
  createdBy: 0 as const,
  createdAt: at,
  updatedAt: at,
  version: 1
}

// Invoice 10000; posted payment 8000: 1000 reversed, 500 refunded, 6000 allocated, 500 credit;
// a draft of 3000 reserving 3000 of the invoice; adjustment +200.
// Balance: −10000 + 8000 − 1000 − 500 + 200 = −3300.
const consistent: CustomerMoney = {
  customer: {
    id: customerId,
    publicId: "c",
    number: "1",
    name: "Acme",
    email: null,
    currency: "EUR",
    balance: -3300n,
    creditLimit: null,
    billingEntityId: null,
    externalRef: null,
    customFields: {},
    createdAt: at,
    updatedAt: at,
    version: 1
  },
  documents: [
    {
      id: invoiceId,
      publicId: "d",
      kind: "invoice",
      number: "1",
      customerId,
      billingEntityId: null,
      relatedDocumentId: null,
      currency: "EUR",
      total: 10000n,
      allocated: 6000n,
      outstanding: 4000n,
      state: "issued",
      issueDate: "2026-03-14",
      dueDate: null,
      externalRef: null,
      createdAt: at,
      updatedAt: at,
      version: 1
    }
  ],
  payments: [
    {
      ...payment,
      id: postedId,
      number: "1",
      amount: 8000n,
      state: "posted",
      postedOn: "2026-03-14",
      postedAt: at,
      balanceAfterPosting: -2000n,
      reversedAmount: 1000n,
      allocatedAmount: 6000n,
      refundedAmount: 500n
    },
    {
      ...payment,
      id: draftId,
      number: null,
      amount: 3000n,
      state: "draft",
      postedOn: null,
      postedAt: null,
      balanceAfterPosting: null,
      reversedAmount: 0n,
      allocatedAmount: 3000n,
      refundedAmount: 0n
    }
  ],
  allocations: [
    {
      id: AllocationId.make(1),
      paymentId: postedId,
      documentId: invoiceId,
      amount: 6000n,
      booked: true,
      createdAt: at
    },
    { id: AllocationId.make(2), paymentId: draftId, documentId: invoiceId, amount: 3000n, booked: false, createdAt: at }
  ],
  reversals: [
    {
      id: ReversalId.make(1),
      paymentId: postedId,
      amount: 1000n,
      effectiveDate: "2026-03-14",
      reversedAt: at,
      reason: null,
      reinstatedAt: null
    }
  ],
  refunds: [
    {
      id: RefundId.make(1),
      publicId: "r",
      paymentId: postedId,
      customerId,
      documentId: null,
      currency: "EUR",
      amount: 500n,
      state: "requested",
      reason: null,
      gatewayReference: null,
      createdAt: at,
      submittedAt: null,
      settledAt: null,
      cancelledAt: null,
      failedAt: null
    }
  ],
  balanceEntries: [
    entry(1, "document-issued", -10000n, -10000n),
    entry(2, "payment-posted", 8000n, -2000n),
    entry(3, "payment-reversed", -1000n, -3000n),
    entry(4, "refund", -500n, -3500n),
    entry(5, "adjustment", 200n, -3300n)
  ]
}

describe("ledgerInvariants", () => {
  it("finds nothing wrong with consistent records (reservations do not count on the document)", () => {
    expect(ledgerInvariants(consistent)).toEqual([])
  })

  it("reports a document whose outstanding amount disagrees with its booked allocations", () => {
    const [invoice] = consistent.documents
    if (invoice === undefined) throw new Error("no invoice")
    const broken = { ...consistent, documents: [{ ...invoice, allocated: 9000n, outstanding: 1000n }] }
    expect(ledgerInvariants(broken)).toEqual([
      "invoice 1: allocated 9000 ≠ booked allocations 6000",
      "invoice 1: outstanding 1000 ≠ total 10000 − allocations 6000"
    ])
  })

  it("reports a payment carrying more than it has, and a draft with a booked allocation", () => {
    const [posted, draft] = consistent.payments
    if (posted === undefined || draft === undefined) throw new Error("no payments")
    const violations = ledgerInvariants({
      ...consistent,
      payments: [{ ...posted, refundedAmount: 1500n }, draft],
      allocations: consistent.allocations.map((row) => ({ ...row, booked: true }))
    })
    expect(violations).toEqual(
      expect.arrayContaining([
        "payment 1: refunded 1500 ≠ live refunds 500",
        "payment 1: unallocated -500 is negative",
        "payment 2: draft payment has a booked allocation 2"
      ])
    )
  })

  it("reports a balance that disagrees with the records and a chain with a gap", () => {
    const violations = ledgerInvariants({
      ...consistent,
      customer: { ...consistent.customer, balance: -3000n },
      balanceEntries: consistent.balanceEntries.filter((row) => row.sequence !== 3)
    })
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining("customer 1: balance -3000 ≠ effective payments 6500"),
        "balance chain: entry 4 has sequence 4, expected 3"
      ])
    )
  })
})
