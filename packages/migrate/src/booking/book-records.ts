/**
 * How each source record becomes ledger commands (issue 16.1), through the services' public
 * shapes only: a customer → `createCustomer` (or `updateCustomer` when it changed); a document →
 * `issueDocument` (not booked when the vendor shows no total: LogiSense, Elevate); a payment →
 * `createPayment` with its external ref and raw source record, then the transitions to its state
 * and its allocations; a reversal → `reversePayment`; a refund → `refundPayment` (or
 * `refundCustomerCredit` when the vendor names no payment) and the transitions to its state; an
 * adjustment → `adjustBalance`; a balance snapshot → nothing (reconciliation only). A changed
 * record changes only what the ledger allows (names, references, forward state transitions);
 * anything else — an amount of posted money, a state the lifecycle cannot reach — is left as it
 * is and said in the `migrated` record's `skipped`, where reconciliation reports it.
 */
import {
  Balances,
  Collections,
  type CurrencyCode,
  CustomerId,
  DialectRecords,
  DocumentId,
  Documents,
  formatMinorUnits,
  Parties,
  PaymentId,
  type PaymentState,
  Payments,
  PresetId,
  RefundId,
  type RefundState,
  Refunds,
  ReversalId
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import type {
  AdjustmentRecord,
  BalanceRecord,
  CustomerRecord,
  DocumentRecord,
  PaymentRecord,
  RefundRecord,
  ReinstatementRecord,
  ReversalRecord,
  SourceRecord,
  VendorId
} from "../sources/source-model.ts"
import { externalRefOf, minorUnits } from "../sources/source-model.ts"
import type { LedgerKind, Migrated, readMigrated } from "./migrated-records.ts"

const customerId = Schema.decodeSync(CustomerId)
const paymentId = Schema.decodeSync(PaymentId)
const documentId = Schema.decodeSync(DocumentId)
const refundId = Schema.decodeSync(RefundId)
const reversalId = Schema.decodeSync(ReversalId)
export const presetId = Schema.decodeSync(PresetId)

/** Raised when a record cannot be booked at all (the run fails with this message, nothing of the record booked). */
export class BookingRefused extends Schema.TaggedError<BookingRefused>()("BookingRefused", {
  message: Schema.String
}) {}

export interface BookingContext {
  readonly vendor: VendorId
  readonly vendorTitle: string
  readonly runId: string
  /**
   * The `migrated` record under a key (`customer/17`): what the sink already knows of this run's
   * committed and in-flight batch, else read from the ledger.
   */
  readonly lookup: (key: string) => ReturnType<typeof readMigrated>
  /** Preset ids by vendor method/type text (created on first use, outside the record's unit). */
  readonly presets: { readonly method: ReadonlyMap<string, number>; readonly type: ReadonlyMap<string, number> }
}

/** What booking one record produced: the `migrated` record's content. */
export interface Booked {
  readonly ledgerKind: LedgerKind
  readonly ledgerId: number | null
  readonly ledgerIds?: ReadonlyArray<number>
  readonly customerId: number | null
  readonly paymentId: number | null
  readonly skipped: string | null
  readonly extra?: Readonly<Record<string, unknown>>
}

const clip = (text: string | null, max: number) => (text === null ? null : text.slice(0, max))

/** The ledger object another source record became, or a refusal naming it. */
const ledgerIdOf = (context: BookingContext, key: string, what: string) =>
  Effect.flatMap(context.lookup(key), (migrated) =>
    migrated === null || migrated.data.ledgerId === null
      ? Effect.fail(new BookingRefused({ message: `${what}: ${key} was not booked before it` }))
      : Effect.succeed(migrated.data.ledgerId)
  )

const optionalLedgerIdOf = (context: BookingContext, key: string) =>
  Effect.map(context.lookup(key), (migrated) => migrated?.data.ledgerId ?? null)

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

// ---------------------------------------------------------------- reversals, refunds, adjustments

const bookReversal = Effect.fnUntraced(function* (
  context: BookingContext,
  record: ReversalRecord,
  before: Migrated | null
) {
  const target = yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `reversal ${record.sourceId}`)
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `reversal ${record.sourceId}`)
  if (before !== null) {
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: target,
      skipped: "the reversal changed at the source; the ledger keeps the reversal booked first"
    } satisfies Booked
  }
  const payments = yield* Payments
  const detail = yield* payments.reversePayment({
    paymentId: paymentId(target),
    ...(record.amount === null ? {} : { amount: record.amount }),
    ...(record.effectiveDate === null ? {} : { effectiveDate: record.effectiveDate }),
    reason: clip(record.reason, 500)
  })
  const reversal = detail.reversals.at(-1)
  return {
    ledgerKind: "reversal",
    ledgerId: reversal?.id ?? null,
    customerId: owner,
    paymentId: target,
    skipped: null
  } satisfies Booked
})

