/**
 * The allocation book of the ledger: how parts of payments are applied to documents. It checks
 * that allocations fit (a document never takes more than it really has outstanding, a payment
 * never gives more than `amount − reversed − refunded`) and books them on both sides with events.
 * An allocation of a payment that is not posted yet (draft, pending) only *reserves* its document:
 * it is stored unbooked and changes no document; posting books each reservation for as much as
 * the document can still take (`bookReservations`), the rest staying credit on the payment. What
 * movements release and restore is `allocation-releases.ts`.
 */
import { Effect } from "effect"
import { Conflict, validationFailed } from "../../errors.ts"
import type { DocumentId } from "../../model/ids.ts"
import type { Allocation, Document, Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { amountText, type FieldPath } from "./exact-amounts.ts"
import { saveDocument, savePayment } from "./guarded-saves.ts"
import { minor, type NewEvent, recordEvent } from "./ledger-events.ts"
import { refused } from "./lifecycle-steps.ts"
import { existingDocument, found } from "./record-access.ts"

/** One allocation asked for, amount already parsed; `documentPath` names the input field in errors. */
export interface AllocationRequest {
  readonly documentId: DocumentId
  readonly amount: bigint
  readonly documentPath: FieldPath
}

/** What a payment can still carry: its amount less what was reversed or refunded. */
export const effectiveAmount = (payment: Payment): bigint =>
  payment.amount - payment.reversedAmount - payment.refundedAmount

/** The payment's unallocated credit: what it carries that no allocation (booked or reserved) takes. */
export const unallocatedCredit = (payment: Payment): bigint => effectiveAmount(payment) - payment.allocatedAmount

export const newestFirst = <A extends { readonly id: number }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => b.id - a.id)

export const oldestFirst = <A extends { readonly id: number }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => a.id - b.id)

/** The smaller of two amounts (bigint minor units; `Math.min` takes numbers only). */
export const smaller = (a: bigint, b: bigint): bigint => (a < b ? a : b)

/** What an issued document can still take; nothing once it is cancelled. */
export const documentRoom = (document: Document): bigint => (document.state === "cancelled" ? 0n : document.outstanding)

/** What moving `delta` (signed) of a document between outstanding and allocated changes, its state kept true. */
const shifted = (document: Document, delta: bigint): Pick<Document, "allocated" | "outstanding" | "state"> => {
  const outstanding = document.outstanding - delta
  return {
    allocated: document.allocated + delta,
    outstanding,
    state: document.state === "cancelled" ? "cancelled" : outstanding === 0n ? "paid" : "issued"
  }
}

/** Moves `delta` (signed) of a document between outstanding and allocated, keeping its state true. */
export const shiftDocument = (document: Document, delta: bigint) => saveDocument(document, shifted(document, delta))

/**
 * Checks that the documents can take these allocations and the payment has room for them; the
 * documents are read in one statement (but for those in `known`, read under the customer lock
 * already) and answered by id (as read, before the allocations).
 */
export const planAllocations = (
  owner: Pick<Payment, "customerId" | "currency">,
  room: bigint,
  requests: ReadonlyArray<AllocationRequest>,
  known: ReadonlyArray<Document> = []
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const documents = new Map<DocumentId, Document>(known.map((document) => [document.id, document]))
    const unread = requests.map((request) => request.documentId).filter((id) => !documents.has(id))
    if (unread.length > 0) {
      for (const document of yield* store.documents.getMany(unread)) documents.set(document.id, document)
    }
    const outstanding = new Map<DocumentId, bigint>()
    let total = 0n
    for (const request of requests) {
      const document = yield* found("document", request.documentId)(documents.get(request.documentId) ?? null)
      if (document.customerId !== owner.customerId) {
        return yield* validationFailed(request.documentPath, `document ${document.id} belongs to another customer`)
      }
      if (document.currency !== owner.currency) {
        return yield* validationFailed(
          request.documentPath,
          `document ${document.id} is in ${document.currency}, the payment in ${owner.currency}`
        )
      }
      if (document.state === "cancelled") {
        return yield* refused("document", document.id, document.state, "allocate", "the document is cancelled")
      }
      const left = outstanding.get(document.id) ?? document.outstanding
      if (request.amount > left) {
        return yield* new Conflict({
          reason: "over-allocation",
          message: `${amountText(request.amount, owner.currency)} exceeds the ${amountText(left, owner.currency)} outstanding on ${document.kind} ${document.number}`
        })
      }
      outstanding.set(document.id, left - request.amount)
      total += request.amount
    }
    if (total > room) {
      return yield* new Conflict({
        reason: "over-allocation",
        message: `allocations of ${amountText(total, owner.currency)} exceed the ${amountText(room, owner.currency)} of the payment left to allocate`
      })
    }
    return documents
  })

