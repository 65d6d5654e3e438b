/**
 * Store conformance helpers of the offset-paged payment lists (`offset-pages.ts`,
 * `offset-page-annexes.ts`): the seed both parts page through (2 customers × 25 payments with
 * repeated amounts, dates and creation times, some without a type) and the order the store must
 * give, computed in memory.
 */
import { type Customer, LedgerStore, type Payment, type PaymentSortKey, type PresetId } from "@paybridge/core"
import { Effect } from "effect"
import { at, newCustomer, newPayment, newPreset } from "../store-fixtures.ts"

const store = LedgerStore

export type Sortable = string | number | bigint | null

export const sortValueOf = (payment: Payment, field: PaymentSortKey["field"]): Sortable => {
  const value = payment[field]
  return value instanceof Date ? value.getTime() : (value as Sortable)
}

/** The order the store must give, computed in memory: null smallest, then id ascending. */
export const inMemoryOrder = (keys: ReadonlyArray<PaymentSortKey>) => (a: Payment, b: Payment) => {
  for (const key of keys) {
    const x = sortValueOf(a, key.field)
    const y = sortValueOf(b, key.field)
    const difference = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1
    if (difference !== 0) return key.direction === "asc" ? difference : -difference
  }
  return a.id - b.id
}

/** 2 customers × 25 payments with repeated amounts, dates and creation times, some without a type. */
export const offsetPageSeed = Effect.gen(function* () {
  const s = yield* store
  const customers: Array<Customer> = [
    yield* s.customers.insert(newCustomer()),
    yield* s.customers.insert(newCustomer())
  ]
  const types: Array<PresetId> = [
    (yield* s.presets.insert(newPreset("type"))).id,
    (yield* s.presets.insert(newPreset("type"))).id
  ]
  const payments: Array<Payment> = []
  for (let i = 0; i < 50; i++) {
    payments.push(
      yield* s.payments.insert(
        newPayment((customers[i % 2] as Customer).id, {
          amount: BigInt(1 + (i % 7)) * 100n,
          paymentDate: `2026-0${1 + (i % 5)}-1${i % 3}`,
          state: i % 9 === 0 ? "draft" : "posted",
          typeId: i % 4 === 0 ? null : (types[i % 2] as PresetId),
          createdAt: at(`2026-06-01T00:00:${String(i % 13).padStart(2, "0")}.000Z`)
        })
      )
    )
  }
  return { customers, payments }
})
