/**
 * How each source record becomes ledger commands (issue 16.1), through the services' public
 * shapes only: a customer → `createCustomer` (or `updateCustomer` when it changed); a document →
 * `issueDocument` (not booked when the vendor shows no total); a payment → `createPayment` with its
 * external ref and raw source record, then the transitions to its state, its vendor-only attributes
 * (the vendor's dialect record) and its allocations; reversals, reinstatements, refunds,
 * adjustments and balance snapshots → `book-movements.ts`. A changed record changes only what the
 * ledger allows (names, references, forward state transitions); anything else — an amount of posted
 * money, a state the lifecycle cannot reach — is left as it is and said in the `migrated` record's
 * `skipped`, where reconciliation reports it.
 */
import {
  Collections,
  type CurrencyCode,
  DialectRecords,
  Documents,
  formatMinorUnits,
  Parties,
  type PaymentState,
  Payments
} from "@paybridge/core"
import { Effect } from "effect"
import type { CustomerRecord, DocumentRecord, PaymentRecord, SourceRecord } from "../sources/source-model.ts"
import { externalRefOf, minorUnits } from "../sources/source-model.ts"
import { bookAdjustment, bookBalance, bookRefund, bookReinstatement, bookReversal } from "./book-movements.ts"
import {
  type Booked,
  type BookingContext,
  BookingRefused,
  clip,
  customerId,
  documentId,
  ledgerIdOf,
  optionalLedgerIdOf,
  paymentId,
  presetId
} from "./booking-context.ts"
import type { Migrated } from "./migrated-records.ts"

export { type Booked, type BookingContext, BookingRefused, presetId } from "./booking-context.ts"

// ---------------------------------------------------------------- customers

const bookCustomer = Effect.fnUntraced(function* (
  context: BookingContext,
  record: CustomerRecord,
  before: Migrated | null
) {
  const parties = yield* Parties
  const name = record.name ?? `${context.vendorTitle} customer ${record.sourceId}`
  if (before !== null && before.data.ledgerId !== null) {
    const updated = yield* parties.updateCustomer({
      customerId: customerId(before.data.ledgerId),
      name: name.slice(0, 200),
      email: clip(record.email, 254),
      ...(record.creditLimit === null ? {} : { creditLimit: record.creditLimit })
    })
    return {
      ledgerKind: "customer",
      ledgerId: updated.id,
      customerId: updated.id,
      paymentId: null,
      skipped: null
    } satisfies Booked
  }
  if (record.currency === null) {
    return yield* new BookingRefused({
      message: `customer ${record.sourceId}: ${context.vendorTitle} shows no currency; give --currency or --customer-currency ${record.sourceId}=<ISO>`
    })
  }
  const input = {
    name: name.slice(0, 200),
    currency: record.currency,
    email: clip(record.email, 254),
    creditLimit: record.creditLimit,
    externalRef: externalRefOf(context.vendor, record)
  }
  // The vendor's account number when it is free in the ledger; a number taken keeps the ledger's (said in the report).
  const numbered =
    record.number === null
      ? null
      : yield* parties
          .createCustomer({ ...input, number: record.number.slice(0, 40) })
          .pipe(Effect.catchTag("Conflict", () => Effect.succeed(null)))
  const created = numbered ?? (yield* parties.createCustomer(input))
  return {
    ledgerKind: "customer",
    ledgerId: created.id,
    customerId: created.id,
    paymentId: null,
    skipped:
      numbered === null && record.number !== null
        ? `account number ${record.number} is taken in the ledger: booked as ${created.number}`
        : null
  } satisfies Booked
})

// ---------------------------------------------------------------- documents

const bookDocument = Effect.fnUntraced(function* (
  context: BookingContext,
  record: DocumentRecord,
  before: Migrated | null
) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `document ${record.sourceId}`)
  if (before !== null) {
    // The ledger has no document edits: a changed document keeps what was issued.
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: null,
      skipped: before.data.skipped ?? null
    } satisfies Booked
  }
  if (record.total === null) {
    return {
      ledgerKind: "none",
      ledgerId: null,
      customerId: owner,
      paymentId: null,
      skipped: `${context.vendorTitle} shows no total for ${record.documentKind} ${record.sourceId}: not issued in the ledger (its allocations are not booked)`
    } satisfies Booked
  }
  const documents = yield* Documents
  const document = yield* documents.issueDocument({
    kind: record.documentKind,
    customerId: customerId(owner),
    total: record.total,
    ...(record.currency === null ? {} : { currency: record.currency }),
    ...(record.number === null ? {} : { number: record.number.slice(0, 40) }),
    ...(record.issueDate === null ? {} : { issueDate: record.issueDate }),
    dueDate: record.dueDate,
    externalRef: externalRefOf(context.vendor, record)
  })
  return {
    ledgerKind: "document",
    ledgerId: document.id,
    customerId: owner,
    paymentId: null,
    skipped: null
  } satisfies Booked
})

