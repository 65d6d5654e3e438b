/**
 * How CRM.COM identifiers and representations reach the ledger: each identifier object is
 * resolved to the ledger record it names (accounts receivable → customer, payment, invoice and
 * bill → documents, type and payment method → presets, user → Paybridge user, unit, category,
 * rejection reason and cancellation type → this dialect's configuration records), with a
 * `NotFound` naming the identifier when nothing matches; and everything the full payment shows
 * (owner, presets, units, users from the event log, documents paid, gateway) is loaded here,
 * memoised per request; and the CRM.COM-only attributes of a payment.
 */
import {
  Authenticator,
  type CommandContext,
  type Customer,
  type Document,
  type DocumentKind,
  Ledger,
  type LedgerError,
  NotFound,
  type Page,
  type Payment,
  type PaymentDetail,
  type PaymentPreset,
  type UserProfile
} from "@paybridge/core"
import { Effect } from "effect"
import {
  type CancellationRecord,
  dialectId,
  emptyAttributes,
  type NamedEntity,
  type NamedKind,
  type PaymentAttributes,
  recordKinds,
  type UnitEntity
} from "./crm-com.configuration.ts"
import type { Identifier, IdentifierName } from "./crm-com.schemas.ts"
import { userIdOfHex } from "./crm-com.transformers.ts"

type Services = Ledger | Authenticator | CommandContext
type Program<A> = Effect.Effect<A, LedgerError, Services>

const notFoundFor = (identifier: Identifier<IdentifierName>, what: string) =>
  new NotFound({
    entity: identifier.name,
    id: identifier.value,
    message: `No ${what} with ${identifier.field} "${identifier.value}" exists`
  })

/** Every item of a paged ledger list. */
const everyPage = <A>(list: (cursor: string | null) => Program<Page<A>>): Program<Array<A>> =>
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

/** The customer an `accounts_receivable_identifier` names (id = public id, number, name). */
export const resolveCustomer = (identifier: Identifier<"accounts_receivable_identifier">): Program<Customer> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const search = identifier.field === "id" ? undefined : identifier.value
    const matches = (customer: Customer) =>
      identifier.field === "id"
        ? customer.publicId === identifier.value.toUpperCase()
        : identifier.field === "number"
          ? customer.number === identifier.value
          : customer.name === identifier.value
    let cursor: string | null = null
    do {
      const page: Page<Customer> = yield* ledger.listCustomers({ cursor, limit: 1000, search })
      const found = page.items.find(matches)
      if (found !== undefined) return found
      cursor = page.nextCursor
    } while (cursor !== null)
    return yield* notFoundFor(identifier, "accounts receivable")
  })

/** Every preset of a kind (a short configuration list). */
export const presetsOf = (kind: PaymentPreset["kind"]): Program<Array<PaymentPreset>> =>
  Effect.flatMap(Ledger, (ledger) => everyPage((cursor) => ledger.listPresets(kind, { cursor, limit: 1000 })))

/** The payment method or payment type preset an identifier names (id = public id, name, alternative_code = code). */
export const resolvePreset = (
  kind: PaymentPreset["kind"],
  identifier: Identifier<"type_identifier" | "payment_method_identifier">
): Program<PaymentPreset> =>
  Effect.gen(function* () {
    const found = (yield* presetsOf(kind)).find((preset) =>
      identifier.field === "id"
        ? preset.publicId === identifier.value.toUpperCase()
        : identifier.field === "name"
          ? preset.name === identifier.value
          : preset.code === identifier.value
    )
    if (found === undefined) {
      return yield* notFoundFor(identifier, kind === "method" ? "payment method" : "payment type")
    }
    return found
  })

const namedOf = (key: string, data: Readonly<Record<string, unknown>>): UnitEntity => {
  const text = (name: string) => (typeof data[name] === "string" ? (data[name] as string) : null)
  return {
    id: key,
    name: text("name") ?? key,
    alternative_code: text("alternative_code"),
    description: text("description"),
    community_name: text("community_name"),
    group_name: text("group_name")
  }
}

/** Every configured entity of a kind. */
export const namedEntities = (kind: NamedKind): Program<Array<UnitEntity>> =>
  Effect.flatMap(Ledger, (ledger) =>
    Effect.map(
      everyPage((cursor) => ledger.listDialectRecords({ dialect: dialectId, kind, cursor, limit: 1000 })),
      (records) => records.map((record) => namedOf(record.key, record.data))
    )
  )

const matchesNamed = (entity: NamedEntity, field: string, value: string) =>
  field === "id"
    ? entity.id === value.toUpperCase()
    : field === "name"
      ? entity.name === value
      : entity.alternative_code === value

