/**
 * The payment lifecycle against a transition table written out here by hand from the product
 * rules (not read back from the implementation): a draft is posted, rejected, cancelled or
 * submitted for collection; a pending payment posts, is cancelled or falls back to draft when its
 * collection fails; a posted payment only takes reversals and reinstatements; rejected and
 * cancelled payments are final.
 */

import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  isEffectivePaymentState,
  isFinalPaymentState,
  nextPaymentState,
  type PaymentAction,
  type PaymentState,
  paymentActions,
  paymentStates
} from "../../src/index.ts"
import { checkLifecycle, type ExpectedTable } from "./table-checks.ts"

const states: ReadonlyArray<PaymentState> = ["draft", "pending", "posted", "rejected", "cancelled"]
const actions: ReadonlyArray<PaymentAction> = [
  "post",
  "reject",
  "cancel",
  "submit",
  "fail-collection",
  "reverse",
  "reinstate"
]

const expected: ExpectedTable<PaymentState, PaymentAction> = {
  draft: { post: "posted", reject: "rejected", cancel: "cancelled", submit: "pending" },
  pending: { post: "posted", cancel: "cancelled", "fail-collection": "draft" },
  posted: { reverse: "posted", reinstate: "posted" },
  rejected: {},
  cancelled: {}
}

describe("payment lifecycle", () => {
  it("has exactly the documented states and actions", () => {
    expect([...paymentStates].sort()).toEqual([...states].sort())
    expect([...paymentActions].sort()).toEqual([...actions].sort())
  })

  checkLifecycle({
    entity: "payment",
    states,
    actions,
    initial: "draft",
    expected,
    next: nextPaymentState,
    refusal: (from, action) => `cannot ${action} a ${from} payment`
  })

  it("reports the refused state and action alongside the message", () => {
    expect(nextPaymentState("rejected", "post")).toEqual(
      Result.fail({ from: "rejected", action: "post", message: "cannot post a rejected payment" })
    )
  })

  it("calls exactly rejected and cancelled final (a posted payment can still be reversed)", () => {
    expect(states.filter(isFinalPaymentState)).toEqual(["rejected", "cancelled"])
  })

  it("counts only posted payments towards the balance", () => {
    expect(states.filter(isEffectivePaymentState)).toEqual(["posted"])
  })

  it("once posted, a payment stays posted whatever happens next", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...actions), { maxLength: 30 }), (sequence) => {
        let state: PaymentState = "posted"
        for (const action of sequence) {
          const result = nextPaymentState(state, action)
          if (Result.isSuccess(result)) state = result.success
          expect(state).toBe("posted")
        }
      })
    )
  })
})
