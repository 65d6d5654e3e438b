/**
 * The tRPC money driver: sends every money command of the model test through `/trpc` over HTTP
 * (plain JSON, no transformer: amounts as major-unit decimal strings in, minor units as strings
 * out) and sums a customer the way an internal client does — posted payments less their active
 * reversals, less live refunds, less issued invoices and bills, plus the balance adjustments. It
 * is the fallback protocol: it can express every command.
 */
import type {
  DialectReconciliation,
  MoneyCommand,
  MoneyCustomer,
  MoneyDriver,
  MoneyHttp,
  MoneyOutcome
} from "@paybridge/adapter-kit/testing"
import { type CurrencyCode, formatMinorUnits } from "@paybridge/core/money"

/** A tRPC answer: the procedure's data, or the refusal as the client saw it. */
type TrpcAnswer =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly status: number; readonly body: string }

export interface TrpcCaller {
  readonly query: (http: MoneyHttp, path: string, input: unknown) => Promise<TrpcAnswer>
  /** Several queries in one HTTP request (tRPC's batch form, as `httpBatchLink` sends them). */
  readonly queryBatch: (
    http: MoneyHttp,
    calls: ReadonlyArray<readonly [path: string, input: unknown]>
  ) => Promise<ReadonlyArray<TrpcAnswer>>
  readonly mutate: (http: MoneyHttp, path: string, input: unknown) => Promise<TrpcAnswer>
}

