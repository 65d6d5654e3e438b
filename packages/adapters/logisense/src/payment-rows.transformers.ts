/**
 * Reading LogiSense Payment rows from the ledger. A per-request resolver looks up, once each,
 * what the rows name (accounts, payment types and methods, invoices, the owner currency, the
 * user who created a payment or reversal, names of vendor reference records) and the vendor-only
 * attributes kept in `logisense` dialect records. On top of it: finding a row by identity with
 * the dialect's visibility rules (rejected and cancelled payments, payments deleted through
 * LogiSense and reinstated reversals are gone, as they would be at the vendor), and building a
 * row, a reversal row or the `Detail` form with disbursements and reversal rows. Every Payment
 * endpoint file reads through here, and so does the admin console's view (`renderPaymentDetail`).
 */

import { paymentViewByVendorId } from "@paybridge/adapter-kit"
import {
  type Allocation,
  Balances,
  type CommandContext,
  type CurrencyCode,
  type Customer,
  type CustomerId,
  type DialectRecord,
  DialectRecords,
  type Document,
  type DocumentId,
  Documents,
  type LedgerError,
  type LedgerEvent,
  type LedgerServices,
  type Page,
  Parties,
  type Payment,
  type PaymentAnnex,
  type PaymentAnnexRequest,
  type PaymentDetail,
  type PaymentId,
  type PaymentPreset,
  Payments,
  type PaymentViewDetail,
  type PaymentViewInclude,
  type PresetId,
  type Reversal,
  type ReversalId
} from "@paybridge/core"
import { Effect } from "effect"
import { paymentNotFound } from "./logisense.errors.ts"
import {
  dialectName,
  emptyExtras,
  extrasFromData,
  identityTarget,
  type LogisenseRow,
  paymentStateVisibility,
  type RowContext,
  type RowExtras,
  toLogisenseDisbursement,
  toLogisensePayment,
  toLogisenseReversal,
  type VendorReferenceField,
  vendorReferenceFields,
  vendorReferenceKinds
} from "./logisense.transformers.ts"

export { dialectName }
/** Dialect record kinds: vendor attributes of a payment / reversal row, and payments deleted through LogiSense. */
export const recordKinds = { payment: "payment", reversal: "reversal", deleted: "deleted-payment" } as const

type Read<A> = Effect.Effect<A, LedgerError, LedgerServices | CommandContext>

export const orNull = <A, R>(effect: Effect.Effect<A, LedgerError, R>): Effect.Effect<A | null, LedgerError, R> =>
  Effect.catchTag(effect, "NotFound", () => Effect.succeed(null))

/** One request's lookups, each made at most once. */
export interface Resolver {
  readonly customer: (id: CustomerId) => Read<Customer>
  readonly presetName: (kind: "type" | "method", id: PresetId | null) => Read<string | null>
  readonly documentName: (id: DocumentId) => Read<string | null>
  readonly ownerCurrency: (payment: Payment, customer: Customer) => Read<CurrencyCode>
  readonly extras: (kind: "payment" | "reversal", id: number) => Read<RowExtras>
  readonly referenceName: (field: VendorReferenceField, id: number) => Read<string | null>
  readonly createdBy: (payment: Payment) => Read<{ id: number; name: string } | null>
  readonly reversedBy: (payment: Payment, reversalId: number) => Read<{ id: number; name: string } | null>
  readonly isDeleted: (paymentId: number) => Read<boolean>
  readonly deletedPaymentIds: Read<ReadonlySet<number>>
  /**
   * Reads what the full rows of these payments look up per payment (their creation events and
   * vendor attributes) in one query each, so a page of rows costs a few queries, not a few per row.
   */
  readonly prefetch: (payments: ReadonlyArray<Payment>) => Read<void>
  /**
   * Reads what these reversal rows show in one query each — their payments' `payment.reversed`
   * events (who reversed) and the rows' vendor attributes — so reversal rows cost no query per row.
   */
  /** Reads the numbers (names) of these documents in one query (the invoices a page's rows name). */
  readonly prefetchDocuments: (ids: ReadonlyArray<DocumentId>) => Read<void>
  readonly prefetchReversals: (
    rows: ReadonlyArray<{ readonly payment: Payment; readonly reversalId: number }>
  ) => Read<void>
  /** Reads the accounts of these payments in one query (rows of many accounts, not one query per account). */
  readonly prefetchCustomers: (payments: ReadonlyArray<Payment>) => Read<void>
  /**
   * Takes what a payment's view read brought along (`rowViewInclude`: its customer, vendor
   * attributes of the payment and its reversals, deleted mark, creation and reversal events), so
   * rendering its rows looks none of them up again.
   */
  readonly seedView: (view: PaymentViewDetail) => void
  /**
   * Takes what a page's statement brought along for each of its payments (`pageAnnex`: the
   * account, the creator and the vendor attributes), so rendering the page looks none of them up.
   */
  readonly seedAnnex: (payments: ReadonlyArray<Payment>, annex: ReadonlyMap<PaymentId, PaymentAnnex>) => void
}