/**
 * Books planned allocations of a payment inserted posted in this unit (its `allocatedAmount`
 * carrying them already): the allocations in one insert, each document shifted once by what it
 * takes, and the `payment.allocated` events a draft allocated then posted would log — each
 * reservation (`booked: false`), then, after the `payment.posted` event the caller places between
 * them, each booking (`booked: true`, `reserved`). The documents' changes are saved by the
 * allocations' insert (`allocations.insertAll` with documents). `documents`: as `planAllocations` read them
 * under the customer lock, so every request fits and no reservation lapses. Writes no event itself.
 */
export const bookAllocationsOfNewPayment = (
  created: Payment,
  requests: ReadonlyArray<AllocationRequest>,
  documents: ReadonlyMap<DocumentId, Document>
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const at = yield* now
    const taken = new Map<DocumentId, bigint>()
    for (const request of requests) {
      taken.set(request.documentId, (taken.get(request.documentId) ?? 0n) + request.amount)
    }
    const changes: Array<{ readonly row: Document; readonly expectedVersion: number }> = []
    for (const [documentId, amount] of taken) {
      const document = documents.get(documentId)
      if (document === undefined) return yield* Effect.die(`document ${documentId} was not planned`)
      changes.push({
        row: { ...document, ...shifted(document, amount), updatedAt: at },
        expectedVersion: document.version
      })
    }
    // Each document shifted once by what it takes, saved (version-guarded) by the allocations' insert.
    const allocations = yield* store.allocations.insertAll(
      requests.map((request) => ({
        paymentId: created.id,
        documentId: request.documentId,
        amount: request.amount,
        booked: true,
        createdAt: at
      })),
      changes
    )
    const eventOf = (allocation: Allocation, data: Record<string, unknown>): NewEvent => ({
      type: "payment.allocated",
      entity: "payment",
      entityId: created.id,
      customerId: created.customerId,
      paymentId: created.id,
      data: {
        allocationId: allocation.id,
        documentId: allocation.documentId,
        documentNumber: documents.get(allocation.documentId)?.number,
        amount: minor(allocation.amount),
        ...data
      }
    })
    return {
      allocations,
      reservedEvents: allocations.map((allocation) => eventOf(allocation, { booked: false })),
      bookedEvents: allocations.map((allocation) =>
        eventOf(allocation, { booked: true, reserved: minor(allocation.amount) })
      )
    }
  })

/** Logs an allocation-book event about `owner`. */
export const allocationEvent = (
  type: "payment.allocated" | "payment.deallocated",
  owner: Payment,
  data: Record<string, unknown>
) =>
  recordEvent({
    type,
    entity: "payment",
    entityId: owner.id,
    customerId: owner.customerId,
    paymentId: owner.id,
    data
  })

/**
 * Books planned allocations: on a posted payment they count on the documents at once (allocated,
 * outstanding, state); on a draft or pending one they are reservations and change no document.
 * Either way the payment's allocated amount carries them.
 */
