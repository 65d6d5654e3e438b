/**
 * The new payments of a bulk unit (`bulk-booking.ts`), their collections and allocations, and the
 * unit's new documents, refunds and reversals, kept and inserted together: a payment a command
 * creates in the unit, a collection or allocation of such a payment, or a document, refund or
 * reversal of the unit's customer, takes an id
 * drawn ahead (`drawIds`, a block per statement, growing as the unit books more) and stays in
 * memory — its later changes in the unit change the kept row, no statement; what hangs off a kept
 * payment is its kept collections, allocations, refunds and reversals — until the unit's end or
 * until a statement that could see them runs, when the kept documents, the payments, then their
 * collections, allocations, the refunds and the reversals, are written in one multi-row insert each
 * (`insertAll`, each row unless one of its unique keys is taken). Ids drawn and not used are given
 * back at the unit's end. Allocation releases are kept too (nothing needs their ids, nothing but a
 * read of releases sees them) and written in one insert at the unit's end. The unique
 * keys a kept payment takes (public id, reference number, number, external reference) are checked
 * against the other kept payments in memory and against the database by the insert: a key found
 * taken there is a `refusal` the unit answers by booking its work again, command by command.
 */
import { Effect } from "effect"
import { Conflict, type StorageUnavailable, type ValidationFailed } from "../../errors.ts"
import type { AllocationId, CollectionId, DocumentId, PaymentId, RefundId, ReversalId } from "../../model/ids.ts"
import type {
  Allocation,
  AllocationRelease,
  Collection,
  Document,
  Payment,
  Refund,
  Reversal
} from "../../model/records.ts"
import type { PaymentChildren } from "../../ports/ledger-queries.ts"
import type { LedgerStoreShape, New } from "../../ports/ledger-store.ts"

/** New rows of one table kept by the unit, under ids drawn ahead. */
export interface KeptRows<Id extends number, Row extends { readonly id: Id }> {
  /** Rows not written yet, as the unit last left them, in the order they were created. */
  readonly pending: Map<Id, Row>
  /** Ids drawn ahead and not handed out yet, ascending. */
  readonly ids: Array<Id>
  /** The highest id drawn in the unit (`null`: none drawn). */
  lastDrawn: Id | null
  /** Ids drawn in the unit so far (the next block is as large, within bounds). */
  drawn: number
  /** The highest id handed out to a kept row (the next block is drawn above it). */
  handedOut: Id | null
}

/** Where a table's ids come from and how its kept rows are written. */
interface RowSource<Id extends number, Row> {
  readonly drawIds: (count: number, above: Id | null) => Effect.Effect<ReadonlyArray<Id>, StorageUnavailable>
  readonly releaseIds: (firstUnused: Id, lastDrawn: Id) => Effect.Effect<void, StorageUnavailable>
  readonly insertAll: (
    rows: ReadonlyArray<Row>
  ) => Effect.Effect<number, StorageUnavailable | Conflict | ValidationFailed>
}

/** What a bulk unit keeps of its new payments and their collections. */
export interface PaymentDeferral {
  readonly payments: KeptRows<PaymentId, Payment>
  readonly collections: KeptRows<CollectionId, Collection>
  readonly allocations: KeptRows<AllocationId, Allocation>
  readonly refunds: KeptRows<RefundId, Refund>
  readonly reversals: KeptRows<ReversalId, Reversal>
  /** The unit customer's new documents (written first: the other kept rows may name them). */
  readonly documents: KeptRows<DocumentId, Document>
  /** Allocation releases recorded in the unit and not written yet, under provisional ids (`bulk-releases.ts`). */
  readonly releases: Array<AllocationRelease>
  /** Movements made in the unit since its releases were last written (`<kind>:<id>`): all their releases are kept. */
  readonly newMovements: Set<string>
}

const keptRows = <Id extends number, Row extends { readonly id: Id }>(): KeptRows<Id, Row> => ({
  pending: new Map(),
  ids: [],
  lastDrawn: null,
  drawn: 0,
  handedOut: null
})

