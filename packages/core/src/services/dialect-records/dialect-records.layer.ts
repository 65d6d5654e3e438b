/**
 * The implementation of `DialectRecords` on the `LedgerStore` and `IdempotencyStore` ports. Every
 * method is an `Effect.fn("DialectRecords.<method>")`. A save replaces the record's data, or with
 * `merge` changes only the fields it names, under the record's customer lock so concurrent partial
 * saves of one record both land; two saves creating one new record at once both land too (the
 * second finds the first's row on its retry and updates it). A save that names an `event` (preset
 * configuration) appends it in the same transaction. `insertDialectRecords` writes an import's new
 * records in one statement per 500 (`LedgerStore.dialectRecords.insertAll`), all or none.
 */
import { Effect, Layer, Schema } from "effect"
import { scopedCustomerIds } from "../../auth/permissions.ts"
import { Conflict, notFound } from "../../errors.ts"
import { DialectRecord } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import type * as C from "../ledger-commands.ts"
import { maskCommandInput } from "../shared/card-number-masking.ts"
import { mutation, paging, query } from "../shared/ledger-command.ts"
import { recordEvent } from "../shared/ledger-events.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { currentPrincipal, inScope, lockCustomer, visibleCustomer, visiblePayment } from "../shared/record-access.ts"
import { DialectRecords } from "./dialect-records.service.ts"

