/**
 * How a source payment becomes ledger commands: `createPayment` with its external ref, raw source
 * record, method and type presets (by the vendor's code where it shows one) and billing entity;
 * then the collection the vendor shows replayed through the ledger's collection commands (request,
 * then collected / failed / cancelled), the transitions to the source's state (a rejection with the
 * vendor's reason), what only the vendor's dialect keeps merged into its `payment` dialect record
 * (a new payment's written with the payment, by `createPayment`'s `record`: no statement of its own),
 * and the allocations. A changed payment gets its references, a draft's amount, forward
 * transitions and (newly posted) allocations, and the reversals its row shows undone at the source
 * reinstated; an amount change of posted money is reported, not booked.
 */
import {
  BillingEntityId,
  Collections,
  type CurrencyCode,
  DialectRecords,
  Documents,
  formatMinorUnits,
  type Payment,
  type PaymentDetail,
  Payments
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import type { PaymentRecord } from "../sources/source-model.ts"
import { externalRefOf, minorUnits } from "../sources/source-model.ts"
import {
  type Booked,
  type BookingContext,
  clip,
  customerId,
  documentId,
  ledgerIdOf,
  optionalLedgerIdOf,
  paymentId,
  presetId,
  reversalId
} from "./booking-context.ts"
import type { Migrated } from "./migrated-records.ts"

const billingEntityId = Schema.decodeSync(BillingEntityId)

/** The ledger billing entity a vendor's billing entity id names (booked before it), or null for none. */
export const billingEntityOf = (context: BookingContext, sourceId: string | null | undefined, what: string) =>
  sourceId === null || sourceId === undefined
    ? Effect.succeed(null)
    : Effect.map(ledgerIdOf(context, `billing-entity/${sourceId}`, what), billingEntityId)

/** The ledger's latest collection of a payment, or undefined. */
const latestCollection = (detail: PaymentDetail) =>
  [...detail.collections].sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime() || b.id - a.id)[0]

/** When a replayed collection posts the payment: the vendor's posting day and instant, not migration day. */
const collectedWhen = (record: PaymentRecord) => {
  const postedOn = record.postedDate ?? record.paymentDate
  return {
    ...(postedOn === null ? {} : { collectedOn: postedOn }),
    ...(record.postedAt === undefined ? {} : { collectedAt: new Date(record.postedAt) })
  }
}

/**
 * Replays the collection the vendor shows (its latest one, `record.collection`) when the ledger's
 * latest collection of the payment is not in that state yet: a draft is submitted for collection
 * (`requestCollection`), then the outcome — `markCollected` (posts it), `failCollection` or
 * `cancelCollection` (back to draft; the vendor shows no reason). Returns the payment's state after
 * it, and what the ledger's lifecycle could not replay.
 */
const replayCollection = Effect.fnUntraced(function* (detail: PaymentDetail, record: PaymentRecord) {
  const wanted = record.collection
  const state = detail.payment.state
  if (wanted === undefined) return { state, refused: null }
  const latest = latestCollection(detail)
  if (latest?.state === wanted) return { state, refused: null }
  const collections = yield* Collections
  const id = detail.payment.id
  if (state === "draft") yield* collections.requestCollection({ paymentId: id, method: "direct-debit" })
  else if (state !== "pending" || latest?.state !== "requested") {
    return { state, refused: `the ledger cannot replay a ${wanted} collection of a ${state} payment` }
  }
  switch (wanted) {
    case "requested":
      return { state: "pending" as const, refused: null }
    case "collected":
      yield* collections.markCollected({ paymentId: id, ...collectedWhen(record) })
      return { state: "posted" as const, refused: null }
    case "failed":
      yield* collections.failCollection({ paymentId: id, reason: null })
      return { state: "draft" as const, refused: null }
    case "cancelled":
      yield* collections.cancelCollection({ paymentId: id, reason: null })
      return { state: "draft" as const, refused: null }
  }
})

