/**
 * What the source server's ledger holds, read through tRPC: every customer, payment (with its
 * state, amount, reversed and refunded minor units), refund and document. Tests derive from it
 * what each vendor's API must show, and compare the readers' records with it to the minor unit.
 */
import type { PaybridgeClient, RouterOutputs } from "@paybridge/client"

export type LedgerPayment = RouterOutputs["payments"]["list"]["items"][number]
export type LedgerCustomer = RouterOutputs["customers"]["list"]["items"][number]
export type LedgerRefund = RouterOutputs["refunds"]["list"]["items"][number]
export type LedgerDocument = RouterOutputs["documents"]["list"]["items"][number]

export interface LedgerTruth {
  readonly customers: ReadonlyArray<LedgerCustomer>
  readonly payments: ReadonlyArray<LedgerPayment>
  readonly refunds: ReadonlyArray<LedgerRefund>
  readonly documents: ReadonlyArray<LedgerDocument>
}

const all = async <T>(
  page: (cursor: string | null) => Promise<{ items: ReadonlyArray<T>; nextCursor: string | null }>
) => {
  const items: Array<T> = []
  let cursor: string | null = null
  do {
    const result = await page(cursor)
    items.push(...result.items)
    cursor = result.nextCursor
  } while (cursor !== null)
  return items
}

export const readLedgerTruth = async (client: PaybridgeClient): Promise<LedgerTruth> => ({
  customers: await all((cursor) => client.customers.list.query({ cursor, limit: 100 })),
  payments: await all((cursor) => client.payments.list.query({ cursor, limit: 100 })),
  refunds: await all((cursor) => client.refunds.list.query({ cursor, limit: 100 })),
  documents: await all((cursor) => client.documents.list.query({ cursor, limit: 100 }))
})
