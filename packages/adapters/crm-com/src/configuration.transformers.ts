/**
 * CRM.COM's configuration: the named entities this dialect keeps in dialect records (units,
 * categories, rejection reasons, payment cancellation types, preset descriptions), declared as the
 * dialect's presets (`crmComPresets`: a retired one still renders on old payments but is refused in
 * new writes), the `define*` programs a seed, a test or an operator's script runs to configure
 * them, and the lookups that resolve a CRM.COM identifier to what it names (payment type and
 * method → ledger presets, user → Paybridge user, unit, category, rejection reason and
 * cancellation type → dialect records), with a `NotFound` naming the identifier when nothing matches.
 */
import { type DialectPresetKind, isRetiredPreset } from "@paybridge/adapter-kit"
import {
  Authenticator,
  DialectRecords,
  newPublicId,
  Parties,
  type PaymentPreset,
  type UserProfile,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import type { Identifier } from "./crm-com.schemas.ts"
import {
  dialectId,
  everyPage,
  type NamedEntity,
  type NamedKind,
  notFoundFor,
  type Program,
  recordKinds,
  type UnitEntity,
  userIdOfHex
} from "./crm-com.transformers.ts"

/** The named configuration the admin console manages (`defineDialect({ presets })`). */
export const crmComPresets = [
  { id: "unit", label: "Business units", recordKind: "unit" },
  { id: "category", label: "Financial transaction categories", recordKind: "category" },
  { id: "rejection-reason", label: "Payment rejection reasons", recordKind: "rejection-reason" },
  { id: "cancellation-type", label: "Payment cancellation types", recordKind: "cancellation-type" }
] as const satisfies ReadonlyArray<DialectPresetKind & { readonly recordKind: NamedKind }>

interface DefineNamed {
  readonly name: string
  readonly alternativeCode?: string | null | undefined
  readonly description?: string | null | undefined
  /** Defaults to a fresh 32-character hex id. */
  readonly id?: string | undefined
}

const defineNamed = (kind: NamedKind, input: DefineNamed, extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const dialectRecords = yield* DialectRecords
    const id = input.id ?? newPublicId()
    yield* dialectRecords.saveDialectRecord({
      dialect: dialectId,
      kind,
      key: id,
      data: {
        name: input.name,
        alternative_code: input.alternativeCode ?? null,
        description: input.description ?? null,
        ...extra
      }
    })
    return id
  })

/** Configures a unit (`received_by_unit`, the `unit` of a login). Returns its id. */
export const defineUnit = (
  input: DefineNamed & { readonly communityName?: string | null; readonly groupName?: string | null }
) => defineNamed("unit", input, { community_name: input.communityName ?? null, group_name: input.groupName ?? null })

/** Configures a financial transaction category. Returns its id. */
export const defineCategory = (input: DefineNamed) => defineNamed("category", input)

/** Configures a payment rejection reason. Returns its id. */
export const defineRejectionReason = (input: DefineNamed) => defineNamed("rejection-reason", input)

/** Configures a financial transaction type of classification PAYMENT_CANCELLATION. Returns its id. */
export const defineCancellationType = (input: DefineNamed) => defineNamed("cancellation-type", input)

/** Sets the `description` CRM.COM shows for a payment method or type preset (by the preset's public id). */
export const describePreset = (presetPublicId: string, description: string | null) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords.saveDialectRecord({
      dialect: dialectId,
      kind: recordKinds.presetDetails,
      key: presetPublicId,
      data: { description }
    })
  )

/** Every preset of a kind (a short configuration list). */
export const presetsOf = (kind: PaymentPreset["kind"]): Program<Array<PaymentPreset>> =>
  Effect.flatMap(Parties, (parties) => everyPage((cursor) => parties.listPresets(kind, { cursor, limit: 1000 })))