/** What a list page's statement brings along for each payment row (see `Resolver.seedAnnex`). */
export const pageAnnex: PaymentAnnexRequest = {
  customer: true,
  presetNames: true,
  creationEvent: true,
  record: { dialect: dialectName, kind: recordKinds.payment }
}

/** What a payment's row needs besides the payment, read with it in one statement (see `Resolver.seedView`). */
export const rowViewInclude: PaymentViewInclude = {
  keyedRecords: [{ dialect: dialectName, kind: recordKinds.payment, key: "payment-id" }],
  paymentRecordKinds: [
    { dialect: dialectName, kind: recordKinds.reversal },
    { dialect: dialectName, kind: recordKinds.deleted }
  ],
  customer: true,
  events: ["payment.created", "payment.reversed"]
}

const memo = <A>(cache: Map<string, A>, key: string, compute: Read<A>): Read<A> =>
  Effect.suspend(() => {
    if (cache.has(key)) return Effect.succeed(cache.get(key) as A)
    return Effect.tap(compute, (value) => Effect.sync(() => cache.set(key, value)))
  })

export const makeResolver: Effect.Effect<Resolver, never, LedgerServices> = Effect.gen(function* () {
  const parties = yield* Parties
  const balances = yield* Balances
  const dialectRecords = yield* DialectRecords
  const documents = yield* Documents
  const cache = new Map<string, unknown>()
  const remember = <A>(key: string, compute: Read<A>): Read<A> => memo(cache as Map<string, A>, key, compute)

  const presets = (kind: "type" | "method") =>
    remember(
      `presets:${kind}`,
      Effect.gen(function* () {
        const names = new Map<number, string>()
        let cursor: string | null = null
        do {
          const page: Page<PaymentPreset> = yield* parties.listPresets(kind, { cursor, limit: 1000 })
          for (const preset of page.items) names.set(preset.id, preset.name)
          cursor = page.nextCursor
        } while (cursor !== null)
        return names
      })
    )

  const eventsOf = (payment: Payment, type: "payment.created" | "payment.reversed") =>
    remember(
      `events:${type}:${payment.id}`,
      Effect.map(balances.listEvents({ paymentId: payment.id, types: [type], limit: 1000 }), (page) => page.items)
    )

  const deletedPaymentIds = remember(
    "deleted",
    Effect.gen(function* () {
      const ids = new Set<number>()
      let cursor: string | null = null
      do {
        const page: Page<DialectRecord> = yield* dialectRecords.listDialectRecords({
          dialect: dialectName,
          kind: recordKinds.deleted,
          cursor,
          limit: 1000
        })
        for (const record of page.items) if (record.paymentId !== null) ids.add(record.paymentId)
        cursor = page.nextCursor
      } while (cursor !== null)
      return ids as ReadonlySet<number>
    })
  )

  const prefetchCustomers = (rows: ReadonlyArray<Payment>): Read<void> =>
    Effect.gen(function* () {
      const ids = [...new Set(rows.map((payment) => payment.customerId))].filter((id) => !cache.has(`customer:${id}`))
      if (ids.length === 0) return
      let cursor: string | null = null
      do {
        const page: Page<Customer> = yield* parties.listCustomers({ ids, cursor, limit: 1000 })
        for (const customer of page.items) cache.set(`customer:${customer.id}`, customer)
        cursor = page.nextCursor
      } while (cursor !== null)
    })

  return {
    customer: (id) => remember(`customer:${id}`, parties.getCustomer(id)),
    prefetchCustomers,
    presetName: (kind, id) =>
      id === null
        ? Effect.succeed(null)
        : cache.has(`preset:${kind}:${id}`)
          ? Effect.succeed(cache.get(`preset:${kind}:${id}`) as string | null)
          : Effect.map(presets(kind), (names) => names.get(id) ?? null),
    documentName: (id) =>
      remember(
        `document:${id}`,
        Effect.map(orNull(documents.getDocument(id)), (document) => document?.number ?? null)
      ),
    ownerCurrency: (payment, customer) =>
      payment.billingEntityId === null
        ? Effect.succeed(customer.currency)
        : remember(
            `owner:${payment.billingEntityId}`,
            Effect.map(orNull(parties.getBillingEntity(payment.billingEntityId)), (entity) =>
              entity === null ? customer.currency : entity.defaultCurrency
            )
          ),
    extras: (kind, id) =>
      remember(
        `extras:${kind}:${id}`,
        Effect.map(
          orNull(dialectRecords.getDialectRecord({ dialect: dialectName, kind, key: String(id) })),
          (record) => (record === null ? emptyExtras : extrasFromData(record.data))
        )
      ),
    referenceName: (field, id) =>
      remember(
        `reference:${field}:${id}`,
        Effect.map(
          orNull(
            dialectRecords.getDialectRecord({
              dialect: dialectName,
              kind: vendorReferenceKinds[field],
              key: String(id)
            })
          ),
          (record) => (typeof record?.data.name === "string" ? record.data.name : null)
        )
      ),
    createdBy: (payment) =>
      cache.has(`creator:${payment.id}`)
        ? Effect.succeed(cache.get(`creator:${payment.id}`) as { id: number; name: string } | null)
        : Effect.map(eventsOf(payment, "payment.created"), (events) => {
            const event = events[0]
            return event === undefined ? null : { id: event.actorId, name: event.actorName }
          }),
    reversedBy: (payment, reversalId) =>
      Effect.map(eventsOf(payment, "payment.reversed"), (events) => {
        const event = events.find((candidate) => candidate.data.reversalId === reversalId)
        return event === undefined ? null : { id: event.actorId, name: event.actorName }
      }),
    isDeleted: (paymentId) => {
      const known = cache.get(`deleted:${paymentId}`)
      return typeof known === "boolean"
        ? Effect.succeed(known)
        : Effect.map(deletedPaymentIds, (ids) => ids.has(paymentId))
    },
    deletedPaymentIds,
    prefetch: (rows) =>
      Effect.gen(function* () {
        yield* prefetchCustomers(rows)
        const missing = rows.filter(
          (payment) => !cache.has(`events:payment.created:${payment.id}`) && !cache.has(`creator:${payment.id}`)
        )
        if (missing.length === 0) return
        const paymentIds = missing.map((payment) => payment.id)
        const events = new Map<number, Array<LedgerEvent>>(paymentIds.map((id) => [id, []]))
        let cursor: string | null = null
        do {
          const page: Page<LedgerEvent> = yield* balances.listEvents({
            paymentIds,
            types: ["payment.created"],
            cursor,
            limit: 1000
          })
          for (const event of page.items) if (event.paymentId !== null) events.get(event.paymentId)?.push(event)
          cursor = page.nextCursor
        } while (cursor !== null)
        for (const [id, list] of events) cache.set(`events:payment.created:${id}`, list)
        const extras = new Map<number, RowExtras>(paymentIds.map((id) => [id, emptyExtras]))
        cursor = null
        do {
          const page: Page<DialectRecord> = yield* dialectRecords.listDialectRecords({
            dialect: dialectName,
            kind: recordKinds.payment,
            keys: paymentIds.map(String),
            cursor,
            limit: 1000
          })
          for (const record of page.items) extras.set(Number(record.key), extrasFromData(record.data))
          cursor = page.nextCursor
        } while (cursor !== null)
        for (const [id, value] of extras) cache.set(`extras:${recordKinds.payment}:${id}`, value)
      }),
    prefetchDocuments: (ids) =>
      Effect.gen(function* () {
        const missing = [...new Set(ids)].filter((id) => !cache.has(`document:${id}`))
        if (missing.length === 0) return
        for (const id of missing) cache.set(`document:${id}`, null)
        let cursor: string | null = null
        do {
          const page: Page<Document> = yield* documents.listDocuments({ ids: missing, cursor, limit: 1000 })
          for (const document of page.items) cache.set(`document:${document.id}`, document.number)
          cursor = page.nextCursor
        } while (cursor !== null)
      }),
    prefetchReversals: (rows) =>
      Effect.gen(function* () {
        const paymentIds = [...new Set(rows.map((row) => row.payment.id))].filter(
          (id) => !cache.has(`events:payment.reversed:${id}`)
        )
        if (paymentIds.length > 0) {
          const events = new Map<number, Array<LedgerEvent>>(paymentIds.map((id) => [id, []]))
          let after: string | null = null
          do {
            const page: Page<LedgerEvent> = yield* balances.listEvents({
              paymentIds,
              types: ["payment.reversed"],
              cursor: after,
              limit: 1000
            })
            for (const event of page.items) if (event.paymentId !== null) events.get(event.paymentId)?.push(event)
            after = page.nextCursor
          } while (after !== null)
          for (const [id, list] of events) cache.set(`events:payment.reversed:${id}`, list)
        }
        const keys = [...new Set(rows.map((row) => String(row.reversalId)))].filter(
          (key) => !cache.has(`extras:${recordKinds.reversal}:${key}`)
        )
        if (keys.length === 0) return
        for (const key of keys) cache.set(`extras:${recordKinds.reversal}:${key}`, emptyExtras)
        let cursor: string | null = null
        do {
          const page: Page<DialectRecord> = yield* dialectRecords.listDialectRecords({
            dialect: dialectName,
            kind: recordKinds.reversal,
            keys,
            cursor,
            limit: 1000
          })
          for (const record of page.items) {
            cache.set(`extras:${recordKinds.reversal}:${record.key}`, extrasFromData(record.data))
          }
          cursor = page.nextCursor
        } while (cursor !== null)
      }),
    seedAnnex: (payments, annex) => {
      const byId = new Map(payments.map((payment) => [payment.id, payment]))
      for (const [paymentId, found] of annex) {
        if (found.customer !== null) cache.set(`customer:${found.customer.id}`, found.customer)
        const payment = byId.get(paymentId)
        if (payment !== undefined && payment.typeId !== null && found.typeName !== undefined) {
          cache.set(`preset:type:${payment.typeId}`, found.typeName)
        }
        if (payment !== undefined && payment.methodId !== null && found.methodName !== undefined) {
          cache.set(`preset:method:${payment.methodId}`, found.methodName)
        }
        cache.set(
          `creator:${paymentId}`,
          found.creator === null ? null : { id: found.creator.actorId, name: found.creator.actorName }
        )
        cache.set(
          `extras:${recordKinds.payment}:${paymentId}`,
          found.record === null ? emptyExtras : extrasFromData(found.record as Record<string, unknown>)
        )
      }
    },
    seedView: (view) => {
      const { payment } = view.detail
      if (view.customer !== null) cache.set(`customer:${view.customer.id}`, view.customer)
      const own = (kind: string) =>
        view.records.filter((record) => record.dialect === dialectName && record.kind === kind)
      const key = String(payment.id)
      // The payment's own record was looked up by key: none means none. Reversal rows' records were
      // found through their payment, so only those found are taken (others are looked up by key).
      cache.set(`extras:${recordKinds.payment}:${key}`, emptyExtras)
      for (const kind of [recordKinds.payment, recordKinds.reversal]) {
        for (const record of own(kind)) cache.set(`extras:${kind}:${record.key}`, extrasFromData(record.data))
      }
      // Deleted through LogiSense: a `deleted-payment` record attached to the payment (as `deletedPaymentIds` reads).
      cache.set(`deleted:${key}`, own(recordKinds.deleted).length > 0)
      for (const type of ["payment.created", "payment.reversed"] as const) {
        cache.set(
          `events:${type}:${payment.id}`,
          view.events.filter((event) => event.type === type)
        )
      }
    }
  }
})