/** Moves a payment from its ledger state towards the source's (its collection replayed first); returns what could not be done. */
const advancePayment = Effect.fnUntraced(function* (detail: PaymentDetail, record: PaymentRecord) {
  const payments = yield* Payments
  const collections = yield* Collections
  const paymentIdValue = detail.payment.id
  const replayed = yield* replayCollection(detail, record)
  if (replayed.refused !== null) return replayed.refused
  const from = replayed.state
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
        reason: (record.rejectionReason ?? record.vendorState).slice(0, 500) || "rejected"
      })
    else if (to === "cancelled") yield* payments.cancelPayment({ paymentId: paymentIdValue, reason: null })
    else return `cannot take a ${from} payment back to ${to}`
    return null
  }
  if (from === "pending") {
    if (to === "posted") yield* collections.markCollected({ paymentId: paymentIdValue, ...collectedWhen(record) })
    else if (to === "rejected")
      yield* collections.failCollection({
        paymentId: paymentIdValue,
        reason: (record.rejectionReason ?? record.vendorState).slice(0, 500)
      })
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
      // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers only)
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

/** A preset code the ledger takes (`^[A-Za-z0-9_.-]{1,40}$`). */
const presetCodePattern = /^[A-Za-z0-9_.-]{1,40}$/u

/**
 * Where a payment's method or type preset is found in `BookingContext.presets`: by the vendor's
 * code (`code:<code>`) when it shows one the ledger can keep (created with that code), else by the
 * vendor's name text (found by code or name, created with a code made from the name); null when
 * the vendor names none.
 */
export const presetKeyOf = (
  record: PaymentRecord,
  kind: "method" | "type"
): { readonly key: string; readonly code: string | null; readonly name: string } | null => {
  const name = record[kind]
  const code = kind === "method" ? record.methodCode : record.typeCode
  if (code !== undefined && code !== null && presetCodePattern.test(code)) {
    return { key: `code:${code}`, code, name: name ?? code }
  }
  return name === null ? null : { key: name, code: null, name }
}

/**
 * What the vendor shows of the payment that only its dialect keeps: merged into the dialect's
 * `payment` record (under the payment's public id, or its ledger id: `dialectRecordKey`; of the
 * dialect's own kind name: `dialectRecordKind`), and the
 * vendor objects it names saved as they are (`dialectReferences`).
 */
const saveDialectAttributes = (
  context: BookingContext,
  record: PaymentRecord,
  payment: Payment,
  attributesWritten = false
) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    Effect.gen(function* () {
      for (const reference of record.dialectReferences ?? []) {
        yield* dialectRecords.saveDialectRecord({
          dialect: context.vendor,
          kind: reference.kind,
          key: reference.key,
          data: { ...reference.data }
        })
      }
      if (attributesWritten || attributesRecordOf(context, record) === undefined) return
      yield* dialectRecords.saveDialectRecord({
        dialect: context.vendor,
        kind: record.dialectRecordKind ?? "payment",
        key: record.dialectRecordKey === "ledgerId" ? String(payment.id) : payment.publicId,
        customerId: payment.customerId,
        paymentId: payment.id,
        data: { ...record.dialectAttributes },
        merge: true
      })
    })
  )

/**
 * A new payment's dialect record of what only the vendor shows, written with the payment (by the
 * statement appending its events: no statement of its own); `undefined` when the vendor shows none.
 */
const attributesRecordOf = (context: BookingContext, record: PaymentRecord) =>
  record.dialectAttributes === undefined || Object.keys(record.dialectAttributes).length === 0
    ? undefined
    : {
        dialect: context.vendor,
        kind: record.dialectRecordKind ?? "payment",
        keyedBy: record.dialectRecordKey === "ledgerId" ? ("payment-id" as const) : ("payment-public-id" as const),
        data: { ...record.dialectAttributes }
      }

/**
 * Reversals undone at the source: where the vendor's row shows every reversal of the payment that
 * stands (`reversalsShown`), one booked from a reversal it no longer shows was reinstated there. It
 * is reinstated in the ledger (`reinstateReversal`: the payment's money and what the reversal
 * released stand again), and its `migrated` record marked `reinstated` with a fingerprint that never
 * matches: reconciliation no longer counts it, and the vendor reversing the payment again books a
 * new reversal. Returns those `migrated` records.
 */