export const newPaymentDeferral = (): PaymentDeferral => ({
  payments: keptRows(),
  collections: keptRows(),
  allocations: keptRows(),
  refunds: keptRows(),
  reversals: keptRows(),
  documents: keptRows(),
  releases: [],
  newMovements: new Set()
})

/** Whether anything is kept and not written yet. */
export const holdsKeptRows = (deferral: PaymentDeferral) =>
  deferral.payments.pending.size > 0 ||
  deferral.collections.pending.size > 0 ||
  deferral.allocations.pending.size > 0 ||
  deferral.refunds.pending.size > 0 ||
  deferral.reversals.pending.size > 0 ||
  deferral.documents.pending.size > 0

/** The first block of ids a unit draws, and the largest. */
const firstBlock = 8
const largestBlock = 256

/** Rows per multi-row insert (≈ 40 columns a payment: well under both databases' parameter limits). */
const rowsPerInsert = 200

/** Keeps `row` under the next id drawn ahead. */
const keepRow = <Id extends number, Row extends { readonly id: Id }>(
  source: RowSource<Id, Row>,
  kept: KeptRows<Id, Row>,
  row: Omit<Row, "id">
) =>
  Effect.gen(function* () {
    if (kept.ids.length === 0) {
      const size = Math.min(largestBlock, Math.max(firstBlock, kept.drawn))
      const drawn = yield* source.drawIds(size, kept.handedOut)
      kept.ids.push(...drawn)
      kept.drawn += drawn.length
      kept.lastDrawn = drawn.at(-1) ?? kept.lastDrawn
    }
    const id = kept.ids.shift()
    if (id === undefined) return yield* Effect.die(new Error("drawIds returned no id"))
    const created = { ...row, id } as unknown as Row
    kept.pending.set(id, created)
    kept.handedOut = id
    return created
  })

/** Writes a table's kept rows; fails with a refusal when one was not written (a key taken). */
const writeRows = <Id extends number, Row extends { readonly id: Id }>(
  source: RowSource<Id, Row>,
  kept: KeptRows<Id, Row>,
  table: string
) =>
  Effect.gen(function* () {
    const rows = [...kept.pending.values()]
    kept.pending.clear()
    for (let start = 0; start < rows.length; start += rowsPerInsert) {
      const chunk = rows.slice(start, start + rowsPerInsert)
      const written = yield* source.insertAll(chunk)
      if (written !== chunk.length) {
        return yield* Effect.fail(
          new Conflict({
            reason: "concurrent-modification",
            message: `${table}.insertAll: ${chunk.length - written} of ${chunk.length} new rows hold a key another row holds`
          })
        )
      }
    }
  })

/** Gives back a table's ids drawn and not handed out. */
const releaseRows = <Id extends number, Row extends { readonly id: Id }>(
  source: RowSource<Id, Row>,
  kept: KeptRows<Id, Row>
) =>
  Effect.suspend(() => {
    const first = kept.ids[0]
    const last = kept.lastDrawn
    // Only a run of consecutive ids up to the last drawn (none other's in between) can go back.
    const consecutive = first !== undefined && last !== null && last - first + 1 === kept.ids.length
    kept.ids.length = 0
    return consecutive ? source.releaseIds(first, last) : Effect.void
  })

type Keys = Pick<Payment, "publicId" | "referenceNumber" | "number" | "externalRef">

/** A kept payment holding one of `row`'s unique keys. */
export const keptHolding = (deferral: PaymentDeferral, row: Partial<Keys>): Payment | null => {
  for (const payment of deferral.payments.pending.values()) {
    if (
      (row.publicId !== undefined && payment.publicId === row.publicId) ||
      (row.referenceNumber !== undefined && payment.referenceNumber === row.referenceNumber) ||
      (row.number !== undefined && row.number !== null && payment.number === row.number) ||
      (row.externalRef !== undefined &&
        row.externalRef !== null &&
        payment.externalRef !== null &&
        payment.externalRef.system === row.externalRef.system &&
        payment.externalRef.id === row.externalRef.id)
    )
      return payment
  }
  return null
}

