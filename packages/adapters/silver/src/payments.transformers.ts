/**
 * Silver payment transformers: what the payment endpoints need beyond the shared transformers —
 * the status table (total over the ledger's payment states, with the rule for reversed payments,
 * which have no Silver state), the Silver-only attributes kept in `payment-attributes` records,
 * the payment representation (also the admin console's view), django-filter's `PaymentFilter` and
 * DRF's `OrderingFilter` as the list applied them, loading payments with their attributes and
 * providers, the ledger command behind each Silver transition, and the rules for the invoice and
 * proforma a payment carries (DRF's field checks, the model's `clean()`, the "one payment per
 * document" claim, and the best-effort settlement of a paid payment).
 */

import { migratedLedgerId, shownCustomerId, shownNumericId } from "@paybridge/adapter-kit"
import {
  type BillingEntity,
  type BusinessDate,
  CollectionId,
  Collections,
  Conflict,
  CustomerId,
  DialectRecords,
  type Document,
  DocumentId,
  Documents,
  Parties,
  type Payment,
  type PaymentDetail,
  type PaymentId,
  type PaymentState,
  Payments,
  type PaymentViewDetail,
  type PaymentViewInclude
} from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import type { FieldErrors } from "./silver.errors.ts"
import { type SilverPayment, type SilverStatus, silverMoney } from "./silver.schemas.ts"
import {
  dialectId,
  documentPaymentKind,
  getRecordData,
  type Links,
  linksAt,
  maybe,
  type Program,
  parseHyperlink,
  pathIdOf,
  paymentAttributesKind,
  providerCache,
  step
} from "./silver.transformers.ts"

// ---------------------------------------------------------------------------------------------
// Status

/** Ledger state → Silver status. A rejected payment never brought money: Silver calls that canceled. */
export const silverStatusOf = {
  draft: "unpaid",
  pending: "pending",
  posted: "paid",
  rejected: "canceled",
  cancelled: "canceled"
} as const satisfies Record<PaymentState, SilverStatus>

/** True when every cent of a posted payment was reversed in the ledger. */
export const isFullyReversed = (payment: Payment): boolean =>
  payment.state === "posted" && payment.reversedAmount >= payment.amount

/**
 * What Silver shows for a payment: a fully reversed payment is `canceled` with its original
 * amount (it no longer settles anything); a partly reversed one stays `paid` showing the amount
 * that still stands (amount − reversed); everything else maps through {@link silverStatusOf}.
 */
export const silverView = (payment: Payment): { readonly status: SilverStatus; readonly amount: bigint } => {
  if (isFullyReversed(payment)) return { status: "canceled", amount: payment.amount }
  if (payment.state === "posted") return { status: "paid", amount: payment.amount - payment.reversedAmount }
  return { status: silverStatusOf[payment.state], amount: payment.amount }
}

// ---------------------------------------------------------------------------------------------
// Silver-only attributes (dialect record `payment-attributes`)

/** Silver attributes of a payment the ledger has no field for (kept as `payment-attributes`). */
export interface PaymentAttributes {
  readonly visible: boolean
  readonly dueDate: string | null
  readonly proformaId: DocumentId | null
  readonly invoiceId: DocumentId | null
  /** The collection Silver itself opened (its `pending` status); any other open collection is "active". */
  readonly silverCollectionId: CollectionId | null
}

export const defaultAttributes: PaymentAttributes = {
  visible: true,
  dueDate: null,
  proformaId: null,
  invoiceId: null,
  silverCollectionId: null
}

/** True when a payment's attributes are Silver's defaults (a payment made through Silver needs no record for them). */
export const isDefaultAttributes = (attributes: PaymentAttributes): boolean =>
  attributes.visible === defaultAttributes.visible &&
  attributes.dueDate === defaultAttributes.dueDate &&
  attributes.proformaId === defaultAttributes.proformaId &&
  attributes.invoiceId === defaultAttributes.invoiceId &&
  attributes.silverCollectionId === defaultAttributes.silverCollectionId

/** An id kept in the attributes' JSON, decoded to its kind; `null` when absent. */
const idOrNull = <Id>(kind: Schema.Codec<Id, number>, value: unknown): Id | null =>
  Option.getOrNull(Schema.decodeUnknownOption(kind)(value))

