/**
 * How each source record becomes ledger commands (issue 16.1), through the services' public
 * shapes only: a billing entity → `createBillingEntity` (what the ledger has no field for in the
 * vendor dialect's own record); a customer → `createCustomer` (or `updateCustomer` when it
 * changed); a document → `issueDocument` under its billing entity (not booked when the vendor shows
 * no total); a payment → `book-payments.ts`; a reversal → `reversePayment`; a reinstatement →
 * `reinstateReversal`; a refund → `refundPayment` (when the vendor names no payment, of the oldest payment that
 * can take it whole, else `refundCustomerCredit`) and the
 * transitions to its state; an adjustment → `adjustBalance`; a balance snapshot → nothing
 * (reconciliation only). A changed record changes only what the ledger allows (names, references,
 * forward state transitions); anything else — an amount of posted money, a state the lifecycle
 * cannot reach — is left as it is and said in the `migrated` record's `skipped`, where
 * reconciliation reports it.
 */
import {
  Balances,
  DialectRecords,
  Documents,
  formatMinorUnits,
  Parties,
  type PaymentPage,
  Payments,
  type RefundState,
  Refunds
} from "@paybridge/core"
import { Clock, Effect } from "effect"
import type {
  AdjustmentRecord,
  BalanceRecord,
  BillingEntityRecord,
  CustomerRecord,
  DocumentRecord,
  MovementAttributes,
  RefundRecord,
  ReinstatementRecord,
  ReversalRecord,
  SourceRecord
} from "../sources/source-model.ts"
import { externalRefOf, minorUnits } from "../sources/source-model.ts"
import { billingEntityOf, bookPayment } from "./book-payments.ts"
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
  refundId,
  reversalId
} from "./booking-context.ts"
import type { Migrated } from "./migrated-records.ts"

export { presetKeyOf } from "./book-payments.ts"
export { type Booked, type BookingContext, BookingRefused, presetId } from "./booking-context.ts"

// ---------------------------------------------------------------- billing entities

/**
 * A vendor's billing entity (Silver's provider): `createBillingEntity` with its name, email and
 * flow, and what the ledger has no field for saved as the vendor's dialect keeps it (its own
 * record, keyed by the billing entity's ledger id). Changed → the dialect record follows; the
 * ledger has no billing entity edits.
 */
const bookBillingEntity = Effect.fnUntraced(function* (
  context: BookingContext,
  record: BillingEntityRecord,
  before: Migrated | null
) {
  const id =
    before !== null && before.data.ledgerId !== null
      ? before.data.ledgerId
      : (yield* (yield* Parties).createBillingEntity({
          name: record.name.slice(0, 200),
          email: clip(record.email, 254),
          ...(record.flow === null ? {} : { flow: record.flow })
        })).id
  if (record.dialectRecord !== null) {
    yield* (yield* DialectRecords).saveDialectRecord({
      dialect: context.vendor,
      kind: record.dialectRecord.kind,
      key: String(id),
      data: { ...record.dialectRecord.data }
    })
  }
  return {
    ledgerKind: "billing-entity",
    ledgerId: id,
    customerId: null,
    paymentId: null,
    skipped: before !== null ? "the ledger has no billing entity edits: only the vendor's details follow" : null
  } satisfies Booked
})

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

/**
 * What only the vendor's dialect shows of a document, reversal or refund (the record's
 * `dialectAttributes`), merged into that dialect's record of their kind keyed by the ledger id it
 * became, with its customer (and the payment, for a reversal: the dialect finds it through its payment).
 */
const saveDialectAttributes = (
  context: BookingContext,
  owner: number,
  attributes: { readonly kind: string; readonly data: Readonly<Record<string, unknown>> } | undefined,
  ledgerId: number | null,
  payment: number | null = null
) =>
  attributes === undefined || ledgerId === null
    ? Effect.void
    : context.saveAttributes({
        kind: attributes.kind,
        key: String(ledgerId),
        customerId: owner,
        paymentId: payment,
        data: attributes.data
      })

