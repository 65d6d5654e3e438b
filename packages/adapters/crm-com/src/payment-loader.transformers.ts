/**
 * The per-request loader of everything a CRM.COM full payment shows around a payment (its
 * customer and account owner, presets and their descriptions, units, users, documents, gateway,
 * events and CRM.COM attributes), each read at most once per request; what a payment's view read
 * (`paymentViewInclude`) or a list page's annex brought along seeds it, so rendering looks none of
 * it up again.
 */
import {
  type ActorId,
  Authenticator,
  Balances,
  type Customer,
  type CustomerId,
  DialectRecords,
  type Document,
  type DocumentId,
  Documents,
  type EventActor,
  type GatewayId,
  type LedgerEvent,
  Parties,
  type Payment,
  type PaymentAnnex,
  type PaymentAnnexRequest,
  type PaymentDetail,
  type PaymentId,
  type PaymentPreset,
  type PaymentViewDetail,
  type PaymentViewInclude,
  type PresetId,
  type UserProfile
} from "@paybridge/core"
import { Effect } from "effect"
import { namedById, presetsOf } from "./configuration.transformers.ts"
import {
  dialectId,
  everyPage,
  type NamedKind,
  type Program,
  recordKinds,
  type UnitEntity
} from "./crm-com.transformers.ts"

const memo = <A>(cache: Map<string, A>, key: string, load: Program<A>): Program<A> =>
  cache.has(key)
    ? Effect.succeed(cache.get(key) as A)
    : Effect.tap(load, (value) => Effect.sync(() => cache.set(key, value)))

/** The data of this dialect's record of `kind` under `key` (`null`: there is none). */
const recordData = (kind: string, key: string): Program<Record<string, unknown> | null> =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords.getDialectRecord({ dialect: dialectId, kind, key }).pipe(
      Effect.map((record): Record<string, unknown> | null => record.data),
      Effect.catchTag("NotFound", () => Effect.succeed(null))
    )
  )