export const attributesFromData = (data: Readonly<Record<string, unknown>>): PaymentAttributes => ({
  visible: typeof data.visible === "boolean" ? data.visible : true,
  dueDate: typeof data.dueDate === "string" ? data.dueDate : null,
  proformaId: idOrNull(DocumentId, data.proformaId),
  invoiceId: idOrNull(DocumentId, data.invoiceId),
  silverCollectionId: idOrNull(CollectionId, data.silverCollectionId)
})

export const attributesToData = (attributes: PaymentAttributes): Record<string, unknown> => ({ ...attributes })

// ---------------------------------------------------------------------------------------------
// Representation

/** Everything one Silver payment is rendered from. */
export interface PaymentRecord {
  readonly payment: Payment
  readonly attributes: PaymentAttributes
  /** The billing entity (Silver provider), when the payment has one. */
  readonly provider: BillingEntity | null
  /** The customer id its URL shows: the Silver id of a customer migrated from Silver (issue 16.2), else the ledger's. */
  readonly customerShownId?: number
}

/** The ledger customer a Silver customer id in a path names: a customer migrated from Silver first, then the ledger id. */
export const customerOfPath = (text: string): Program<CustomerId | null> =>
  Effect.map(migratedLedgerId(dialectId, "customer", text), (migrated) =>
    migrated !== null ? Schema.decodeSync(CustomerId)(migrated) : pathIdOf(CustomerId, text)
  )

/** The id a customer's URLs show (its Silver id when it was migrated from Silver). */
export const customerShownIdOf = (customerId: CustomerId): Program<number> =>
  Effect.map(maybe(Parties.use((parties) => parties.getCustomer(customerId))), (customer) =>
    customer === null ? customerId : shownCustomerId(dialectId, customer)
  )

export const toSilverPayment = (record: PaymentRecord, links: Links): SilverPayment => {
  const { payment, attributes } = record
  const view = silverView(payment)
  return {
    id: shownNumericId(dialectId, payment),
    url: links.payment(record.customerShownId ?? payment.customerId, shownNumericId(dialectId, payment)),
    customer: links.customer(record.customerShownId ?? payment.customerId),
    provider: payment.billingEntityId === null ? null : links.provider(payment.billingEntityId),
    amount: silverMoney.format(view.amount, payment.currency),
    currency: payment.currency,
    due_date: attributes.dueDate,
    status: view.status,
    visible: attributes.visible,
    proforma: attributes.proformaId === null ? null : links.proforma(attributes.proformaId),
    invoice: attributes.invoiceId === null ? null : links.invoice(attributes.invoiceId)
  }
}

// ---------------------------------------------------------------------------------------------
// Loading a payment with its Silver attributes

/** The origin of the payments made through this dialect. */
export const silverOrigin = `dialect:${dialectId}`

/**
 * The attributes of a payment with no `payment-attributes` record: Silver's defaults for a payment
 * made through Silver (a create writes the record only for attributes other than the defaults);
 * for a payment made elsewhere, its first invoice and proforma among its allocations.
 */
const derivedAttributes = (detail: PaymentDetail): Program<PaymentAttributes> =>
  Effect.gen(function* () {
    if (detail.payment.origin === silverOrigin) return defaultAttributes
    let invoiceId: DocumentId | null = null
    let proformaId: DocumentId | null = null
    for (const allocation of detail.allocations) {
      const document = yield* maybe(Documents.use((documents) => documents.getDocument(allocation.documentId)))
      if (document?.kind === "invoice" && invoiceId === null) invoiceId = document.id
      if (document?.kind === "proforma" && proformaId === null) proformaId = document.id
    }
    return { ...defaultAttributes, invoiceId, proformaId }
  })

/** A payment's Silver attributes: its `payment-attributes` record, else derived from its allocations. */
const attributesOf = (detail: PaymentDetail): Program<PaymentAttributes> =>
  Effect.gen(function* () {
    const data = yield* getRecordData(paymentAttributesKind, String(detail.payment.id))
    return data === null ? yield* derivedAttributes(detail) : attributesFromData(data)
  })

export type LoadedPayment = PaymentRecord & { readonly detail: PaymentDetail }

