/**
 * CRM.COM transformers: ledger records → CRM.COM wire bodies (the short payment of the write
 * methods, the full payment of `payments/show`, payment cancellations, invoices and bills to pay,
 * users, units, user-defined fields), `fields_set` trimming, and CRM.COM request pieces → ledger
 * inputs. The life cycle state table is total over the ledger's payment states; a POSTED payment
 * whose whole amount is reversed (what `payments/cancel` does) is shown as CANCELLED.
 */
import { rawJsonNumber } from "@paybridge/adapter-kit"
import {
  type CustomFields,
  type Document,
  formatMinorUnits,
  type Payment,
  type PaymentState,
  type Reversal,
  type UserProfile,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import type { NamedEntity, PaymentAttributes, UnitEntity } from "./crm-com.configuration.ts"
import {
  type CrmLifeCycleState,
  crmDateTime,
  crmMoney,
  PaymentFull,
  type UdfInput,
  type UdfName,
  udfNames
} from "./crm-com.schemas.ts"

const stateOf = {
  draft: "DRAFT",
  pending: "PENDING_VERIFICATION",
  posted: "POSTED",
  rejected: "REJECTED",
  cancelled: "CANCELLED"
} as const satisfies Record<PaymentState, CrmLifeCycleState>

/** True when a posted payment's whole amount is reversed (cancelled through CRM.COM or reversed elsewhere). */
export const isFullyReversed = (payment: Payment): boolean =>
  payment.state === "posted" && payment.reversedAmount >= payment.amount

/** A payment's CRM.COM `life_cycle_state`. */
export const crmStateOf = (payment: Payment): CrmLifeCycleState =>
  isFullyReversed(payment) ? "CANCELLED" : stateOf[payment.state]

/** CRM.COM ids are 32 uppercase hex characters; a Paybridge user's is its id, zero-padded. */
export const userHexId = (userId: number): string => userId.toString(16).toUpperCase().padStart(32, "0")

/** The Paybridge user id behind a CRM.COM user id, or `null` when it is not one. */
export const userIdOfHex = (hex: string): number | null => {
  if (!/^[0-9A-Fa-f]{32}$/u.test(hex)) return null
  const value = Number.parseInt(hex, 16)
  return Number.isSafeInteger(value) && value > 0 ? value : null
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

/** The gateway fields of a payment charged through a gateway (absent otherwise, as in the vendor's examples). */
export const gatewayFields = (payment: Payment, gatewayCode: string | null) =>
  payment.gatewayId === null || gatewayCode === null
    ? {}
    : { payment_gateway_reference_number: payment.gatewayReference, processed_by_payment_gateway: gatewayCode }

/** The short payment every write method answers with. */
export const shortPayment = (
  payment: Payment,
  gatewayCode: string | null,
  state: CrmLifeCycleState = crmStateOf(payment)
) => ({
  ...gatewayFields(payment, gatewayCode),
  payment_amount: crmMoney.format(payment.amount, payment.currency),
  issued_on: crmDateTime.format(payment.createdAt),
  life_cycle_state: state,
  number: payment.number,
  id: payment.publicId,
  reference_number: payment.referenceNumber,
  posted_on: payment.postedAt === null ? null : crmDateTime.format(payment.postedAt)
})

/**
 * A payment cancellation: posted when made, its amount the ledger reversal's, its `number` and
 * `reference_number` the reversal's id.
 */
export const shortCancellation = (id: string, reversal: Reversal, payment: Payment) => ({
  payment_amount: crmMoney.format(reversal.amount, payment.currency),
  issued_on: crmDateTime.format(reversal.reversedAt),
  life_cycle_state: "POSTED" as const,
  number: String(reversal.id),
  id,
  reference_number: String(reversal.id),
  posted_on: crmDateTime.format(reversal.reversedAt)
})

const midnight = (date: string) => `${date}T00:00:00`

/**
 * An invoice or bill as `invoices_to_pay_set` / `bills_to_pay_set` show it: issued and posted at
 * once (issued_on = the issue date, posted_on = when it was recorded), `reference_number` = the
 * ledger id, CANCELLED once cancelled.
 */
export const documentToPay = (document: Document) => ({
  total_amount: crmMoney.format(document.total, document.currency),
  issued_on: midnight(document.issueDate),
  life_cycle_state: document.state === "cancelled" ? ("CANCELLED" as const) : ("POSTED" as const),
  number: document.number,
  due_on: document.dueDate === null ? null : midnight(document.dueDate),
  id: document.publicId,
  outstanding_amount: crmMoney.format(document.outstanding, document.currency),
  reference_number: String(document.id),
  posted_on: crmDateTime.format(document.createdAt)
})

/** `received_on`: the recorded receipt time, else the payment date at midnight. */
export const receivedOnOf = (payment: Payment, attributes: PaymentAttributes): string =>
  attributes.received_on ?? midnight(payment.paymentDate)

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

/** Minor units → the ledger's major-unit text (for allocation amounts). */
export const majorText = (amount: bigint, payment: Pick<Payment, "currency">): string =>
  formatMinorUnits(amount, payment.currency)
