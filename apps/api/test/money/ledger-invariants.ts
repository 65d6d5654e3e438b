/**
 * The ledger's money invariants for one customer, checked over tRPC reads (what the model test
 * asserts after every step): per document outstanding = total − allocated, never negative; per
 * payment amount = allocated + unallocated + reversed + refunded, each never negative, with the
 * reversed and refunded figures equal to the reversals and live refunds behind them; the live
 * allocations seen from the documents equal those seen from the payments; the customer balance
 * equals posted documents − effective payments (+ adjustments) and the balance chain is gap-free.
 * It also answers each part of the balance (documents, payments, refunds, adjustments) from the
 * balance entries, which is what each dialect's reconciliation is compared with.
 */
import type { MoneyHttp, MoneyPart } from "@paybridge/adapter-kit/testing"
import {
  allItems,
  dataOf,
  liveRefund,
  type TrpcAllocation,
  type TrpcBalanceEntry,
  type TrpcCaller,
  type TrpcDocument,
  type TrpcPayment,
  type TrpcPaymentDetail,
  type TrpcRefund
} from "./trpc.money-driver.ts"

export interface LedgerSnapshot {
  readonly balance: bigint
  readonly entries: number
  /** The customer's balance split by the parts the balance entries belong to. */
  readonly parts: Readonly<Record<MoneyPart, bigint>>
  readonly problems: ReadonlyArray<string>
  readonly payments: ReadonlyArray<TrpcPayment>
  readonly documents: ReadonlyArray<TrpcDocument>
  readonly refunds: ReadonlyArray<TrpcRefund>
}

const partOf: Readonly<Record<string, MoneyPart>> = {
  "document-issued": "documents",
  "document-cancelled": "documents",
  "payment-posted": "payments",
  "payment-reversed": "payments",
  "payment-reinstated": "payments",
  refund: "refunds",
  "refund-voided": "refunds",
  adjustment: "adjustments"
}

const sum = <T>(items: ReadonlyArray<T>, amount: (item: T) => bigint) =>
  items.reduce((total, item) => total + amount(item), 0n)