/** How much of a row to resolve: `full` rows carry every name; `cheap` rows skip per-row lookups. */
export type RowLevel = "full" | "cheap"

const firstInvoice = (allocations: ReadonlyArray<Allocation>) => {
  const first = [...allocations].sort((a, b) => a.id - b.id)[0]
  if (first === undefined) return null
  const amount = allocations
    .filter((allocation) => allocation.documentId === first.documentId)
    .reduce((sum, allocation) => sum + allocation.amount, 0n)
  return { id: first.documentId, amount }
}

const rowContext = (
  resolver: Resolver,
  payment: Payment,
  level: RowLevel,
  options: {
    readonly allocations: ReadonlyArray<Allocation> | null
    readonly extrasOf: { readonly kind: "payment" | "reversal"; readonly id: number }
    readonly creator: Read<{ id: number; name: string } | null>
  }
): Read<RowContext> =>
  Effect.gen(function* () {
    const customer = yield* resolver.customer(payment.customerId)
    const ownerCurrency = yield* resolver.ownerCurrency(payment, customer)
    const typeName = yield* resolver.presetName("type", payment.typeId)
    const methodName = yield* resolver.presetName("method", payment.methodId)
    if (level === "cheap") {
      return {
        customer,
        ownerCurrency,
        typeName,
        methodName,
        invoice: null,
        createdBy: null,
        extras: emptyExtras,
        referenceNames: {}
      }
    }
    const invoiceRef = options.allocations === null ? null : firstInvoice(options.allocations)
    const invoice = invoiceRef === null ? null : { ...invoiceRef, name: yield* resolver.documentName(invoiceRef.id) }
    const own = yield* resolver.extras(options.extrasOf.kind, options.extrasOf.id)
    // A reversal row shows its payment's references (card type…) unless it has its own, `isManual`, `noBaseAmount`.
    const ofPayment = options.extrasOf.kind === "reversal" ? yield* resolver.extras("payment", payment.id) : null
    const { paymentTransactionId: _transaction, ...inheritable } = ofPayment?.references ?? {}
    const extras = {
      ...own,
      references: { ...inheritable, ...own.references },
      isManual: own.isManual ?? ofPayment?.isManual ?? null,
      noBaseAmount: own.noBaseAmount || (ofPayment?.noBaseAmount ?? false)
    }
    const referenceNames: Partial<Record<VendorReferenceField, string | null>> = {}
    for (const field of vendorReferenceFields) {
      const id = extras.references[field]
      if (id !== undefined && id !== null) referenceNames[field] = yield* resolver.referenceName(field, id)
    }
    return {
      customer,
      ownerCurrency,
      typeName,
      methodName,
      invoice,
      createdBy: yield* options.creator,
      extras,
      referenceNames
    }
  })

