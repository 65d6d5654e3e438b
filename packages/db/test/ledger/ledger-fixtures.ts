/**
 * Shared fixtures of the ledger tests: principals of each role, a way to run a command as one of
 * them (optionally with a request id and idempotency key), a pinned clock, and small builders
 * for customers, documents and payments. Every test gets a fresh store (the real one, on an in-memory SQLite copy of a migrated template).
 */

import {
  Balances,
  CommandContext,
  type CommandContextShape,
  type CreatePaymentInput,
  type Customer,
  type CustomerId,
  Documents,
  type IssueDocumentInput,
  type LedgerServices,
  type LedgerStore,
  Parties,
  type PaymentGateways,
  Payments,
  type Principal,
  UserId
} from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { testLedgerLayer } from "../../src/testing/index.ts"

export const admin: Principal = {
  id: UserId.make(10),
  kind: "user",
  name: "Ada Admin",
  role: "admin",
  customerScope: null
}
export const finance: Principal = {
  id: UserId.make(11),
  kind: "user",
  name: "Fin Ance",
  role: "finance",
  customerScope: null
}
export const auditor: Principal = {
  id: UserId.make(12),
  kind: "api-key",
  name: "Audit key",
  role: "read-only",
  customerScope: null
}

/** Runs `effect` as `principal` through `origin`, with an optional request id and idempotency key. */
export const as =
  (principal: Principal, extra: Partial<Omit<CommandContextShape, "principal">> = {}) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.provide(
      effect,
      CommandContext.layer({
        principal,
        origin: extra.origin ?? "trpc",
        requestId: extra.requestId ?? null,
        idempotencyKey: extra.idempotencyKey ?? null
      })
    )

export const asAdmin = as(admin)
export const asFinance = as(finance)

/** 2026-03-14T09:30:00Z: the "now" of every ledger test unless a test moves the clock. */
export const testNow = Date.parse("2026-03-14T09:30:00.000Z")
export const testToday = "2026-03-14"

/** Provides a fresh ledger and store, with the test clock pinned to {@link testNow}. */
export const withLedger = <A, E>(effect: Effect.Effect<A, E, LedgerServices | LedgerStore | PaymentGateways>) =>
  Effect.provide(Effect.andThen(TestClock.setTime(testNow), effect), testLedgerLayer)

export const newCustomer = (name = "Acme Ltd", currency: Customer["currency"] = "EUR") =>
  Effect.flatMap(Parties, (parties) => asAdmin(parties.createCustomer({ name, currency })))

export const issueInvoice = (customerId: CustomerId, total: string, extra: Partial<IssueDocumentInput> = {}) =>
  Effect.flatMap(Documents, (documents) =>
    asAdmin(documents.issueDocument({ kind: "invoice", customerId, total, ...extra }))
  )

export const newPayment = (customerId: CustomerId, amount: string, extra: Partial<CreatePaymentInput> = {}) =>
  Effect.flatMap(Payments, (payments) => asAdmin(payments.createPayment({ customerId, amount, ...extra })))

/** The customer's whole balance chain, oldest first. */
export const balanceChain = (customerId: CustomerId) =>
  Effect.flatMap(Balances, (balances) =>
    Effect.map(asAdmin(balances.listBalanceEntries(customerId, { limit: 1000 })), (page) => page.items)
  )

/** The customer's current balance. */
export const balanceOf = (customerId: CustomerId) =>
  Effect.flatMap(Parties, (parties) =>
    Effect.map(asAdmin(parties.getCustomer(customerId)), (customer) => customer.balance)
  )
