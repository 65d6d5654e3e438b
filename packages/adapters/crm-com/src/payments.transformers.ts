/**
 * CRM.COM payments transformers: the CRM.COM-only attributes of a payment and of a payment
 * cancellation (dialect records `payment` and `payment-cancellation`: category, received by user
 * and unit, receipt time, rejection reason, creating and updating units, a migrated payment's
 * gateway attempt; never money or state),
 * the payment a `payment_identifier` names, the payment as CRM.COM shows it (the short payment of
 * the write methods, the posted payment cancellation, and the pieces the full payment of
 * `full-payment.transformers.ts` shows), and what the write methods share: the life cycle state a method
 * needs, a request's type, method, category, user, unit and card resolved to ledger fields and
 * CRM.COM attributes, saving those attributes, and paying one invoice or bill in full.
 */
import { createHash } from "node:crypto"
import { DateFormats, migratedAliasLedgerId, migratedIdOf } from "@paybridge/adapter-kit"
import {
  DialectRecords,
  type DocumentKind,
  Documents,
  InvalidTransition,
  type Payment,
  type PaymentDetail,
  PaymentId,
  type PaymentPreset,
  Payments,
  type Reversal,
  type ReversalId,
  type UserId,
  validationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { resolveCustomer, resolveDocument } from "./accounts-receivable.transformers.ts"
import { namedEntities, presetsOf, resolveNamed, resolvePreset, resolveUser } from "./configuration.transformers.ts"
import {
  type CrmLifeCycleState,
  crmDateTime,
  crmMoney,
  type Identifier,
  type PayBillBody,
  type PayInvoiceBody,
  type UdfInput
} from "./crm-com.schemas.ts"
import {
  crmShortStateOf,
  customFieldsWithUdfs,
  dialectId,
  everyPage,
  hasUdfs,
  midnight,
  notFoundFor,
  okEnvelope,
  type Program,
  recordKinds,
  type UnitEntity
} from "./crm-com.transformers.ts"
import { type Loader, makeLoader, paymentViewInclude } from "./payment-loader.transformers.ts"

/** The CRM.COM-only attributes of one payment (dialect record `payment`, keyed by its public id). */
export interface PaymentAttributes {
  readonly category_id: string | null
  /** Paybridge user id of the user who received it; `null` = whoever created it. */
  readonly received_by_user_id: UserId | null
  readonly received_by_unit_id: string | null
  /** The receipt time; `null` = the payment date at midnight. */
  readonly received_on: string | null
  readonly rejection_reason_id: string | null
  readonly created_by_unit_id: string | null
  readonly updated_by_unit_id: string | null
  /** A migrated gateway payment's gateway attempt as CRM.COM showed it (the attempt stayed at the vendor). */
  readonly processed_by_payment_gateway?: string | null
  readonly payment_gateway_reference_number?: string | null
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

/**
 * The payment a `payment_identifier` names. A payment migrated from CRM.COM answers its CRM.COM id
 * (its external ref) and number (its `migrated-alias` record) — issue 16.2; the number alias goes
 * first, as the ledger numbers migrated payments anew.
 */
export const resolvePayment = (identifier: Identifier<"payment_identifier">): Program<PaymentDetail> =>
  Effect.gen(function* () {
    const payments = yield* Payments
    if (identifier.field === "number" || identifier.field === "reference_number") {
      const migrated = yield* migratedAliasLedgerId(dialectId, "payment", identifier.field, identifier.value)
      if (migrated !== null) return yield* payments.getPayment({ id: Schema.decodeSync(PaymentId)(migrated) })
    }
    const native = payments.getPayment(
      identifier.field === "id"
        ? { publicId: identifier.value.toUpperCase() }
        : identifier.field === "number"
          ? { number: identifier.value }
          : identifier.field === "reference_number"
            ? { referenceNumber: identifier.value }
            : { externalRef: { system: dialectId, id: identifier.value } }
    )
    return yield* identifier.field === "id"
      ? Effect.catchTag(native, "NotFound", () =>
          payments.getPayment({ externalRef: { system: dialectId, id: identifier.value.toUpperCase() } })
        )
      : native
  }).pipe(Effect.catchTag("NotFound", () => Effect.fail(notFoundFor(identifier, "payment"))))

/**
 * `resolvePayment` for `payments/show`: a CRM.COM id (the ledger's public id) finds the payment
 * with what its full form shows in one read, handed to `loader`; other identifiers as `resolvePayment`.
 */
export const resolvePaymentFor = (
  identifier: Identifier<"payment_identifier">,
  loader: Loader
): Program<PaymentDetail> =>
  identifier.field !== "id"
    ? resolvePayment(identifier)
    : Effect.flatMap(Payments, (payments) =>
        payments.viewPayment({ publicId: identifier.value.toUpperCase() }, paymentViewInclude).pipe(
          Effect.map((view) => {
            loader.seedView(view)
            return view.detail
          }),
          Effect.catchTag("NotFound", () => resolvePayment(identifier))
        )
      )

/** The CRM.COM id a payment shows: its CRM.COM id when migrated from CRM.COM, else the ledger's public id. */
export const crmPaymentIdOf = (payment: Payment): string => migratedIdOf(dialectId, payment) ?? payment.publicId

/** The number a payment shows: the CRM.COM number it was migrated with (its raw source record), else the ledger's. */
export const crmPaymentNumberOf = (payment: Payment): string | null => {
  const source = payment.sourceRecord
  if (
    migratedIdOf(dialectId, payment) !== null &&
    typeof source === "object" &&
    source !== null &&
    "number" in source
  ) {
    const number = (source as { number: unknown }).number
    if (typeof number === "string" || typeof number === "number") return String(number)
  }
  return payment.number
}

/**
 * The reference number a payment shows: the CRM.COM `reference_number` it was migrated with (its raw
 * source record; clients stored it, and the ledger's own counter moved past it), else the ledger's.
 */
export const crmPaymentReferenceOf = (payment: Payment): string => {
  const source = payment.sourceRecord
  if (migratedIdOf(dialectId, payment) !== null && typeof source === "object" && source !== null) {
    const reference = (source as { reference_number?: unknown }).reference_number
    if (typeof reference === "string" || typeof reference === "number") return String(reference)
  }
  return payment.referenceNumber
}

// ---------------------------------------------------------------------------------------------
// Payment attributes

/** A payment's CRM.COM attributes (defaults when it has none, e.g. it was made through another protocol). */
export const attributesOf = (payment: Payment, loader: Loader = makeLoader()): Program<PaymentAttributes> =>
  Effect.map(loader.paymentRecord(payment), (data) =>
    data === null ? emptyAttributes : { ...emptyAttributes, ...(data as Partial<PaymentAttributes>) }
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
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords.saveDialectRecord({
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
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    Effect.map(
      everyPage((cursor) =>
        dialectRecords.listDialectRecords({
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

/**
 * The gateway fields of a payment charged through a gateway (absent otherwise, as in the vendor's
 * examples). A payment migrated from CRM.COM whose gateway attempt stayed at the vendor shows the
 * fields its attributes kept (`processed_by_payment_gateway`, `payment_gateway_reference_number`).
 */
export const gatewayFields = (payment: Payment, gatewayCode: string | null, attributes?: PaymentAttributes) =>
  payment.gatewayId !== null && gatewayCode !== null
    ? { payment_gateway_reference_number: payment.gatewayReference, processed_by_payment_gateway: gatewayCode }
    : attributes?.processed_by_payment_gateway === undefined || attributes.processed_by_payment_gateway === null
      ? {}
      : {
          payment_gateway_reference_number: attributes.payment_gateway_reference_number ?? null,
          processed_by_payment_gateway: attributes.processed_by_payment_gateway
        }

/**
 * What a payment's `payment_amount` shows (issue 12.3): a POSTED payment with part of it reversed
 * shows the amount that still stands, so a client summing POSTED payments counts the ledger's
 * money; a wholly reversed payment (CANCELLED) and any other keeps its amount.
 */
export const shownAmount = (payment: Payment): bigint =>
  payment.state === "posted" && payment.reversedAmount > 0n && payment.reversedAmount < payment.amount
    ? payment.amount - payment.reversedAmount
    : payment.amount

/** The short payment every write method answers with. */
export const shortPayment = (
  payment: Payment,
  gatewayCode: string | null,
  state: CrmLifeCycleState = crmShortStateOf(payment)
) => ({
  ...gatewayFields(payment, gatewayCode),
  payment_amount: crmMoney.format(shownAmount(payment), payment.currency),
  issued_on: crmDateTime.format(payment.createdAt),
  life_cycle_state: state,
  number: crmPaymentNumberOf(payment),
  id: crmPaymentIdOf(payment),
  reference_number: crmPaymentReferenceOf(payment),
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

/**
 * `received_on`: the instant the payment was received as the ledger keeps it (sent through any
 * protocol), else the receipt time this dialect recorded, else the payment date at midnight.
 */
export const receivedOnOf = (payment: Payment, attributes: PaymentAttributes): string =>
  payment.receivedAt === null
    ? (attributes.received_on ?? midnight(payment.paymentDate))
    : DateFormats.localDateTime.format(payment.receivedAt)

/** The public id of the payment cancellation recorded with a reversal (derived, so a replay finds it again). */
export const cancellationId = (reversalId: ReversalId): string =>
  createHash("sha256")
    .update(`${dialectId}:payment-cancellation:${reversalId}`)
    .digest("hex")
    .slice(0, 32)
    .toUpperCase()

// ---------------------------------------------------------------------------------------------
// What the write methods share

const refusal = (payment: Payment, action: string, message: string) =>
  new InvalidTransition({ entity: "payment", id: payment.publicId, from: crmShortStateOf(payment), action, message })

/**
 * Refuses unless the payment is in the CRM.COM state the method needs. Checked on the short state,
 * so a gateway payment awaiting verification (shown as DRAFT in the full object) is not posted,
 * updated or rejected as if it were a draft.
 */
export const requireState = (payment: Payment, state: "DRAFT" | "POSTED", action: string) =>
  crmShortStateOf(payment) === state
    ? Effect.void
    : Effect.fail(
        refusal(
          payment,
          action,
          `Only ${state} payments can be ${action}; payment ${payment.referenceNumber} is ${crmShortStateOf(payment)}`
        )
      )

/** A PAYMENT type; naming a payment cancellation type says so instead of "not found". */
export const resolvePaymentType = (identifier: Identifier<"type_identifier">): Program<PaymentPreset> =>
  Effect.gen(function* () {
    const presets = yield* presetsOf("type")
    const found = presets.find((preset) =>
      identifier.field === "id"
        ? preset.publicId === identifier.value.toUpperCase()
        : identifier.field === "name"
          ? preset.name === identifier.value
          : preset.code === identifier.value
    )
    if (found !== undefined) return found
    const cancellationTypes = yield* namedEntities("cancellation-type")
    if (cancellationTypes.some((type) => type[identifier.field] === identifier.value)) {
      return yield* validationFailed(
        ["type_identifier"],
        `type "${identifier.value}" is a PAYMENT_CANCELLATION type; a payment needs a PAYMENT type`
      )
    }
    return yield* resolvePreset("type", identifier)
  })

interface WriteFields {
  readonly type_identifier: Identifier<"type_identifier">
  readonly payment_method_identifier: Identifier<"payment_method_identifier">
  readonly category_identifier?: Identifier<"category_identifier"> | undefined
  readonly received_on?: Date | undefined
  readonly received_by_user_identifier?: Identifier<"received_by_user_identifier"> | undefined
  readonly received_by_unit_identifier?: Identifier<"received_by_unit_identifier"> | undefined
  readonly card_identifier?: Identifier<"card_identifier"> | undefined
  readonly description?: string | null | undefined
  readonly notes?: string | null | undefined
}

/** Resolves what create, pay_invoice and pay_bill share; checks the card rule of gateway methods. */
export const resolveWrite = (body: WriteFields, unit: Pick<UnitEntity, "id"> | null) =>
  Effect.gen(function* () {
    const type = yield* resolvePaymentType(body.type_identifier)
    const method = yield* resolvePreset("method", body.payment_method_identifier)
    const category =
      body.category_identifier === undefined
        ? null
        : yield* resolveNamed("category", body.category_identifier, "financial transaction category")
    const user =
      body.received_by_user_identifier === undefined ? null : yield* resolveUser(body.received_by_user_identifier)
    const receivedByUnit =
      body.received_by_unit_identifier === undefined
        ? unit
        : yield* resolveNamed("unit", body.received_by_unit_identifier, "unit")
    const card = body.card_identifier?.value ?? null
    if (method.gatewayId !== null && card === null) {
      return yield* validationFailed(
        ["card_identifier"],
        `card_identifier is mandatory: payment method "${method.name}" is linked with a payment gateway`
      )
    }
    if (method.gatewayId === null && card !== null) {
      return yield* validationFailed(
        ["card_identifier"],
        `card_identifier applies only to payment methods linked with a payment gateway, not to "${method.name}"`
      )
    }
    const attributes: PaymentAttributes = {
      category_id: category?.id ?? null,
      received_by_user_id: user?.id ?? null,
      received_by_unit_id: receivedByUnit?.id ?? null,
      received_on: body.received_on === undefined ? null : DateFormats.localDateTime.format(body.received_on),
      rejection_reason_id: null,
      created_by_unit_id: unit?.id ?? null,
      updated_by_unit_id: unit?.id ?? null
    }
    return {
      type,
      method,
      card,
      attributes,
      ledgerFields: {
        methodId: method.id,
        typeId: type.id,
        cardToken: card,
        ...(body.received_on === undefined
          ? {}
          : { paymentDate: DateFormats.businessDateOf(body.received_on), receivedAt: body.received_on }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.notes === undefined ? {} : { notes: body.notes })
      }
    }
  })

const hasAttributes = (attributes: PaymentAttributes) => Object.values(attributes).some((value) => value !== null)

/**
 * A new payment's attributes as a record the ledger writes with it in its own unit
 * (`CreatePaymentForInput.records`: one insert, nothing read); none when there is nothing to keep.
 */
export const attributeRecords = (attributes: PaymentAttributes) =>
  hasAttributes(attributes) ? [{ dialect: dialectId, kind: recordKinds.payment, data: { ...attributes } }] : []

/**
 * Saves the attributes of a new payment (when there is anything to keep and the ledger did not
 * write them with it: `written`) and answers the short payment.
 */
export const answerCreated = (detail: PaymentDetail, attributes: PaymentAttributes, written = false) =>
  Effect.gen(function* () {
    if (!written && hasAttributes(attributes)) yield* saveAttributes(detail.payment, "replace", attributes)
    const loader = makeLoader()
    return okEnvelope(shortPayment(detail.payment, yield* loader.gatewayCode(detail.payment.gatewayId)))
  })

/**
 * Saves the attributes a write changed and the session's unit as the last to update the payment
 * (when the session has one). Only the changed attributes are written, merged under the
 * customer's lock, so concurrent updates of one payment each keep what they changed.
 */
export const touchedBy = (payment: Payment, unit: UnitEntity | null, changes: Partial<PaymentAttributes> = {}) =>
  Effect.gen(function* () {
    const update = { ...changes, ...(unit === null ? {} : { updated_by_unit_id: unit.id }) }
    const keys = Object.keys(update) as Array<keyof PaymentAttributes>
    if (keys.length === 0) return
    const attributes = yield* attributesOf(payment)
    if (keys.some((key) => update[key] !== attributes[key])) yield* saveAttributes(payment, "merge", update)
  })

export const answerShort = (payment: Payment) =>
  Effect.map(makeLoader().gatewayCode(payment.gatewayId), (code) => okEnvelope(shortPayment(payment, code)))

/** `payments/pay_invoice` and `payments/pay_bill`: one POSTED payment for the document's whole outstanding amount. */
export const payDocument = (
  body: (typeof PayInvoiceBody.Type | typeof PayBillBody.Type) & UdfInput,
  kind: DocumentKind,
  identifier: Identifier<"invoice_identifier" | "bill_identifier">,
  unit: UnitEntity | null
) =>
  Effect.gen(function* () {
    const documents = yield* Documents
    const customer = yield* resolveCustomer(body.accounts_receivable_identifier)
    const document = yield* resolveDocument(customer, kind, identifier)
    const label = kind === "bill" ? "bill" : "invoice"
    if (document.state === "cancelled") {
      return yield* new InvalidTransition({
        entity: label,
        id: document.publicId,
        from: "CANCELLED",
        action: "pay",
        message: `${label} ${document.number} is CANCELLED and cannot be paid`
      })
    }
    if (document.outstanding === 0n) {
      return yield* validationFailed([identifier.name], `${label} ${document.number} has no outstanding amount`)
    }
    const write = yield* resolveWrite(body, unit)
    const detail = yield* documents.payDocument({
      documentId: document.id,
      ...write.ledgerFields,
      ...(hasUdfs(body) ? { customFields: customFieldsWithUdfs({}, body) } : {})
    })
    return yield* answerCreated(detail, write.attributes)
  })
