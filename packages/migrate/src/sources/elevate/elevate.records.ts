/**
 * Elevate's wire records → normalised source records. Customers come from credit status and
 * balances (Elevate's payment API shows no name); `currencyId` is the ISO 4217 numeric code.
 * A customer payment row with an id below `1000000000000` is a posted payment. Rows from
 * `1000000000000 + balance entry id` are the customer's balance movements made anywhere (issue
 * 12.3), told apart by what they say: a refund or its voiding (`refund of …`) is already read, with
 * its state, from `GET refunds`, so it yields nothing here; `payment <id> reversed` is a reversal of
 * that customer payment (by the id Elevate shows it under) for the row's amount, and `payment <id>
 * reinstated` undoes the latest reversal of it; anything else (Elevate's own debits, adjustments) is
 * a balance adjustment. Invoice payments are the payment's allocations: NORMAL ones to invoices
 * (`invoice:<id>`), ADHOC ones to adhoc invoices (`adhoc-invoice:<id>`, Paybridge's bills) — two id
 * spaces at the vendor.
 */
import type { CurrencyCode } from "@paybridge/core"
import type { ExactJson } from "../../http/exact-json.ts"
import {
  type AdjustmentRecord,
  addAmounts,
  amountOf,
  type BalanceRecord,
  businessDateOf,
  type CustomerRecord,
  currencyOf,
  type DocumentRecord,
  idOf,
  negateAmount,
  optionalAmountOf,
  type PaymentRecord,
  type RefundRecord,
  type ReinstatementRecord,
  type ReversalRecord,
  type SourceAllocation,
  SourceFormatError,
  type SourceRecord,
  type SourceRefundState,
  textOf
} from "../source-model.ts"

type Row = { readonly [key: string]: ExactJson }

/**
 * Elevate shows on every customer-payment row `resultingCustomerBalance`, the customer's balance
 * after it: a historical fact the ledger's own balance chain cannot reproduce (Elevate shows no
 * document totals nor when its invoices were issued between rows). It is kept with the migrated
 * payment in the Elevate dialect's `customer-payment` record (keyed by the ledger id), and with a
 * migrated movement in the dialect's `migrated-movement` record, and the dialect shows it for those
 * rows (adapter-elevate README "Migrated rows").
 */
const paymentRecordKind = "customer-payment"
const movementRecordKind = "migrated-movement"
/** Likewise `customer-balances`' `totalPaymentsSinceLastInvoice` (when Elevate issued its last invoice is not shown). */
const balanceRecordKind = "migrated-balance"

/** A row's resulting balance as the dialect keeps it: exact decimal text, or null when the row shows none. */
const resultingBalanceOf = (row: Row, what: string) => ({
  resultingCustomerBalance: optionalAmountOf(row.resultingCustomerBalance, `${what} resultingCustomerBalance`)
})

/**
 * What the dialect keeps of a movement row: its resulting balance and its `paymentDate` — the ledger's
 * balance entry is made on the day the migration books it, Elevate's row shows the day it happened.
 */
const movementRowOf = (row: Row, what: string) => {
  const paymentDate = businessDateOf(row.paymentDate)
  return { ...resultingBalanceOf(row, what), ...(paymentDate === null ? {} : { paymentDate }) }
}

const movementAttributesOf = (made: Row | undefined, voided?: Row) => ({
  kind: movementRecordKind,
  ...(made === undefined ? {} : { made: movementRowOf(made, `row ${String(made.id)}`) }),
  ...(voided === undefined ? {} : { voided: movementRowOf(voided, `row ${String(voided.id)}`) })
})

