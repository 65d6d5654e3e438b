/**
 * Compile-time proof that record ids of different kinds do not mix (checked by `tsc`, never run):
 * each `@ts-expect-error` line must fail to compile, so if ids ever became interchangeable again
 * (a brand dropped, an id typed `number`), typecheck fails on the now-unused directive.
 */
import type { Effect } from "effect"
import {
  CustomerId,
  type Documents,
  type Payment,
  PaymentId,
  type PaymentLookup,
  type Payments,
  RefundId,
  type Refunds
} from "../src/index.ts"

declare const payments: Payments["Service"]
declare const documents: Documents["Service"]
declare const refunds: Refunds["Service"]
declare const payment: Payment

const customerId = CustomerId.make(7)
const paymentId = PaymentId.make(7)
const refundId = RefundId.make(7)

// The right kind compiles.
export const rightKinds: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
  payments.getPayment({ id: paymentId }),
  payments.postPayment({ paymentId: payment.id }),
  refunds.getRefund(refundId),
  payments.listPayments({ customerId: payment.customerId })
]

// A customer id where a payment id is expected does not.
// @ts-expect-error CustomerId is not a PaymentId
export const customerAsPayment: PaymentLookup = { id: customerId }
// @ts-expect-error CustomerId is not a PaymentId
payments.postPayment({ paymentId: customerId })
// @ts-expect-error a payment's id is not its customer's
payments.listPayments({ customerId: payment.id })
// @ts-expect-error PaymentId is not a RefundId
refunds.getRefund(paymentId)
// @ts-expect-error PaymentId is not a DocumentId
documents.getDocument(paymentId)
// @ts-expect-error a plain number is not an id of any kind
payments.getPayment({ id: 7 })
