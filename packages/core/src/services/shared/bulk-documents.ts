/**
 * A bulk unit's documents (`bulk-booking.ts`). The unit customer's new documents are kept under
 * ids drawn ahead (`bulk-payments.ts`) and written first when the kept rows are; a kept document is
 * read (by id or by number) and changed in memory. A document's read or write sees no other kept
 * row (no key of a document names one), so it leaves them kept. And the unit customer's written
 * documents, under the lock the unit holds, change only by the unit's own statements: those the
 * unit inserted, read or updated are answered from memory when read again, until any other
 * statement runs (an allocation's insert or a movement may change a document in SQL), which forgets
 * them (`forgetDocuments`, run before every such statement).
 */
import { Effect } from "effect"
import type { StorageUnavailable } from "../../errors.ts"
import type { Document } from "../../model/records.ts"
import type { LedgerStoreShape } from "../../ports/ledger-store.ts"
import { changeKeptDocument, keepNewDocument, keptDocumentNumbered, releaseUnusedDocumentIds } from "./bulk-payments.ts"
import { BulkBooking, type BulkScope, writePending } from "./bulk-unit.ts"

/** Forgets the written documents a unit read or wrote (another statement is about to run). */
export const forgetDocuments = Effect.flatMap(BulkBooking, (scope) => Effect.sync(() => scope?.documents.clear()))

/** Keeps a written document of the unit's customer as the unit last wrote or read it. */
const keepDocument = (document: Document | null) =>
  Effect.flatMap(BulkBooking, (scope) =>
    Effect.sync(() => {
      if (scope !== null && document !== null && document.customerId === scope.customerId)
        scope.documents.set(document.id, document)
    })
  )

/** A document the unit keeps (new, or written and read), or undefined. */
const knownDocument = (scope: BulkScope | null, id: Document["id"]) =>
  scope?.deferral?.documents.pending.get(id) ?? scope?.documents.get(id)

/** The `documents` of the store a bulk unit uses: as `store`'s, the unit's documents kept (see the module header). */
export const documentsInUnit = (
  store: LedgerStoreShape
): Pick<LedgerStoreShape["documents"], "insert" | "getByNumber" | "get" | "getMany" | "update"> => ({
  insert: (row) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const deferral = scope?.deferral ?? null
      if (scope === null || deferral === null) return Effect.tap(store.documents.insert(row), keepDocument)
      if (row.customerId === scope.customerId) return keepNewDocument(store, deferral, row)
      // Another's document: the kept rows written and the document ids drawn given back first
      // (SQLite assigns the next id from the rows). A refusal fails it too: the unit books again.
      const settled = Effect.andThen(writePending(store, scope), releaseUnusedDocumentIds(store, deferral))
      return Effect.andThen(settled as Effect.Effect<void, StorageUnavailable>, store.documents.insert(row))
    }),
  getByNumber: (kind, number) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const kept = scope?.deferral ? keptDocumentNumbered(scope.deferral, kind, number) : null
      return kept === null ? Effect.tap(store.documents.getByNumber(kind, number), keepDocument) : Effect.succeed(kept)
    }),
  get: (id) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const kept = knownDocument(scope, id)
      return kept === undefined ? Effect.tap(store.documents.get(id), keepDocument) : Effect.succeed(kept)
    }),
  getMany: (ids) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const known = new Map<Document["id"], Document>()
      for (const id of ids) {
        const kept = knownDocument(scope, id)
        if (kept !== undefined) known.set(id, kept)
      }
      const unread = [...new Set(ids)].filter((id) => !known.has(id))
      const byId = (documents: Iterable<Document>) => [...documents].sort((a, b) => a.id - b.id)
      if (unread.length === 0) return Effect.succeed(byId(known.values()))
      return store.documents.getMany(unread).pipe(
        Effect.tap((documents) => Effect.forEach(documents, keepDocument)),
        Effect.map((documents) => byId([...known.values(), ...documents]))
      )
    }),
  update: (row, expectedVersion) =>
    Effect.flatMap(BulkBooking, (scope) => {
      const kept = scope?.deferral ? changeKeptDocument(scope.deferral, row, expectedVersion) : null
      if (kept !== null) return kept
      return store.documents.update(row, expectedVersion).pipe(
        Effect.tap(keepDocument),
        Effect.tapError(() => Effect.sync(() => scope?.documents.delete(row.id)))
      )
    })
})