/** Keeps `row` as a new payment under the next id drawn ahead (`null`: a kept payment holds one of its keys). */
export const keepNewPayment = (store: LedgerStoreShape, deferral: PaymentDeferral, row: New<Payment>) =>
  keptHolding(deferral, row) !== null
    ? Effect.succeed(null)
    : keepRow<PaymentId, Payment>(store.payments, deferral.payments, row)

/** Keeps a new collection of a kept payment (`null`: its payment is written, so is the collection, at once). */
export const keepNewCollection = (store: LedgerStoreShape, deferral: PaymentDeferral, row: New<Collection>) =>
  deferral.payments.pending.has(row.paymentId)
    ? keepRow<CollectionId, Collection>(store.collections, deferral.collections, row)
    : null

/** Where allocations' ids come from and how kept ones are written. */
const allocationSource = (store: LedgerStoreShape): RowSource<AllocationId, Allocation> => ({
  drawIds: store.allocations.drawIds,
  releaseIds: store.allocations.releaseIds,
  insertAll: store.allocations.insertDrawn
})

/** Keeps a new allocation of a kept payment (`null`: its payment is written, so is the allocation, at once). */
export const keepNewAllocation = (store: LedgerStoreShape, deferral: PaymentDeferral, row: New<Allocation>) =>
  deferral.payments.pending.has(row.paymentId)
    ? keepRow<AllocationId, Allocation>(allocationSource(store), deferral.allocations, row)
    : null

/** The kept allocations of a kept payment, oldest first (`null`: not a kept payment). */
export const keptAllocationsOf = (deferral: PaymentDeferral, paymentId: PaymentId): ReadonlyArray<Allocation> | null =>
  deferral.payments.pending.has(paymentId)
    ? [...deferral.allocations.pending.values()].filter((allocation) => allocation.paymentId === paymentId)
    : null

/** Where refunds' ids come from and how kept ones are written. */
const refundSource = (store: LedgerStoreShape): RowSource<RefundId, Refund> => ({
  drawIds: store.refunds.drawIds,
  releaseIds: store.refunds.releaseIds,
  insertAll: store.refunds.insertDrawn
})

/** Keeps a new refund (of the unit's customer) under the next id drawn ahead. */
export const keepNewRefund = (store: LedgerStoreShape, deferral: PaymentDeferral, row: New<Refund>) =>
  keepRow<RefundId, Refund>(refundSource(store), deferral.refunds, row)

/** A kept refund's change (`null`: not a kept one). */
export const changeKeptRefund = (deferral: PaymentDeferral, row: Refund) => {
  if (!deferral.refunds.pending.has(row.id)) return null
  deferral.refunds.pending.set(row.id, row)
  return Effect.succeed(row)
}

/** The kept refunds of a payment, oldest first. */
export const keptRefundsOf = (deferral: PaymentDeferral, paymentId: PaymentId): ReadonlyArray<Refund> =>
  [...deferral.refunds.pending.values()].filter((refund) => refund.paymentId === paymentId)

/** Where documents' ids come from and how kept ones are written. */
const documentSource = (store: LedgerStoreShape): RowSource<DocumentId, Document> => ({
  drawIds: store.documents.drawIds,
  releaseIds: store.documents.releaseIds,
  insertAll: store.documents.insertDrawn
})

/** Keeps a new document (of the unit's customer) under the next id drawn ahead. */
export const keepNewDocument = (store: LedgerStoreShape, deferral: PaymentDeferral, row: New<Document>) =>
  keepRow<DocumentId, Document>(documentSource(store), deferral.documents, row)

/** A kept document's change at the next version (`null`: not a kept one; a stale version is refused). */
export const changeKeptDocument = (deferral: PaymentDeferral, row: Document, expectedVersion: number) => {
  const kept = deferral.documents.pending.get(row.id)
  if (kept === undefined) return null
  if (kept.version !== expectedVersion) {
    return Effect.fail(
      new Conflict({
        reason: "concurrent-modification",
        message: `documents.update: record ${row.id} changed since it was read (expected version ${expectedVersion})`
      })
    )
  }
  const changed: Document = { ...row, version: expectedVersion + 1 }
  deferral.documents.pending.set(row.id, changed)
  return Effect.succeed(changed)
}

