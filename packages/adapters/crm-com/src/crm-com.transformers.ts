/**
 * CRM.COM transformers shared by every method: the dialect records this dialect keeps (units,
 * categories, rejection reasons, payment cancellation types, preset descriptions) and the
 * `define*` programs a seed, a test or an operator's script runs to configure them; the lookups
 * that resolve a CRM.COM identifier to what it names (payment type and method → ledger presets,
 * user → Paybridge user, unit, category, rejection reason and cancellation type → dialect records),
 * with a `NotFound` naming the identifier when nothing matches; the per-request loader of everything
 * around a payment; and the shared wire pieces: the `OK` envelope, the life cycle state table (total
 * over the ledger's payment states; a POSTED payment whose whole amount is reversed is CANCELLED),
 * users, units and named entities as CRM.COM shows them, the user-defined fields (`udf_*`) and
 * `fields_set` trimming. Money and lifecycle never live in dialect records: they are the ledger's.
 * Units, categories, rejection reasons and cancellation types are the dialect's presets
 * (`crmComPresets`): a retired one still renders on old payments but is refused in new writes.
 */
import { type DialectPresetKind, isRetiredPreset, ok, rawJsonNumber } from "@paybridge/adapter-kit"
import {
  type ActorId,
  Authenticator,
  Balances,
  type CommandContext,
  type Customer,
  type CustomerId,
  type CustomFields,
  DialectRecords,
  type Document,
  type DocumentId,
  Documents,
  formatMinorUnits,
  type GatewayId,
  type LedgerError,
  type LedgerEvent,
  type LedgerServices,
  NotFound,
  newPublicId,
  type Page,
  Parties,
  type Payment,
  type PaymentId,
  type PaymentPreset,
  type PaymentState,
  type PaymentViewDetail,
  type PaymentViewInclude,
  type PresetId,
  UserId,
  type UserProfile,
  validationFailed
} from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import {
  type CrmFullLifeCycleState,
  type CrmLifeCycleState,
  crmDateTime,
  type Identifier,
  type IdentifierName,
  PaymentFull,
  type UdfInput,
  type UdfName,
  udfNames
} from "./crm-com.schemas.ts"

export type Services = LedgerServices | Authenticator | CommandContext
export type Program<A> = Effect.Effect<A, LedgerError, Services>

// ---------------------------------------------------------------------------------------------
// Dialect records and the programs that configure them

export const dialectId = "crm-com"

/** The kinds of dialect record this dialect keeps. */
export const recordKinds = {
  unit: "unit",
  category: "category",
  rejectionReason: "rejection-reason",
  cancellationType: "cancellation-type",
  accountOwner: "account-owner",
  presetDetails: "preset-details",
  payment: "payment",
  cancellation: "payment-cancellation"
} as const

/** A configured entity found by `id`, `name` or `alternative_code`. */
export interface NamedEntity {
  readonly id: string
  readonly name: string
  readonly alternative_code: string | null
  readonly description: string | null
}

/** A unit also belongs to a group and a community. */
export interface UnitEntity extends NamedEntity {
  readonly community_name: string | null
  readonly group_name: string | null
}

export type NamedKind = "unit" | "category" | "rejection-reason" | "cancellation-type"

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

// ---------------------------------------------------------------------------------------------
// Wire pieces

/** The success envelope every method answers with: `{"status":{…,"code":"OK"},"data":…}`. */
export const okEnvelope = (data: unknown) => ok({ status: { message: null, description: null, code: "OK" }, data })

/**
 * Ledger state → the full payment's `life_cycle_state` (DRAFT, POSTED, REJECTED, CANCELLED: the
 * states `payments/show` documents). A gateway payment whose collection is under way (`pending`)
 * is not posted yet — no number, no balance movement — so the full payment shows it as DRAFT.
 */
const fullStateOf = {
  draft: "DRAFT",
  pending: "DRAFT",
  posted: "POSTED",
  rejected: "REJECTED",
  cancelled: "CANCELLED"
} as const satisfies Record<PaymentState, CrmFullLifeCycleState>

/** Ledger state → the short payment's `life_cycle_state`, where CRM.COM also shows PENDING_VERIFICATION. */
const shortStateOf = {
  ...fullStateOf,
  pending: "PENDING_VERIFICATION"
} as const satisfies Record<PaymentState, CrmLifeCycleState>

/** True when a posted payment's whole amount is reversed (cancelled through CRM.COM or reversed elsewhere). */
export const isFullyReversed = (payment: Payment): boolean =>
  payment.state === "posted" && payment.reversedAmount >= payment.amount