/** A payment's allocations, fetched only when it has any. */
const allocationsOf = (payment: Payment, detail: PaymentDetail | null): Read<ReadonlyArray<Allocation>> =>
  detail !== null
    ? Effect.succeed(detail.allocations)
    : payment.allocatedAmount === 0n
      ? Effect.succeed([])
      : Effect.flatMap(Payments, (payments) =>
          Effect.map(payments.getPayment({ id: payment.id }), (fresh) => fresh.allocations)
        )

export const paymentRow = (
  resolver: Resolver,
  payment: Payment,
  level: RowLevel = "full",
  detail: PaymentDetail | null = null
): Read<LogisenseRow> =>
  Effect.gen(function* () {
    const allocations = level === "full" ? yield* allocationsOf(payment, detail) : null
    const context = yield* rowContext(resolver, payment, level, {
      allocations,
      extrasOf: { kind: "payment", id: payment.id },
      creator: resolver.createdBy(payment)
    })
    return toLogisensePayment(payment, context)
  })

export const reversalRow = (
  resolver: Resolver,
  payment: Payment,
  reversal: Reversal,
  level: RowLevel = "full"
): Read<LogisenseRow> =>
  Effect.map(
    rowContext(resolver, payment, level, {
      allocations: null,
      extrasOf: { kind: "reversal", id: reversal.id },
      creator: resolver.reversedBy(payment, reversal.id)
    }),
    (context) => toLogisenseReversal(payment, reversal, context)
  )