// ---------------------------------------------------------------- payments

/** Moves a payment from the ledger state `from` towards the source's; returns what could not be done. */
const advancePayment = Effect.fnUntraced(function* (id: number, from: PaymentState, record: PaymentRecord) {
  const payments = yield* Payments
  const collections = yield* Collections
  const paymentIdValue = paymentId(id)
  const to = record.state
  if (from === to) return null
  const postedOn = record.postedDate ?? record.paymentDate
  if (from === "draft") {
    if (to === "posted")
      yield* payments.postPayment({
        paymentId: paymentIdValue,
        ...(postedOn === null ? {} : { postedOn }),
        ...(record.postedAt === undefined ? {} : { postedAt: new Date(record.postedAt) })
      })
    else if (to === "pending")
      yield* collections.requestCollection({ paymentId: paymentIdValue, method: "direct-debit" })
    else if (to === "rejected")
      yield* payments.rejectPayment({
        paymentId: paymentIdValue,
        reason: record.vendorState.slice(0, 500) || "rejected"
      })
    else if (to === "cancelled") yield* payments.cancelPayment({ paymentId: paymentIdValue, reason: null })
    else return `cannot take a ${from} payment back to ${to}`
    return null
  }
  if (from === "pending") {
    if (to === "posted") yield* collections.markCollected({ paymentId: paymentIdValue })
    else if (to === "rejected")
      yield* collections.failCollection({ paymentId: paymentIdValue, reason: record.vendorState })
    else return `the ledger cannot move a pending payment to ${to}`
    return null
  }
  return `the ledger cannot move a ${from} payment to ${to} (the source says ${record.vendorState})`
})

const bookAllocations = Effect.fnUntraced(function* (
  context: BookingContext,
  record: PaymentRecord,
  id: number,
  currency: CurrencyCode
) {
  const documents = yield* Documents
  const payments = yield* Payments
  const skipped: Array<string> = []
  /** The ledger allocation each of the vendor's allocations became (by the vendor's allocation id). */
  const booked: Array<{ sourceId: string; ledgerId: number }> = []
  for (const allocation of record.allocations) {
    const document = yield* optionalLedgerIdOf(context, `document/${allocation.documentSourceId}`)
    if (document === null) {
      skipped.push(`allocation to document ${allocation.documentSourceId} not booked (document not in the ledger)`)
      continue
    }
    let amount: string | null = allocation.amount
    if (amount === null) {
      // The vendor links the document without an amount: what it still owes, up to what is left of the payment.
      const detail = yield* payments.getPayment({ id: paymentId(id) })
      const owed = (yield* documents.getDocument(documentId(document))).outstanding
      const left = detail.payment.amount - detail.payment.allocatedAmount - detail.payment.reversedAmount
      const minor = owed < left ? owed : left
      if (minor <= 0n) continue
      amount = formatMinorUnits(minor, currency)
    } else if (minorUnits(amount, currency) <= 0n) continue
    const detail = yield* documents.allocatePayment({
      paymentId: paymentId(id),
      allocations: [{ documentId: documentId(document), amount }]
    })
    const made = detail.allocations.reduce<number | null>(
      (last, item) => (last === null || item.id > last ? item.id : last),
      null
    )
    if (allocation.allocationSourceId !== null && made !== null) {
      booked.push({ sourceId: allocation.allocationSourceId, ledgerId: made })
    }
  }
  return { skipped, booked }
})

/**
 * The payment's vendor-only attributes (`dialectAttributes`), saved as the vendor's dialect keeps
 * them: merged into its attribute record of the payment, and the vendor objects it names.
 */
const saveDialectAttributes = Effect.fnUntraced(function* (
  context: BookingContext,
  record: PaymentRecord,
  owner: number,
  id: number
) {
  const attributes = record.dialectAttributes
  if (attributes === undefined) return
  const records = yield* DialectRecords
  for (const reference of attributes.references) {
    yield* records.saveDialectRecord({
      dialect: context.vendor,
      kind: reference.kind,
      key: reference.key,
      data: { ...reference.data }
    })
  }
  yield* records.saveDialectRecord({
    dialect: context.vendor,
    kind: "payment",
    key: String(id),
    customerId: customerId(owner),
    paymentId: paymentId(id),
    data: { ...attributes.data },
    merge: true
  })
})

