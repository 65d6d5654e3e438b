/**
 * The per-request resolver of LogiSense Payment rows: it looks up, once each, what the rows name
 * (accounts, payment types and methods, invoices, the owner currency, the user who created a
 * payment or reversal, names of vendor reference records) and the vendor-only attributes kept in
 * `logisense` dialect records. A list page or a get by id seeds it with what its one statement
 * brought along (`seedAnnex`, `seedView`; `pageAnnex`, `reversedAnnex` and `rowViewInclude` say
 * what to bring), so rendering the rows looks nothing up again; what was not seeded is read on
 * demand or for a whole page at once (`prefetch…`), never one query per row. Rows themselves are
 * built in `payment-rows.transformers.ts`.
 */

import {
  Balances,
  type BillingEntity,
  type BillingEntityId,
  CommandContext,
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
  type PaymentViewDetail,
  type PaymentViewInclude,
  type PresetId
} from "@paybridge/core"
import { Effect } from "effect"
import {
  dialectName,
  emptyExtras,
  extrasFromData,
  type RowExtras,
  type VendorReferenceField,
  vendorReferenceFields,
  vendorReferenceKinds
} from "./logisense.transformers.ts"

export { dialectName }
/** Dialect record kinds: vendor attributes of a payment / reversal row, and payments deleted through LogiSense. */
export const recordKinds = { payment: "payment", reversal: "reversal", deleted: "deleted-payment" } as const

export type Read<A> = Effect.Effect<A, LedgerError, LedgerServices | CommandContext>

export const orNull = <A, R>(effect: Effect.Effect<A, LedgerError, R>): Effect.Effect<A | null, LedgerError, R> =>
  Effect.catchTag(effect, "NotFound", () => Effect.succeed(null))

/** Who created a payment or made a reversal (the event's actor). */
export type Actor = { readonly id: number; readonly name: string }

/**
 * What the resolver already holds, read synchronously: each answers what the `Resolver` method of
 * the same name would, or `undefined` when that has not been looked up (or seeded) yet. Rows built
 * from these need no Effect; a miss sends the caller to the resolver's reads.
 */
export interface Lookups {
  readonly customer: (id: CustomerId) => Customer | undefined
  readonly presetName: (kind: "type" | "method", id: PresetId | null) => string | null | undefined
  readonly documentName: (id: DocumentId) => string | null | undefined
  readonly ownerCurrency: (payment: Payment, customer: Customer) => CurrencyCode | undefined
  readonly extras: (kind: "payment" | "reversal", id: number) => RowExtras | undefined
  readonly referenceName: (field: VendorReferenceField, id: number) => string | null | undefined
  readonly createdBy: (payment: Payment) => Actor | null | undefined
  readonly reversedBy: (payment: Payment, reversalId: number) => Actor | null | undefined
}

/** One request's lookups, each made at most once. */
export interface Resolver {
  /** The lookups already made or seeded, without reading (see `Lookups`). */
  readonly known: Lookups
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
   * Reads the billing entities that own these payments (their owner currency) in one query, so
   * rows of payments owned by many cost one query, not one per owner.
   */
  readonly prefetchOwners: (payments: ReadonlyArray<Payment>) => Read<void>
  /**
   * Reads the names of the vendor references these rows carry (payment rows, `reversalId` null, and
   * reversal rows; their vendor attributes prefetched already), of every kind, in one query — so a
   * list whose rows name many costs one query, not one per name.
   */
  readonly prefetchNames: (
    rows: ReadonlyArray<{ readonly payment: Payment; readonly reversalId: number | null }>
  ) => Read<void>
  /**
   * Takes what a payment's view read brought along (`rowViewInclude`: its customer, vendor
   * attributes of the payment and its reversals, deleted mark, creation and reversal events), so
   * rendering its rows looks none of them up again.
   */
  readonly seedView: (view: PaymentViewDetail) => void
  /**
   * Takes what a page's statement brought along for each of its payments (`request`, by default
   * `pageAnnex`: the account, the creator, the vendor attributes, the names of the invoices it
   * names; with `reversedAnnex` also who reversed it and its reversal rows' vendor attributes),
   * so rendering the page looks none of them up.
   */
  /**
   * Takes what a create's unit wrote and locked (the account, the vendor attributes it kept, the
   * principal who created it, and what its lock read besides: the owner currency, the names of the
   * vendor references it names), so the answer's row looks none of them up.
   */
  readonly seedCreated: (
    payment: Payment,
    written: {
      readonly customer: Customer
      readonly extras: RowExtras
      readonly creator: { readonly id: number; readonly name: string }
      /** Documents the create read (their numbers). */
      readonly documents: ReadonlyArray<{ readonly id: DocumentId; readonly number: string }>
      /** The owner currency (from the payment's billing entity), when the create read it. */
      readonly ownerCurrency?: CurrencyCode | undefined
      /** Names of vendor references by field and id (`null`: none registered), when the create read them. */
      readonly referenceNames?:
        | ReadonlyArray<{ readonly field: VendorReferenceField; readonly id: number; readonly name: string | null }>
        | undefined
    }
  ) => void
  readonly seedAnnex: (
    payments: ReadonlyArray<Payment>,
    annex: ReadonlyMap<PaymentId, PaymentAnnex>,
    request?: PaymentAnnexRequest
  ) => void
}