const bookDocument = Effect.fnUntraced(function* (
  context: BookingContext,
  record: DocumentRecord,
  before: Migrated | null
) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `document ${record.sourceId}`)
  if (before !== null) {
    // The ledger has no document edits: a changed document keeps what was issued.
    yield* saveDialectAttributes(
      context,
      owner,
      record.dialectAttributes,
      before.data.ledgerKind === "document" ? before.data.ledgerId : null
    )
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
  const billingEntity = yield* billingEntityOf(context, record.billingEntitySourceId, `document ${record.sourceId}`)
  const documents = yield* Documents
  const document = yield* documents.issueDocument({
    kind: record.documentKind,
    customerId: customerId(owner),
    ...(billingEntity === null ? {} : { billingEntityId: billingEntity }),
    total: record.total,
    ...(record.currency === null ? {} : { currency: record.currency }),
    ...(record.number === null ? {} : { number: record.number.slice(0, 40) }),
    ...(record.issueDate === null ? {} : { issueDate: record.issueDate }),
    dueDate: record.dueDate,
    externalRef: externalRefOf(context.vendor, record)
  })
  yield* saveDialectAttributes(context, owner, record.dialectAttributes, document.id)
  return {
    ledgerKind: "document",
    ledgerId: document.id,
    customerId: owner,
    paymentId: null,
    skipped: null
  } satisfies Booked
})

// ---------------------------------------------------------------- reversals, refunds, adjustments

/**
 * What the vendor's dialect shows of a balance movement the record made (`movementAttributes`),
 * saved (merged) as that dialect's record `<balance entry kind>:<ledger id the entry names>` of the
 * customer — the key a dialect finds from the balance entry itself (a bulk unit writes entries, so
 * their ids, only at its end).
 */
const saveMovementAttributes = (
  context: BookingContext,
  owner: number,
  attributes: MovementAttributes | undefined,
  movements: ReadonlyArray<{
    readonly which: "made" | "voided"
    readonly entryKind: string
    readonly ledgerId: number | null
  }>
) =>
  Effect.gen(function* () {
    if (attributes === undefined) return
    for (const { which, entryKind, ledgerId } of movements) {
      const data = attributes[which]
      if (data === undefined || ledgerId === null) continue
      yield* context.saveAttributes({
        kind: attributes.kind,
        key: `${entryKind}:${ledgerId}`,
        customerId: owner,
        paymentId: null,
        data
      })
    }
  })

