/**
 * A bulk unit's allocation releases (`bulk-booking.ts`): a release a movement records in the unit
 * is kept under a provisional id (nothing needs its id, no key names it, nothing but a read of
 * releases sees it) and written in one insert at the unit's end, or when releases are read or
 * changed — after the kept rows it may name. The releases of a movement made in the unit (a reversal
 * inserted, a refund kept: `PaymentDeferral.newMovements`), while none of the unit's releases has
 * been written, are all kept ones: reading them, and changing one (what a failed refund or a
 * reinstated reversal restores), runs no statement.
 */
import { Effect } from "effect"
import type { StorageUnavailable } from "../../errors.ts"
import { trustedId } from "../../model/ids.ts"
import type { AllocationRelease, ReleaseMovementKind } from "../../model/records.ts"
import type { LedgerStoreShape } from "../../ports/ledger-store.ts"
import { writeKeptReleases } from "./bulk-payments.ts"
import { BulkBooking, type BulkScope, provisionalId, remembered, writePending } from "./bulk-unit.ts"

/** The kept releases of a movement made in the unit (`null`: it may have written ones). */
const keptReleasesOf = (scope: BulkScope | null, kind: ReleaseMovementKind, id: number) => {
  const deferral = scope?.deferral ?? null
  return deferral?.newMovements.has(`${kind}:${id}`)
    ? deferral.releases.filter((release) => release.movementKind === kind && release.movementId === id)
    : null
}

/** Remembers a movement made in the unit (its releases are all recorded in it). */
export const movementMade = (kind: ReleaseMovementKind, id: number) =>
  Effect.flatMap(BulkBooking, (scope) => Effect.sync(() => scope?.deferral?.newMovements.add(`${kind}:${id}`)))

/** The `releases` of the store a bulk unit uses (`writing`: the store whose calls write kept rows first). */
export const releasesInUnit = (store: LedgerStoreShape, writing: LedgerStoreShape): LedgerStoreShape["releases"] => {
  /** The unit's kept releases written, after the kept rows they may name (before releases are read or changed). */
  // (A refusal fails a read too: the unit catches it and books again.)
  const written = Effect.flatMap(BulkBooking, (scope) =>
    scope === null || scope.deferral === null
      ? Effect.void
      : Effect.andThen(writePending(store, scope), remembered(scope, writeKeptReleases(store, scope.deferral)))
  ) as Effect.Effect<void, StorageUnavailable>
  return {
    update: (row) =>
      Effect.flatMap(BulkBooking, (scope) => {
        const releases = scope?.deferral?.releases ?? []
        if (row.id > 0) return Effect.andThen(written, writing.releases.update(row))
        const index = releases.findIndex((release) => release.id === row.id)
        if (index < 0) return Effect.die(new Error(`release ${row.id}: a kept release changed after it was written`))
        releases[index] = row
        return Effect.succeed(row)
      }),
    listByMovement: (kind, id) =>
      Effect.flatMap(BulkBooking, (scope) => {
        const kept = keptReleasesOf(scope, kind, id)
        return kept === null ? Effect.andThen(written, writing.releases.listByMovement(kind, id)) : Effect.succeed(kept)
      }),
    listByPayment: (id) => Effect.andThen(written, writing.releases.listByPayment(id)),
    insertAll: (rows) => Effect.andThen(written, writing.releases.insertAll(rows)),
    insert: (row) =>
      Effect.flatMap(BulkBooking, (scope) => {
        if (scope === null) return store.releases.insert(row)
        const deferral = scope.deferral
        if (deferral === null) return writing.releases.insert(row)
        return Effect.sync(() => {
          const kept: AllocationRelease = { ...row, id: trustedId(provisionalId()) }
          deferral.releases.push(kept)
          return kept
        })
      })
  }
}
