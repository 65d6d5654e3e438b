/**
 * A bulk unit's documents (`bulk-booking.ts`): a document's read or write sees no row the unit
 * keeps (no key of a document names one), so it leaves them kept; and the unit customer's
 * documents, under the lock the unit holds, change only by the unit's own statements — the
 * documents the unit inserted, read or updated are answered from memory when read again, until any
 * other statement runs (an allocation's insert or a movement may change a document in SQL), which
 * forgets them (`forgetDocuments`, run before every such statement).
 */
import { Effect } from "effect"
import type { Document } from "../../model/records.ts"
import type { LedgerStoreShape } from "../../ports/ledger-store.ts"
import { BulkBooking } from "./bulk-unit.ts"

/** Forgets the documents a unit read or wrote (another statement is about to run). */
export const forgetDocuments = Effect.flatMap(BulkBooking, (scope) => Effect.sync(() => scope?.documents.clear()))

/** Keeps a document of the unit's customer as the unit last wrote or read it. */
const keepDocument = (document: Document | null) =>
  Effect.flatMap(BulkBooking, (scope) =>
    Effect.sync(() => {
      if (scope !== null && document !== null && document.customerId === scope.customerId)
        scope.documents.set(document.id, document)
    })
  )

/** The `documents` of the store a bulk unit uses: as `store`'s, the unit's documents kept (see the module header). */
export const documentsInUnit = (
  store: LedgerStoreShape
): Pick<LedgerStoreShape["documents"], "insert" | "getByNumber" | "get" | "getMany" | "update"> => ({
  insert: (row) => Effect.tap(store.documents.insert(row), keepDocument),
  getByNumber: (kind, number) => Effect.tap(store.documents.getByNumber(kind, number), keepDocument),
  get: (id) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const kept = scope?.documents.get(id)
      return kept === undefined ? Effect.tap(store.documents.get(id), keepDocument) : Effect.succeed(kept)
    }),
  getMany: (ids) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const kept = ids.map((id) => scope?.documents.get(id))
      if (ids.length > 0 && kept.every((document) => document !== undefined)) {
        const unique = new Map(kept.map((document) => [document.id, document]))
        return Effect.succeed([...unique.values()].sort((a, b) => a.id - b.id))
      }
      return Effect.tap(store.documents.getMany(ids), (documents) => Effect.forEach(documents, keepDocument))
    }),
  update: (row, expectedVersion) =>
    store.documents.update(row, expectedVersion).pipe(
      Effect.tap(keepDocument),
      Effect.tapError(() => Effect.flatMap(BulkBooking, (scope) => Effect.sync(() => scope?.documents.delete(row.id))))
    )
})
