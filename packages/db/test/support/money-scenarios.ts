/**
 * The model-free money property of the ledger services (docs/money-model.md): random sequences of
 * commands on one customer — documents issued and cancelled; payments created draft or posted,
 * with or without allocations; post, reject, cancel; allocate, deallocate, pay a document,
 * settle a document; full and partial reversals with or without a named document, reinstatements;
 * refunds with or without a named document, refunds for a document, refunds of customer credit;
 * refund transitions; balance adjustments — with every money invariant (`checkCustomerMoney`)
 * checked after each step. Business refusals along the way are fine; a violated invariant fails
 * the property with the steps that led to it. Used on SQLite and on PostgreSQL.
 */
import {
  type AllocationId,
  Balances,
  Conflict,
  type CustomerId,
  type DocumentId,
  Documents,
  formatMinorUnits,
  InvalidTransition,
  type LedgerServices,
  type LedgerStore,
  NotFound,
  type PaymentId,
  Payments,
  type RefundId,
  Refunds,
  type TransitionRefundInput,
  ValidationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { checkCustomerMoney } from "../../src/testing/index.ts"
import { asAdmin, newCustomer } from "../ledger/ledger-fixtures.ts"

export type MoneyStep =
  | { readonly op: "invoice"; readonly cents: number; readonly proforma: boolean }
  | { readonly op: "pay"; readonly cents: number; readonly draft: boolean; readonly allocate: number | null }
  | {
      readonly op: "post" | "reject" | "cancel" | "reinstate" | "payDocument" | "cancelDocument" | "refundDocument"
      readonly pick: number
    }
  | {
      readonly op: "reverse" | "refund"
      readonly pick: number
      readonly cents: number | null
      readonly document: number | null
    }
  | {
      readonly op: "allocate" | "settleDocument"
      readonly pick: number
      readonly document: number
      readonly cents: number
    }
  | { readonly op: "deallocate"; readonly pick: number }
  | { readonly op: "refundAction"; readonly pick: number; readonly action: TransitionRefundInput["action"] }
  | { readonly op: "refundCredit"; readonly cents: number }
  | { readonly op: "adjust"; readonly cents: number }

const cents = fc.integer({ min: 1, max: 20_000 })
const pick = fc.nat({ max: 50 })

export const moneyStep: fc.Arbitrary<MoneyStep> = fc.oneof(
  fc.record({ op: fc.constant("invoice" as const), cents, proforma: fc.boolean() }),
  fc.record({
    op: fc.constant("pay" as const),
    cents,
    draft: fc.boolean(),
    allocate: fc.option(pick, { nil: null })
  }),
  fc.record({
    op: fc.constantFrom("post", "reject", "cancel", "reinstate", "payDocument", "cancelDocument", "refundDocument"),
    pick
  }),
  fc.record({
    op: fc.constantFrom("reverse", "refund"),
    pick,
    cents: fc.option(cents, { nil: null }),
    document: fc.option(pick, { nil: null })
  }),
  fc.record({ op: fc.constantFrom("allocate", "settleDocument"), pick, document: pick, cents }),
  fc.record({ op: fc.constant("deallocate" as const), pick }),
  fc.record({
    op: fc.constant("refundAction" as const),
    pick,
    action: fc.constantFrom("submit", "settle", "cancel", "fail")
  }),
  fc.record({ op: fc.constant("refundCredit" as const), cents }),
  fc.record({
    op: fc.constant("adjust" as const),
    cents: fc.integer({ min: -5_000, max: 5_000 }).filter((n) => n !== 0)
  })
)

/** What a step refers to by index: the records created so far in the run. */
export interface Made {
  readonly payments: Array<PaymentId>
  readonly documents: Array<DocumentId>
  readonly refunds: Array<RefundId>
  readonly allocations: Array<AllocationId>
}

const chosen = <Id>(ids: ReadonlyArray<Id>, index: number | null) =>
  index === null ? undefined : ids[index % Math.max(ids.length, 1)]

const money = (value: number) => formatMinorUnits(BigInt(value), "EUR")

/** The command of one step (a no-op when what it names does not exist yet). */
export const stepCommand = (customerId: CustomerId, s: MoneyStep, made: Made) =>
  Effect.gen(function* () {
    const documents = yield* Documents
    const payments = yield* Payments
    const refunds = yield* Refunds
    const balances = yield* Balances
    const remember = <A extends { readonly allocations: ReadonlyArray<{ readonly id: AllocationId }> }>(detail: A) => {
      made.allocations.push(...detail.allocations.map((allocation) => allocation.id))
      return detail
    }
    switch (s.op) {
      case "invoice": {
        const kind = s.proforma ? "proforma" : "invoice"
        const document = yield* asAdmin(documents.issueDocument({ kind, customerId, total: money(s.cents) }))
        made.documents.push(document.id)
        return
      }
      case "pay": {
        const documentId = chosen(made.documents, s.allocate)
        const detail = yield* asAdmin(
          payments.createPayment({
            customerId,
            amount: money(s.cents),
            initialState: s.draft ? "draft" : "posted",
            ...(documentId === undefined ? {} : { allocations: [{ documentId, amount: money(s.cents) }] })
          })
        )
        made.payments.push(remember(detail).payment.id)
        return
      }
      case "payDocument": {
        const documentId = chosen(made.documents, s.pick)
        if (documentId === undefined) return
        made.payments.push(remember(yield* asAdmin(documents.payDocument({ documentId }))).payment.id)
        return
      }
      case "cancelDocument": {
        const documentId = chosen(made.documents, s.pick)
        if (documentId !== undefined) yield* asAdmin(documents.cancelDocument(documentId))
        return
      }
      case "refundDocument": {
        const documentId = chosen(made.documents, s.pick)
        if (documentId === undefined) return
        made.refunds.push((yield* asAdmin(refunds.refundDocument({ documentId }))).id)
        return
      }
      case "allocate":
      case "settleDocument": {
        const paymentId = chosen(made.payments, s.pick)
        const documentId = chosen(made.documents, s.document)
        if (paymentId === undefined || documentId === undefined) return
        remember(
          yield* asAdmin(
            s.op === "allocate"
              ? documents.allocatePayment({ paymentId, allocations: [{ documentId, amount: money(s.cents) }] })
              : documents.settleDocument({ paymentId, documentId })
          )
        )
        return
      }
      case "deallocate": {
        const allocationId = chosen(made.allocations, s.pick)
        if (allocationId !== undefined) yield* asAdmin(documents.deallocate({ allocationId }))
        return
      }
      case "adjust":
        yield* asAdmin(balances.adjustBalance({ customerId, amount: money(s.cents), description: "adjustment" }))
        return
      case "refundAction": {
        const refundId = chosen(made.refunds, s.pick)
        if (refundId !== undefined) yield* asAdmin(refunds.transitionRefund({ refundId, action: s.action }))
        return
      }
      case "refundCredit": {
        const booked = yield* asAdmin(refunds.refundCustomerCredit({ customerId, amount: money(s.cents) }))
        made.refunds.push(...booked.refunds.map((refund) => refund.id))
        return
      }
      default: {
        const paymentId = chosen(made.payments, s.pick)
        if (paymentId === undefined) return
        switch (s.op) {
          case "post":
            yield* asAdmin(payments.postPayment({ paymentId }))
            return
          case "reject":
            yield* asAdmin(payments.rejectPayment({ paymentId, reason: "random" }))
            return
          case "cancel":
            yield* asAdmin(payments.cancelPayment({ paymentId }))
            return
          case "reinstate":
            remember(yield* asAdmin(payments.reinstateReversal({ paymentId })))
            return
          case "reverse":
          case "refund": {
            const amount = s.cents === null ? {} : { amount: money(s.cents) }
            const documentId = chosen(made.documents, s.document) ?? null
            if (s.op === "reverse") {
              yield* asAdmin(payments.reversePayment({ paymentId, ...amount, documentId }))
            } else {
              made.refunds.push((yield* asAdmin(refunds.refundPayment({ paymentId, ...amount, documentId }))).id)
            }
            return
          }
        }
      }
    }
  })

/** A refusal the ledger may give a random step: business rules, and an allocation released earlier. */
export const expectedRefusal = (error: unknown) =>
  error instanceof Conflict ||
  error instanceof InvalidTransition ||
  (error instanceof NotFound && error.entity === "allocation") ||
  // refundDocument: nothing paid the document (yet, or any more).
  (error instanceof ValidationFailed && error.message.includes("nothing has been paid"))

/**
 * Runs `steps` on a new customer, checking every money invariant after each step; fails with the
 * steps so far and the violations when one breaks.
 */
export const runMoneyScenario = (steps: ReadonlyArray<MoneyStep>) =>
  Effect.gen(function* () {
    const customer = yield* newCustomer()
    const made: Made = { payments: [], documents: [], refunds: [], allocations: [] }
    for (const [index, s] of steps.entries()) {
      yield* stepCommand(customer.id, s, made).pipe(Effect.catchIf(expectedRefusal, () => Effect.void))
      const violations = yield* checkCustomerMoney(customer.id)
      if (violations.length > 0) {
        return yield* Effect.die(
          new Error(
            `after step ${index + 1} (${JSON.stringify(s)}):\n  ${violations.join("\n  ")}\nsteps: ${JSON.stringify(steps.slice(0, index + 1))}`
          )
        )
      }
    }
  })

export type MoneyScenarioServices = LedgerServices | LedgerStore
