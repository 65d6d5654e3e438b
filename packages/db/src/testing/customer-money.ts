/**
 * The money invariants of one customer checked on the real store (`ledgerInvariants` of
 * `@paybridge/core`, docs/money-model.md): `readCustomerMoney` reads every record the invariants
 * look at through the `LedgerStore` port (documents, payments with their allocations, reversals
 * and refunds, the whole balance chain), and `checkCustomerMoney` returns the violations, an empty
 * list when every invariant holds. Property tests call it after each step of a command sequence,
 * whatever protocol the step went through.
 */
import { type CustomerId, type CustomerMoney, LedgerStore, ledgerInvariants, type Page } from "@paybridge/core"
import { Effect } from "effect"

const everyPage = <A, E>(list: (cursor: string | null) => Effect.Effect<Page<A>, E>) =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* list(cursor)
      items.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    return items
  })

/** Every record of `customerId` the money invariants look at, read through the store. */
export const readCustomerMoney = Effect.fnUntraced(function* (customerId: CustomerId) {
  const store = yield* LedgerStore
  const customer = yield* store.customers.get(customerId)
  if (customer === null) return yield* Effect.die(new Error(`customer ${customerId} does not exist`))
  const limit = 500
  const documents = yield* everyPage((cursor) => store.documents.list({ customerId, order: "id", cursor, limit }))
  const payments = yield* everyPage((cursor) => store.payments.list({ customerId, order: "id", cursor, limit }))
  const refunds = yield* everyPage((cursor) => store.refunds.list({ customerId, cursor, limit }))
  const balanceEntries = yield* everyPage((cursor) => store.balance.list(customerId, { cursor, limit }))
  const ids = payments.map((payment) => payment.id)
  const allocations = ids.length === 0 ? [] : yield* store.allocations.listByPayments(ids)
  const reversals = ids.length === 0 ? [] : yield* store.reversals.listByPayments(ids)
  return { customer, documents, payments, allocations, reversals, refunds, balanceEntries } satisfies CustomerMoney
})

/** The money invariants that do not hold for `customerId` (empty: all hold). */
export const checkCustomerMoney = (customerId: CustomerId) =>
  Effect.map(readCustomerMoney(customerId), ledgerInvariants)
