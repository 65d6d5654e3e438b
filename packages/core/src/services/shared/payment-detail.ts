/**
 * A payment with everything that hangs off it (allocations, reversals, collections and refunds,
 * each oldest first, read together by `payments.children`): what payment commands answer with
 * (`PaymentDetail`).
 */
import { Effect } from "effect"
import type { Payment } from "../../model/records.ts"
import { LedgerStore, type PaymentChildren } from "../../ports/ledger-store.ts"
import type { PaymentDetail } from "../payments/payments.service.ts"

const byId = <A extends { readonly id: number }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => a.id - b.id)

/** A payment with nothing hanging off it. */
export const noChildren: PaymentChildren = { allocations: [], reversals: [], collections: [], refunds: [] }

/** A payment's detail from its children as the store read them. */
export const detailOf = (payment: Payment, children: PaymentChildren): PaymentDetail => {
  const { allocations, reversals, collections, refunds } = children
  return {
    payment,
    allocations: byId(allocations),
    reversals: byId(reversals),
    collections: byId(collections),
    refunds: byId(refunds)
  }
}

/** A payment with its allocations, reversals, collections and refunds (each oldest first). */
export const paymentDetail = Effect.fnUntraced(function* (payment: Payment) {
  const store = yield* LedgerStore
  return detailOf(payment, yield* store.payments.children(payment.id))
})

/**
 * A command's answer about a payment charged through a gateway, read again after the command's
 * gateway call was recorded (outside the command's transaction); other answers as they are.
 */
export const afterGatewayCall = (detail: PaymentDetail) =>
  detail.payment.gatewayId === null
    ? Effect.succeed(detail)
    : Effect.flatMap(LedgerStore, (store) =>
        Effect.flatMap(store.payments.get(detail.payment.id), (payment) =>
          payment === null ? Effect.succeed(detail) : paymentDetail(payment)
        )
      )