const reinstateUndone = Effect.fnUntraced(function* (
  context: BookingContext,
  record: PaymentRecord,
  detail: PaymentDetail
) {
  const undone: Array<Migrated> = []
  const active = new Set<number>(
    detail.reversals.filter((reversal) => reversal.reinstatedAt === null).map(({ id }) => id)
  )
  if (record.reversalsShown === undefined || active.size === 0) return undone
  for (const [sourceId, stands] of Object.entries(record.reversalsShown)) {
    if (stands) continue
    const migrated = yield* context.lookup(`reversal/${sourceId}`)
    const id = migrated?.data.ledgerId
    if (migrated === null || typeof id !== "number" || migrated.data.reinstated === true || !active.has(id)) continue
    yield* (yield* Payments).reinstateReversal({ paymentId: detail.payment.id, reversalId: reversalId(id) })
    undone.push({
      ...migrated,
      data: { ...migrated.data, fingerprint: `reinstated:${migrated.data.fingerprint}`, reinstated: true }
    })
  }
  return undone
})

export const bookPayment = Effect.fnUntraced(function* (
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
    const found = yield* payments.getPayment({ id: paymentId(before.data.ledgerId) })
    const reinstated = yield* reinstateUndone(context, record, found)
    const currentDetail = reinstated.length === 0 ? found : yield* payments.getPayment({ id: found.payment.id })
    const current = currentDetail.payment
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
    const refused = yield* advancePayment(
      amount !== current.amount && current.state === "draft"
        ? yield* payments.getPayment({ id: current.id })
        : currentDetail,
      record
    )
    if (refused !== null) notes.push(refused)
    yield* saveDialectAttributes(context, record, current)
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
      ...(allocations.length === 0 ? {} : { extra: { allocations } }),
      ...(reinstated.length === 0 ? {} : { also: reinstated })
    } satisfies Booked
  }
  const methodKey = presetKeyOf(record, "method")
  const typeKey = presetKeyOf(record, "type")
  const methodId = methodKey === null ? undefined : context.presets.method.get(methodKey.key)
  const typeId = typeKey === null ? undefined : context.presets.type.get(typeKey.key)
  const direct =
    record.state === "posted" &&
    record.collection === undefined &&
    (record.postedDate === null || record.postedDate === record.paymentDate)
  const billingEntity = yield* billingEntityOf(context, record.billingEntitySourceId, `payment ${record.sourceId}`)
  const attributes = attributesRecordOf(context, record)
  const created = yield* payments.createPayment(
    {
      customerId: customerId(owner),
      ...(billingEntity === null ? {} : { billingEntityId: billingEntity }),
      amount: record.amount,
      ...(record.currency === null ? {} : { currency: record.currency }),
      initialState: direct ? "posted" : "draft",
      ...(direct && record.postedAt !== undefined ? { postedAt: new Date(record.postedAt) } : {}),
      ...(record.paymentDate === null ? {} : { paymentDate: record.paymentDate }),
      ...(record.receivedAt === undefined ? {} : { receivedAt: new Date(record.receivedAt) }),
      ...(methodId === undefined ? {} : { methodId: presetId(methodId) }),
      ...(typeId === undefined ? {} : { typeId: presetId(typeId) }),
      ...references,
      externalRef: externalRefOf(context.vendor, record),
      sourceRecord: record.raw
    },
    attributes === undefined ? undefined : { record: attributes }
  )
  const payment = created.payment
  const notes: Array<string> = []
  const refused = yield* advancePayment(created, record)
  if (refused !== null) notes.push(refused)
  yield* saveDialectAttributes(context, record, payment, true)
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
    // The ledger allocation each vendor allocation became (the shadow's id table maps their ids).
    ...(allocations.length === 0 ? {} : { extra: { allocations } })
  } satisfies Booked
})