/** Calls `/trpc/<path>` with the API key, recording each request through `http.send`. */
export const trpcCaller = (apiKey: () => string): TrpcCaller => {
  const answer = (response: { readonly status: number; readonly text: string }): TrpcAnswer => {
    if (response.status !== 200) return { ok: false, status: response.status, body: response.text }
    return { ok: true, data: (JSON.parse(response.text) as { result: { data: unknown } }).result.data }
  }
  return {
    query: async (http, path, input) =>
      answer(
        await http.send({
          method: "GET",
          url: `${http.baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
          headers: { authorization: `Bearer ${apiKey()}` }
        })
      ),
    queryBatch: async (http, calls) => {
      const inputs = Object.fromEntries(calls.map(([, input], index) => [index, input]))
      const response = await http.send({
        method: "GET",
        url: `${http.baseUrl}/trpc/${calls.map(([path]) => path).join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`,
        headers: { authorization: `Bearer ${apiKey()}` }
      })
      const parsed = JSON.parse(response.text) as ReadonlyArray<{ result?: { data: unknown }; error?: unknown }>
      return parsed.map(
        (item): TrpcAnswer =>
          item.result === undefined
            ? { ok: false, status: response.status, body: JSON.stringify(item.error) }
            : { ok: true, data: item.result.data }
      )
    },
    mutate: async (http, path, input) =>
      answer(
        await http.send({
          method: "POST",
          url: `${http.baseUrl}/trpc/${path}`,
          headers: { authorization: `Bearer ${apiKey()}`, "content-type": "application/json" },
          body: JSON.stringify(input)
        })
      )
  }
}

/** Throws with the refusal when a read that must work does not. */
export const dataOf = <T>(answer: TrpcAnswer, what: string): T => {
  if (!answer.ok) throw new Error(`${what} failed: HTTP ${answer.status} ${answer.body}`)
  return answer.data as T
}

export interface TrpcPayment {
  readonly id: number
  readonly customerId: number
  readonly amount: string
  readonly state: string
  readonly reversedAmount: string
  readonly allocatedAmount: string
  readonly refundedAmount: string
}
export interface TrpcAllocation {
  readonly id: number
  readonly paymentId: number
  readonly documentId: number
  readonly amount: string
  /** `false` for a draft's reservation (it books nothing until the payment is posted). */
  readonly booked?: boolean
}
export interface TrpcReversal {
  readonly id: number
  readonly paymentId: number
  readonly amount: string
  readonly reinstatedAt: string | null
}
export interface TrpcPaymentDetail {
  readonly payment: TrpcPayment
  readonly allocations: ReadonlyArray<TrpcAllocation>
  readonly reversals: ReadonlyArray<TrpcReversal>
}
export interface TrpcDocument {
  readonly id: number
  readonly kind: string
  readonly total: string
  readonly allocated: string
  readonly outstanding: string
  readonly state: string
}
export interface TrpcRefund {
  readonly id: number
  /** `null` for a refund of balance credit that no payment carried. */
  readonly paymentId: number | null
  readonly amount: string
  readonly state: string
}
export interface TrpcBalanceEntry {
  readonly sequence: number
  readonly kind: string
  readonly delta: string
  readonly balanceAfter: string
}
interface Page<T> {
  readonly items: ReadonlyArray<T>
  readonly nextCursor: string | null
}

/** Every item of a paged tRPC list. */
export const allItems = async <T>(
  caller: TrpcCaller,
  http: MoneyHttp,
  path: string,
  input: Record<string, unknown>
): Promise<ReadonlyArray<T>> => {
  const items: Array<T> = []
  let cursor: string | null = null
  do {
    const page: Page<T> = dataOf<Page<T>>(
      await caller.query(http, path, { ...input, limit: 500, ...(cursor === null ? {} : { cursor }) }),
      path
    )
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== null)
  return items
}

const major = (amount: bigint, currency: string) => formatMinorUnits(amount, currency as CurrencyCode)

const outcomeOf = (answer: TrpcAnswer, done: (data: unknown) => MoneyOutcome): MoneyOutcome =>
  answer.ok ? done(answer.data) : { kind: "refused", status: answer.status, body: answer.body }

/** The live refunds (requested, submitted or settled) still take money from the customer. */
export const liveRefund = (refund: TrpcRefund) => refund.state !== "cancelled" && refund.state !== "failed"

export const trpcMoneyDriver = (): MoneyDriver & { readonly caller: TrpcCaller } => {
  let key = ""
  const caller = trpcCaller(() => key)
  const currencyOfPayment = async (http: MoneyHttp, paymentId: number) =>
    dataOf<TrpcPaymentDetail>(await caller.query(http, "payments.get", { id: paymentId }), "payments.get")
  const send = async (http: MoneyHttp, command: MoneyCommand): Promise<MoneyOutcome> => {
    switch (command.kind) {
      case "createPayment": {
        const currency = command.customer.currency
        const answer = await caller.mutate(http, "payments.create", {
          customerId: command.customer.id,
          amount: major(command.amount, currency),
          initialState: command.state,
          ...(command.allocations.length === 0
            ? {}
            : {
                allocations: command.allocations.map((allocation) => ({
                  documentId: allocation.documentId,
                  amount: major(allocation.amount, currency)
                }))
              })
        })
        return outcomeOf(answer, (data) => ({ kind: "done", paymentId: (data as TrpcPaymentDetail).payment.id }))
      }
      case "postPayment":
        return outcomeOf(await caller.mutate(http, "payments.post", { paymentId: command.paymentId }), () => ({
          kind: "done"
        }))
      case "rejectPayment":
        return outcomeOf(
          await caller.mutate(http, "payments.reject", { paymentId: command.paymentId, reason: "model test" }),
          () => ({ kind: "done" })
        )
      case "cancelPayment":
        return outcomeOf(await caller.mutate(http, "payments.cancel", { paymentId: command.paymentId }), () => ({
          kind: "done"
        }))
      case "allocate": {
        const detail = await caller.query(http, "payments.get", { id: command.paymentId })
        if (!detail.ok) return { kind: "refused", status: detail.status, body: detail.body }
        const currency = (detail.data as TrpcPaymentDetail & { payment: { currency: string } }).payment.currency
        return outcomeOf(
          await caller.mutate(http, "payments.allocate", {
            paymentId: command.paymentId,
            allocations: [{ documentId: command.documentId, amount: major(command.amount, currency) }]
          }),
          () => ({ kind: "done" })
        )
      }
      case "deallocate": {
        const detail = await caller.query(http, "payments.get", { id: command.paymentId })
        if (!detail.ok) return { kind: "refused", status: detail.status, body: detail.body }
        const allocation = (detail.data as TrpcPaymentDetail).allocations.find(
          (candidate) => candidate.documentId === command.documentId
        )
        if (allocation === undefined) return { kind: "refused", status: 404, body: "no allocation to that document" }
        return outcomeOf(await caller.mutate(http, "payments.deallocate", { allocationId: allocation.id }), () => ({
          kind: "done"
        }))
      }
      case "payDocument": {
        const document = await caller.query(http, "documents.get", { id: command.documentId })
        if (!document.ok) return { kind: "refused", status: document.status, body: document.body }
        const currency = (document.data as { currency: string }).currency
        return outcomeOf(
          await caller.mutate(http, "payments.payDocument", {
            documentId: command.documentId,
            amount: major(command.amount, currency)
          }),
          (data) => ({ kind: "done", paymentId: (data as TrpcPaymentDetail).payment.id })
        )
      }
      case "reverse": {
        const detail = await currencyOfPayment(http, command.paymentId).catch(() => null)
        const currency = (detail?.payment as { currency?: string } | undefined)?.currency ?? "GBP"
        const before = new Set(detail?.reversals.map((reversal) => reversal.id) ?? [])
        return outcomeOf(
          await caller.mutate(http, "payments.reverse", {
            paymentId: command.paymentId,
            ...(command.amount === null ? {} : { amount: major(command.amount, currency) }),
            ...(command.documentId === null ? {} : { documentId: command.documentId })
          }),
          (data) => ({
            kind: "done",
            reversalId: (data as TrpcPaymentDetail).reversals.find((reversal) => !before.has(reversal.id))?.id
          })
        )
      }
      case "reinstate":
        return outcomeOf(
          await caller.mutate(http, "payments.reinstate", {
            paymentId: command.paymentId,
            reversalId: command.reversalId
          }),
          () => ({ kind: "done" })
        )
      case "refund": {
        const currency = command.customer.currency
        if (command.paymentId === null && command.documentId !== null) {
          return outcomeOf(
            await caller.mutate(http, "refunds.forDocument", {
              documentId: command.documentId,
              amount: major(command.amount, currency)
            }),
            (data) => ({ kind: "done", refundIds: [(data as TrpcRefund).id] })
          )
        }
        if (command.paymentId === null) {
          return outcomeOf(
            await caller.mutate(http, "refunds.fromCustomerCredit", {
              customerId: command.customer.id,
              amount: major(command.amount, currency),
              settle: true
            }),
            (data) => ({
              kind: "done",
              refundIds: (data as { refunds: ReadonlyArray<TrpcRefund> }).refunds.map((refund) => refund.id)
            })
          )
        }
        return outcomeOf(
          await caller.mutate(http, "payments.refund", {
            paymentId: command.paymentId,
            amount: major(command.amount, currency),
            ...(command.documentId === null ? {} : { documentId: command.documentId })
          }),
          (data) => ({ kind: "done", refundIds: [(data as TrpcRefund).id] })
        )
      }
      case "cancelRefund":
        return outcomeOf(
          await caller.mutate(http, "refunds.transition", { refundId: command.refundId, action: "cancel" }),
          () => ({ kind: "done" })
        )
      case "bounceRefund": {
        // A bounce is the failure of a submitted refund: submit first when it is still requested.
        const refund = await caller.query(http, "refunds.get", { id: command.refundId })
        if (refund.ok && (refund.data as TrpcRefund).state === "requested") {
          await caller.mutate(http, "refunds.transition", { refundId: command.refundId, action: "submit" })
        }
        return outcomeOf(
          await caller.mutate(http, "refunds.transition", { refundId: command.refundId, action: "fail" }),
          () => ({ kind: "done" })
        )
      }
      case "adjustBalance":
        return outcomeOf(
          await caller.mutate(http, "balances.adjust", {
            customerId: command.customer.id,
            amount: major(command.amount, command.customer.currency),
            description: "model test adjustment"
          }),
          () => ({ kind: "done" })
        )
      case "issueDocument":
        return outcomeOf(
          await caller.mutate(http, "documents.issue", {
            kind: command.documentKind,
            customerId: command.customer.id,
            total: major(command.total, command.customer.currency)
          }),
          (data) => ({ kind: "done", documentId: (data as TrpcDocument).id })
        )
      case "cancelDocument":
        return outcomeOf(await caller.mutate(http, "documents.cancel", { id: command.documentId }), () => ({
          kind: "done"
        }))
    }
  }
  const reconcile = async (http: MoneyHttp, customer: MoneyCustomer): Promise<DialectReconciliation> => {
    const payments = await allItems<TrpcPayment>(caller, http, "payments.list", {
      customerId: customer.id,
      states: ["posted"]
    })
    const refunds = await allItems<TrpcRefund>(caller, http, "refunds.list", { customerId: customer.id })
    const documents = await allItems<TrpcDocument>(caller, http, "documents.list", {
      customerId: customer.id,
      kinds: ["invoice", "bill"]
    })
    const entries = await allItems<TrpcBalanceEntry>(caller, http, "balances.entries", { customerId: customer.id })
    const rows = [
      ...payments.map((payment) => ({
        label: `payment ${payment.id} (${payment.amount} − reversed ${payment.reversedAmount})`,
        amount: BigInt(payment.amount) - BigInt(payment.reversedAmount)
      })),
      ...refunds.filter(liveRefund).map((refund) => ({
        label: `refund ${refund.id} of payment ${refund.paymentId} (${refund.state})`,
        amount: -BigInt(refund.amount)
      })),
      ...documents
        .filter((document) => document.state !== "cancelled")
        .map((document) => ({ label: `${document.kind} ${document.id}`, amount: -BigInt(document.total) })),
      ...entries
        .filter((entry) => entry.kind === "adjustment")
        .map((entry) => ({ label: `adjustment #${entry.sequence}`, amount: BigInt(entry.delta) }))
    ]
    return {
      balance: rows.reduce((sum, row) => sum + row.amount, 0n),
      covers: ["documents", "payments", "refunds", "adjustments"],
      rows
    }
  }
  return {
    protocol: "trpc",
    caller,
    prepare: async (_http, apiKey) => {
      key = apiKey
    },
    supports: () => true,
    send,
    reconcile
  }
}