/** The reversals LogiSense shows as rows: those not reinstated. */
export const activeReversals = (detail: PaymentDetail): ReadonlyArray<Reversal> =>
  detail.reversals.filter((reversal) => reversal.reinstatedAt === null)

/** The `Detail` form: the row plus `details.invoiceDisbursements` and `details.paymentReversals`. */
export const paymentDetailRow = (resolver: Resolver, detail: PaymentDetail): Read<Record<string, unknown>> =>
  Effect.gen(function* () {
    const row = yield* paymentRow(resolver, detail.payment, "full", detail)
    const customer = yield* resolver.customer(detail.payment.customerId)
    const ownerCurrency = yield* resolver.ownerCurrency(detail.payment, customer)
    const extras = yield* resolver.extras("payment", detail.payment.id)
    const invoiceDisbursements = yield* Effect.forEach(detail.allocations, (allocation) =>
      Effect.map(resolver.documentName(allocation.documentId), (name) =>
        toLogisenseDisbursement(allocation, detail.payment, name, { ownerCurrency, extras })
      )
    )
    const paymentReversals = yield* Effect.forEach(activeReversals(detail), (reversal) =>
      reversalRow(resolver, detail.payment, reversal)
    )
    return { ...row, details: { invoiceDisbursements, paymentReversals } }
  })

