/**
 * Dialect presets (issue 12.9): the named configuration a dialect resolves by name in requests
 * (CRM.COM's business units, financial transaction categories, rejection reasons, cancellation
 * types). Each mounted dialect declares its kinds (`defineDialect({ presets })`), `apps/api` hands
 * them over through the console host, and these procedures list, create, rename and retire the
 * presets as that dialect's records through the `DialectRecords` service: every change is one save
 * with its `dialect-preset.*` event in the same transaction, writes need a role that may write
 * (admin, finance), and failures go through the error table. A retired preset keeps its record,
 * so old payments still show it; the dialect refuses it by name in new writes. (Named
 * `dialectPresets` because `presets` is the ledger's payment methods and types.)
 */
import {
  Conflict,
  type DialectRecord,
  DialectRecordKey,
  DialectRecords,
  NotFound,
  type Page,
  PageInput,
  TextOfLength
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import type { ConsoleDialect, ConsolePresetKind } from "../console-host.ts"
import { jsonInput } from "../json-codec.ts"
import { consoleProcedure, router } from "../trpc.ts"

const PresetName = TextOfLength(200, 1).check(
  Schema.makeFilter((name: string) => name.trim() === name || "a preset name has no leading or trailing spaces")
)
const KindRef = Schema.Struct({ dialect: DialectRecordKey.fields.dialect, kind: DialectRecordKey.fields.kind })
const ListInput = Schema.Struct({ ...KindRef.fields, ...PageInput.fields })
const CreateInput = Schema.Struct({ ...KindRef.fields, name: PresetName })
const PresetRef = Schema.Struct({ ...KindRef.fields, key: DialectRecordKey.fields.key })
const RenameInput = Schema.Struct({ ...PresetRef.fields, name: PresetName })

/** A preset as the console shows it. */
const presetOf = (record: DialectRecord) => ({
  key: record.key,
  name: typeof record.data.name === "string" ? record.data.name : record.key,
  retired: record.data.retired === true,
  createdAt: record.createdAt.toISOString(),
  updatedAt: record.updatedAt.toISOString()
})

/** The declared kind, or `NotFound` (through the error table) for a dialect or kind not mounted. */
const declaredKind = (dialects: ReadonlyArray<ConsoleDialect>, ref: typeof KindRef.Type) => {
  const kind = dialects.find((dialect) => dialect.id === ref.dialect)?.presets.find((each) => each.id === ref.kind)
  return kind === undefined
    ? Effect.fail(
        new NotFound({
          entity: "preset-kind",
          id: `${ref.dialect}/${ref.kind}`,
          message: `dialect ${ref.dialect} declares no preset kind ${ref.kind}`
        })
      )
    : Effect.succeed(kind)
}

const recordKey = (dialect: string, kind: ConsolePresetKind, key: string) => ({
  dialect,
  kind: kind.recordKind,
  key
})

/** Every preset of a kind (all pages). */
const everyPreset = (dialect: string, kind: ConsolePresetKind) =>
  Effect.gen(function* () {
    const records = yield* DialectRecords
    const all: Array<DialectRecord> = []
    let cursor: string | null = null
    do {
      const page: Page<DialectRecord> = yield* records.listDialectRecords({
        dialect,
        kind: kind.recordKind,
        cursor,
        limit: 1000
      })
      all.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    return all
  })

/** Refuses a name an active preset of the kind already has (the dialect resolves by name). */
const nameIsFree = (dialect: string, kind: ConsolePresetKind, name: string, except: string | null) =>
  Effect.flatMap(everyPreset(dialect, kind), (records) =>
    records.some((record) => record.key !== except && record.data.retired !== true && record.data.name === name)
      ? Effect.fail(
          new Conflict({
            reason: "duplicate",
            message: `an active ${kind.label.toLowerCase()} preset is named "${name}"`
          })
        )
      : Effect.void
  )

/** A fresh preset key: 32 upper-case hex digits, as CRM.COM writes ids. */
const newKey = () => crypto.randomUUID().replaceAll("-", "").toUpperCase()

export const dialectPresetsRouter = router({
  /** Every preset kind the mounted dialects declare. */
  kinds: consoleProcedure.query(({ ctx }) =>
    ctx.console.dialects.flatMap((dialect) =>
      dialect.presets.map((kind) => ({
        dialect: dialect.id,
        dialectTitle: dialect.title,
        kind: kind.id,
        label: kind.label
      }))
    )
  ),
  list: consoleProcedure.input(jsonInput(ListInput)).query(async ({ ctx, input: { dialect, kind, ...page } }) =>
    ctx.runLedger(
      Effect.gen(function* () {
        const declared = yield* declaredKind(ctx.console.dialects, { dialect, kind })
        const records = yield* DialectRecords
        const found = yield* records.listDialectRecords({ dialect, kind: declared.recordKind, ...page })
        return { items: found.items.map(presetOf), nextCursor: found.nextCursor }
      })
    )
  ),
  create: consoleProcedure.input(jsonInput(CreateInput)).mutation(async ({ ctx, input }) =>
    ctx.runLedger(
      Effect.gen(function* () {
        const declared = yield* declaredKind(ctx.console.dialects, input)
        yield* nameIsFree(input.dialect, declared, input.name, null)
        const records = yield* DialectRecords
        const saved = yield* records.saveDialectRecord({
          ...recordKey(input.dialect, declared, newKey()),
          data: { name: input.name },
          event: { type: "dialect-preset.created", data: { name: input.name } }
        })
        return presetOf(saved)
      })
    )
  ),
  rename: consoleProcedure.input(jsonInput(RenameInput)).mutation(async ({ ctx, input }) =>
    ctx.runLedger(
      Effect.gen(function* () {
        const declared = yield* declaredKind(ctx.console.dialects, input)
        const records = yield* DialectRecords
        const key = recordKey(input.dialect, declared, input.key)
        const current = presetOf(yield* records.getDialectRecord(key))
        if (current.name === input.name) return current
        yield* nameIsFree(input.dialect, declared, input.name, input.key)
        const saved = yield* records.saveDialectRecord({
          ...key,
          data: { name: input.name },
          merge: true,
          event: { type: "dialect-preset.renamed", data: { from: current.name, name: input.name } }
        })
        return presetOf(saved)
      })
    )
  ),
  retire: consoleProcedure.input(jsonInput(PresetRef)).mutation(async ({ ctx, input }) =>
    ctx.runLedger(
      Effect.gen(function* () {
        const declared = yield* declaredKind(ctx.console.dialects, input)
        const records = yield* DialectRecords
        const key = recordKey(input.dialect, declared, input.key)
        const current = presetOf(yield* records.getDialectRecord(key))
        // Retiring twice changes nothing (and records no second event).
        if (current.retired) return current
        const saved = yield* records.saveDialectRecord({
          ...key,
          data: { retired: true },
          merge: true,
          event: { type: "dialect-preset.retired", data: { name: current.name } }
        })
        return presetOf(saved)
      })
    )
  )
})
