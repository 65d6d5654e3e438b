/**
 * The bulk import property (issue 16): the same random records booked through the single commands
 * (each its own transaction) and through one `LedgerUnits.bulkImport` unit give the same ledger.
 * The records are the money property's random steps (`money-scenarios.ts`: documents, payments
 * draft or posted with allocations, postings, rejections, cancellations, full and partial
 * reversals, reinstatements, refunds and their transitions, credit refunds, adjustments); the ones
 * the ledger refuses one by one are left out of the bulk unit, as an import books only records the
 * ledger accepts. The snapshot is everything a customer's money is: the customer's balance, every
 * balance entry (sequence, delta, balance after), every event in order with its data, payments
 * with their numbers and amounts, documents, allocations, reversals, refunds, and the next value
 * of every number sequence. Used on SQLite and on PostgreSQL.
 */
import { type CustomerId, LedgerStore, LedgerUnits, type PaymentId, type SequenceName } from "@paybridge/core"
import { Effect, Schema } from "effect"
import { asAdmin, newCustomer } from "../ledger/ledger-fixtures.ts"
import { expectedRefusal, type Made, type MoneyStep, stepCommand } from "./money-scenarios.ts"

const emptyMade = (): Made => ({ payments: [], documents: [], refunds: [], allocations: [] })

/** Books `steps` one command at a time on a new customer; returns it and the steps the ledger accepted. */
export const bookOneByOne = (steps: ReadonlyArray<MoneyStep>) =>
  Effect.gen(function* () {
    const customer = yield* newCustomer()
    const made = emptyMade()
    const accepted: Array<MoneyStep> = []
    for (const step of steps) {
      const ok = yield* stepCommand(customer.id, step, made).pipe(
        Effect.as(true),
        Effect.catchIf(expectedRefusal, () => Effect.succeed(false))
      )
      if (ok) accepted.push(step)
    }
    return { customerId: customer.id, accepted }
  })

/** Books `steps` (all accepted one by one) on a new customer in one bulk unit. */
export const bookInBulk = (steps: ReadonlyArray<MoneyStep>) =>
  Effect.gen(function* () {
    const customer = yield* newCustomer()
    const made = emptyMade()
    const units = yield* LedgerUnits
    yield* asAdmin(
      units.bulkImport(
        { customerId: customer.id, operation: "test:bulk", input: null, result: Schema.Null },
        Effect.as(
          Effect.forEach(steps, (step) => stepCommand(customer.id, step, made), { discard: true }),
          null
        )
      )
    )
    return customer.id
  })

/** Dates as a marker (the two runs run at different instants), bigints as text; random public ids and row versions left out. */
const normalise = (value: unknown): unknown => {
  if (value instanceof Date) return "<instant>"
  if (typeof value === "bigint") return `${value}n`
  if (Array.isArray(value)) return value.map(normalise)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "publicId" && key !== "version")
        .map(([key, inner]) => [key, normalise(inner)])
    )
  }
  return value
}

const all = <A>(
  page: (cursor: string | null) => Effect.Effect<{ items: ReadonlyArray<A>; nextCursor: string | null }, unknown>
) =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const result: { items: ReadonlyArray<A>; nextCursor: string | null } = yield* page(cursor)
      items.push(...result.items)
      cursor = result.nextCursor
    } while (cursor !== null)
    return items
  })

/** A customer's ledger, normalised (see `normalise`). */
export interface LedgerSnapshot {
  readonly customer: { readonly balance: string }
  readonly entries: ReadonlyArray<unknown>
  readonly [part: string]: unknown
}

const sequenceNames: ReadonlyArray<SequenceName> = [
  "customer-number",
  "document-number",
  "payment-reference",
  "payment-number"
]

/**
 * The customer's ledger as the store holds it (normalised). `withSequences` draws the next value of
 * every number sequence (so call it last).
 */
export const ledgerSnapshot = (customerId: CustomerId, withSequences: boolean) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const payments = yield* all((cursor) => store.payments.list({ customerId, order: "id", cursor, limit: 500 }))
    const paymentIds: Array<PaymentId> = payments.map((payment) => payment.id)
    const snapshot = normalise({
      customer: yield* store.customers.get(customerId),
      entries: yield* all((cursor) => store.balance.list(customerId, { cursor, limit: 500 })),
      events: yield* all((cursor) => store.events.list({ customerId, cursor, limit: 500 })),
      payments,
      documents: yield* all((cursor) => store.documents.list({ customerId, order: "id", cursor, limit: 500 })),
      allocations: yield* store.allocations.listByPayments(paymentIds),
      reversals: yield* store.reversals.listByPayments(paymentIds),
      refunds: yield* all((cursor) => store.refunds.list({ customerId, cursor, limit: 500 })),
      nextNumbers: withSequences ? yield* store.transaction(store.nextSequences(sequenceNames)) : null
    })
    return snapshot as LedgerSnapshot
  })
