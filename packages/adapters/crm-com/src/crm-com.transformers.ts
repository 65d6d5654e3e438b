/**
 * CRM.COM transformers shared by every method and resource file: the dialect's id and the kinds of
 * dialect record it keeps, the shapes of its named configuration (units, categories, rejection
 * reasons, cancellation types), the `NotFound` naming an identifier, reading every page of a ledger
 * list, and the wire pieces: the `OK` envelope, the life cycle state table (total over the ledger's
 * payment states; a POSTED payment whose whole amount is reversed is CANCELLED), users, units and
 * named entities as CRM.COM shows them, the user-defined fields (`udf_*`) and `fields_set`
 * trimming. The configuration records and the lookups of identifiers are in
 * `configuration.transformers.ts`, the per-request loader of a full payment in
 * `payment-loader.transformers.ts`. Money and lifecycle never live in dialect records.
 */
import { ok, rawJsonNumber } from "@paybridge/adapter-kit"
import {
  type Authenticator,
  type CommandContext,
  type CustomFields,
  formatMinorUnits,
  type LedgerError,
  type LedgerServices,
  NotFound,
  type Page,
  type Payment,
  type PaymentState,
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
export const udfOutput = (customFields: CustomFields): Record<UdfName, unknown> => {
  const out: Record<string, unknown> = {}
  for (const name of udfNames) {
    const value = customFields[name]
    out[name] =
      value === undefined ? null : isFloat(name) && /^-?\d+(\.\d+)?$/u.test(value) ? rawJsonNumber(value) : value
  }
  return out as Record<UdfName, unknown>
}

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
