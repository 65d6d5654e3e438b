/**
 * The money invariants of one customer (docs/money-model.md), as a pure function over the records
 * read back from the store: per document, outstanding = total − booked allocations, never negative,
 * and its state agrees; per payment, amount = allocated + unallocated + reversed + refunded, each
 * never negative, booked allocations only while posted; the customer's balance equals posted
 * documents − effective payments − refunds of balance credit + adjustments; the balance chain is
 * gap-free and adds up. `ledgerInvariants` returns every violation as a sentence (empty: all hold);
 * `@paybridge/db/testing`'s `checkCustomerMoney` reads the records and calls it.
 */
import { isVoidRefundState } from "../lifecycle/refund-lifecycle.ts"
import type { Allocation, BalanceEntry, Customer, Document, Payment, Refund, Reversal } from "./records.ts"

/** Everything the invariants look at for one customer. */
export interface CustomerMoney {
  readonly customer: Customer
  readonly documents: ReadonlyArray<Document>
  readonly payments: ReadonlyArray<Payment>
  /** The allocations of the customer's payments (booked and reserved). */
  readonly allocations: ReadonlyArray<Allocation>
  readonly reversals: ReadonlyArray<Reversal>
  readonly refunds: ReadonlyArray<Refund>
  /** The customer's whole balance chain. */
  readonly balanceEntries: ReadonlyArray<BalanceEntry>
}

const sum = <A>(rows: ReadonlyArray<A>, amount: (row: A) => bigint): bigint =>
  rows.reduce((total, row) => total + amount(row), 0n)

/** Every invariant of `money` that does not hold, as a sentence naming the record and the figures. */
export const ledgerInvariants = (money: CustomerMoney): ReadonlyArray<string> => {
  const violations: Array<string> = []
  const fail = (message: string) => violations.push(message)
  const { customer } = money

  for (const document of money.documents) {
    const booked = sum(
      money.allocations.filter((row) => row.booked && row.documentId === document.id),
      (row) => row.amount
    )
    const name = `${document.kind} ${document.id}`
    if (document.allocated !== booked) fail(`${name}: allocated ${document.allocated} ≠ booked allocations ${booked}`)
    if (document.outstanding !== document.total - booked) {
      fail(`${name}: outstanding ${document.outstanding} ≠ total ${document.total} − allocations ${booked}`)
    }
    if (document.outstanding < 0n) fail(`${name}: outstanding ${document.outstanding} is negative`)
    if (document.state === "paid" && document.outstanding !== 0n)
      fail(`${name}: paid with ${document.outstanding} outstanding`)
    if (document.state === "issued" && document.outstanding === 0n) fail(`${name}: issued with nothing outstanding`)
    if (document.state === "cancelled" && booked !== 0n) fail(`${name}: cancelled with ${booked} allocated`)
  }

  for (const payment of money.payments) {
    const name = `payment ${payment.id}`
    const own = money.allocations.filter((row) => row.paymentId === payment.id)
    const allocated = sum(own, (row) => row.amount)
    const reversed = sum(
      money.reversals.filter((row) => row.paymentId === payment.id && row.reinstatedAt === null),
      (row) => row.amount
    )
    const refunded = sum(
      money.refunds.filter((row) => row.paymentId === payment.id && !isVoidRefundState(row.state)),
      (row) => row.amount
    )
    if (payment.allocatedAmount !== allocated)
      fail(`${name}: allocated ${payment.allocatedAmount} ≠ allocations ${allocated}`)
    if (payment.reversedAmount !== reversed)
      fail(`${name}: reversed ${payment.reversedAmount} ≠ active reversals ${reversed}`)
    if (payment.refundedAmount !== refunded)
      fail(`${name}: refunded ${payment.refundedAmount} ≠ live refunds ${refunded}`)
    const unallocated = payment.amount - payment.allocatedAmount - payment.reversedAmount - payment.refundedAmount
    for (const [field, value] of [
      ["allocated", payment.allocatedAmount],
      ["unallocated", unallocated],
      ["reversed", payment.reversedAmount],
      ["refunded", payment.refundedAmount]
    ] as const) {
      if (value < 0n) fail(`${name}: ${field} ${value} is negative`)
    }
    for (const row of own) {
      if (row.amount <= 0n) fail(`${name}: allocation ${row.id} of ${row.amount}`)
      if (row.booked !== (payment.state === "posted")) {
        fail(`${name}: ${payment.state} payment has ${row.booked ? "a booked" : "a reserved"} allocation ${row.id}`)
      }
    }
    if ((payment.state === "rejected" || payment.state === "cancelled") && own.length > 0) {
      fail(`${name}: ${payment.state} payment still allocates`)
    }
  }

  const documents = sum(
    money.documents.filter((row) => row.kind !== "proforma" && row.state !== "cancelled"),
    (row) => row.total
  )
  const payments = sum(
    money.payments.filter((row) => row.state === "posted"),
    (row) => row.amount - row.reversedAmount - row.refundedAmount
  )
  const creditRefunds = sum(
    money.refunds.filter((row) => row.paymentId === null && !isVoidRefundState(row.state)),
    (row) => row.amount
  )
  const adjustments = sum(
    money.balanceEntries.filter((row) => row.kind === "adjustment"),
    (row) => row.delta
  )
  const expected = payments - documents - creditRefunds + adjustments
  if (customer.balance !== expected) {
    fail(
      `customer ${customer.id}: balance ${customer.balance} ≠ effective payments ${payments} − documents ${documents}` +
        ` − credit refunds ${creditRefunds} + adjustments ${adjustments} = ${expected}`
    )
  }

  const chain = [...money.balanceEntries].sort((a, b) => a.sequence - b.sequence)
  let running = 0n
  chain.forEach((entry, index) => {
    if (entry.sequence !== index + 1)
      fail(`balance chain: entry ${entry.id} has sequence ${entry.sequence}, expected ${index + 1}`)
    running += entry.delta
    if (entry.balanceAfter !== running)
      fail(`balance chain: entry ${entry.sequence} balance after ${entry.balanceAfter} ≠ ${running}`)
  })
  if (running !== customer.balance)
    fail(`balance chain ends at ${running}, the customer's balance is ${customer.balance}`)
  return violations
}