/** A reversal undone at the source → `reinstateReversal` (of the reversal it names, else the latest active one). */
const bookReinstatement = Effect.fnUntraced(function* (
  context: BookingContext,
  record: ReinstatementRecord,
  before: Migrated | null
) {
  const target = yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `reinstatement ${record.sourceId}`)
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `reinstatement ${record.sourceId}`)
  const reversal =
    record.reversalSourceId === null
      ? null
      : yield* ledgerIdOf(context, `reversal/${record.reversalSourceId}`, `reinstatement ${record.sourceId}`)
  if (before !== null) {
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: target,
      skipped: before.data.skipped ?? null
    } satisfies Booked
  }
  const detail = yield* (yield* Payments).reinstateReversal({
    paymentId: paymentId(target),
    ...(reversal === null ? {} : { reversalId: reversalId(reversal) })
  })
  // The reversal undone: the one named, else the one reinstated last.
  const undone =
    reversal ??
    [...detail.reversals]
      .filter((item) => item.reinstatedAt !== null)
      .sort((a, b) => (b.reinstatedAt?.getTime() ?? 0) - (a.reinstatedAt?.getTime() ?? 0) || b.id - a.id)[0]?.id ??
    null
  return {
    ledgerKind: "reversal",
    ledgerId: undone,
    customerId: owner,
    paymentId: target,
    skipped: null
  } satisfies Booked
})

const refundActions: Readonly<Record<RefundState, ReadonlyArray<"submit" | "settle" | "cancel" | "fail">>> = {
  requested: [],
  submitted: ["submit"],
  settled: ["settle"],
  cancelled: ["cancel"],
  failed: ["submit", "fail"]
}

const advanceRefund = Effect.fnUntraced(function* (id: number, from: RefundState, to: RefundState) {
  if (from === to) return null
  const refunds = yield* Refunds
  const path =
    from === "requested"
      ? refundActions[to]
      : from === "submitted" && to !== "requested"
        ? refundActions[to].filter((action) => action !== "submit")
        : null
  if (path === null) return `the ledger cannot move a ${from} refund to ${to}`
  for (const action of path) yield* refunds.transitionRefund({ refundId: refundId(id), action })
  return null
})

const bookRefund = Effect.fnUntraced(function* (
  context: BookingContext,
  record: RefundRecord,
  before: Migrated | null
) {
  const refunds = yield* Refunds
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `refund ${record.sourceId}`)
  if (before !== null && before.data.ledgerId !== null) {
    const current = yield* refunds.getRefund(refundId(before.data.ledgerId))
    const refused = yield* advanceRefund(current.id, current.state, record.state)
    return {
      ledgerKind: "refund",
      ledgerId: current.id,
      customerId: owner,
      paymentId: current.paymentId,
      skipped: refused
    } satisfies Booked
  }
  const target =
    record.paymentSourceId === null
      ? null
      : yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `refund ${record.sourceId}`)
  const document =
    record.documentSourceId === null ? null : yield* optionalLedgerIdOf(context, `document/${record.documentSourceId}`)
  const booked =
    target === null
      ? (yield* refunds.refundCustomerCredit({
          customerId: customerId(owner),
          amount: record.amount,
          reason: clip(record.reason, 500)
        })).refunds
      : [
          yield* refunds.refundPayment({
            paymentId: paymentId(target),
            amount: record.amount,
            documentId: document === null ? null : documentId(document),
            reason: clip(record.reason, 500)
          })
        ]
  const notes: Array<string> = []
  for (const refund of booked) {
    const refused = yield* advanceRefund(refund.id, refund.state, record.state)
    if (refused !== null) notes.push(refused)
  }
  const first = booked[0]
  return {
    ledgerKind: "refund",
    ledgerId: first?.id ?? null,
    ledgerIds: booked.map((refund) => refund.id),
    customerId: owner,
    paymentId: first?.paymentId ?? null,
    skipped: notes.length === 0 ? null : notes.join("; ")
  } satisfies Booked
})

const bookAdjustment = Effect.fnUntraced(function* (
  context: BookingContext,
  record: AdjustmentRecord,
  before: Migrated | null
) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `adjustment ${record.sourceId}`)
  if (before !== null) {
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: null,
      skipped: "the adjustment changed at the source; the ledger keeps the one booked first"
    } satisfies Booked
  }
  const balances = yield* Balances
  const entry = yield* balances.adjustBalance({
    customerId: customerId(owner),
    amount: record.amount,
    description:
      (record.description ?? `${context.vendorTitle} adjustment ${record.sourceId}`).slice(0, 500) || "adjustment"
  })
  return {
    ledgerKind: "adjustment",
    ledgerId: entry.id,
    customerId: owner,
    paymentId: null,
    skipped: null
  } satisfies Booked
})

/**
 * A vendor's balance snapshot (read after everything else of the customer): when the ledger's
 * balance differs — the vendor shows no document totals, so what its invoices owe never came over —
 * one adjustment "brought forward" makes the ledger's balance the vendor's, and says so.
 */
const bookBalance = Effect.fnUntraced(function* (context: BookingContext, record: BalanceRecord) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `balance ${record.sourceId}`)
  const customer = yield* (yield* Parties).getCustomer(customerId(owner))
  const delta = minorUnits(record.balance, customer.currency) - customer.balance
  if (delta === 0n)
    return { ledgerKind: "none", ledgerId: null, customerId: owner, paymentId: null, skipped: null } satisfies Booked
  const entry = yield* (yield* Balances).adjustBalance({
    customerId: customer.id,
    amount: formatMinorUnits(delta, customer.currency),
    description: `Balance brought forward from ${context.vendorTitle} (what its documents owe is not shown)`
  })
  return {
    ledgerKind: "adjustment",
    ledgerId: entry.id,
    customerId: owner,
    paymentId: null,
    skipped: null,
    extra: { broughtForward: formatMinorUnits(delta, customer.currency) }
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