/** What a list page's statement brings along for each payment row (see `Resolver.seedAnnex`). */
export const pageAnnex: PaymentAnnexRequest = {
  customer: true,
  presetNames: true,
  creationEvent: true,
  record: { dialect: dialectName, kind: recordKinds.payment },
  children: true,
  documentNumbers: true
}

/**
 * What the statement of a list's reversed payments brings along: a page row's annex, and what
 * their reversal rows show — who reversed (`payment.reversed` events) and each reversal row's
 * vendor attributes (its `reversal` record).
 */
export const reversedAnnex: PaymentAnnexRequest = {
  ...pageAnnex,
  events: ["payment.reversed"],
  reversalRecords: { dialect: dialectName, kind: recordKinds.reversal }
}

/** A payment's detail from its annex (`null` when the annex did not bring its children). */
export const detailFromAnnex = (payment: Payment, annex: PaymentAnnex | undefined): PaymentDetail | null =>
  annex?.children === undefined ? null : { payment, ...annex.children }

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

  const actorOf = (event: LedgerEvent | undefined): Actor | null =>
    event === undefined ? null : { id: event.actorId, name: event.actorName }
  const eventsKnown = (type: "payment.created" | "payment.reversed", payment: Payment) =>
    cache.get(`events:${type}:${payment.id}`) as ReadonlyArray<LedgerEvent> | undefined
  const known: Lookups = {
    customer: (id) => cache.get(`customer:${id}`) as Customer | undefined,
    presetName: (kind, id) => {
      if (id === null) return null
      const key = `preset:${kind}:${id}`
      if (cache.has(key)) return cache.get(key) as string | null
      const names = cache.get(`presets:${kind}`) as ReadonlyMap<number, string> | undefined
      return names === undefined ? undefined : (names.get(id) ?? null)
    },
    documentName: (id) => cache.get(`document:${id}`) as string | null | undefined,
    ownerCurrency: (payment, customer) =>
      payment.billingEntityId === null
        ? customer.currency
        : (cache.get(`owner:${payment.billingEntityId}`) as CurrencyCode | undefined),
    extras: (kind, id) => cache.get(`extras:${kind}:${id}`) as RowExtras | undefined,
    referenceName: (field, id) => cache.get(`reference:${field}:${id}`) as string | null | undefined,
    createdBy: (payment) => {
      if (cache.has(`creator:${payment.id}`)) return cache.get(`creator:${payment.id}`) as Actor | null
      const events = eventsKnown("payment.created", payment)
      return events === undefined ? undefined : actorOf(events[0])
    },
    reversedBy: (payment, reversalId) => {
      const events = eventsKnown("payment.reversed", payment)
      return events === undefined ? undefined : actorOf(events.find((event) => event.data.reversalId === reversalId))
    }
  }

  return {
    known,
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
    prefetchOwners: (payments) =>
      Effect.gen(function* () {
        const owners = [
          ...new Set(payments.flatMap((payment) => (payment.billingEntityId === null ? [] : [payment.billingEntityId])))
        ].filter((id) => !cache.has(`owner:${id}`))
        if (owners.length === 0) return
        // Owners not found are left to `ownerCurrency` (its answer depends on the account).
        let cursor: string | null = null
        do {
          const page: Page<BillingEntity> = yield* parties.listBillingEntities({
            ids: owners as ReadonlyArray<BillingEntityId>,
            cursor,
            limit: 1000
          })
          for (const entity of page.items) cache.set(`owner:${entity.id}`, entity.defaultCurrency)
          cursor = page.nextCursor
        } while (cursor !== null)
      }),
    prefetchNames: (rows) =>
      Effect.gen(function* () {
        const named = new Map<string, { readonly field: VendorReferenceField; readonly id: number }>()
        for (const { payment, reversalId } of rows) {
          const sources = [
            known.extras("payment", payment.id),
            ...(reversalId === null ? [] : [known.extras("reversal", reversalId)])
          ]
          for (const extras of sources) {
            for (const field of vendorReferenceFields) {
              const id = extras?.references[field]
              if (id === undefined || id === null || cache.has(`reference:${field}:${id}`)) continue
              named.set(`${field}:${id}`, { field, id })
            }
          }
        }
        // A principal limited to some accounts lists only their records; names (of no account) are then read one by one.
        if (named.size === 0 || (yield* CommandContext).principal.customerScope !== null) return
        const wanted = [...named.values()]
        const kinds = [...new Set(wanted.map(({ field }) => vendorReferenceKinds[field]))]
        const found = new Map<string, string | null>()
        let cursor: string | null = null
        do {
          const page: Page<DialectRecord> = yield* dialectRecords.listDialectRecords({
            dialect: dialectName,
            kind: kinds[0] ?? "",
            kinds,
            keys: [...new Set(wanted.map(({ id }) => String(id)))],
            cursor,
            limit: 1000
          })
          for (const record of page.items) {
            found.set(`${record.kind}:${record.key}`, typeof record.data.name === "string" ? record.data.name : null)
          }
          cursor = page.nextCursor
        } while (cursor !== null)
        // As `referenceName`: none registered (or no name) is null.
        for (const { field, id } of wanted) {
          cache.set(`reference:${field}:${id}`, found.get(`${vendorReferenceKinds[field]}:${id}`) ?? null)
        }
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
    seedCreated: (payment, written) => {
      cache.set(`customer:${written.customer.id}`, written.customer)
      if (payment.billingEntityId !== null && written.ownerCurrency !== undefined) {
        cache.set(`owner:${payment.billingEntityId}`, written.ownerCurrency)
      }
      for (const named of written.referenceNames ?? []) cache.set(`reference:${named.field}:${named.id}`, named.name)
      cache.set(`extras:${recordKinds.payment}:${payment.id}`, written.extras)
      cache.set(`creator:${payment.id}`, written.creator)
      for (const document of written.documents) cache.set(`document:${document.id}`, document.number)
    },
    seedAnnex: (payments, annex, request = pageAnnex) => {
      const byId = new Map(payments.map((payment) => [payment.id, payment]))
      for (const [paymentId, found] of annex) {
        for (const [documentId, number] of found.documentNumbers ?? []) cache.set(`document:${documentId}`, number)
        for (const type of request.events ?? []) {
          cache.set(
            `events:${type}:${paymentId}`,
            (found.events ?? []).filter((event) => event.type === type)
          )
        }
        if (request.reversalRecords !== undefined) {
          // Every reversal of the payment was looked up by key: none found means none.
          for (const reversal of found.children?.reversals ?? []) {
            cache.set(`extras:${recordKinds.reversal}:${reversal.id}`, emptyExtras)
          }
          for (const record of found.reversalRecords ?? []) {
            cache.set(`extras:${recordKinds.reversal}:${record.key}`, extrasFromData(record.data))
          }
        }
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
