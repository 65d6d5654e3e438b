/**
 * The allocation book of the ledger: how parts of payments are applied to documents. It checks
 * that allocations fit (a document never takes more than it has outstanding, a payment never
 * gives more than `amount − reversed − refunded`), books them on both sides with events, and
 * releases them again: explicitly, when a payment is rejected or cancelled, or newest first
 * when a reversal or refund leaves the payment too small for what it carries.
 */
import { Effect } from "effect"
import { Conflict, validationFailed } from "../../errors.ts"
import type { DocumentId } from "../../model/ids.ts"
import type { Allocation, Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { amountText, type FieldPath } from "./exact-amounts.ts"
import { saveDocument, savePayment } from "./guarded-saves.ts"
import { minor, recordEvent } from "./ledger-events.ts"
import { refused } from "./lifecycle-steps.ts"
import { existingDocument } from "./record-access.ts"

/** One allocation asked for, amount already parsed; `documentPath` names the input field in errors. */
export interface AllocationRequest {
  readonly documentId: DocumentId
  readonly amount: bigint
  readonly documentPath: FieldPath
}

/** What a payment can still carry: its amount less what was reversed or refunded. */
export const effectiveAmount = (payment: Payment): bigint =>
  payment.amount - payment.reversedAmount - payment.refundedAmount

export const newestFirst = <A extends { readonly id: number }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => b.id - a.id)

/** Checks that the documents can take these allocations and the payment has room for them. */
export const planAllocations = (
  owner: Pick<Payment, "customerId" | "currency">,
  room: bigint,
  requests: ReadonlyArray<AllocationRequest>
) =>
  Effect.gen(function* () {
    const outstanding = new Map<DocumentId, bigint>()
    let total = 0n
    for (const request of requests) {
      const document = yield* existingDocument(request.documentId)
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
  })

/** Books planned allocations: documents' allocated/outstanding/state and the payment's allocated amount. */
export const applyAllocations = (target: Payment, requests: ReadonlyArray<AllocationRequest>) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    if (requests.length === 0) return target
    let total = 0n
    for (const request of requests) {
      const document = yield* existingDocument(request.documentId)
      const outstanding = document.outstanding - request.amount
      yield* saveDocument(document, {
        allocated: document.allocated + request.amount,
        outstanding,
        state: outstanding === 0n ? "paid" : "issued"
      })
      const allocation = yield* store.allocations.insert({
        paymentId: target.id,
        documentId: document.id,
        amount: request.amount,
        createdAt: yield* now
      })
      yield* recordEvent({
        type: "payment.allocated",
        entity: "payment",
        entityId: target.id,
        customerId: target.customerId,
        paymentId: target.id,
        data: {
          allocationId: allocation.id,
          documentId: document.id,
          documentNumber: document.number,
          amount: minor(request.amount)
        }
      })
      total += request.amount
    }
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount + total })
  })

/** Removes allocations, giving their amounts back to the documents (a paid document is issued again). */
export const releaseAllocations = (target: Payment, allocations: ReadonlyArray<Allocation>, reason: string) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    if (allocations.length === 0) return target
    let total = 0n
    for (const allocation of allocations) {
      const document = yield* existingDocument(allocation.documentId)
      yield* saveDocument(document, {
        allocated: document.allocated - allocation.amount,
        outstanding: document.outstanding + allocation.amount,
        state: document.state === "paid" ? "issued" : document.state
      })
      yield* store.allocations.delete(allocation.id)
      yield* recordEvent({
        type: "payment.deallocated",
        entity: "payment",
        entityId: target.id,
        customerId: target.customerId,
        paymentId: target.id,
        data: {
          allocationId: allocation.id,
          documentId: document.id,
          documentNumber: document.number,
          amount: minor(allocation.amount),
          reason
        }
      })
      total += allocation.amount
    }
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount - total })
  })

/**
 * Changes one allocation's amount in place (its id stays): the document and the payment take the
 * difference, within what the document has outstanding and what the payment has left, and a
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
      if (delta > document.outstanding) {
        return yield* new Conflict({
          reason: "over-allocation",
          message: `${amountText(amount, target.currency)} exceeds the ${amountText(allocation.amount + document.outstanding, target.currency)} ${document.kind} ${document.number} can take from this payment`
        })
      }
      const room = effectiveAmount(target) - target.allocatedAmount
      if (delta > room) {
        return yield* new Conflict({
          reason: "over-allocation",
          message: `allocations of ${amountText(target.allocatedAmount + delta, target.currency)} exceed the ${amountText(effectiveAmount(target), target.currency)} of the payment that can be allocated`
        })
      }
    }
    const outstanding = document.outstanding - delta
    yield* saveDocument(document, {
      allocated: document.allocated + delta,
      outstanding,
      state: outstanding === 0n ? "paid" : document.state === "paid" ? "issued" : document.state
    })
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
        amount: minor(amount)
      }
    })
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount + delta })
  })

/** After a reversal or refund: releases the newest allocations until the rest fits the payment. */
export const fitAllocations = (target: Payment, reason: string) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const room = effectiveAmount(target)
    if (target.allocatedAmount <= room) return target
    const released: Array<Allocation> = []
    let kept = target.allocatedAmount
    for (const allocation of newestFirst(yield* store.allocations.listByPayment(target.id))) {
      if (kept <= room) break
      released.push(allocation)
      kept -= allocation.amount
    }
    return yield* releaseAllocations(target, released, reason)
  })
