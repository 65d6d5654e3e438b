/**
 * What only a vendor's dialect shows of a ledger object a record booked (a document's, reversal's
 * or refund's `dialectAttributes`, a balance movement's `movementAttributes`), merged into that
 * dialect's record of its kind under the object's key. Outside a unit of the bulk path each is
 * saved at once (`saveDialectRecord` with `merge`: a read and a write). In one, they are kept — a
 * later save of a kept key merged into the kept one, as the saves would have merged — and written at
 * the unit's end with its new `migrated` records: one read of which of the keys the ledger holds
 * already (each of those merged by its own save, as before), the others in the same multi-row
 * insert as the `migrated` records (`insertMigratedMany`). Nothing in a unit reads these records.
 */
import { CustomerId, DialectRecords, PaymentId } from "@paybridge/core"
import { Effect, Schema } from "effect"
import type { VendorId } from "../sources/source-model.ts"

const customerId = Schema.decodeSync(CustomerId)
const paymentId = Schema.decodeSync(PaymentId)

/** One merge of a dialect's attributes into its record `kind`/`key` of the customer (and payment). */
export interface AttributeSave {
  readonly kind: string
  readonly key: string
  readonly customerId: number
  readonly paymentId: number | null
  readonly data: Readonly<Record<string, unknown>>
}

/** The dialect record a save writes (its customer and payment as the save names them). */
const recordOf = (vendor: VendorId, save: AttributeSave) => ({
  dialect: vendor,
  kind: save.kind,
  key: save.key,
  customerId: customerId(save.customerId),
  ...(save.paymentId === null ? {} : { paymentId: paymentId(save.paymentId) }),
  data: { ...save.data }
})

/** Merges `save` into its record at once. */
export const saveAttributesNow = (vendor: VendorId, save: AttributeSave) =>
  Effect.flatMap(DialectRecords, (records) =>
    Effect.asVoid(records.saveDialectRecord({ ...recordOf(vendor, save), merge: true }))
  )

/** A unit's kept saves, by kind and key (a later save of a key merged into the kept one). */
export class KeptAttributes {
  private readonly saves = new Map<string, AttributeSave>()

  keep(save: AttributeSave) {
    const id = `${save.kind}\u0000${save.key}`
    const before = this.saves.get(id)
    this.saves.set(id, before === undefined ? save : { ...save, data: { ...before.data, ...save.data } })
  }

  /** The kept saves, forgotten here. */
  take(): ReadonlyArray<AttributeSave> {
    const saves = [...this.saves.values()]
    this.saves.clear()
    return saves
  }
}

/** Keys per read of the records the ledger holds already (a list's largest page). */
const keysPerRead = 1000

/**
 * Writes kept saves of the records the ledger holds (each merged by its own save) and answers the
 * dialect records of the others, for the unit's multi-row insert.
 */
export const splitKeptAttributes = (vendor: VendorId, saves: ReadonlyArray<AttributeSave>) =>
  Effect.gen(function* () {
    if (saves.length === 0) return []
    const records = yield* DialectRecords
    const held = new Set<string>()
    for (const kind of new Set(saves.map((save) => save.kind))) {
      const ofKind = saves.filter((save) => save.kind === kind)
      for (let start = 0; start < ofKind.length; start += keysPerRead) {
        const keys = ofKind.slice(start, start + keysPerRead).map((save) => save.key)
        const page = yield* records.listDialectRecords({ dialect: vendor, kind, keys, limit: keysPerRead })
        for (const record of page.items) held.add(`${record.kind}\u0000${record.key}`)
      }
    }
    const fresh: Array<ReturnType<typeof recordOf>> = []
    for (const save of saves) {
      if (held.has(`${save.kind}\u0000${save.key}`)) yield* saveAttributesNow(vendor, save)
      else fresh.push(recordOf(vendor, save))
    }
    return fresh
  })
