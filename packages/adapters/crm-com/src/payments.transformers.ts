/**
 * CRM.COM payments transformers: the CRM.COM-only attributes of a payment and of a payment
 * cancellation (dialect records `payment` and `payment-cancellation`: category, received by user
 * and unit, receipt time, rejection reason, creating and updating units; never money or state),
 * the payment a `payment_identifier` names, and the payment as CRM.COM shows it: the short payment
 * of the write methods, the full payment of `payments/show` (in the order of the vendor's example),
 * the posted payment cancellation, the user-defined fields (`udf_*`) and `fields_set` trimming.
 */

import { createHash } from "node:crypto"
import { DateFormats, rawJsonNumber } from "@paybridge/adapter-kit"
import {
  type CustomFields,
  Ledger,
  type Payment,
  type PaymentDetail,
  type PaymentPreset,
  type RecordId,
  type Reversal,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { defaultOwner, documentToPay } from "./accounts-receivable.transformers.ts"
import {
  type CrmLifeCycleState,
  crmDateTime,
  crmMoney,
  type Identifier,
  PaymentFull,
  type UdfInput,
  type UdfName,
  udfNames
} from "./crm-com.schemas.ts"
import {
  crmNamed,
  crmStateOf,
  crmUnit,
  crmUser,
  dialectId,
  everyPage,
  type Loader,
  midnight,
  notFoundFor,
  type Program,
  recordKinds,
  type UnitEntity
} from "./crm-com.transformers.ts"

/** The CRM.COM-only attributes of one payment (dialect record `payment`, keyed by its public id). */
export interface PaymentAttributes {
  readonly category_id: string | null
  /** Paybridge user id of the user who received it; `null` = whoever created it. */
  readonly received_by_user_id: number | null
  readonly received_by_unit_id: string | null
  /** The receipt time; `null` = the payment date at midnight. */
  readonly received_on: string | null
  readonly rejection_reason_id: string | null
  readonly created_by_unit_id: string | null
  readonly updated_by_unit_id: string | null
}

export const emptyAttributes: PaymentAttributes = {
  category_id: null,
  received_by_user_id: null,
  received_by_unit_id: null,
  received_on: null,
  rejection_reason_id: null,
  created_by_unit_id: null,
  updated_by_unit_id: null
}

/** A payment cancellation (dialect record `payment-cancellation`, keyed by its own public id). */
export interface CancellationRecord {
  readonly reversal_id: number
  readonly type_id: string
  readonly category_id: string | null
  readonly notes: string | null
  readonly issue_reason: string | null
  readonly udf: Readonly<Record<string, string>>
  readonly created_by_unit_id: string | null
}

/** The payment a `payment_identifier` names. */
export const resolvePayment = (identifier: Identifier<"payment_identifier">): Program<PaymentDetail> =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger
      .getPayment(
        identifier.field === "id"
          ? { publicId: identifier.value.toUpperCase() }
          : identifier.field === "number"
            ? { number: identifier.value }
            : identifier.field === "reference_number"
              ? { referenceNumber: identifier.value }
              : { externalRef: { system: dialectId, id: identifier.value } }
      )
      .pipe(Effect.catchTag("NotFound", () => Effect.fail(notFoundFor(identifier, "payment"))))
  )

// ---------------------------------------------------------------------------------------------
// Payment attributes

/** A payment's CRM.COM attributes (defaults when it has none, e.g. it was made through another protocol). */
export const attributesOf = (payment: Payment): Program<PaymentAttributes> =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger.getDialectRecord({ dialect: dialectId, kind: recordKinds.payment, key: payment.publicId }).pipe(
      Effect.map((record) => ({ ...emptyAttributes, ...(record.data as Partial<PaymentAttributes>) })),
      Effect.catchTag("NotFound", () => Effect.succeed(emptyAttributes))
    )
  )

/**
 * Saves a payment's CRM.COM attributes: all of them (`replace`, a new payment), or only the ones
 * given (`merge`: the rest stay, read under the customer's lock, so concurrent updates of one
 * payment lose nothing). The write methods run it in the same `Ledger.atomically` unit as their
 * ledger commands, so the attributes and the money change commit together or not at all.
 */
export const saveAttributes = (
  payment: Payment,
  how: "replace" | "merge",
  attributes: PaymentAttributes | Partial<PaymentAttributes>
) =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger.saveDialectRecord({
      dialect: dialectId,
      kind: recordKinds.payment,
      key: payment.publicId,
      customerId: payment.customerId,
      paymentId: payment.id,
      data: { ...attributes },
      ...(how === "merge" ? { merge: true } : {})
    })
  )

