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
  type GatewayId,
  type LedgerEvent,
  Parties,
  type Payment,
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