export const dialectRecordsLayer: Layer.Layer<DialectRecords, never, LedgerStore | IdempotencyStore> = Layer.effect(
  DialectRecords,
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const ports = yield* capturePorts<LedgerStore | IdempotencyStore>()

    /** The record under `key`, if the principal may see it (its customer in scope). */
    const visibleRecord = (key: C.DialectRecordKey) =>
      Effect.gen(function* () {
        const record = yield* store.dialectRecords.getByKey(key.dialect, key.kind, key.key)
        if (record === null) return yield* notFound(key.kind, key.key)
        if (record.customerId !== null) yield* inScope(record.customerId)
        return record
      })

    return DialectRecords.of({
      saveDialectRecord: Effect.fn("DialectRecords.saveDialectRecord")(function* (input: C.SaveDialectRecordInput) {
        return yield* mutation(
          "saveDialectRecord",
          input,
          DialectRecord,
          Effect.gen(function* () {
            const customerId = input.customerId ?? null
            const paymentId = input.paymentId ?? null
            const merge = input.merge === true
            // A merge reads the stored data: under the customer's lock, so no concurrent save is lost.
            // A record of a payment and its own customer: the payment's row proves the customer exists
            // (one read, not two); the customer's scope is still checked first.
            if (customerId !== null && paymentId !== null && !merge) {
              yield* inScope(customerId)
              // A new record of a payment of its own customer: one statement proves both and writes it.
              const savedAt = yield* now
              const fresh = yield* store.dialectRecords.insertOfOwnPayment({
                dialect: input.dialect,
                kind: input.kind,
                key: input.key,
                customerId,
                paymentId,
                data: input.data,
                ...(input.listColumns === undefined ? {} : { listColumns: input.listColumns }),
                createdAt: savedAt,
                updatedAt: savedAt
              })
              const event = input.event
              if (fresh !== null && event === undefined) return fresh
              if (fresh !== null && event !== undefined) {
                yield* recordEvent({
                  type: event.type,
                  entity: "dialect-record",
                  entityId: fresh.id,
                  customerId: fresh.customerId,
                  paymentId: fresh.paymentId,
                  data: { ...event.data, dialect: fresh.dialect, kind: fresh.kind, key: fresh.key }
                })
                return fresh
              }
              // The key is taken (an update) or the payment is another customer's: as any save.
              const payment = yield* visiblePayment(paymentId)
              if (payment.customerId !== customerId) yield* visibleCustomer(customerId)
            } else {
              if (customerId !== null) yield* merge ? lockCustomer(customerId) : visibleCustomer(customerId)
              if (paymentId !== null) yield* visiblePayment(paymentId)
            }
            const at = yield* now
            const existing = yield* store.dialectRecords.getByKey(input.dialect, input.kind, input.key)
            if (existing !== null && existing.customerId !== null) yield* inScope(existing.customerId)
            const saved =
              existing === null
                ? // A save is an upsert: a record a concurrent save created since the read above is a
                  // concurrent modification, so the command runs again and updates it.
                  yield* store.dialectRecords
                    .insert({
                      dialect: input.dialect,
                      kind: input.kind,
                      key: input.key,
                      customerId,
                      paymentId,
                      data: input.data,
                      ...(input.listColumns === undefined ? {} : { listColumns: input.listColumns }),
                      createdAt: at,
                      updatedAt: at
                    })
                    .pipe(
                      Effect.catchIf(
                        (error) => error instanceof Conflict && error.reason === "duplicate",
                        (error) =>
                          Effect.fail(new Conflict({ reason: "concurrent-modification", message: error.message }))
                      )
                    )
                : yield* store.dialectRecords.update({
                    ...existing,
                    customerId,
                    paymentId,
                    data: merge ? { ...existing.data, ...input.data } : input.data,
                    // Stated list columns replace the stored ones; a replacing save without them clears them.
                    ...(input.listColumns !== undefined
                      ? { listColumns: input.listColumns }
                      : !merge && existing.listColumns !== undefined
                        ? { listColumns: null }
                        : {}),
                    updatedAt: at
                  })
            if (input.event !== undefined) {
              yield* recordEvent({
                type: input.event.type,
                entity: "dialect-record",
                entityId: saved.id,
                customerId: saved.customerId,
                paymentId: saved.paymentId,
                data: { ...input.event.data, dialect: saved.dialect, kind: saved.kind, key: saved.key }
              })
            }
            return saved
          })
        )
      }, ports),

      insertDialectRecords: Effect.fn("DialectRecords.insertDialectRecords")(function* (
        input: C.InsertDialectRecordsInput
      ) {
        return yield* mutation(
          "insertDialectRecords",
          input,
          Schema.Void,
          Effect.gen(function* () {
            if (input.records.length === 0) return
            // The records' data is free text like a save's (`maskServiceInputs` sees only the top level).
            const records = input.records.map(maskCommandInput)
            // Each customer named once (in scope, existing); the statement proves each payment is its record's customer's.
            const customers = new Set(records.flatMap((record) => (record.customerId ? [record.customerId] : [])))
            for (const customerId of customers) yield* visibleCustomer(customerId)
            const at = yield* now
            yield* store.dialectRecords.insertAll(
              records.map((record) => ({
                dialect: record.dialect,
                kind: record.kind,
                key: record.key,
                customerId: record.customerId ?? null,
                paymentId: record.paymentId ?? null,
                data: record.data,
                ...(record.listColumns === undefined ? {} : { listColumns: record.listColumns }),
                createdAt: at,
                updatedAt: at
              }))
            )
          })
        )
      }, ports),

      getDialectRecord: Effect.fn("DialectRecords.getDialectRecord")(function* (key: C.DialectRecordKey) {
        return yield* query("getDialectRecord", visibleRecord(key))
      }, ports),

      listDialectRecords: Effect.fn("DialectRecords.listDialectRecords")(function* (input: C.DialectRecordQueryInput) {
        return yield* query(
          "listDialectRecords",
          Effect.gen(function* () {
            const principal = yield* currentPrincipal
            if (input.customerId !== undefined) yield* inScope(input.customerId)
            return yield* store.dialectRecords.list({
              dialect: input.dialect,
              kind: input.kind,
              kinds: input.kinds,
              customerId: input.customerId,
              customerIds: scopedCustomerIds(principal),
              paymentId: input.paymentId,
              keys: input.keys,
              ...paging(input)
            })
          })
        )
      }, ports),

      deleteDialectRecord: Effect.fn("DialectRecords.deleteDialectRecord")(function* (key: C.DialectRecordKey) {
        return yield* mutation(
          "deleteDialectRecord",
          key,
          Schema.Void,
          Effect.gen(function* () {
            const record = yield* visibleRecord(key)
            yield* store.dialectRecords.delete(record.id)
          })
        )
      }, ports)
    })
  })
)