/** What a Silver payment read brings with the payment, in the same statement: its attributes record and customer. */
export const silverPaymentInclude: PaymentViewInclude = {
  keyedRecords: [{ dialect: dialectId, kind: paymentAttributesKind, key: "payment-id" }],
  customer: true
}

/** A payment read with `silverPaymentInclude`, with its Silver attributes and provider. */
export const recordFromView = (view: PaymentViewDetail): Program<LoadedPayment> =>
  Effect.gen(function* () {
    const { detail } = view
    const stored = view.records.find(
      (record) => record.kind === paymentAttributesKind && record.key === String(detail.payment.id)
    )
    const attributes = stored === undefined ? yield* derivedAttributes(detail) : attributesFromData(stored.data)
    const provider = yield* providerCache()(detail.payment.billingEntityId)
    return {
      payment: detail.payment,
      attributes,
      provider,
      detail,
      customerShownId: view.customer === null ? detail.payment.customerId : shownCustomerId(dialectId, view.customer)
    }
  })

/** A payment with its Silver attributes and provider, or `null` when unknown or outside the caller's scope. */
export const loadRecord = (paymentId: PaymentId): Program<LoadedPayment | null> =>
  Effect.gen(function* () {
    const view = yield* maybe(Payments.use((payments) => payments.viewPayment({ id: paymentId }, silverPaymentInclude)))
    return view === null ? null : yield* recordFromView(view)
  })

/**
 * A payment's `payment-attributes` record without its key (the payment's id): its data and what the
 * list filters and sorts on, in the record's indexed columns (`payment-list.transformers.ts`). A
 * create passes it to the ledger with the new payment (`CreatePaymentOptions.record`).
 */
export const attributesRecord = (attributes: PaymentAttributes) => ({
  dialect: dialectId,
  kind: paymentAttributesKind,
  data: attributesToData(attributes),
  listColumns: {
    date: attributes.dueDate as BusinessDate | null,
    flag: attributes.visible,
    proformaId: attributes.proformaId,
    invoiceId: attributes.invoiceId
  }
})

/** Keeps a payment's Silver attributes (its `payment-attributes` record). */
export const saveAttributes = (payment: Payment, attributes: PaymentAttributes) =>
  DialectRecords.use((dialectRecords) =>
    dialectRecords.saveDialectRecord({
      ...attributesRecord(attributes),
      key: String(payment.id),
      customerId: payment.customerId,
      paymentId: payment.id
    })
  )

/**
 * A ledger payment as Silver's GET renders it, with links rooted at the mount's base path (the
 * admin console's dialect view has no request scheme and host to make them absolute).
 */
export const renderSilverPayment = (detail: PaymentDetail, basePath: string) =>
  Effect.gen(function* () {
    const attributes = yield* attributesOf(detail)
    const provider = yield* providerCache()(detail.payment.billingEntityId)
    const customerShownId = yield* customerShownIdOf(detail.payment.customerId)
    return toSilverPayment(
      { payment: detail.payment, attributes, provider, customerShownId },
      linksAt(basePath.replace(/\/+$/u, ""))
    )
  })

// ---------------------------------------------------------------------------------------------
// Silver's transitions as ledger commands

/**
 * The ledger command behind each of Silver's transitions (its FSM, run inside the PATCH's unit):
 * →pending requests a direct-debit collection, remembered as Silver's own; →unpaid fails it;
 * →paid posts the payment (collecting Silver's open collection); →canceled cancels it.
 */
export const transitionInLedger = (
  payment: Payment,
  attributes: PaymentAttributes,
  target: SilverStatus
): Program<void> =>
  Effect.gen(function* () {
    switch (target) {
      case "pending": {
        const submitted = yield* Collections.use((collections) =>
          collections.requestCollection({ paymentId: payment.id, method: "direct-debit" })
        )
        const collection = submitted.collections.find((row) => row.state === "requested")
        yield* saveAttributes(submitted.payment, { ...attributes, silverCollectionId: collection?.id ?? null })
        return
      }
      case "unpaid":
        yield* Collections.use((collections) =>
          collections.failCollection({ paymentId: payment.id, reason: "failed in Silver" })
        )
        return
      case "paid":
        yield* Payments.use((payments) => payments.postPayment({ paymentId: payment.id }))
        return
      case "canceled":
        yield* Payments.use((payments) =>
          payments.cancelPayment({ paymentId: payment.id, reason: "canceled in Silver" })
        )
        return
    }
  })

