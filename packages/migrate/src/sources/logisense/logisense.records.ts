/**
 * LogiSense's Payment rows → normalised source records. A row with `reversePaymentId` is a
 * reversal of that payment (its `identity` is the reversal's id, its positive `amount` what was
 * reversed, `date` the effective day, `detail` the reason); every other row is a payment, posted
 * (LogiSense lists only successful payments), with its allocations from
 * `details.invoiceDisbursements`. LogiSense names the account (`accountId`, `accountName`) and
 * the invoice (`invoiceId`, `invoiceName`) on the rows, which is all the reader learns of them: no
 * currency, and of an invoice only what its disbursements paid — which is the total it is issued
 * with (`logisenseInvoiceTotals`), so every disbursement can be booked as the vendor shows it. What
 * the ledger has no field for — `isManual` (a gateway payment whose gateway did not come over), the
 * gateway transaction (`paymentTransactionId` and its name), a `baseAmount` LogiSense shows as null
 * (the owner currency is not the account's) — goes into the payment's `dialectAttributes` in the
 * form the LogiSense dialect keeps a payment's vendor attributes (its `logisense` record of the
 * payment, and the names of vendor references).
 */
import type { CurrencyCode } from "@paybridge/core"
import { type ExactJson, isJsonObject } from "../../http/exact-json.ts"
import {
  addAmounts,
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

/**
 * What each invoice's disbursements paid, over every row LogiSense lists (reversal rows carry none):
 * the invoice id → the sum of its disbursement amounts, exactly.
 */
export const logisenseInvoiceTotals = (rows: ReadonlyArray<Row>): ReadonlyMap<string, string> => {
  const totals = new Map<string, string>()
  for (const row of rows) {
    if (isReversalRow(row)) continue
    for (const disbursement of disbursementsOf(row)) {
      const id = idOf(disbursement.invoiceId, "invoiceId")
      const amount = amountOf(disbursement.amount, `invoice ${id} disbursement amount`)
      totals.set(id, addAmounts(totals.get(id) ?? "0", amount))
    }
  }
  return totals
}

export const logisenseDocumentRecord = (
  disbursement: Row,
  customerSourceId: string,
  currency: CurrencyCode | null,
  total: string | null
): DocumentRecord => {
  const id = idOf(disbursement.invoiceId, "invoiceId")
  return {
    kind: "document",
    sourceId: id,
    customerSourceId,
    aliases: typeof disbursement.invoiceName === "string" ? { number: disbursement.invoiceName } : {},
    notes: [
      "LogiSense's Payment API names an invoice only through its disbursements: issued for what they paid (its own total and what it still owes are not shown)"
    ],
    raw: { invoiceId: disbursement.invoiceId ?? null, invoiceName: disbursement.invoiceName ?? null },
    documentKind: "invoice",
    number: textOf(disbursement.invoiceName),
    currency,
    total,
    outstanding: null,
    issueDate: null,
    dueDate: null,
    vendorState: null
  }
}

/**
 * A payment row's attributes the ledger has no field for, as the LogiSense dialect keeps them in its
 * `payment` record (keyed by the ledger id): `isManual` as shown; the gateway transaction as a kept
 * vendor reference (`references.paymentTransactionId`, its name in a `payment-transaction` record);
 * `noBaseAmount` when LogiSense shows `baseAmount: null` (the owner currency is not the account's,
 * and the ledger would show the amount). Empty when the row shows nothing the ledger would not.
 */
export const logisenseDialectAttributes = (
  row: Row
): Pick<PaymentRecord, "dialectAttributes" | "dialectRecordKey" | "dialectReferences"> => {
  const data: Record<string, unknown> = {}
  const references: Array<NonNullable<PaymentRecord["dialectReferences"]>[number]> = []
  if (row.isManual === false) data.isManual = false
  const transaction = row.paymentTransactionId
  if (typeof transaction === "number" && Number.isSafeInteger(transaction)) {
    data.references = { paymentTransactionId: transaction }
    const name = textOf(row.paymentTransactionName)
    if (name !== null) references.push({ kind: "payment-transaction", key: String(transaction), data: { name } })
  }
  if (row.baseAmount === null && row.amount !== null && row.amount !== undefined) data.noBaseAmount = true
  if (Object.keys(data).length === 0) return {}
  return {
    dialectAttributes: data,
    dialectRecordKey: "ledgerId",
    ...(references.length === 0 ? {} : { dialectReferences: references })
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
    reversedAmount: null,
    ...logisenseDialectAttributes(row)
  }
}

/**
 * A reversal row: `reversePaymentName` (the payment's name at LogiSense) goes into the dialect's
 * `reversal` record, as the dialect keeps a reversal row's vendor attributes: the migrated payment
 * is numbered by the ledger, so its own name need not be LogiSense's.
 */
export const logisenseReversalRecord = (row: Row): ReversalRecord => {
  const id = idOf(row.identity, "identity")
  const paymentName = textOf(row.reversePaymentName)
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
    reason: textOf(row.detail),
    ...(paymentName === null ? {} : { dialectAttributes: { kind: "reversal", data: { paymentName } } })
  }
}