const bookPayment = Effect.fnUntraced(function* (
  context: BookingContext,
  record: PaymentRecord,
  before: Migrated | null
) {
  const payments = yield* Payments
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `payment ${record.sourceId}`)
  const references = {
    reference: clip(record.reference, 200),
    description: clip(record.description, 1000)
  }
  if (before !== null && before.data.ledgerId !== null) {
    const current = (yield* payments.getPayment({ id: paymentId(before.data.ledgerId) })).payment
    yield* payments.updatePayment({ paymentId: current.id, ...references })
    const notes: Array<string> = []
    const amount = minorUnits(record.amount, current.currency)
    if (amount !== current.amount && current.state !== "draft") {
      notes.push(
        `amount changed at the source (${record.amount}); the ledger keeps ${formatMinorUnits(current.amount, current.currency)}`
      )
    } else if (amount !== current.amount) {
      yield* payments.updatePayment({ paymentId: current.id, amount: record.amount })
    }
    const refused = yield* advancePayment(current.id, current.state, record)
    if (refused !== null) notes.push(refused)
    yield* saveDialectAttributes(context, record, owner, current.id)
    let allocations = before.data.allocations ?? []
    if (current.state !== "posted" && record.state === "posted") {
      const booked = yield* bookAllocations(context, record, current.id, current.currency)
      notes.push(...booked.skipped)
      allocations = [...allocations, ...booked.booked]
    }
    return {
      ledgerKind: "payment",
      ledgerId: current.id,
      customerId: owner,
      paymentId: current.id,
      skipped: notes.length === 0 ? null : notes.join("; "),
      ...(allocations.length === 0 ? {} : { extra: { allocations } })
    } satisfies Booked
  }
  const methodId = record.method === null ? undefined : context.presets.method.get(record.method)
  const typeId = record.type === null ? undefined : context.presets.type.get(record.type)
  const direct = record.state === "posted" && (record.postedDate === null || record.postedDate === record.paymentDate)
  const created = yield* payments.createPayment({
    customerId: customerId(owner),
    amount: record.amount,
    ...(record.currency === null ? {} : { currency: record.currency }),
    initialState: direct ? "posted" : "draft",
    ...(record.paymentDate === null ? {} : { paymentDate: record.paymentDate }),
    ...(record.receivedAt === undefined ? {} : { receivedAt: new Date(record.receivedAt) }),
    ...(methodId === undefined ? {} : { methodId: presetId(methodId) }),
    ...(typeId === undefined ? {} : { typeId: presetId(typeId) }),
    ...references,
    externalRef: externalRefOf(context.vendor, record),
    sourceRecord: record.raw
  })
  const payment = created.payment
  const notes: Array<string> = []
  const refused = yield* advancePayment(payment.id, payment.state, record)
  if (refused !== null) notes.push(refused)
  yield* saveDialectAttributes(context, record, owner, payment.id)
  let allocations: ReadonlyArray<{ sourceId: string; ledgerId: number }> = []
  if (record.state === "posted") {
    const booked = yield* bookAllocations(context, record, payment.id, payment.currency)
    notes.push(...booked.skipped)
    allocations = booked.booked
  }
  return {
    ledgerKind: "payment",
    ledgerId: payment.id,
    customerId: owner,
    paymentId: payment.id,
    skipped: notes.length === 0 ? null : notes.join("; "),
    // The ledger allocation each vendor allocation became (the shadow's id table maps disbursement ids).
    ...(allocations.length === 0 ? {} : { extra: { allocations } })
  } satisfies Booked
})

/** Books one source record (new, or changed since `before`); the caller saves the `migrated` record in the same unit. */
export const bookRecord = (context: BookingContext, record: SourceRecord, before: Migrated | null) => {
  switch (record.kind) {
    case "customer":
      return bookCustomer(context, record, before)
    case "document":
      return bookDocument(context, record, before)
    case "payment":
      return bookPayment(context, record, before)
    case "reinstatement":
      return bookReinstatement(context, record, before)
    case "reversal":
      return bookReversal(context, record, before)
    case "refund":
      return bookRefund(context, record, before)
    case "adjustment":
      return bookAdjustment(context, record, before)
    case "balance":
      return bookBalance(context, record)
  }
}
