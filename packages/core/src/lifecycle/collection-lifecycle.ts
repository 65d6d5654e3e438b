/**
 * The collection sub-lifecycle of a payment collected by direct debit or card: a collection is
 * requested (the payment goes pending), then it is collected (the payment posts), cancelled, or
 * failed (the payment returns to draft). Each step keeps its own timestamp on the collection.
 */
import { Result, Schema } from "effect"

export const collectionStates = ["requested", "collected", "cancelled", "failed"] as const
export type CollectionState = (typeof collectionStates)[number]
export const CollectionState = Schema.Literals(collectionStates)

export const collectionActions = ["collect", "cancel", "fail"] as const
export type CollectionAction = (typeof collectionActions)[number]

export const collectionTransitions: {
  readonly [S in CollectionState]: { readonly [A in CollectionAction]: CollectionState | null }
} = {
  requested: { collect: "collected", cancel: "cancelled", fail: "failed" },
  collected: { collect: null, cancel: null, fail: null },
  cancelled: { collect: null, cancel: null, fail: null },
  failed: { collect: null, cancel: null, fail: null }
}

export const nextCollectionState = (
  from: CollectionState,
  action: CollectionAction
): Result.Result<CollectionState, string> => {
  const to = collectionTransitions[from][action]
  return to === null ? Result.fail(`cannot ${action} a ${from} collection`) : Result.succeed(to)
}
