/**
 * A payment with everything that hangs off it (allocations, reversals, collections and refunds,
 * each oldest first): what payment commands answer with (`PaymentDetail`).
 */
import { Effect } from "effect"
import type { Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import type { PaymentDetail } from "../payments/payments.service.ts"
import { allPages } from "./ledger-command.ts"

const byId = <A extends { readonly id: number }>(rows: ReadonlyArray<A>): Array<A> =>
  [...rows].sort((a, b) => a.id - b.id)

/** A payment with its allocations, reversals, collections and refunds (each oldest first). */
export const paymentDetail = Effect.fnUntraced(function* (payment: Payment) {
  const store = yield* LedgerStore
  const allocations = yield* store.allocations.listByPayment(payment.id)
  const reversals = yield* store.reversals.listByPayment(payment.id)
  const collections = yield* store.collections.listByPayment(payment.id)
  const refunds = yield* allPages((paging) => store.refunds.list({ ...paging, paymentId: payment.id }))
  const detail: PaymentDetail = {
    payment,
    allocations: byId(allocations),
    reversals: byId(reversals),
    collections: byId(collections),
    refunds: byId(refunds)
  }
  return detail
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