/** ISO 4217 numeric → alphabetic code, for Elevate's `currencyId`. */
const currencyByNumber: Readonly<Record<number, string>> = {
  8: "ALL",
  32: "ARS",
  36: "AUD",
  48: "BHD",
  124: "CAD",
  152: "CLP",
  156: "CNY",
  170: "COP",
  203: "CZK",
  208: "DKK",
  344: "HKD",
  348: "HUF",
  352: "ISK",
  356: "INR",
  360: "IDR",
  376: "ILS",
  392: "JPY",
  400: "JOD",
  404: "KES",
  410: "KRW",
  414: "KWD",
  458: "MYR",
  484: "MXN",
  512: "OMR",
  554: "NZD",
  566: "NGN",
  578: "NOK",
  586: "PKR",
  608: "PHP",
  634: "QAR",
  682: "SAR",
  702: "SGD",
  704: "VND",
  710: "ZAR",
  752: "SEK",
  756: "CHF",
  764: "THB",
  784: "AED",
  788: "TND",
  818: "EGP",
  826: "GBP",
  840: "USD",
  901: "TWD",
  946: "RON",
  949: "TRY",
  975: "BGN",
  978: "EUR",
  980: "UAH",
  985: "PLN",
  986: "BRL",
  990: "CLF"
}

export const elevateCurrency = (currencyId: unknown): CurrencyCode | null =>
  typeof currencyId === "number" ? currencyOf(currencyByNumber[currencyId]) : null

const refundStates: Readonly<Record<string, SourceRefundState>> = {
  CREATED: "requested",
  PENDING_SUBMISSION: "requested",
  SUBMITTED: "submitted",
  REFUND_SETTLED: "settled",
  PAID: "settled",
  MANUALLY_REFUNDED: "settled",
  CANCELLED: "cancelled",
  BOUNCED: "failed",
  FUNDS_RETURNED: "failed"
}

/** `invoice:<id>` for NORMAL bill runs, `adhoc-invoice:<id>` for ADHOC ones. */
export const elevateDocumentId = (billRunType: unknown, invoiceId: unknown): string =>
  `${billRunType === "ADHOC" ? "adhoc-invoice" : "invoice"}:${idOf(invoiceId, "invoice id")}`

export const elevateCustomerRecord = (creditStatus: Row, balance: Row): CustomerRecord => {
  const id = idOf(creditStatus.customerId, "customerId")
  return {
    kind: "customer",
    sourceId: id,
    customerSourceId: id,
    aliases: {},
    notes: ["Elevate's payment API shows no customer name"],
    raw: { creditStatus, balance },
    name: null,
    number: null,
    email: null,
    currency: elevateCurrency(balance.currencyId),
    creditLimit: optionalAmountOf(creditStatus.creditThreshold, `customer ${id} creditThreshold`)
  }
}

export const elevateBalanceRecord = (balance: Row): BalanceRecord => {
  const customer = idOf(balance.customerId, "customerId")
  return {
    kind: "balance",
    sourceId: customer,
    customerSourceId: customer,
    aliases: {},
    notes: [],
    raw: balance,
    balance: amountOf(balance.balance, `customer ${customer} balance`),
    currency: elevateCurrency(balance.currencyId),
    customerAttributes: {
      kind: balanceRecordKind,
      data: {
        totalPaymentsSinceLastInvoice: optionalAmountOf(
          balance.totalPaymentsSinceLastInvoice,
          `customer ${customer} totalPaymentsSinceLastInvoice`
        )
      }
    }
  }
}

export const elevatePaymentRecord = (row: Row, allocations: ReadonlyArray<SourceAllocation>): PaymentRecord => {
  const id = idOf(row.id, "customer payment id")
  return {
    kind: "payment",
    sourceId: id,
    customerSourceId: idOf(row.customerId, `payment ${id} customerId`),
    aliases: {},
    notes: [],
    raw: row,
    amount: amountOf(row.amountInMajorCurrency, `payment ${id} amountInMajorCurrency`),
    currency: elevateCurrency(row.currencyId),
    state: "posted",
    vendorState: textOf(row.txnType) ?? "PAYMENT",
    paymentDate: businessDateOf(row.paymentDate),
    postedDate: null,
    method: textOf(row.type),
    type: textOf(row.customerPaymentType),
    reference: textOf(row.reference),
    description: textOf(row.description),
    allocations,
    reversedAmount: null,
    dialectAttributes: resultingBalanceOf(row, `payment ${id}`),
    dialectRecordKey: "ledgerId",
    dialectRecordKind: paymentRecordKind
  }
}

/** Where the ids of the balance movement rows start (`1000000000000 + balance entry id`). */
export const elevateMovementIdBase = 1_000_000_000_000n