/** Reads the customer through tRPC and lists every invariant that does not hold. */
export const checkLedger = async (
  caller: TrpcCaller,
  http: MoneyHttp,
  customerId: number,
  options: { readonly deep?: boolean } = {}
): Promise<LedgerSnapshot> => {
  const problems: Array<string> = []
  // One batched request reads the customer and the first page of each list; longer lists page on.
  const lists = [
    ["payments.list", { customerId, order: "id" }],
    ["documents.list", { customerId }],
    ["refunds.list", { customerId }],
    ["balances.entries", { customerId }]
  ] as const
  const answers = await caller.queryBatch(http, [
    ["customers.get", { id: customerId }],
    ...lists.map(([path, input]) => [path, { ...input, limit: 500 }] as const)
  ])
  const customer = dataOf<{ balance: string }>(answers[0] as Parameters<typeof dataOf>[0], "customers.get")
  const listed = await Promise.all(
    lists.map(async ([path, input], index) => {
      const page = dataOf<{ items: ReadonlyArray<unknown>; nextCursor: string | null }>(
        answers[index + 1] as Parameters<typeof dataOf>[0],
        path
      )
      return page.nextCursor === null ? page.items : await allItems<unknown>(caller, http, path, input)
    })
  )
  const payments = listed[0] as ReadonlyArray<TrpcPayment>
  const documents = listed[1] as ReadonlyArray<TrpcDocument>
  const refunds = listed[2] as ReadonlyArray<TrpcRefund>
  const entries = [...(listed[3] as ReadonlyArray<TrpcBalanceEntry & { paymentId: number | null }>)].sort(
    (a, b) => a.sequence - b.sequence
  )
  const balance = BigInt(customer.balance)

  // Balance chain: gap-free from 1, each entry = previous + delta, the last = the customer's balance.
  let running = 0n
  entries.forEach((entry, index) => {
    if (entry.sequence !== index + 1) problems.push(`balance entry #${index + 1} has sequence ${entry.sequence}`)
    running += BigInt(entry.delta)
    if (BigInt(entry.balanceAfter) !== running)
      problems.push(`balance entry #${entry.sequence}: balanceAfter ${entry.balanceAfter}, chain gives ${running}`)
  })
  if (running !== balance) problems.push(`customer balance ${balance} but the balance chain sums to ${running}`)

  // Documents.
  for (const document of documents) {
    const total = BigInt(document.total)
    const allocated = BigInt(document.allocated)
    const outstanding = BigInt(document.outstanding)
    if (outstanding !== total - allocated)
      problems.push(
        `${document.kind} ${document.id}: outstanding ${outstanding} ≠ total ${total} − allocated ${allocated}`
      )
    if (document.state !== "cancelled" && (document.state === "paid") !== (outstanding === 0n))
      problems.push(`${document.kind} ${document.id} is ${document.state} with ${outstanding} outstanding`)
    if (outstanding < 0n || allocated < 0n)
      problems.push(`${document.kind} ${document.id}: negative allocated ${allocated} / outstanding ${outstanding}`)
  }

  // Payments.
  for (const payment of payments) {
    const amount = BigInt(payment.amount)
    const allocated = BigInt(payment.allocatedAmount)
    const reversed = BigInt(payment.reversedAmount)
    const refunded = BigInt(payment.refundedAmount)
    const unallocated = amount - allocated - reversed - refunded
    if (allocated < 0n || reversed < 0n || refunded < 0n || unallocated < 0n)
      problems.push(
        `payment ${payment.id}: amount ${amount} = allocated ${allocated} + unallocated ${unallocated} + reversed ${reversed} + refunded ${refunded} has a negative part`
      )
    const liveRefunds = sum(
      refunds.filter((refund) => refund.paymentId === payment.id && liveRefund(refund)),
      (refund) => BigInt(refund.amount)
    )
    if (liveRefunds !== refunded)
      problems.push(`payment ${payment.id}: refunded ${refunded} but live refunds sum to ${liveRefunds}`)
    const reversedByEntries = sum(
      entries.filter(
        (entry) =>
          entry.paymentId === payment.id && (entry.kind === "payment-reversed" || entry.kind === "payment-reinstated")
      ),
      (entry) => -BigInt(entry.delta)
    )
    if (reversedByEntries !== reversed)
      problems.push(`payment ${payment.id}: reversed ${reversed} but its reversal entries sum to ${reversedByEntries}`)
    if (payment.state !== "posted" && (reversed !== 0n || refunded !== 0n))
      problems.push(`payment ${payment.id} is ${payment.state} but has reversed ${reversed} / refunded ${refunded}`)
  }
  // Only posted payments book their allocations; a draft's only reserve documents (issue 12.1).
  const allocatedByDocuments = sum(documents, (document) => BigInt(document.allocated))
  const allocatedByPayments = sum(
    payments.filter((payment) => payment.state === "posted"),
    (payment) => BigInt(payment.allocatedAmount)
  )
  if (allocatedByDocuments !== allocatedByPayments)
    problems.push(`documents show ${allocatedByDocuments} allocated, posted payments ${allocatedByPayments}`)

  // The customer balance from the records.
  const effectivePayments = sum(
    payments.filter((payment) => payment.state === "posted"),
    (payment) => BigInt(payment.amount) - BigInt(payment.reversedAmount)
  )
  const liveRefunded = sum(refunds.filter(liveRefund), (refund) => BigInt(refund.amount))
  const debited = sum(
    documents.filter((document) => document.kind !== "proforma" && document.state !== "cancelled"),
    (document) => BigInt(document.total)
  )
  const adjustments = sum(
    entries.filter((entry) => entry.kind === "adjustment"),
    (entry) => BigInt(entry.delta)
  )
  const fromRecords = effectivePayments - liveRefunded - debited + adjustments
  if (fromRecords !== balance)
    problems.push(
      `balance ${balance} ≠ effective payments ${effectivePayments} − live refunds ${liveRefunded} − documents ${debited} + adjustments ${adjustments} = ${fromRecords}`
    )

  if (options.deep === true) {
    // Every live allocation, read from both sides.
    for (const document of documents) {
      const allocations = dataOf<ReadonlyArray<TrpcAllocation>>(
        await caller.query(http, "documents.allocations", { id: document.id }),
        "documents.allocations"
      )
      // A draft's allocations only reserve the document (issue 12.1): the document counts the booked ones.
      const live = sum(
        allocations.filter((allocation) => allocation.booked !== false),
        (allocation) => BigInt(allocation.amount)
      )
      if (live !== BigInt(document.allocated))
        problems.push(
          `${document.kind} ${document.id}: allocated ${document.allocated} but its allocations sum to ${live}`
        )
    }
    for (const payment of payments) {
      const detail = dataOf<TrpcPaymentDetail>(
        await caller.query(http, "payments.get", { id: payment.id }),
        "payments.get"
      )
      const live = sum(detail.allocations, (allocation) => BigInt(allocation.amount))
      if (live !== BigInt(payment.allocatedAmount))
        problems.push(`payment ${payment.id}: allocated ${payment.allocatedAmount} but its allocations sum to ${live}`)
      const active = sum(
        detail.reversals.filter((reversal) => reversal.reinstatedAt === null),
        (reversal) => BigInt(reversal.amount)
      )
      if (active !== BigInt(payment.reversedAmount))
        problems.push(`payment ${payment.id}: reversed ${payment.reversedAmount} but active reversals sum to ${active}`)
    }
  }

  const parts: Record<MoneyPart, bigint> = { documents: 0n, payments: 0n, refunds: 0n, adjustments: 0n }
  for (const entry of entries) {
    const part = partOf[entry.kind]
    if (part === undefined) problems.push(`balance entry #${entry.sequence} has an unknown kind ${entry.kind}`)
    else parts[part] += BigInt(entry.delta)
  }
  return { balance, entries: entries.length, parts, problems, payments, documents, refunds }
}
