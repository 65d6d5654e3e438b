/**
 * Acme Pay transformers: ledger records → Acme wire bodies, and Acme requests → core command
 * inputs. The status table is total over the ledger's payment states, so a new state breaks
 * compilation here until Acme's name for it is decided.
 */
import { DateFormats } from "@paybridge/adapter-kit"
import type { CreatePaymentInput, Payment, PaymentState } from "@paybridge/core"
import { type AcmeCreatePayment, type AcmeStatus, acmeMoney } from "./acme-pay.schemas.ts"

const statusOf = {
  draft: "draft",
  pending: "processing",
  posted: "succeeded",
  rejected: "failed",
  cancelled: "canceled"
} as const satisfies Record<PaymentState, AcmeStatus>

/** One payment as Acme shows it. */
export const toAcmePayment = (payment: Payment) => ({
  id: payment.id,
  customer_id: payment.customerId,
  amount: acmeMoney.format(payment.amount, payment.currency),
  currency: payment.currency,
  status: statusOf[payment.state],
  payment_date: DateFormats.businessDate.format(payment.paymentDate),
  reference: payment.references.reference,
  created_at: DateFormats.isoDateTimeMillis.format(payment.createdAt)
})

/** Acme's create request → the core command (the ledger parses the amount against the customer's currency). */
export const fromAcmeCreatePayment = (body: typeof AcmeCreatePayment.Type): CreatePaymentInput => ({
  customerId: body.customer_id,
  amount: body.amount,
  ...(body.currency === undefined ? {} : { currency: body.currency as CreatePaymentInput["currency"] }),
  ...(body.payment_date === undefined ? {} : { paymentDate: body.payment_date }),
  ...(body.reference === undefined ? {} : { reference: body.reference })
})