export type ElevateMovement = "refund" | "payment-reversal" | "adjustment"

/** The customer payment a `payment <id> reversed|reinstated` row names, and which of the two it is (null: neither). */
export const elevateReversalOf = (
  row: Row
): { readonly paymentSourceId: string; readonly reinstated: boolean } | null => {
  const match = /^payment (\d+) (reversed|reinstated)$/u.exec(textOf(row.description) ?? "")
  if (match === null) return null
  return { paymentSourceId: match[1] as string, reinstated: match[2] === "reinstated" }
}

/** A `payment <id> reversed` row → a reversal of that payment for the row's amount, on the row's day. */
export const elevateReversalRecord = (row: Row, paymentSourceId: string): ReversalRecord => {
  const id = idOf(row.id, "customer payment id")
  return {
    kind: "reversal",
    sourceId: id,
    customerSourceId: idOf(row.customerId, `reversal ${id} customerId`),
    aliases: { movement: id },
    notes: ["Elevate shows a reversal only as a balance movement: no reason"],
    raw: row,
    paymentSourceId,
    amount: negateAmount(amountOf(row.amountInMajorCurrency, `reversal ${id} amountInMajorCurrency`)),
    effectiveDate: businessDateOf(row.paymentDate),
    reason: null,
    movementAttributes: movementAttributesOf(row)
  }
}

/** A `payment <id> reinstated` row → the reversal `reversalSourceId` (the payment's latest one read) undone. */
export const elevateReinstatementRecord = (
  row: Row,
  paymentSourceId: string,
  reversalSourceId: string | null
): ReinstatementRecord => {
  const id = idOf(row.id, "customer payment id")
  return {
    kind: "reinstatement",
    sourceId: id,
    customerSourceId: idOf(row.customerId, `reinstatement ${id} customerId`),
    aliases: { movement: id },
    notes: [],
    raw: row,
    paymentSourceId,
    reversalSourceId,
    amount: amountOf(row.amountInMajorCurrency, `reinstatement ${id} amountInMajorCurrency`),
    movementAttributes: movementAttributesOf(row)
  }
}

/** What a `customer-payments` row is: a payment, or which balance movement (null for a payment). */
export const elevateMovementOf = (row: Row): ElevateMovement | null => {
  const id = idOf(row.id, "customer payment id")
  if (!/^\d+$/u.test(id) || BigInt(id) < elevateMovementIdBase) return row.txnType === "DEBIT" ? "adjustment" : null
  // Elevate's own debits keep the reference they were made with; other protocols' movements show the ledger's text.
  if (row.reference !== null && row.reference !== undefined) return "adjustment"
  const description = textOf(row.description) ?? ""
  if (/^refund of /u.test(description)) return "refund"
  if (/^payment \S+ (?:reversed|reinstated)$/u.test(description)) return "payment-reversal"
  return "adjustment"
}

export const elevateAdjustmentRecord = (row: Row): AdjustmentRecord => {
  const id = idOf(row.id, "customer payment id")
  return {
    kind: "adjustment",
    sourceId: id,
    customerSourceId: idOf(row.customerId, `debit ${id} customerId`),
    aliases: { movement: id },
    notes:
      elevateMovementOf(row) === "payment-reversal"
        ? ["a payment reversal or reinstatement that names no customer payment id: read as a balance movement"]
        : [],
    raw: row,
    amount: amountOf(row.amountInMajorCurrency, `debit ${id} amountInMajorCurrency`),
    currency: elevateCurrency(row.currencyId),
    date: businessDateOf(row.paymentDate),
    description: textOf(row.description),
    movementAttributes: movementAttributesOf(row)
  }
}

/** What a document's invoice payments paid, exactly (the total it is issued with: Elevate shows no document total). */
export const elevatePaidTotal = (events: ReadonlyArray<Row>): string =>
  events.reduce(
    (sum, event) =>
      addAmounts(sum, amountOf(event.amountInMajorCurrency, `invoice payment ${String(event.id)} amount`)),
    "0"
  )

/**
 * An invoice payment (one allocation of a payment to a document) → the document it names, issued
 * for what its invoice payments paid (`paid`, from the list by `generatedInvoiceId`): Elevate's
 * payment API shows no document total, and what open documents still owe is the customer's open
 * bill-run value, brought forward as a document of its own ({@link elevateOpenBillRunRecord}).
 */