/** The kept document holding `kind` and `number`, or null. */
export const keptDocumentNumbered = (deferral: PaymentDeferral, kind: Document["kind"], number: string) =>
  [...deferral.documents.pending.values()].find((document) => document.kind === kind && document.number === number) ??
  null

/** Where reversals' ids come from and how kept ones are written. */
const reversalSource = (store: LedgerStoreShape): RowSource<ReversalId, Reversal> => ({
  drawIds: store.reversals.drawIds,
  releaseIds: store.reversals.releaseIds,
  insertAll: store.reversals.insertDrawn
})

/** Keeps a new reversal (of a payment of the unit's customer) under the next id drawn ahead. */
export const keepNewReversal = (store: LedgerStoreShape, deferral: PaymentDeferral, row: New<Reversal>) =>
  keepRow<ReversalId, Reversal>(reversalSource(store), deferral.reversals, row)

/** A kept reversal's change (`null`: not a kept one). */
export const changeKeptReversal = (deferral: PaymentDeferral, row: Reversal) => {
  if (!deferral.reversals.pending.has(row.id)) return null
  deferral.reversals.pending.set(row.id, row)
  return Effect.succeed(row)
}

/** The kept reversals of a payment, oldest first. */
export const keptReversalsOf = (deferral: PaymentDeferral, paymentId: PaymentId): ReadonlyArray<Reversal> =>
  [...deferral.reversals.pending.values()].filter((reversal) => reversal.paymentId === paymentId)

/**
 * A kept payment's change (`payments.update` of a payment not written yet): the kept row becomes
 * `row` at the next version; `null` when `row` is not a kept payment.
 */
export const changeKeptPayment = (deferral: PaymentDeferral, row: Payment, expectedVersion: number) => {
  const kept = deferral.payments.pending.get(row.id)
  if (kept === undefined) return null
  if (kept.version !== expectedVersion) {
    return Effect.fail(
      new Conflict({
        reason: "concurrent-modification",
        message: `payments.update: record ${row.id} changed since it was read (expected version ${expectedVersion})`
      })
    )
  }
  return Effect.sync(() => {
    const changed: Payment = { ...row, version: expectedVersion + 1 }
    deferral.payments.pending.set(row.id, changed)
    return changed
  })
}

/** A kept collection's change (`null`: not a kept one). */
export const changeKeptCollection = (deferral: PaymentDeferral, row: Collection) => {
  if (!deferral.collections.pending.has(row.id)) return null
  deferral.collections.pending.set(row.id, row)
  return Effect.succeed(row)
}

/** The kept collections of a kept payment, oldest first (`null`: not a kept payment). */
export const keptCollectionsOf = (deferral: PaymentDeferral, paymentId: PaymentId): ReadonlyArray<Collection> | null =>
  deferral.payments.pending.has(paymentId)
    ? [...deferral.collections.pending.values()].filter((collection) => collection.paymentId === paymentId)
    : null

/**
 * What hangs off a kept payment: its kept collections, allocations, refunds and reversals, nothing else (a statement
 * naming it would have written it first); `null`: not a kept payment.
 */
export const keptChildren = (deferral: PaymentDeferral, id: PaymentId): PaymentChildren | null => {
  const collections = keptCollectionsOf(deferral, id)
  const allocations = keptAllocationsOf(deferral, id)
  return collections === null || allocations === null
    ? null
    : { allocations, reversals: keptReversalsOf(deferral, id), collections, refunds: keptRefundsOf(deferral, id) }
}