/** What an identity resolved to, after the visibility rules. */
export type FoundRow =
  | { readonly kind: "payment"; readonly detail: PaymentDetail }
  | { readonly kind: "reversal"; readonly detail: PaymentDetail; readonly reversal: Reversal }

/** Is this ledger payment a LogiSense Payment (visible, not deleted through LogiSense)? */
export const isVisiblePayment = (resolver: Resolver, payment: Payment): Read<boolean> =>
  paymentStateVisibility[payment.state].visible
    ? Effect.map(resolver.isDeleted(payment.id), (deleted) => !deleted)
    : Effect.succeed(false)

/** The payment or reversal row behind an identity; `NotFound` when LogiSense would not show it. */
export const findRow = (resolver: Resolver, identity: number): Read<FoundRow> =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const dialectRecords = yield* DialectRecords
    const target = identityTarget(identity)
    if (target.kind === "payment") {
      // A payment migrated from LogiSense answers its LogiSense identity (issue 16.2).
      // The payment and what its row shows come in one read.
      const view = yield* Effect.catchTag(
        paymentViewByVendorId(dialectName, String(identity), target.paymentId, rowViewInclude),
        "NotFound",
        () => Effect.fail(paymentNotFound(identity))
      )
      resolver.seedView(view)
      const detail = view.detail
      if (!(yield* isVisiblePayment(resolver, detail.payment))) return yield* paymentNotFound(identity)
      return { kind: "payment", detail }
    }
    const record = yield* orNull(
      dialectRecords.getDialectRecord({
        dialect: dialectName,
        kind: recordKinds.reversal,
        key: String(target.reversalId)
      })
    )
    const owner = record?.paymentId ?? null
    const detail = owner === null ? null : yield* orNull(payments.getPayment({ id: owner }))
    const found = yield* findReversal(resolver, detail, target.reversalId)
    if (found === null) return yield* paymentNotFound(identity)
    return found
  })

/**
 * A reversal's payment: reversals booked through LogiSense have a `reversal` dialect record
 * naming their payment; others are found through the `payment.reversed` event of the ledger.
 */
const findReversal = (resolver: Resolver, known: PaymentDetail | null, reversalId: ReversalId): Read<FoundRow | null> =>
  Effect.gen(function* () {
    const balances = yield* Balances
    const payments = yield* Payments
    let detail = known
    if (detail === null) {
      let paymentId: PaymentId | null = null
      let cursor: string | null = null
      do {
        const page: Page<LedgerEvent> = yield* balances.listEvents({ types: ["payment.reversed"], cursor, limit: 1000 })
        paymentId = page.items.find((candidate) => candidate.data.reversalId === reversalId)?.paymentId ?? null
        cursor = paymentId === null ? page.nextCursor : null
      } while (cursor !== null)
      if (paymentId === null) return null
      detail = yield* orNull(payments.getPayment({ id: paymentId }))
      if (detail === null) return null
    }
    const reversal = activeReversals(detail).find((candidate) => candidate.id === reversalId)
    if (reversal === undefined || !(yield* isVisiblePayment(resolver, detail.payment))) return null
    return { kind: "reversal", detail, reversal }
  })

/** The admin console's view: the body of `GET Payment/{id}/Detail` (a fresh tracking id each time). */
export const renderPaymentDetail = (detail: PaymentDetail) =>
  Effect.gen(function* () {
    const resolver = yield* makeResolver
    return { trackingId: crypto.randomUUID(), instance: yield* paymentDetailRow(resolver, detail) }
  })