export const applyAllocations = (target: Payment, requests: ReadonlyArray<AllocationRequest>) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    if (requests.length === 0) return target
    const booked = target.state === "posted"
    let total = 0n
    for (const request of requests) {
      const document = yield* existingDocument(request.documentId)
      if (booked) yield* shiftDocument(document, request.amount)
      const allocation = yield* store.allocations.insert({
        paymentId: target.id,
        documentId: document.id,
        amount: request.amount,
        booked,
        createdAt: yield* now
      })
      yield* allocationEvent("payment.allocated", target, {
        allocationId: allocation.id,
        documentId: document.id,
        documentNumber: document.number,
        amount: minor(request.amount),
        booked
      })
      total += request.amount
    }
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount + total })
  })

/**
 * At posting: books the payment's reservations in the order they were made, each for as much as
 * its document can still take (another payment may have paid it meanwhile, or it was cancelled);
 * what does not fit is released and stays credit on the payment (`payment.deallocated`, reason
 * `reservation lapsed`).
 */
export const bookReservations = (posted: Payment) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const reservations = oldestFirst(yield* store.allocations.listByPayment(posted.id)).filter((row) => !row.booked)
    let lapsed = 0n
    for (const reservation of reservations) {
      const document = yield* existingDocument(reservation.documentId)
      const take = smaller(reservation.amount, documentRoom(document))
      if (take > 0n) {
        yield* shiftDocument(document, take)
        yield* store.allocations.update({ ...reservation, amount: take, booked: true })
        yield* allocationEvent("payment.allocated", posted, {
          allocationId: reservation.id,
          documentId: document.id,
          documentNumber: document.number,
          amount: minor(take),
          booked: true,
          reserved: minor(reservation.amount)
        })
      } else {
        yield* store.allocations.delete(reservation.id)
      }
      if (take < reservation.amount) {
        lapsed += reservation.amount - take
        yield* allocationEvent("payment.deallocated", posted, {
          allocationId: reservation.id,
          documentId: document.id,
          documentNumber: document.number,
          amount: minor(reservation.amount - take),
          reason: "reservation lapsed",
          booked: false
        })
      }
    }
    return lapsed === 0n ? posted : yield* savePayment(posted, { allocatedAmount: posted.allocatedAmount - lapsed })
  })

/** The booked allocation of `paymentId` to `documentId`, if any (the newest when several). */
export const bookedAllocationTo = (allocations: ReadonlyArray<Allocation>, documentId: DocumentId) =>
  newestFirst(allocations).find((row) => row.booked && row.documentId === documentId)

/**
 * Changes one allocation's amount in place (its id stays): the payment takes the difference
 * within its unallocated credit, and a booked allocation's document too, within what the document
 * can still take (a reservation changes no document, as when it was made); a
 * `payment.allocation-adjusted` event records the old and new amounts.
 */
export const adjustAllocation = (target: Payment, allocation: Allocation, amount: bigint) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const delta = amount - allocation.amount
    if (delta === 0n) return target
    const document = yield* existingDocument(allocation.documentId)
    if (delta > 0n) {
      if (document.state === "cancelled") {
        return yield* refused("document", document.id, document.state, "allocate", "the document is cancelled")
      }
      if (delta > documentRoom(document)) {
        return yield* new Conflict({
          reason: "over-allocation",
          message: `${amountText(amount, target.currency)} exceeds the ${amountText(allocation.amount + documentRoom(document), target.currency)} ${document.kind} ${document.number} can take from this payment`
        })
      }
      if (delta > unallocatedCredit(target)) {
        return yield* new Conflict({
          reason: "over-allocation",
          message: `allocations of ${amountText(target.allocatedAmount + delta, target.currency)} exceed the ${amountText(effectiveAmount(target), target.currency)} of the payment that can be allocated`
        })
      }
    }
    if (allocation.booked) yield* shiftDocument(document, delta)
    yield* store.allocations.update({ ...allocation, amount })
    yield* recordEvent({
      type: "payment.allocation-adjusted",
      entity: "payment",
      entityId: target.id,
      customerId: target.customerId,
      paymentId: target.id,
      data: {
        allocationId: allocation.id,
        documentId: document.id,
        documentNumber: document.number,
        previousAmount: minor(allocation.amount),
        amount: minor(amount),
        booked: allocation.booked
      }
    })
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount + delta })
  })