const bookReversal = Effect.fnUntraced(function* (
  context: BookingContext,
  record: ReversalRecord,
  before: Migrated | null
) {
  const target = yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `reversal ${record.sourceId}`)
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `reversal ${record.sourceId}`)
  if (before !== null) {
    yield* saveMovementAttributes(context, owner, record.movementAttributes, [
      { which: "made", entryKind: "payment-reversed", ledgerId: before.data.ledgerId }
    ])
    yield* saveDialectAttributes(context, owner, record.dialectAttributes, before.data.ledgerId, target)
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
  yield* saveMovementAttributes(context, owner, record.movementAttributes, [
    { which: "made", entryKind: "payment-reversed", ledgerId: reversal?.id ?? null }
  ])
  yield* saveDialectAttributes(context, owner, record.dialectAttributes, reversal?.id ?? null, target)
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
    yield* saveMovementAttributes(context, owner, record.movementAttributes, [
      { which: "made", entryKind: "payment-reinstated", ledgerId: before.data.ledgerId }
    ])
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
  yield* saveMovementAttributes(context, owner, record.movementAttributes, [
    { which: "made", entryKind: "payment-reinstated", ledgerId: undone }
  ])
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

const refundMovements = (ledgerId: number | null) =>
  [
    { which: "made", entryKind: "refund", ledgerId },
    { which: "voided", entryKind: "refund-voided", ledgerId }
  ] as const

/**
 * The payment a refund the vendor shows without its payment is booked from: the customer's oldest
 * posted payment with enough left to take it whole, so the vendor's one refund stays one refund (the
 * ledger's `refundCustomerCredit`, oldest credit first, may split it over several payments, and the
 * vendor's list would then show more rows); null when no payment can (then the ledger chooses).
 */
const wholeRefundSource = Effect.fnUntraced(function* (owner: number, amount: string) {
  const payments = yield* Payments
  let cursor: string | null = null
  do {
    const page: PaymentPage = yield* payments.listPayments({
      customerId: customerId(owner),
      states: ["posted"],
      order: "id",
      cursor,
      limit: 500
    })
    for (const payment of page.items) {
      if (payment.amount - payment.reversedAmount - payment.refundedAmount >= minorUnits(amount, payment.currency)) {
        return payment.id
      }
    }
    cursor = page.nextCursor
  } while (cursor !== null)
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
    yield* saveMovementAttributes(context, owner, record.movementAttributes, refundMovements(before.data.ledgerId))
    yield* saveDialectAttributes(context, owner, record.dialectAttributes, current.id)
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
      ? yield* wholeRefundSource(owner, record.amount)
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
  for (const refund of booked) yield* saveDialectAttributes(context, owner, record.dialectAttributes, refund.id)
  const first = booked[0]
  // A refund the ledger split over several payments: the vendor's one row is the last of them.
  yield* saveMovementAttributes(context, owner, record.movementAttributes, refundMovements(booked.at(-1)?.id ?? null))
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
    yield* saveMovementAttributes(context, owner, record.movementAttributes, [
      { which: "made", entryKind: "adjustment", ledgerId: before.data.ledgerId }
    ])
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
  yield* saveMovementAttributes(context, owner, record.movementAttributes, [
    { which: "made", entryKind: "adjustment", ledgerId: entry.id }
  ])
  return {
    ledgerKind: "adjustment",
    ledgerId: entry.id,
    customerId: owner,
    paymentId: null,
    skipped: null
  } satisfies Booked
})

/**
 * A vendor's balance snapshot (read after everything else of the customer), or a balance from the
 * operator's balances file (booked after all the vendor's records): when the ledger's balance
 * differs — what the vendor's API does not show never came over — one adjustment "brought forward"
 * makes the ledger's balance that one, and says so. A changed file value books only the change.
 */
const bookBalance = Effect.fnUntraced(function* (context: BookingContext, record: BalanceRecord) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `balance ${record.sourceId}`)
  if (record.customerAttributes !== undefined) {
    // `since` on the ledger's clock, the one its rows are stamped with.
    const since = new Date(yield* Clock.currentTimeMillis).toISOString()
    yield* (yield* DialectRecords).saveDialectRecord({
      dialect: context.vendor,
      kind: record.customerAttributes.kind,
      key: String(owner),
      customerId: customerId(owner),
      data: { ...record.customerAttributes.data, since }
    })
  }
  const customer = yield* (yield* Parties).getCustomer(customerId(owner))
  if (record.currency !== null && record.currency !== customer.currency) {
    return yield* new BookingRefused({
      message: `balance of customer ${record.customerSourceId} in ${record.currency}; the customer is in ${customer.currency}`
    })
  }
  const delta = minorUnits(record.balance, customer.currency) - customer.balance
  if (delta === 0n)
    return { ledgerKind: "none", ledgerId: null, customerId: owner, paymentId: null, skipped: null } satisfies Booked
  const entry = yield* (yield* Balances).adjustBalance({
    customerId: customer.id,
    amount: formatMinorUnits(delta, customer.currency),
    description:
      record.origin === "balances-file"
        ? `Balance brought forward from ${context.vendorTitle} (the operator's balances file; what its API does not show)`
        : `Balance brought forward from ${context.vendorTitle} (what its documents owe is not shown)`
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
    case "billing-entity":
      return bookBillingEntity(context, record, before)
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
