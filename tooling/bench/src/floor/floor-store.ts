/**
 * What the floor server asks of its database: the least work that answers each benchmarked
 * operation, on Paybridge's own tables and rows. Two implementations, one per database
 * (`floor-sqlite.store.ts`, `floor-postgres.store.ts`), each with prepared statements only and the
 * connection settings `packages/db` uses; `openFloorStore` (`open-floor-store.ts`) picks one from a
 * database URL the way Paybridge's `DATABASE_URL` is read.
 */

/** A payments row as the driver returns it (snake_case columns, ~1 KB as JSON). */
export type Row = Record<string, unknown>

/** The keyset position a deep page resumes after: the last row of the previous page (newest first). */
export interface ListAfter {
  readonly paymentDate: string
  readonly id: number
}

export interface FloorCreate {
  readonly customerId: number
  /** Minor units. */
  readonly amount: number
  readonly idempotencyKey: string
}

export type FloorCreateResult = { readonly kind: "created"; readonly payment: Row } | { readonly kind: "replayed" }

export interface FloorStore {
  /** One SELECT of a payment by id. */
  readonly getPayment: (id: number) => Row | undefined | Promise<Row | undefined>
  /** One keyset SELECT of a customer's payments, newest first (payment date, then id), `limit` rows. */
  readonly listPayments: (customerId: number, limit: number, after: ListAfter | null) => Row[] | Promise<Row[]>
  /** One SELECT of a customer's balance (minor units, as the driver returns a bigint). */
  readonly balance: (customerId: number) => Row | undefined | Promise<Row | undefined>
  /**
   * One transaction: claim the idempotency key, lock and read the customer, insert the posted
   * payment, its event and its balance entry, and move the customer's balance.
   */
  readonly createPayment: (input: FloorCreate) => FloorCreateResult | Promise<FloorCreateResult>
  readonly close: () => Promise<void>
}

/** Today as `YYYY-MM-DD` (UTC), the payment and posting date of a created payment. */
export const today = (): string => new Date().toISOString().slice(0, 10)

/** 32 uppercase hex characters, the shape of Paybridge's public ids. */
export const publicId = (): string => crypto.randomUUID().replaceAll("-", "").toUpperCase()