/** The actors of a payment's first and last event (the same event when it has one; `null`: none). */
export interface FirstAndLast {
  readonly first: EventActor | null
  readonly last: EventActor | null
}

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
  const actors = new Map<string, FirstAndLast>()
  const paymentRecords = new Map<string, Record<string, unknown> | null>()
  /** What a cache holds under `key`; `undefined` when nothing was loaded for it yet. */
  const held = <A>(cache: Map<string, A>, key: string): A | undefined => cache.get(key)
  const presetFrom = (kind: PaymentPreset["kind"], id: PresetId | null): PaymentPreset | null | undefined => {
    if (id === null) return null
    const rows = presets.get(kind)
    return rows === undefined ? undefined : (rows.find((row) => row.id === id) ?? null)
  }

  return {
    /**
     * What the loader already holds, without reading anything: each the value the method of the
     * same name would give, or `undefined` when that method would still read it.
     */
    peek: {
      paymentRecord: (payment: Payment) => held(paymentRecords, payment.publicId),
      customer: (id: CustomerId) => held(customers, String(id)),
      owner: (customer: Customer) => held(owners, customer.publicId),
      preset: presetFrom,
      presetDescription: (preset: PaymentPreset) => held(presetDescriptions, preset.publicId),
      named: (kind: NamedKind, id: string | null) => (id === null ? null : held(named, `${kind}:${id}`)),
      user: (id: ActorId) => (id === 0 ? null : held(users, String(id))),
      document: (id: DocumentId) => held(documents, String(id)),
      gatewayCode: (id: GatewayId | null) => (id === null ? null : held(gateways, String(id))),
      actors: (paymentId: PaymentId): FirstAndLast | undefined => {
        const seeded = actors.get(String(paymentId))
        if (seeded !== undefined) return seeded
        const list = events.get(String(paymentId))
        return list === undefined ? undefined : { first: list[0] ?? null, last: list.at(-1) ?? null }
      }
    },
    /** Remembers a customer the request already read (a list's accounts receivable), so it is not read again. */
    knownCustomer: (customer: Customer) => {
      customers.set(String(customer.id), customer)
    },
    /** The data of a payment's CRM.COM attributes record (`null`: it has none). */
    paymentRecord: (payment: Payment) =>
      memo(paymentRecords, payment.publicId, recordData(recordKinds.payment, payment.publicId)),
    /**
     * Takes what a list page's statement brought along for each payment (`listAnnex`: its
     * attributes record, the actors of its first and last event, its customer's account owner
     * record), so rendering the page looks none of them up.
     */
    seedAnnex: (page: ReadonlyArray<Payment>, annex: ReadonlyMap<PaymentId, PaymentAnnex>) => {
      for (const payment of page) {
        const found = annex.get(payment.id)
        if (found === undefined) continue
        paymentRecords.set(payment.publicId, found.record)
        if (found.firstActor !== undefined || found.lastActor !== undefined) {
          actors.set(String(payment.id), { first: found.firstActor ?? null, last: found.lastActor ?? null })
        }
        const customer = found.customer ?? customers.get(String(payment.customerId))
        if (customer !== undefined && found.customerRecord !== undefined) {
          owners.set(customer.publicId, found.customerRecord)
        }
      }
    },
    /**
     * Reads the invoices and bills a page of payments is allocated to that are not loaded yet, in
     * one read (per 1000), so rendering the page looks no document up by itself.
     */
    prefetchDocuments: (details: ReadonlyArray<Pick<PaymentDetail, "allocations">>) =>
      Effect.gen(function* () {
        const ids = [
          ...new Set(details.flatMap((detail) => detail.allocations.map((allocation) => allocation.documentId)))
        ].filter((id) => !documents.has(String(id)))
        if (ids.length === 0) return
        const service = yield* Documents
        for (let start = 0; start < ids.length; start += 1000) {
          const chunk = ids.slice(start, start + 1000)
          const found = yield* everyPage((cursor) => service.listDocuments({ ids: chunk, cursor, limit: 1000 }))
          for (const document of found) documents.set(String(document.id), document)
        }
      }),
    customer: (id: CustomerId) =>
      memo(
        customers,
        String(id),
        Effect.flatMap(Parties, (parties) => parties.getCustomer(id))
      ),
    owner: (customer: Customer) =>
      memo(owners, customer.publicId, recordData(recordKinds.accountOwner, customer.publicId)),
    preset: (kind: PaymentPreset["kind"], id: PresetId | null) =>
      id === null
        ? Effect.succeed(null)
        : Effect.map(memo(presets, kind, presetsOf(kind)), (rows) => rows.find((row) => row.id === id) ?? null),
    presetDescription: (preset: PaymentPreset) =>
      memo(
        presetDescriptions,
        preset.publicId,
        Effect.map(recordData(recordKinds.presetDetails, preset.publicId), (data) =>
          typeof data?.description === "string" ? data.description : null
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
    /** Who made a payment and who changed it last: the actors of its first and last event (`null`: no event). */
    actors: (paymentId: PaymentId): Program<FirstAndLast> => {
      const seeded = actors.get(String(paymentId))
      if (seeded !== undefined) return Effect.succeed(seeded)
      return Effect.map(
        memo(
          events,
          String(paymentId),
          Effect.flatMap(Balances, (balances) =>
            everyPage((cursor) => balances.listEvents({ paymentId, cursor, limit: 1000 }))
          )
        ),
        (list): FirstAndLast => ({ first: list[0] ?? null, last: list.at(-1) ?? null })
      )
    },
    /**
     * Takes what a payment's view read brought along (`paymentViewInclude`: its attributes record,
     * customer, account owner record and the actors of its first and last event), so rendering it
     * looks none of them up again.
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
      if (view.actors !== undefined) actors.set(String(payment.id), view.actors)
      else events.set(String(payment.id), view.events)
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
  firstAndLastActors: true
}

/**
 * What `payments/list` and `get_latest` read with each page, in the page's statement
 * (`seedAnnex`): each payment's attributes record, the actors of its first and last event, its
 * customer's account owner record and its allocations (the only child a full payment shows).
 */
export const listAnnex: PaymentAnnexRequest = {
  firstAndLastActors: true,
  allocations: true,
  record: { dialect: dialectId, kind: recordKinds.payment, key: "payment-public-id" },
  customerRecord: { dialect: dialectId, kind: recordKinds.accountOwner }
}

export type Loader = ReturnType<typeof makeLoader>