export const elevateDocumentRecord = (row: Row, paid: string): DocumentRecord => {
  const sourceId = elevateDocumentId(row.billRunType, row.invoiceId)
  return {
    kind: "document",
    sourceId,
    customerSourceId: idOf(row.customerId, `${sourceId} customerId`),
    aliases: typeof row.invoiceNumber === "string" ? { number: row.invoiceNumber } : {},
    notes: [
      "Elevate's payment API shows a document only through its payments: issued for what they paid (what it still owes is in the customer's open bill-run value)"
    ],
    raw: {
      invoiceId: row.invoiceId ?? null,
      invoiceNumber: row.invoiceNumber ?? null,
      billRunType: row.billRunType ?? null
    },
    documentKind: row.billRunType === "ADHOC" ? "bill" : "invoice",
    number: textOf(row.invoiceNumber),
    currency: elevateCurrency(row.currencyId),
    total: paid,
    outstanding: null,
    issueDate: null,
    dueDate: null,
    vendorState: null
  }
}

/**
 * The customer's open bill-run value (credit status: what its open invoices and bills still owe, not
 * shown per document) as one invoice `open-bill-run:<customer>` issued before the payments, so the
 * customer owes in the ledger what Elevate says; null when nothing is open.
 */
export const elevateOpenBillRunRecord = (creditStatus: Row, currency: CurrencyCode | null): DocumentRecord | null => {
  const customer = idOf(creditStatus.customerId, "customerId")
  const open = optionalAmountOf(creditStatus.openBillRunValue, `customer ${customer} openBillRunValue`)
  if (open === null || /^-|^[0.]+$/u.test(open)) return null
  return {
    kind: "document",
    sourceId: `open-bill-run:${customer}`,
    customerSourceId: customer,
    aliases: {},
    notes: [
      "what the customer's open invoices still owe (Elevate's open bill-run value), brought forward as one invoice: Elevate shows no open document of its own"
    ],
    raw: { customerId: creditStatus.customerId ?? null, openBillRunValue: creditStatus.openBillRunValue ?? null },
    documentKind: "invoice",
    number: `BF-${customer}`,
    currency,
    total: open,
    outstanding: open,
    issueDate: null,
    dueDate: null,
    vendorState: null
  }
}

export const elevateAllocation = (row: Row): SourceAllocation => ({
  documentSourceId: elevateDocumentId(row.billRunType, row.invoiceId),
  amount: amountOf(row.amountInMajorCurrency, `invoice payment ${String(row.id)} amount`),
  allocationSourceId: idOf(row.id, "invoice payment id")
})

/**
 * A refund of `GET refunds`; `paymentSourceId` when its movement row names the payment it paid back,
 * `movements` the ids of its movement rows (the refund, and its voiding) as aliases.
 */
export const elevateRefundRecord = (
  row: Row,
  paymentSourceId: string | null,
  movements: { readonly movement?: Row; readonly voided?: Row } = {}
): RefundRecord => {
  const id = idOf(row.id, "refund id")
  const status = textOf(row.thirdPartyRefundStatus) ?? ""
  const state = refundStates[status]
  if (state === undefined) throw new SourceFormatError(`refund ${id}: unknown status ${JSON.stringify(status)}`)
  return {
    kind: "refund",
    sourceId: id,
    customerSourceId: idOf(row.customerId, `refund ${id} customerId`),
    aliases: {
      ...(movements.movement === undefined ? {} : { movement: idOf(movements.movement.id, "refund row id") }),
      ...(movements.voided === undefined ? {} : { voided: idOf(movements.voided.id, "voided refund row id") })
    },
    notes:
      paymentSourceId === null
        ? ["Elevate's refunds do not say which payment they paid back, and no movement row told it"]
        : [],
    raw: row,
    paymentSourceId,
    documentSourceId:
      row.invoiceId === null || row.invoiceId === undefined ? null : elevateDocumentId(row.billRunType, row.invoiceId),
    amount: amountOf(row.amountInMajorCurrency, `refund ${id} amountInMajorCurrency`),
    state,
    vendorState: status,
    date: null,
    reason: textOf(row.description),
    ...(movements.movement === undefined && movements.voided === undefined
      ? {}
      : { movementAttributes: movementAttributesOf(movements.movement, movements.voided) })
  }
}