/** A payment's `life_cycle_state` in the full payment object (`payments/show`, lists without `fields_set`). */
export const crmStateOf = (payment: Payment): CrmFullLifeCycleState =>
  isFullyReversed(payment) ? "CANCELLED" : fullStateOf[payment.state]

/**
 * A payment's `life_cycle_state` in the short payment object (the write methods' answers), which
 * alone has PENDING_VERIFICATION (a gateway payment awaiting the gateway's verification).
 */
export const crmShortStateOf = (payment: Payment): CrmLifeCycleState =>
  isFullyReversed(payment) ? "CANCELLED" : shortStateOf[payment.state]

/** CRM.COM ids are 32 uppercase hex characters; a Paybridge user's is its id, zero-padded. */
export const userHexId = (userId: number): string => userId.toString(16).toUpperCase().padStart(32, "0")

/** The Paybridge user id behind a CRM.COM user id (decoded as a `UserId`), or `null` when it is not one. */
export const userIdOfHex = (hex: string): UserId | null => {
  if (!/^[0-9A-Fa-f]{32}$/u.test(hex)) return null
  return Option.getOrNull(Schema.decodeOption(UserId)(Number.parseInt(hex, 16)))
}

/** A CRM.COM user: a Paybridge user (user name = e-mail), or the actor's name when no user exists (the system). */
export const crmUser = (actorId: number, actorName: string, profile: UserProfile | null) => ({
  person_name: profile?.name ?? actorName,
  username: profile?.email ?? actorName,
  id: userHexId(actorId),
  email: profile?.email ?? null
})

export const crmUnit = (unit: UnitEntity | null) =>
  unit === null
    ? null
    : {
        community_name: unit.community_name,
        group_name: unit.group_name,
        name: unit.name,
        id: unit.id,
        description: unit.description,
        alternative_code: unit.alternative_code
      }

export const crmNamed = (entity: NamedEntity | null) =>
  entity === null
    ? null
    : { name: entity.name, id: entity.id, description: entity.description, alternative_code: entity.alternative_code }

/** A business date as a CRM.COM datetime at midnight. */
export const midnight = (date: string) => `${date}T00:00:00`

/** Minor units → the ledger's major-unit text (for allocation amounts). */
export const majorText = (amount: bigint, payment: Pick<Payment, "currency">): string =>
  formatMinorUnits(amount, payment.currency)

const isFloat = (name: UdfName) => name.startsWith("udf_float")
const isDate = (name: UdfName) => name.startsWith("udf_date")

/** The 16 `udf_*` fields of a payment from its custom fields (floats as exact numbers, missing ones null). */
export const udfOutput = (customFields: CustomFields): Record<UdfName, unknown> =>
  Object.fromEntries(
    udfNames.map((name) => {
      const value = customFields[name]
      if (value === undefined) return [name, null]
      return [name, isFloat(name) && /^-?\d+(\.\d+)?$/u.test(value) ? rawJsonNumber(value) : value]
    })
  ) as Record<UdfName, unknown>

/**
 * The custom fields after a request's `udf_*` fields: given ones replace, `null` removes, absent
 * ones stay. Floats are kept as their exact decimal text, dates as `yyyy-MM-ddTHH:mm:ss`.
 */
export const customFieldsWithUdfs = (existing: CustomFields, body: UdfInput): CustomFields => {
  const result: Record<string, string> = { ...existing }
  for (const name of udfNames) {
    if (!Object.hasOwn(body, name)) continue
    const value = body[name]
    if (value === undefined) continue
    if (value === null) delete result[name]
    else result[name] = value instanceof Date ? crmDateTime.format(value) : isDate(name) ? value : String(value)
  }
  return result
}

/** True when the request names at least one `udf_*` field. */
export const hasUdfs = (body: UdfInput): boolean => udfNames.some((name) => Object.hasOwn(body, name))

type Json = Record<string, unknown>

const isPlainObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) && value.constructor === Object

/** Keeps `paths` (each a list of keys) of `value`, descending into objects and every element of arrays. */
const pick = (value: unknown, paths: ReadonlyArray<ReadonlyArray<string>>): unknown => {
  if (paths.some((path) => path.length === 0)) return value
  if (Array.isArray(value)) return value.map((item) => pick(item, paths))
  if (!isPlainObject(value)) return value
  const out: Json = {}
  for (const key of Object.keys(value)) {
    const below = paths.filter((path) => path[0] === key).map((path) => path.slice(1))
    if (below.length > 0) out[key] = pick(value[key], below)
  }
  return out
}

