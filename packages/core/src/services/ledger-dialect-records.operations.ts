/**
 * Ledger operations on dialect records: the vendor-only objects a dialect keeps beside the ledger
 * (mandates, units, provider details…). They pass through the same authorisation, customer scope,
 * transactions and idempotency as every other command, but they never move money; anything that
 * does belongs in a ledger command. A save replaces the record's data, or with `merge` changes only
 * the fields it names, under the record's customer lock.
 */
import { Effect, Schema } from "effect"
import { scopedCustomerIds } from "../auth/permissions.ts"
import { notFound } from "../errors.ts"
import { DialectRecord } from "../model/records.ts"
import { now } from "./clock.ts"
import type { LedgerShape } from "./ledger.ts"
import type * as C from "./ledger-commands.ts"
import type { LedgerKit } from "./ledger-kit.ts"

type DialectRecordOperations = Pick<
  LedgerShape,
  "saveDialectRecord" | "getDialectRecord" | "listDialectRecords" | "deleteDialectRecord"
>

export const makeDialectRecordOperations = (kit: LedgerKit): DialectRecordOperations => {
  const { store } = kit

  /** The record under `key`, if the principal may see it (its customer in scope). */
  const visibleRecord = (key: C.DialectRecordKey) =>
    Effect.gen(function* () {
      const record = yield* store.dialectRecords.getByKey(key.dialect, key.kind, key.key)
      if (record === null) return yield* notFound(key.kind, key.key)
      if (record.customerId !== null) yield* kit.inScope(record.customerId)
      return record
    })

  return {
    saveDialectRecord: Effect.fn("Ledger.saveDialectRecord")(function* (input: C.SaveDialectRecordInput) {
      return yield* kit.mutation(
        "saveDialectRecord",
        input,
        DialectRecord,
        Effect.gen(function* () {
          const customerId = input.customerId ?? null
          const paymentId = input.paymentId ?? null
          const merge = input.merge === true
          // A merge reads the stored data: under the customer's lock, so no concurrent save is lost.
          if (customerId !== null) yield* merge ? kit.lockCustomer(customerId) : kit.visibleCustomer(customerId)
          if (paymentId !== null) yield* kit.visiblePayment(paymentId)
          const at = yield* now
          const existing = yield* store.dialectRecords.getByKey(input.dialect, input.kind, input.key)
          if (existing === null) {
            return yield* store.dialectRecords.insert({
              dialect: input.dialect,
              kind: input.kind,
              key: input.key,
              customerId,
              paymentId,
              data: input.data,
              createdAt: at,
              updatedAt: at
            })
          }
          if (existing.customerId !== null) yield* kit.inScope(existing.customerId)
          return yield* store.dialectRecords.update({
            ...existing,
            customerId,
            paymentId,
            data: merge ? { ...existing.data, ...input.data } : input.data,
            updatedAt: at
          })
        })
      )
    }),

    getDialectRecord: Effect.fn("Ledger.getDialectRecord")(function* (key: C.DialectRecordKey) {
      return yield* kit.query("getDialectRecord", visibleRecord(key))
    }),

    listDialectRecords: Effect.fn("Ledger.listDialectRecords")(function* (input: C.DialectRecordQueryInput) {
      return yield* kit.query(
        "listDialectRecords",
        Effect.gen(function* () {
          const principal = yield* kit.principal
          if (input.customerId !== undefined) yield* kit.inScope(input.customerId)
          return yield* store.dialectRecords.list({
            dialect: input.dialect,
            kind: input.kind,
            customerId: input.customerId,
            customerIds: scopedCustomerIds(principal),
            paymentId: input.paymentId,
            ...kit.paging(input)
          })
        })
      )
    }),

    deleteDialectRecord: Effect.fn("Ledger.deleteDialectRecord")(function* (key: C.DialectRecordKey) {
      return yield* kit.mutation(
        "deleteDialectRecord",
        key,
        Schema.Void,
        Effect.gen(function* () {
          const record = yield* visibleRecord(key)
          yield* store.dialectRecords.delete(record.id)
        })
      )
    })
  }
}