const byNumericId = (a: Row, b: Row) => {
  const x = BigInt(idOf(a.id, "id"))
  const y = BigInt(idOf(b.id, "id"))
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * What each balance movement row of a customer's list books (`null`: nothing of its own), by row id;
 * rows not in the map are payments. `payment <id> reversed` → a reversal of that payment;
 * `payment <id> reinstated` → its latest reversal before it undone; `refund of payment <id>` → the
 * refund of `GET refunds` it is (refunds and their rows are both in the order they were made, and
 * must agree in number and amount; otherwise the refunds are read with no payment named, in their
 * own stream, and the rows yield nothing); a refund's voiding (`refund of payment <id> <state>`)
 * → nothing (the refund's state says it); anything else → a balance adjustment.
 */
export const elevateMovementPlan = (
  rows: ReadonlyArray<Row>,
  refunds: ReadonlyArray<Row>
): ReadonlyMap<string, SourceRecord | null> => {
  const plan = new Map<string, SourceRecord | null>()
  const movements = rows.filter((row) => elevateMovementOf(row) !== null).sort(byNumericId)
  const refundRows = movements.flatMap((row) => {
    if (elevateMovementOf(row) !== "refund") return []
    const named = /^refund of payment (\d+)$/u.exec(textOf(row.description) ?? "")?.[1]
    return named === undefined ? [] : [{ row, paymentSourceId: named }]
  })
  const ordered = [...refunds].sort(byNumericId)
  const paired =
    refundRows.length === ordered.length &&
    refundRows.every(
      ({ row }, index) =>
        negateAmount(amountOf(row.amountInMajorCurrency, "refund row amount")) ===
        amountOf(ordered[index]?.amountInMajorCurrency, "refund amount")
    )
  const refundOf = new Map(
    paired ? refundRows.map(({ row, paymentSourceId }, index) => [String(row.id), { paymentSourceId, index }]) : []
  )
  // A refund's voiding: the first `refund of payment <id> <state>` row after its refund row, for the same payment.
  const voidedOf = new Map<string, Row>()
  const taken = new Set<string>()
  for (const { row, paymentSourceId } of paired ? refundRows : []) {
    const after = BigInt(idOf(row.id, "id"))
    const voided = movements.find(
      (candidate) =>
        BigInt(idOf(candidate.id, "id")) > after &&
        !taken.has(String(candidate.id)) &&
        new RegExp(`^refund of payment ${paymentSourceId} \\S+$`, "u").test(textOf(candidate.description) ?? "")
    )
    if (voided !== undefined) {
      taken.add(String(voided.id))
      voidedOf.set(String(row.id), voided)
    }
  }
  const reversalsOf = new Map<string, Array<string>>()
  for (const row of movements) {
    const id = idOf(row.id, "customer payment id")
    const movement = elevateMovementOf(row)
    if (movement === "refund") {
      const refund = refundOf.get(id)
      const source = refund === undefined ? undefined : ordered[refund.index]
      const voided = voidedOf.get(id)
      plan.set(
        id,
        refund === undefined || source === undefined
          ? null
          : elevateRefundRecord(source, refund.paymentSourceId, {
              movement: row,
              ...(voided === undefined ? {} : { voided })
            })
      )
      continue
    }
    const reversal = movement === "payment-reversal" ? elevateReversalOf(row) : null
    if (reversal === null) {
      plan.set(id, elevateAdjustmentRecord(row))
      continue
    }
    const reversed = reversalsOf.get(reversal.paymentSourceId) ?? []
    reversalsOf.set(reversal.paymentSourceId, reversed)
    if (reversal.reinstated) {
      plan.set(id, elevateReinstatementRecord(row, reversal.paymentSourceId, reversed.pop() ?? null))
    } else {
      reversed.push(id)
      plan.set(id, elevateReversalRecord(row, reversal.paymentSourceId))
    }
  }
  return plan
}