/** Whether `path` names a field of `shape`; arrays and null values accept any deeper name. */
const knownPath = (shape: unknown, path: ReadonlyArray<string>): boolean => {
  if (path.length === 0) return true
  if (Array.isArray(shape)) return shape.length === 0 || shape.some((item) => knownPath(item, path))
  if (!isPlainObject(shape)) return shape === null
  const [head, ...rest] = path
  return head !== undefined && Object.hasOwn(shape, head) && knownPath(shape[head], rest)
}

const paymentFieldNames: ReadonlySet<string> = new Set(Object.keys(PaymentFull.fields))

/**
 * Trims a payment to `fields_set`: top-level names keep the whole field, dotted names
 * (`accounts_receivable.account_owner.name`) keep only that nested field. An unknown name is a
 * `ValidationFailed` on `fields_set`.
 */
export const applyFieldsSet = (payment: Json, fields: ReadonlyArray<string> | undefined) => {
  if (fields === undefined || fields.length === 0) return Effect.succeed(payment)
  const paths = fields.map((field) => field.split("."))
  const unknown = fields.filter((_field, index) => {
    const [head = "", ...rest] = paths[index] ?? []
    return !paymentFieldNames.has(head) || (Object.hasOwn(payment, head) && !knownPath(payment[head], rest))
  })
  if (unknown.length > 0) {
    return Effect.fail(validationFailed(["fields_set"], `fields_set names unknown fields: ${unknown.join(", ")}`))
  }
  return Effect.succeed(pick(payment, paths) as Json)
}

// ---------------------------------------------------------------------------------------------
// Identifiers → what they name

export const notFoundFor = (identifier: Identifier<IdentifierName>, what: string) =>
  new NotFound({
    entity: identifier.name,
    id: identifier.value,
    message: `No ${what} with ${identifier.field} "${identifier.value}" exists`
  })

/** Every item of a paged ledger list. */
export const everyPage = <A>(list: (cursor: string | null) => Program<Page<A>>): Program<Array<A>> =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* list(cursor)
      items.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    return items
  })

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