/** Writes the kept documents, payments, their collections and allocations, the refunds and reversals (multi-row inserts); a refusal fails it. */
export const writeKeptPayments = (
  store: LedgerStoreShape,
  deferral: PaymentDeferral
): Effect.Effect<void, StorageUnavailable | Conflict | ValidationFailed> =>
  Effect.andThen(
    Effect.andThen(
      writeRows<DocumentId, Document>(documentSource(store), deferral.documents, "documents"),
      writeRows<PaymentId, Payment>(store.payments, deferral.payments, "payments")
    ),
    Effect.andThen(
      writeRows<CollectionId, Collection>(store.collections, deferral.collections, "collections"),
      Effect.andThen(
        writeRows<AllocationId, Allocation>(allocationSource(store), deferral.allocations, "allocations"),
        Effect.andThen(
          writeRows<RefundId, Refund>(refundSource(store), deferral.refunds, "refunds"),
          writeRows<ReversalId, Reversal>(reversalSource(store), deferral.reversals, "reversals")
        )
      )
    )
  )

/**
 * Writes the kept releases (after the payments they name: no other statement reads releases, and
 * no key refers to them, so they wait for the unit's end or a read of releases).
 */
export const writeKeptReleases = (store: LedgerStoreShape, deferral: PaymentDeferral) =>
  Effect.gen(function* () {
    const releases = deferral.releases.splice(0).map(({ id: _provisional, ...release }) => release)
    deferral.newMovements.clear()
    for (let start = 0; start < releases.length; start += rowsPerInsert) {
      yield* store.releases.insertAll(releases.slice(start, start + rowsPerInsert))
    }
  })

/** Gives back the ids drawn and not handed out (the unit's end, or before ids are assigned elsewhere). */
export const releaseUnusedIds = (store: LedgerStoreShape, deferral: PaymentDeferral) =>
  Effect.andThen(
    Effect.andThen(
      releaseRows<PaymentId, Payment>(store.payments, deferral.payments),
      releaseUnusedDocumentIds(store, deferral)
    ),
    Effect.andThen(
      releaseRows<CollectionId, Collection>(store.collections, deferral.collections),
      Effect.andThen(
        releaseUnusedAllocationIds(store, deferral),
        Effect.andThen(releaseUnusedRefundIds(store, deferral), releaseUnusedReversalIds(store, deferral))
      )
    )
  )

/** Gives back the document ids drawn and not handed out (before the database assigns one). */
export const releaseUnusedDocumentIds = (store: LedgerStoreShape, deferral: PaymentDeferral) =>
  releaseRows<DocumentId, Document>(documentSource(store), deferral.documents)

/** Gives back the reversal ids drawn and not handed out (before the database assigns one). */
export const releaseUnusedReversalIds = (store: LedgerStoreShape, deferral: PaymentDeferral) =>
  releaseRows<ReversalId, Reversal>(reversalSource(store), deferral.reversals)

/** Gives back the refund ids drawn and not handed out (before the database assigns one). */
export const releaseUnusedRefundIds = (store: LedgerStoreShape, deferral: PaymentDeferral) =>
  releaseRows<RefundId, Refund>(refundSource(store), deferral.refunds)

/** Gives back the allocation ids drawn and not handed out (before the database assigns one). */
export const releaseUnusedAllocationIds = (store: LedgerStoreShape, deferral: PaymentDeferral) =>
  releaseRows<AllocationId, Allocation>(allocationSource(store), deferral.allocations)

/** `store` with every call preceded by `before` (a transaction or savepoint runs no statement of its own). */
export const precededBy = (store: LedgerStoreShape, before: Effect.Effect<unknown, unknown>): LedgerStoreShape => {
  const wrap = (member: unknown): unknown => {
    if (Effect.isEffect(member)) return Effect.andThen(before, member)
    if (typeof member === "function")
      return (...args: ReadonlyArray<unknown>) =>
        Effect.andThen(before, (member as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown>)(...args))
    return member
  }
  const unwrapped: ReadonlySet<string> = new Set(["transaction", "savepoint"])
  return Object.fromEntries(
    Object.entries(store).map(([key, member]: [string, unknown]) => [
      key,
      unwrapped.has(key)
        ? member
        : member !== null && typeof member === "object" && !Effect.isEffect(member)
          ? Object.fromEntries(Object.entries(member).map(([name, inner]: [string, unknown]) => [name, wrap(inner)]))
          : wrap(member)
    ])
  ) as LedgerStoreShape
}
