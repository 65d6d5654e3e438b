/**
 * The collection sub-lifecycle against a table written out here by hand: a requested collection
 * is collected, cancelled or failed, and each of those outcomes is final.
 */
import { describe, expect, it } from "vitest"
import {
  type CollectionAction,
  type CollectionState,
  collectionActions,
  collectionStates,
  nextCollectionState
} from "../../src/index.ts"
import { checkLifecycle, type ExpectedTable } from "./table-checks.ts"

const states: ReadonlyArray<CollectionState> = ["requested", "collected", "cancelled", "failed"]
const actions: ReadonlyArray<CollectionAction> = ["collect", "cancel", "fail"]

const expected: ExpectedTable<CollectionState, CollectionAction> = {
  requested: { collect: "collected", cancel: "cancelled", fail: "failed" },
  collected: {},
  cancelled: {},
  failed: {}
}

describe("collection lifecycle", () => {
  it("has exactly the documented states and actions", () => {
    expect([...collectionStates].sort()).toEqual([...states].sort())
    expect([...collectionActions].sort()).toEqual([...actions].sort())
  })

  checkLifecycle({
    entity: "collection",
    states,
    actions,
    initial: "requested",
    expected,
    next: nextCollectionState,
    refusal: (from, action) => `cannot ${action} a ${from} collection`
  })
})