const namedOf = (key: string, data: Readonly<Record<string, unknown>>): UnitEntity => {
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

// ---------------------------------------------------------------------------------------------
// What the full payment shows, memoised per request

const memo = <A>(cache: Map<string, A>, key: string, load: Program<A>): Program<A> =>
  cache.has(key)
    ? Effect.succeed(cache.get(key) as A)
    : Effect.tap(load, (value) => Effect.sync(() => cache.set(key, value)))

/** A per-request loader of everything around a payment. */
export const makeLoader = () => {
  const customers = new Map<string, Customer>()
  const owners = new Map<string, Record<string, unknown> | null>()
  const presets = new Map<string, Array<PaymentPreset>>()
  const presetDescriptions = new Map<string, string | null>()
  const named = new Map<string, UnitEntity | null>()
  const users = new Map<string, UserProfile | null>()
  const documents = new Map<string, Document>()
  const gateways = new Map<string, string | null>()
  const events = new Map<string, ReadonlyArray<LedgerEvent>>()
  const paymentRecords = new Map<string, Record<string, unknown> | null>()

  return {
    /** Remembers a customer the request already read (a list's accounts receivable), so it is not read again. */
    knownCustomer: (customer: Customer) => {
      customers.set(String(customer.id), customer)
    },
    /** The data of a payment's CRM.COM attributes record (`null`: it has none). */
    paymentRecord: (payment: Payment) =>
      memo(
        paymentRecords,
        payment.publicId,
        Effect.flatMap(DialectRecords, (dialectRecords) =>
          dialectRecords
            .getDialectRecord({ dialect: dialectId, kind: recordKinds.payment, key: payment.publicId })
            .pipe(
              Effect.map((record): Record<string, unknown> | null => record.data),
              Effect.catchTag("NotFound", () => Effect.succeed(null))
            )
        )
      ),
    /**
     * Reads the events (each payment's first and last: all a full payment shows of them) and
     * attribute records of a page of payments in one query each, so rendering the page looks
     * neither up per payment.
     */
    prefetch: (page: ReadonlyArray<Payment>) =>
      Effect.gen(function* () {
        const missing = page.filter((payment) => !events.has(String(payment.id)))
        if (missing.length === 0) return
        const paymentIds = missing.map((payment) => payment.id)
        const grouped = new Map<string, Array<LedgerEvent>>(paymentIds.map((id) => [String(id), []]))
        const balances = yield* Balances
        // A full payment shows who made it and who changed it last: each payment's first and last event only.
        for (const event of yield* everyPage((cursor) =>
          balances.listEvents({ paymentIds, firstAndLastPerPayment: true, cursor, limit: 1000 })
        )) {
          if (event.paymentId !== null) grouped.get(String(event.paymentId))?.push(event)
        }
        for (const [id, list] of grouped) events.set(id, list)
        const dialectRecords = yield* DialectRecords
        const records = yield* everyPage((cursor) =>
          dialectRecords.listDialectRecords({
            dialect: dialectId,
            kind: recordKinds.payment,
            keys: missing.map((payment) => payment.publicId),
            cursor,
            limit: 1000
          })
        )
        for (const payment of missing) paymentRecords.set(payment.publicId, null)
        for (const record of records) paymentRecords.set(record.key, record.data)
      }),
    customer: (id: CustomerId) =>
      memo(
        customers,
        String(id),
        Effect.flatMap(Parties, (parties) => parties.getCustomer(id))
      ),
    owner: (customer: Customer) =>
      memo(
        owners,
        customer.publicId,
        Effect.flatMap(DialectRecords, (dialectRecords) =>
          dialectRecords
            .getDialectRecord({ dialect: dialectId, kind: recordKinds.accountOwner, key: customer.publicId })
            .pipe(
              Effect.map((record): Record<string, unknown> | null => record.data),
              Effect.catchTag("NotFound", () => Effect.succeed(null))
            )
        )
      ),
    preset: (kind: PaymentPreset["kind"], id: PresetId | null) =>
      id === null
        ? Effect.succeed(null)
        : Effect.map(memo(presets, kind, presetsOf(kind)), (rows) => rows.find((row) => row.id === id) ?? null),
    presetDescription: (preset: PaymentPreset) =>
      memo(
        presetDescriptions,
        preset.publicId,
        Effect.flatMap(DialectRecords, (dialectRecords) =>
          dialectRecords
            .getDialectRecord({ dialect: dialectId, kind: recordKinds.presetDetails, key: preset.publicId })
            .pipe(
              Effect.map((record) =>
                typeof record.data.description === "string" ? (record.data.description as string) : null
              ),
              Effect.catchTag("NotFound", () => Effect.succeed(null))
            )
        )
      ),
    named: (kind: NamedKind, id: string | null) =>
      id === null ? Effect.succeed(null) : memo(named, `${kind}:${id}`, namedById(kind, id)),
    user: (id: ActorId) =>
      memo(
        users,
        String(id),
        id === 0 ? Effect.succeed(null) : Effect.flatMap(Authenticator, (auth) => auth.findUser({ id }))
      ),
    document: (id: DocumentId) =>
      memo(
        documents,
        String(id),
        Effect.flatMap(Documents, (documents) => documents.getDocument(id))
      ),
    gatewayCode: (id: GatewayId | null) =>
      id === null
        ? Effect.succeed(null)
        : memo(
            gateways,
            String(id),
            Effect.flatMap(Parties, (parties) => Effect.map(parties.getGateway(id), (gateway) => gateway.code))
          ),
    events: (paymentId: PaymentId) =>
      memo(
        events,
        String(paymentId),
        Effect.flatMap(Balances, (balances) =>
          everyPage((cursor) => balances.listEvents({ paymentId, cursor, limit: 1000 }))
        )
      ),
    /**
     * Takes what a payment's view read brought along (`paymentViewInclude`: its attributes record,
     * customer, account owner record and events), so rendering it looks none of them up again.
     */
    seedView: (view: PaymentViewDetail) => {
      const { payment } = view.detail
      const recordOf = (kind: string, key: string) =>
        view.records.find((record) => record.dialect === dialectId && record.kind === kind && record.key === key)
          ?.data ?? null
      paymentRecords.set(payment.publicId, recordOf(recordKinds.payment, payment.publicId))
      if (view.customer !== null) {
        customers.set(String(view.customer.id), view.customer)
        owners.set(view.customer.publicId, recordOf(recordKinds.accountOwner, view.customer.publicId))
      }
      events.set(String(payment.id), view.events)
    }
  }
}

/** What a payment's full form needs besides the payment, read with it in one statement (`seedView`). */
export const paymentViewInclude: PaymentViewInclude = {
  keyedRecords: [
    { dialect: dialectId, kind: recordKinds.payment, key: "payment-public-id" },
    { dialect: dialectId, kind: recordKinds.accountOwner, key: "customer-public-id" }
  ],
  customer: true,
  events: true
}

export type Loader = ReturnType<typeof makeLoader>
