/**
 * The collection sub-lifecycle of a payment, as the payment and collection commands share it:
 * finding the open (requested) collection, moving a collection through its lifecycle table,
 * logging collection events, and submitting a draft payment for collection (it goes pending).
 */
import { Effect, Result } from "effect"
import { type CollectionAction, nextCollectionState } from "../../lifecycle/collection-lifecycle.ts"
import type { Collection, Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { newestFirst } from "./allocation-book.ts"
import { savePayment } from "./guarded-saves.ts"
import { recordEvent } from "./ledger-events.ts"
import { paymentTransition, refused } from "./lifecycle-steps.ts"
import { paymentEvent } from "./payment-posting.ts"

/** The payment's requested collection (the newest), or `null`. */
export const openCollection = (target: Payment) =>
  Effect.flatMap(LedgerStore, (store) =>
    Effect.map(
      store.collections.listByPayment(target.id),
      (rows) => newestFirst(rows).find((row) => row.state === "requested") ?? null
    )
  )

/** Moves a collection through its lifecycle table; a refusal is `InvalidTransition`. */
export const advanceCollection = Effect.fnUntraced(function* (
  collection: Collection,
  action: CollectionAction,
  changes: Partial<Collection>
) {
  const store = yield* LedgerStore
  const next = nextCollectionState(collection.state, action)
  if (Result.isFailure(next)) {
    return yield* refused("collection", collection.id, collection.state, action, next.failure)
  }
  return yield* store.collections.update({ ...collection, ...changes, state: next.success })
})

export const collectionEvent = (
  type: "collection.requested" | "collection.collected" | "collection.cancelled" | "collection.failed",
  collection: Collection,
  owner: Payment,
  data: Record<string, unknown> = {}
) =>
  recordEvent({
    type,
    entity: "collection",
    entityId: collection.id,
    customerId: owner.customerId,
    paymentId: owner.id,
    data: { method: collection.method, gatewayReference: collection.gatewayReference, ...data }
  })

/** Opens a collection on a draft payment (it goes pending). */
export const submitForCollection = Effect.fnUntraced(function* (
  target: Payment,
  method: Collection["method"],
  gatewayReference: string | null,
  changes: Partial<Payment> = {}
) {
  const store = yield* LedgerStore
  const state = yield* paymentTransition(target, "submit")
  const collection = yield* store.collections.insert({
    paymentId: target.id,
    method,
    state: "requested",
    gatewayReference,
    failureReason: null,
    requestedAt: yield* now,
    collectedAt: null,
    cancelledAt: null,
    failedAt: null
  })
  const submitted = yield* savePayment(target, { ...changes, state })
  yield* paymentEvent("payment.submitted", submitted, { collectionId: collection.id, method })
  yield* collectionEvent("collection.requested", collection, submitted)
  return submitted
})
