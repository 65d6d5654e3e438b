/**
 * The full payment of `payments/show` (and of each row of `payments/list` and `get_latest`), in the
 * order of the vendor's example: rendered at once, without an effect, from what the per-request
 * loader holds (`renderedNow`: a view read or a list page's annex seeded it, or an earlier payment
 * of the page loaded it); otherwise what is missing is read first (`loadFull`), in the order the
 * full payment was always read, and then rendered (`fullPayment`).
 */
import { DateFormats } from "@paybridge/adapter-kit"
import type { ActorId, PaymentDetail, PaymentPreset } from "@paybridge/core"
import { Effect } from "effect"
import { crmAccountIdOf, defaultOwner, documentToPay } from "./accounts-receivable.transformers.ts"
import { crmMoney } from "./crm-com.schemas.ts"
import {
  crmNamed,
  crmStateOf,
  crmUnit,
  crmUser,
  type NamedKind,
  type Program,
  type UnitEntity,
  udfOutput
} from "./crm-com.transformers.ts"
import type { Loader } from "./payment-loader.transformers.ts"
import {
  crmPaymentIdOf,
  crmPaymentNumberOf,
  crmPaymentReferenceOf,
  emptyAttributes,
  gatewayFields,
  type PaymentAttributes,
  receivedOnOf,
  shownAmount
} from "./payments.transformers.ts"

/** What the full payment shows of a payment's detail: the payment and its allocations (the documents it pays). */
export type ShownPayment = Pick<PaymentDetail, "payment" | "allocations">

/** A payment's CRM.COM attributes from its record's data (`attributesOf` without the read). */
const attributesFrom = (data: Record<string, unknown> | null): PaymentAttributes =>
  data === null ? emptyAttributes : { ...emptyAttributes, ...(data as Partial<PaymentAttributes>) }

/**
 * Reads into `loader` what the full payment of `detail` shows and the loader does not hold yet,
 * asking in the order the full payment was always read (so the first failure is the same one);
 * what the loader already holds is not asked again, so a page of payments mostly asks nothing.
 */
const loadFull = (detail: ShownPayment, loader: Loader): Program<void> =>
  Effect.gen(function* () {
    const { payment } = detail
    const { peek } = loader
    const attributes = attributesFrom(peek.paymentRecord(payment) ?? (yield* loader.paymentRecord(payment)))
    const customer = peek.customer(payment.customerId) ?? (yield* loader.customer(payment.customerId))
    if (peek.owner(customer) === undefined) yield* loader.owner(customer)
    const type = peek.preset("type", payment.typeId) ?? (yield* loader.preset("type", payment.typeId))
    const method = peek.preset("method", payment.methodId) ?? (yield* loader.preset("method", payment.methodId))
    const { first, last } = peek.actors(payment.id) ?? (yield* loader.actors(payment.id))
    for (const id of new Set(detail.allocations.map((allocation) => allocation.documentId))) {
      if (peek.document(id) === undefined) yield* loader.document(id)
    }
    const named = (kind: NamedKind, id: string | null) =>
      peek.named(kind, id) === undefined ? loader.named(kind, id) : Effect.void
    const user = (id: ActorId) => (peek.user(id) === undefined ? loader.user(id) : Effect.void)
    if (attributes.rejection_reason_id !== null) yield* named("rejection-reason", attributes.rejection_reason_id)
    if (peek.gatewayCode(payment.gatewayId) === undefined) yield* loader.gatewayCode(payment.gatewayId)
    yield* named("unit", attributes.received_by_unit_id)
    yield* user(attributes.received_by_user_id ?? first?.actorId ?? payment.createdBy)
    yield* named("unit", attributes.created_by_unit_id)
    yield* named("unit", attributes.updated_by_unit_id)
    yield* user(first?.actorId ?? payment.createdBy)
    yield* user(last?.actorId ?? payment.createdBy)
    for (const preset of [type, method]) {
      if (preset !== null && peek.presetDescription(preset) === undefined) yield* loader.presetDescription(preset)
    }
    yield* named("category", attributes.category_id)
  })

/** Thrown by `renderFull` when the loader lacks something (`loadFull` reads it); never leaves this module. */
const notLoaded = Symbol("not loaded")
const held = <A>(value: A | undefined): A => {
  if (value === undefined) throw notLoaded
  return value
}