/** The configured entity an identifier names. */
export const resolveNamed = (
  kind: NamedKind,
  identifier: Identifier<
    "category_identifier" | "rejection_reason_identifier" | "received_by_unit_identifier" | "type_identifier"
  >,
  what: string
): Program<UnitEntity> =>
  Effect.gen(function* () {
    const found = (yield* namedEntities(kind)).find((entity) =>
      matchesNamed(entity, identifier.field, identifier.value)
    )
    if (found === undefined) return yield* notFoundFor(identifier, what)
    return found
  })

/** A configured entity by id, or `null` when it is gone. */
export const namedById = (kind: NamedKind, id: string | null): Program<UnitEntity | null> =>
  id === null
    ? Effect.succeed(null)
    : Effect.flatMap(Ledger, (ledger) =>
        ledger.getDialectRecord({ dialect: dialectId, kind, key: id }).pipe(
          Effect.map((record) => namedOf(record.key, record.data)),
          Effect.catchTag("NotFound", () => Effect.succeed(null))
        )
      )

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

/**
 * The invoice or bill of `customer` an identifier names: id = public id, number, reference_number
 * = the ledger id, back_office_code = the id it was imported under from CRM.COM.
 */
export const resolveDocument = (
  customer: Customer,
  kind: DocumentKind,
  identifier: Identifier<"invoice_identifier" | "bill_identifier">
): Program<Document> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const documents = yield* everyPage((cursor) =>
      ledger.listDocuments({ customerId: customer.id, kinds: [kind], cursor, limit: 1000 })
    )
    const found = documents.find((document) =>
      identifier.field === "id"
        ? document.publicId === identifier.value.toUpperCase()
        : identifier.field === "number"
          ? document.number === identifier.value
          : identifier.field === "reference_number"
            ? String(document.id) === identifier.value
            : document.externalRef?.system === dialectId && document.externalRef.id === identifier.value
    )
    if (found === undefined) {
      return yield* notFoundFor(identifier, `${kind} of accounts receivable ${customer.number}`)
    }
    return found
  })

/** The Paybridge user a `received_by_user_identifier` names (id = CRM.COM user id, username = e-mail). */
export const resolveUser = (identifier: Identifier<"received_by_user_identifier">): Program<UserProfile> =>
  Effect.gen(function* () {
    const auth = yield* Authenticator
    const userId = identifier.field === "id" ? userIdOfHex(identifier.value) : null
    const found =
      identifier.field === "id"
        ? userId === null
          ? null
          : yield* auth.findUser({ id: userId })
        : yield* auth.findUser({ email: identifier.value })
    if (found === null) return yield* notFoundFor(identifier, "user")
    return found
  })

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
// What the full payment shows, memoised per request

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

  return {
    customer: (id: number) =>
      memo(
        customers,
        String(id),
        Effect.flatMap(Ledger, (ledger) => ledger.getCustomer(id))
      ),
    owner: (customer: Customer) =>
      memo(
        owners,
        customer.publicId,
        Effect.flatMap(Ledger, (ledger) =>
          ledger.getDialectRecord({ dialect: dialectId, kind: recordKinds.accountOwner, key: customer.publicId }).pipe(
            Effect.map((record): Record<string, unknown> | null => record.data),
            Effect.catchTag("NotFound", () => Effect.succeed(null))
          )
        )
      ),
    preset: (kind: PaymentPreset["kind"], id: number | null) =>
      id === null
        ? Effect.succeed(null)
        : Effect.map(memo(presets, kind, presetsOf(kind)), (rows) => rows.find((row) => row.id === id) ?? null),
    presetDescription: (preset: PaymentPreset) =>
      memo(
        presetDescriptions,
        preset.publicId,
        Effect.flatMap(Ledger, (ledger) =>
          ledger.getDialectRecord({ dialect: dialectId, kind: recordKinds.presetDetails, key: preset.publicId }).pipe(
            Effect.map((record) =>
              typeof record.data.description === "string" ? (record.data.description as string) : null
            ),
            Effect.catchTag("NotFound", () => Effect.succeed(null))
          )
        )
      ),
    named: (kind: NamedKind, id: string | null) =>
      id === null ? Effect.succeed(null) : memo(named, `${kind}:${id}`, namedById(kind, id)),
    user: (id: number) =>
      memo(
        users,
        String(id),
        id === 0 ? Effect.succeed(null) : Effect.flatMap(Authenticator, (auth) => auth.findUser({ id }))
      ),
    document: (id: number) =>
      memo(
        documents,
        String(id),
        Effect.flatMap(Ledger, (ledger) => ledger.getDocument(id))
      ),
    gatewayCode: (id: number | null) =>
      id === null
        ? Effect.succeed(null)
        : memo(
            gateways,
            String(id),
            Effect.flatMap(Ledger, (ledger) => Effect.map(ledger.getGateway(id), (gateway) => gateway.code))
          ),
    events: (paymentId: number) =>
      Effect.flatMap(Ledger, (ledger) => everyPage((cursor) => ledger.listEvents({ paymentId, cursor, limit: 1000 })))
  }
}

export type Loader = ReturnType<typeof makeLoader>
