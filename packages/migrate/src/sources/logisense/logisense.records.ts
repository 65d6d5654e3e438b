/**
 * LogiSense's Payment rows → normalised source records. A row with `reversePaymentId` is a
 * reversal of that payment (its `identity` is the reversal's id, its positive `amount` what was
 * reversed, `date` the effective day, `detail` the reason); every other row is a payment, posted
 * (LogiSense lists only successful payments), with its allocations from
 * `details.invoiceDisbursements`. LogiSense names the account (`accountId`, `accountName`) and
 * the invoice (`invoiceId`, `invoiceName`) on the rows, which is all the reader learns of them:
 * no currency, no invoice totals.
 */
import type { CurrencyCode } from "@paybridge/core"
import { type ExactJson, isJsonObject } from "../../http/exact-json.ts"
import {
  amountOf,
  businessDateOf,
  type CustomerRecord,
  type DocumentRecord,
  idOf,
  instantOf,
  type PaymentRecord,
  type ReversalRecord,
  type SourceAllocation,
  textOf
} from "../source-model.ts"

type Row = { readonly [key: string]: ExactJson }

export const isReversalRow = (row: Row): boolean => row.reversePaymentId !== null && row.reversePaymentId !== undefined

export const logisenseCustomerRecord = (row: Row, currency: CurrencyCode | null): CustomerRecord => {
  const id = idOf(row.accountId, "accountId")
  return {
    kind: "customer",
    sourceId: id,
    customerSourceId: id,
    aliases: {},
    notes: ["LogiSense's Payment API names the account only (no currency shown)"],
    raw: { accountId: row.accountId ?? null, accountName: row.accountName ?? null },
    name: textOf(row.accountName),
    number: null,
    email: null,
    currency,
    creditLimit: null
  }
}

export const disbursementsOf = (row: Row): ReadonlyArray<Row> => {
  const details = row.details
  const items = isJsonObject(details) ? details.invoiceDisbursements : undefined
  return Array.isArray(items) ? items.filter(isJsonObject) : []
}

export const logisenseDocumentRecord = (disbursement: Row, customerSourceId: string): DocumentRecord => {
  const id = idOf(disbursement.invoiceId, "invoiceId")
  return {
    kind: "document",
    sourceId: id,
    customerSourceId,
    aliases: typeof disbursement.invoiceName === "string" ? { number: disbursement.invoiceName } : {},
    notes: ["LogiSense's Payment API names an invoice only through its disbursements: no total"],
    raw: { invoiceId: disbursement.invoiceId ?? null, invoiceName: disbursement.invoiceName ?? null },
    documentKind: "invoice",
    number: textOf(disbursement.invoiceName),
    currency: null,
    total: null,
    outstanding: null,
    issueDate: null,
    dueDate: null,
    vendorState: null
  }
}

export const logisensePaymentRecord = (row: Row, currency: CurrencyCode | null): PaymentRecord => {
  const id = idOf(row.identity, "identity")
  const receivedAt = instantOf(row.date)
  const postedAt = instantOf(row.posting)
  const allocations: Array<SourceAllocation> = disbursementsOf(row).map((disbursement) => ({
    documentSourceId: idOf(disbursement.invoiceId, "invoiceId"),
    amount: amountOf(disbursement.amount, `payment ${id} disbursement amount`),
    allocationSourceId: idOf(disbursement.identity, "disbursement identity")
  }))
  return {
    kind: "payment",
    sourceId: id,
    customerSourceId: idOf(row.accountId, `payment ${id} accountId`),
    aliases: {},
    notes: [],
    raw: row,
    amount: amountOf(row.amount, `payment ${id} amount`),
    currency,
    state: row.posting === null ? "draft" : "posted",
    vendorState: row.posting === null ? "unposted" : "posted",
    paymentDate: businessDateOf(row.date),
    postedDate: businessDateOf(row.posting),
    ...(receivedAt === null ? {} : { receivedAt }),
    ...(postedAt === null ? {} : { postedAt }),
    method: textOf(row.paymentMethodName),
    type: textOf(row.paymentTypeName),
    reference: textOf(row.checkNumber),
    description: textOf(row.detail),
    allocations,
    reversedAmount: null
  }
}

export const logisenseReversalRecord = (row: Row): ReversalRecord => {
  const id = idOf(row.identity, "identity")
  return {
    kind: "reversal",
    sourceId: id,
    customerSourceId: idOf(row.accountId, `reversal ${id} accountId`),
    aliases: {},
    notes: [],
    raw: row,
    paymentSourceId: idOf(row.reversePaymentId, `reversal ${id} reversePaymentId`),
    amount: amountOf(row.amount, `reversal ${id} amount`),
    effectiveDate: businessDateOf(row.date),
    reason: textOf(row.detail)
  }
}