/** The full payment from what `loader` holds (see `fullPayment`); throws `notLoaded` when it lacks something. */
const renderFull = (detail: ShownPayment, loader: Loader): Record<string, unknown> => {
  const { payment } = detail
  const { peek } = loader
  const attributes = attributesFrom(held(peek.paymentRecord(payment)))
  const customer = held(peek.customer(payment.customerId))
  const owner = held(peek.owner(customer)) ?? defaultOwner(customer)
  const type = held(peek.preset("type", payment.typeId))
  const method = held(peek.preset("method", payment.methodId))
  const presetView = (preset: PaymentPreset) => ({
    name: preset.name,
    id: preset.publicId,
    description: held(peek.presetDescription(preset)),
    alternative_code: preset.code
  })
  const { first, last } = held(peek.actors(payment.id))
  const actor = (id: ActorId, name: string) => crmUser(id, name, held(peek.user(id)))
  const receivedBy = attributes.received_by_user_id ?? first?.actorId ?? payment.createdBy
  const documents =
    detail.allocations.length === 0
      ? []
      : [...new Set(detail.allocations.map((allocation) => allocation.documentId))].map((id) => held(peek.document(id)))
  const rejection =
    attributes.rejection_reason_id !== null
      ? crmNamed(held(peek.named("rejection-reason", attributes.rejection_reason_id)))
      : payment.rejectionReason === null
        ? null
        : { name: payment.rejectionReason, id: null, description: null, alternative_code: null }
  const unitOf = (id: string | null) => crmUnit(held(peek.named("unit", id)) as UnitEntity)
  const createdAt = DateFormats.localDateTime.format(payment.createdAt)
  return {
    ...gatewayFields(payment, held(peek.gatewayCode(payment.gatewayId)), attributes),
    invoices_to_pay_set: documents.filter((document) => document.kind !== "bill").map(documentToPay),
    ...udfOutput(payment.customFields),
    number: crmPaymentNumberOf(payment),
    received_by_unit: unitOf(attributes.received_by_unit_id),
    accounts_receivable: {
      account_owner: owner,
      life_cycle_state: "ACTIVE",
      number: customer.number,
      name: customer.name,
      id: crmAccountIdOf(customer)
    },
    received_by_user: actor(receivedBy, first?.actorName ?? "system"),
    bills_to_pay_set: documents.filter((document) => document.kind === "bill").map(documentToPay),
    id: crmPaymentIdOf(payment),
    posted_on: payment.postedAt === null ? null : DateFormats.localDateTime.format(payment.postedAt),
    log_information: {
      updated_date: DateFormats.localDateTime.format(payment.updatedAt),
      created_by_unit: unitOf(attributes.created_by_unit_id),
      created_date: createdAt,
      updated_by_unit: unitOf(attributes.updated_by_unit_id),
      created_by_user: actor(first?.actorId ?? payment.createdBy, first?.actorName ?? "system"),
      updated_by_user: actor(last?.actorId ?? payment.createdBy, last?.actorName ?? "system")
    },
    payment_amount: crmMoney.format(shownAmount(payment), payment.currency),
    issued_on: createdAt,
    life_cycle_state: crmStateOf(payment),
    type: type === null ? null : { classification: "PAYMENT", ...presetView(type) },
    payment_method: method === null ? null : presetView(method),
    rejection_reason: rejection,
    received_on: receivedOnOf(payment, attributes),
    reference_number: crmPaymentReferenceOf(payment),
    category: crmNamed(held(peek.named("category", attributes.category_id))),
    notes: payment.references.notes
  }
}

/** The full payment from what `loader` holds, or `null` when it lacks something (`loadFull` reads it). */
export const renderedNow = (detail: ShownPayment, loader: Loader): Record<string, unknown> | null => {
  try {
    return renderFull(detail, loader)
  } catch (error) {
    if (error === notLoaded) return null
    throw error
  }
}

/**
 * The full payment of `payments/show`, in the order of the vendor's example. Rendered at once from
 * what `loader` holds (a list page's annex or a view read seeded it, or an earlier payment of the
 * page loaded it); otherwise what is missing is read first (`loadFull`).
 */
export const fullPayment = (detail: ShownPayment, loader: Loader): Program<Record<string, unknown>> =>
  Effect.suspend(() => {
    const now = renderedNow(detail, loader)
    return now !== null ? Effect.succeed(now) : Effect.map(loadFull(detail, loader), () => renderFull(detail, loader))
  })
