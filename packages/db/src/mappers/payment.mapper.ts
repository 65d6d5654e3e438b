/**
 * Payment: persistence row ↔ domain record. The free-text references are columns of their own,
 * the external reference is split in two, the source record is stored as JSON, and the search text
 * is derived from the record on every write (never read back).
 */
import { type CurrencyCode, type Payment, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { PaymentRow } from "../entities/payment.entity.ts"
import { paymentSearchText } from "../store/search-text.ts"
import { externalRefFromColumns, externalRefToColumns, orNull } from "./external-ref.ts"

export const paymentFromRow = (row: PaymentRow): Payment => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  referenceNumber: row.referenceNumber,
  number: orNull(row.number),
  customerId: trustedId(row.customerId),
  currency: row.currency as CurrencyCode,
  amount: row.amount,
  state: row.state,
  paymentDate: row.paymentDate,
  postedOn: orNull(row.postedOn),
  postedAt: orNull(row.postedAt),
  balanceAfterPosting: orNull(row.balanceAfterPosting),
  methodId: trustedIdOrNull(row.methodId),
  typeId: trustedIdOrNull(row.typeId),
  gatewayId: trustedIdOrNull(row.gatewayId),
  gatewayReference: orNull(row.gatewayReference),
  billingEntityId: trustedIdOrNull(row.billingEntityId),
  reversedAmount: row.reversedAmount,
  allocatedAmount: row.allocatedAmount,
  refundedAmount: row.refundedAmount,
  rejectionReason: orNull(row.rejectionReason),
  rejectedAt: orNull(row.rejectedAt),
  cancelledAt: orNull(row.cancelledAt),
  reversalDate: orNull(row.reversalDate),
  references: {
    description: orNull(row.description),
    notes: orNull(row.notes),
    reference: orNull(row.reference),
    customerReference: orNull(row.customerReference),
    checkNumber: orNull(row.checkNumber),
    thirdPartyReference: orNull(row.thirdPartyReference)
  },
  customFields: { ...row.customFields },
  externalRef: externalRefFromColumns(row),
  sourceRecord: row.sourceRecord ?? null,
  origin: row.origin,
  createdBy: trustedId(row.createdBy),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  version: row.version
})

export const paymentToRow = (record: Omit<Payment, "id">) => ({
  publicId: record.publicId,
  referenceNumber: record.referenceNumber,
  number: record.number,
  customerId: record.customerId,
  currency: record.currency,
  amount: record.amount,
  state: record.state,
  paymentDate: record.paymentDate,
  postedOn: record.postedOn,
  postedAt: record.postedAt,
  balanceAfterPosting: record.balanceAfterPosting,
  methodId: record.methodId,
  typeId: record.typeId,
  gatewayId: record.gatewayId,
  gatewayReference: record.gatewayReference,
  billingEntityId: record.billingEntityId,
  reversedAmount: record.reversedAmount,
  allocatedAmount: record.allocatedAmount,
  refundedAmount: record.refundedAmount,
  rejectionReason: record.rejectionReason,
  rejectedAt: record.rejectedAt,
  cancelledAt: record.cancelledAt,
  reversalDate: record.reversalDate,
  description: record.references.description,
  notes: record.references.notes,
  reference: record.references.reference,
  customerReference: record.references.customerReference,
  checkNumber: record.references.checkNumber,
  thirdPartyReference: record.references.thirdPartyReference,
  customFields: { ...record.customFields },
  searchText: paymentSearchText(record),
  ...externalRefToColumns(record.externalRef),
  sourceRecord: record.sourceRecord ?? null,
  origin: record.origin,
  createdBy: record.createdBy,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
  version: record.version
})