// ---------------------------------------------------------------------------------------------
// Documents a payment carries (validation shared by create and PATCH, settlement)

interface DocumentChoice {
  readonly proforma: Document | null | undefined
  readonly invoice: Document | null | undefined
}

/** A proforma/invoice hyperlink → the ledger document of that kind, or DRF's error. */
export const documentField = (
  errors: FieldErrors,
  field: "proforma" | "invoice",
  value: unknown,
  basePath: string,
  ownPaymentId: PaymentId | null,
  idempotencyKey: string | null
): Program<Document | null | undefined> =>
  Effect.gen(function* () {
    if (value === null) return null
    const link = errors.check(field, parseHyperlink(value, field, basePath))
    if (link === undefined) return undefined
    const document = yield* maybe(Documents.use((documents) => documents.getDocument(link)))
    if (document === null || document.kind !== field) {
      errors.add(field, "Invalid hyperlink - Object does not exist.")
      return undefined
    }
    const taken = yield* getRecordData(documentPaymentKind, `${field}:${document.id}`)
    const takenBy = typeof taken?.paymentId === "number" ? taken.paymentId : null
    // A retried create (same principal and idempotency key) finds its own first attempt's claim.
    const replayed = idempotencyKey !== null && taken?.requestKey === idempotencyKey
    if (takenBy !== null && takenBy !== ownPaymentId && !replayed) {
      errors.add(field, "This field must be unique.")
      return undefined
    }
    return document
  })

/** The model's `clean()`: the first document-consistency problem, or `null`. */
export const documentProblem = (
  providerId: number | null,
  customerId: number,
  { proforma, invoice }: DocumentChoice
): string | null => {
  const document = invoice ?? proforma
  if (document) {
    if (document.billingEntityId !== providerId) return "Provider doesn't match with the one in documents."
    if (document.customerId !== customerId) return "Customer doesn't match with the one in documents."
  }
  if (invoice && proforma && invoice.relatedDocumentId !== proforma.id && proforma.relatedDocumentId !== invoice.id) {
    return "Invoice and proforma are not related."
  }
  return null
}

/** Best effort, as Silver's `pay()` of the linked documents: allocate the payment to its invoice (else proforma). */
export const settleDocuments = (payment: Payment, attributes: PaymentAttributes) =>
  Effect.gen(function* () {
    const documentId = attributes.invoiceId ?? attributes.proformaId
    if (documentId === null) return
    // The ledger decides what settles (Documents.settleDocument): as much of the payment's
    // unallocated credit as the document still owes, nothing unless both can.
    yield* step("allocate")(
      Documents.use((documents) => documents.settleDocument({ paymentId: payment.id, documentId }))
    )
  }).pipe(Effect.catch(() => Effect.void))

/** Marks the failure of a document another payment took in the meantime (rendered as `This field must be unique.`). */
export const documentTakenPrefix = "silver-document-taken:"
export const isDocumentTaken = (error: unknown): error is Conflict =>
  error instanceof Conflict && error.reason === "duplicate" && error.message.startsWith(documentTakenPrefix)

/** Records that `document` carries `payment`, inside the create's unit; refuses a document already taken. */
export const claimDocument = (document: Document, payment: Payment, requestKey: string | null) =>
  Effect.gen(function* () {
    const key = `${document.kind}:${document.id}`
    const taken = yield* getRecordData(documentPaymentKind, key)
    if (typeof taken?.paymentId === "number" && taken.paymentId !== payment.id) {
      return yield* new Conflict({ reason: "duplicate", message: `${documentTakenPrefix}${document.kind}` })
    }
    yield* DialectRecords.use((dialectRecords) =>
      dialectRecords.saveDialectRecord({
        dialect: dialectId,
        kind: documentPaymentKind,
        key,
        customerId: payment.customerId,
        paymentId: payment.id,
        data: { paymentId: payment.id, requestKey }
      })
    )
  })