/** The payment cancellations of a payment, each with its public id. */
export const cancellationsOf = (payment: Payment): Program<Array<CancellationRecord & { readonly id: string }>> =>
  Effect.flatMap(Ledger, (ledger) =>
    Effect.map(
      everyPage((cursor) =>
        ledger.listDialectRecords({
          dialect: dialectId,
          kind: recordKinds.cancellation,
          paymentId: payment.id,
          cursor,
          limit: 1000
        })
      ),
      (records) => records.map((record) => ({ ...(record.data as unknown as CancellationRecord), id: record.key }))
    )
  )

// ---------------------------------------------------------------------------------------------
// The payment as CRM.COM shows it

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

/** The public id of the payment cancellation recorded with a reversal (derived, so a replay finds it again). */
export const cancellationId = (reversalId: RecordId): string =>
  createHash("sha256")
    .update(`${dialectId}:payment-cancellation:${reversalId}`)
    .digest("hex")
    .slice(0, 32)
    .toUpperCase()

/** The full payment of `payments/show`, in the order of the vendor's example. */
export const fullPayment = (detail: PaymentDetail, loader: Loader): Program<Record<string, unknown>> =>
  Effect.gen(function* () {
    const { payment } = detail
    const attributes = yield* attributesOf(payment)
    const customer = yield* loader.customer(payment.customerId)
    const owner = (yield* loader.owner(customer)) ?? defaultOwner(customer)
    const type = yield* loader.preset("type", payment.typeId)
    const method = yield* loader.preset("method", payment.methodId)
    const presetView = (preset: PaymentPreset) =>
      Effect.map(loader.presetDescription(preset), (description) => ({
        name: preset.name,
        id: preset.publicId,
        description,
        alternative_code: preset.code
      }))
    const events = yield* loader.events(payment.id)
    const first = events[0]
    const last = events.at(-1)
    const actor = (id: number, name: string) => Effect.map(loader.user(id), (profile) => crmUser(id, name, profile))
    const receivedBy = attributes.received_by_user_id ?? first?.actorId ?? payment.createdBy
    const documentIds = [...new Set(detail.allocations.map((allocation) => allocation.documentId))]
    const documents = yield* Effect.forEach(documentIds, loader.document)
    const rejection =
      attributes.rejection_reason_id !== null
        ? crmNamed(yield* loader.named("rejection-reason", attributes.rejection_reason_id))
        : payment.rejectionReason === null
          ? null
          : { name: payment.rejectionReason, id: null, description: null, alternative_code: null }
    const unitOf = (id: string | null) => Effect.map(loader.named("unit", id), (unit) => crmUnit(unit as UnitEntity))
    return {
      ...gatewayFields(payment, yield* loader.gatewayCode(payment.gatewayId)),
      invoices_to_pay_set: documents.filter((document) => document.kind !== "bill").map(documentToPay),
      ...udfOutput(payment.customFields),
      number: payment.number,
      received_by_unit: yield* unitOf(attributes.received_by_unit_id),
      accounts_receivable: {
        account_owner: owner,
        life_cycle_state: "ACTIVE",
        number: customer.number,
        name: customer.name,
        id: customer.publicId
      },
      received_by_user: yield* actor(receivedBy, first?.actorName ?? "system"),
      bills_to_pay_set: documents.filter((document) => document.kind === "bill").map(documentToPay),
      id: payment.publicId,
      posted_on: payment.postedAt === null ? null : DateFormats.localDateTime.format(payment.postedAt),
      log_information: {
        updated_date: DateFormats.localDateTime.format(payment.updatedAt),
        created_by_unit: yield* unitOf(attributes.created_by_unit_id),
        created_date: DateFormats.localDateTime.format(payment.createdAt),
        updated_by_unit: yield* unitOf(attributes.updated_by_unit_id),
        created_by_user: yield* actor(first?.actorId ?? payment.createdBy, first?.actorName ?? "system"),
        updated_by_user: yield* actor(last?.actorId ?? payment.createdBy, last?.actorName ?? "system")
      },
      payment_amount: shortPayment(payment, null).payment_amount,
      issued_on: DateFormats.localDateTime.format(payment.createdAt),
      life_cycle_state: crmStateOf(payment),
      type: type === null ? null : { classification: "PAYMENT", ...(yield* presetView(type)) },
      payment_method: method === null ? null : yield* presetView(method),
      rejection_reason: rejection,
      received_on: receivedOnOf(payment, attributes),
      reference_number: payment.referenceNumber,
      category: crmNamed(yield* loader.named("category", attributes.category_id)),
      notes: payment.references.notes
    }
  })