/** The payment method or payment type preset an identifier names (id = public id, name, alternative_code = code). */
export const resolvePreset = (
  kind: PaymentPreset["kind"],
  identifier: Identifier<"type_identifier" | "payment_method_identifier">
): Program<PaymentPreset> =>
  Effect.gen(function* () {
    const found = (yield* presetsOf(kind)).find((preset) =>
      identifier.field === "id"
        ? preset.publicId === identifier.value.toUpperCase()
        : identifier.field === "name"
          ? preset.name === identifier.value
          : preset.code === identifier.value
    )
    if (found === undefined) {
      return yield* notFoundFor(identifier, kind === "method" ? "payment method" : "payment type")
    }
    return found
  })

/** A configured entity from its record's key and data. */
export const namedOf = (key: string, data: Readonly<Record<string, unknown>>): UnitEntity => {
  const text = (name: string) => (typeof data[name] === "string" ? (data[name] as string) : null)
  return {
    id: key,
    name: text("name") ?? key,
    alternative_code: text("alternative_code"),
    description: text("description"),
    community_name: text("community_name"),
    group_name: text("group_name")
  }
}

/** Every configured entity of a kind, retired ones included, each with whether it is retired. */
export const namedRecords = (
  kind: NamedKind
): Program<Array<{ readonly entity: UnitEntity; readonly retired: boolean }>> =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    Effect.map(
      everyPage((cursor) => dialectRecords.listDialectRecords({ dialect: dialectId, kind, cursor, limit: 1000 })),
      (records) =>
        records.map((record) => ({ entity: namedOf(record.key, record.data), retired: isRetiredPreset(record.data) }))
    )
  )

/** Every configured entity of a kind (retired ones included: old payments still name them). */
export const namedEntities = (kind: NamedKind): Program<Array<UnitEntity>> =>
  Effect.map(namedRecords(kind), (records) => records.map((record) => record.entity))

const matchesNamed = (entity: NamedEntity, field: string, value: string) =>
  field === "id"
    ? entity.id === value.toUpperCase()
    : field === "name"
      ? entity.name === value
      : entity.alternative_code === value

/**
 * The configured entity an identifier names. For a write (the default) a retired one is refused
 * with INVALID_PARAMETERS; a list filter (`use: "filter"`) still finds it, since old payments name it.
 */
export const resolveNamed = (
  kind: NamedKind,
  identifier: Identifier<
    "category_identifier" | "rejection_reason_identifier" | "received_by_unit_identifier" | "type_identifier"
  >,
  what: string,
  use: "write" | "filter" = "write"
): Program<UnitEntity> =>
  Effect.gen(function* () {
    const found = (yield* namedRecords(kind)).find((record) =>
      matchesNamed(record.entity, identifier.field, identifier.value)
    )
    if (found === undefined) return yield* notFoundFor(identifier, what)
    if (found.retired && use === "write") return yield* retiredRefusal(identifier.name, what, found.entity.name)
    return found.entity
  })

/** The dialect's refusal of a retired preset named in a new write. */
export const retiredRefusal = (field: string, what: string, name: string) =>
  validationFailed([field], `The ${what} "${name}" is retired and cannot be used in new payments`)

/** A configured entity by id, or `null` when it is gone. */
export const namedById = (kind: NamedKind, id: string | null): Program<UnitEntity | null> =>
  id === null
    ? Effect.succeed(null)
    : Effect.flatMap(DialectRecords, (dialectRecords) =>
        dialectRecords.getDialectRecord({ dialect: dialectId, kind, key: id }).pipe(
          Effect.map((record) => namedOf(record.key, record.data)),
          Effect.catchTag("NotFound", () => Effect.succeed(null))
        )
      )

/** The Paybridge user a `received_by_user_identifier` names (id = CRM.COM user id, username = e-mail). */
export const resolveUser = (identifier: Identifier<"received_by_user_identifier">): Program<UserProfile> =>
  Effect.gen(function* () {
    const auth = yield* Authenticator
    const userId = identifier.field === "id" ? userIdOfHex(identifier.value) : null
    const found =
      identifier.field === "id"
        ? userId === null
          ? null
          : yield* auth.findUser({ id: userId })
        : yield* auth.findUser({ email: identifier.value })
    if (found === null) return yield* notFoundFor(identifier, "user")
    return found
  })
