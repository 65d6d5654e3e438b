/**
 * The release rule of the ledger (docs/money-model.md): every movement that reduces what a payment
 * carries — a reversal (full or partial), a refund, a rejection, a cancellation, a deallocation —
 * records, to the minor unit, what it released: first the payment's unallocated credit, then the
 * allocation to the document the request names, then the other allocations newest first, each
 * partially and never more than needed. Each part is an `AllocationRelease` row tied to the
 * movement, so reinstating the reversal or voiding (cancelling, failing) the refund restores
 * exactly what was released: each document gets back as much as it can still take, the rest stays
 * credit on the payment; every step is logged as an event.
 */
import { Effect } from "effect"
import type { DocumentId } from "../../model/ids.ts"
import type { Allocation, Payment, ReleaseMovementKind } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import {
  allocationEvent,
  bookedAllocationTo,
  documentRoom,
  newestFirst,
  shiftDocument,
  smaller,
  unallocatedCredit
} from "./allocation-book.ts"
import { savePayment } from "./guarded-saves.ts"
import { minor } from "./ledger-events.ts"
import { existingDocument } from "./record-access.ts"

/** The movement a release belongs to: its kind and the id of its record. */
export interface ReleaseMovement {
  readonly kind: ReleaseMovementKind
  readonly id: number
}

/** Takes `amount` (≤ its amount) off one allocation: records the release, frees it on the document. */
const takeFromAllocation = (
  target: Payment,
  allocation: Allocation,
  amount: bigint,
  movement: ReleaseMovement,
  reason: string
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const document = yield* existingDocument(allocation.documentId)
    if (allocation.booked) yield* shiftDocument(document, -amount)
    if (amount === allocation.amount) yield* store.allocations.delete(allocation.id)
    else yield* store.allocations.update({ ...allocation, amount: allocation.amount - amount })
    yield* store.releases.insert({
      movementKind: movement.kind,
      movementId: movement.id,
      paymentId: target.id,
      allocationId: allocation.id,
      documentId: allocation.documentId,
      amount,
      booked: allocation.booked,
      createdAt: yield* now,
      restoredAmount: null,
      restoredAt: null
    })
    yield* allocationEvent("payment.deallocated", target, {
      allocationId: allocation.id,
      documentId: document.id,
      documentNumber: document.number,
      amount: minor(amount),
      booked: allocation.booked,
      movement: movement.kind,
      movementId: movement.id,
      reason
    })
  })

/**
 * Releases `amount` of what `target` carries for `movement`, before the movement lowers the
 * payment's effective amount: unallocated credit first, then the allocations to `namedDocumentId`,
 * then the others newest first, partially. Returns the payment with its allocated amount lowered.
 */
export const releaseForMovement = (
  target: Payment,
  movement: ReleaseMovement,
  amount: bigint,
  namedDocumentId: DocumentId | null,
  reason: string
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const credit = smaller(amount, unallocatedCredit(target) > 0n ? unallocatedCredit(target) : 0n)
    if (credit > 0n) {
      yield* store.releases.insert({
        movementKind: movement.kind,
        movementId: movement.id,
        paymentId: target.id,
        allocationId: null,
        documentId: null,
        amount: credit,
        booked: false,
        createdAt: yield* now,
        restoredAmount: null,
        restoredAt: null
      })
    }
    let needed = amount - credit
    if (needed === 0n) return target
    const allocations = newestFirst(yield* store.allocations.listByPayment(target.id))
    const ordered = [
      ...allocations.filter((row) => row.documentId === namedDocumentId),
      ...allocations.filter((row) => row.documentId !== namedDocumentId)
    ]
    let taken = 0n
    for (const allocation of ordered) {
      if (needed === 0n) break
      const take = smaller(allocation.amount, needed)
      yield* takeFromAllocation(target, allocation, take, movement, reason)
      needed -= take
      taken += take
    }
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount - taken })
  })

/** Removes whole allocations (rejection, cancellation, deallocation), recording each release. */
export const releaseAllocations = (
  target: Payment,
  allocations: ReadonlyArray<Allocation>,
  movement: ReleaseMovement,
  reason: string
) =>
  Effect.gen(function* () {
    if (allocations.length === 0) return target
    let total = 0n
    for (const allocation of allocations) {
      yield* takeFromAllocation(target, allocation, allocation.amount, movement, reason)
      total += allocation.amount
    }
    return yield* savePayment(target, { allocatedAmount: target.allocatedAmount - total })
  })

/**
 * Restores what `movement` released, after the caller gave the amount back to `target` (its
 * effective amount raised): each released allocation goes back onto its document for as much as
 * the document can still take (and the payment is posted), the rest stays unallocated credit.
 * Each release row records what was restored and when. Returns the payment after it.
 */
export const restoreReleases = (target: Payment, movement: ReleaseMovement) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const releases = yield* store.releases.listByMovement(movement.kind, movement.id)
    let payment = target
    for (const release of releases) {
      if (release.restoredAt !== null) continue
      const at = yield* now
      if (release.documentId === null || !release.booked || payment.state !== "posted") {
        yield* store.releases.update({ ...release, restoredAmount: 0n, restoredAt: at })
        continue
      }
      const document = yield* existingDocument(release.documentId)
      const room = unallocatedCredit(payment)
      const take = smaller(smaller(release.amount, documentRoom(document)), room > 0n ? room : 0n)
      if (take > 0n) {
        yield* shiftDocument(document, take)
        const existing = bookedAllocationTo(yield* store.allocations.listByPayment(payment.id), document.id)
        const allocation =
          existing === undefined
            ? yield* store.allocations.insert({
                paymentId: payment.id,
                documentId: document.id,
                amount: take,
                booked: true,
                createdAt: at
              })
            : yield* store.allocations.update({ ...existing, amount: existing.amount + take })
        payment = yield* savePayment(payment, { allocatedAmount: payment.allocatedAmount + take })
        yield* allocationEvent("payment.allocated", payment, {
          allocationId: allocation.id,
          documentId: document.id,
          documentNumber: document.number,
          amount: minor(take),
          booked: true,
          restoredFrom: movement.kind,
          movementId: movement.id,
          keptAsCredit: minor(release.amount - take)
        })
      }
      yield* store.releases.update({ ...release, restoredAmount: take, restoredAt: at })
    }
    return payment
  })
