/**
 * An in-memory `LedgerStore` for unit tests and local experiments. It behaves like the SQL
 * implementations where callers can tell the difference: transactions are atomic (one writer at
 * a time through a semaphore; a failed or interrupted transaction undoes its writes from a
 * journal) and nested transactions join the outer one; writes outside a transaction commit on
 * their own; guarded updates refuse a stale version with `Conflict("concurrent-modification")`;
 * lists page with opaque keyset cursors (base64url) and honour every filter of the queries.
 * `update(row, expectedVersion)` stores the row with `version = expectedVersion + 1`.
 * `faults` lets a test make chosen operations fail with `StorageUnavailable`.
 */
import { Context, Effect, Layer, Semaphore } from "effect"
import { Conflict, StorageUnavailable, type ValidationFailed, validationFailed } from "../errors.ts"
import type { ExternalRef, Page, RecordId } from "../model/common.ts"
import type {
  Allocation,
  BalanceEntry,
  BillingEntity,
  Collection,
  Customer,
  DialectRecord,
  Document,
  Gateway,
  LedgerEvent,
  Payment,
  PaymentPreset,
  Refund,
  Reversal
} from "../model/records.ts"
import type { CurrencyCode } from "../money/currency.ts"
import {
  type ApiKeyRecord,
  type IdempotencyClaim,
  LedgerStore,
  type New,
  type Paging,
  type SequenceName,
  type UserRecord
} from "../ports/ledger-store.ts"

/** Options of {@link InMemoryLedgerStore.make}. */
export interface InMemoryLedgerStoreOptions {
  /** Called with the operation name (e.g. `"events.append"`) before each call; `true` makes it fail. */
  readonly faults?: ((operation: string) => boolean) | undefined
}

interface IdempotencyRow {
  readonly operation: string
  readonly requestHash: string
  readonly createdAt: Date
  readonly response: { readonly value: unknown } | null
}

/** Everything the store holds, one journaled map per table. */
interface State {
  nextId: Map<string, number>
  sequences: Map<SequenceName, bigint>
  billingEntities: Map<RecordId, BillingEntity>
  customers: Map<RecordId, Customer>
  gateways: Map<RecordId, Gateway>
  presets: Map<RecordId, PaymentPreset>
  documents: Map<RecordId, Document>
  payments: Map<RecordId, Payment>
  allocations: Map<RecordId, Allocation>
  reversals: Map<RecordId, Reversal>
  collections: Map<RecordId, Collection>
  refunds: Map<RecordId, Refund>
  balance: Map<RecordId, BalanceEntry>
  /** Last balance-chain sequence per customer. */
  lastSequence: Map<RecordId, number>
  events: Map<RecordId, LedgerEvent>
  idempotency: Map<string, IdempotencyRow>
  users: Map<RecordId, UserRecord>
  apiKeys: Map<RecordId, ApiKeyRecord>
  dialectRecords: Map<RecordId, DialectRecord>
}

/**
 * The undo journal of the running transaction: every `set`/`delete` on a store map while a
 * transaction runs records how to take it back, so a failed transaction is undone in O(changes).
 */
interface Journal {
  entries: Array<() => void> | null
}

/** A map that records undo steps in `journal` while a transaction is running. */
class JournaledMap<K, V> extends Map<K, V> {
  readonly #journal: Journal
  constructor(journal: Journal) {
    super()
    this.#journal = journal
  }
  override set(key: K, value: V): this {
    const entries = this.#journal.entries
    if (entries) {
      const existed = super.has(key)
      const previous = super.get(key) as V
      entries.push(existed ? () => super.set(key, previous) : () => super.delete(key))
    }
    return super.set(key, value)
  }
  override delete(key: K): boolean {
    const entries = this.#journal.entries
    if (entries && super.has(key)) {
      const previous = super.get(key) as V
      entries.push(() => super.set(key, previous))
    }
    return super.delete(key)
  }
}

const emptyState = (journal: Journal): State => {
  const map = <K, V>() => new JournaledMap<K, V>(journal)
  return {
    nextId: map(),
    sequences: map(),
    billingEntities: map(),
    customers: map(),
    gateways: map(),
    presets: map(),
    documents: map(),
    payments: map(),
    allocations: map(),
    reversals: map(),
    collections: map(),
    refunds: map(),
    balance: map(),
    lastSequence: map(),
    events: map(),
    idempotency: map(),
    users: map(),
    apiKeys: map(),
    dialectRecords: map()
  }
}

/** Marks the fibers running inside a store transaction, so nested calls join it. */
const InTransaction = Context.Reference<boolean>("@paybridge/core/testing/InMemoryLedgerStore/InTransaction", {
  defaultValue: () => false
})

type SortKey = ReadonlyArray<string | number>

const encodeCursor = (key: SortKey): string => Buffer.from(JSON.stringify(key), "utf8").toString("base64url")

const decodeCursor = (cursor: string): SortKey => {
  const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string" || typeof part === "number")) {
    throw new Error(`invalid cursor ${cursor}`)
  }
  return parsed
}

const compareKeys = (left: SortKey, right: SortKey, directions: ReadonlyArray<"asc" | "desc">): number => {
  for (let index = 0; index < directions.length; index++) {
    const a = left[index]
    const b = right[index]
    if (a === b || a === undefined || b === undefined) continue
    const order = a < b ? -1 : 1
    return directions[index] === "asc" ? order : -order
  }
  return 0
}

/** Keyset paging: sort by `keyOf` in `directions`, skip up to and including the cursor's key. */
const pageOf = <A>(
  rows: Iterable<A>,
  paging: Paging,
  keyOf: (row: A) => SortKey,
  directions: ReadonlyArray<"asc" | "desc"> = ["asc"]
): Effect.Effect<Page<A>, ValidationFailed> =>
  Effect.try({
    try: () => {
      const after = paging.cursor === null ? null : decodeCursor(paging.cursor)
      const sorted = [...rows]
        .map((row) => ({ row, key: keyOf(row) }))
        .sort((a, b) => compareKeys(a.key, b.key, directions))
        .filter((entry) => after === null || compareKeys(entry.key, after, directions) > 0)
      const items = sorted.slice(0, paging.limit)
      const last = items.at(-1)
      return {
        items: items.map((entry) => entry.row),
        nextCursor: sorted.length > paging.limit && last !== undefined ? encodeCursor(last.key) : null
      }
    },
    catch: () => validationFailed(["cursor"], "cursor is not valid for this list; start again without one")
  })

const sameRef = (a: ExternalRef | null, b: ExternalRef): boolean => a !== null && a.system === b.system && a.id === b.id

/** Overview groups sort a missing method before any method id (as `coalesce(method_id, 0)` does in SQL). */
const nullFirst = (part: string | number | null): string | number => part ?? 0

/** The references a payment list's text search looks in. */
const paymentMatchesText = (row: Payment, text: string): boolean => {
  const needle = text.toLowerCase()
  return [
    row.referenceNumber,
    row.number,
    row.gatewayReference,
    row.references.reference,
    row.references.customerReference,
    row.references.thirdPartyReference,
    row.references.checkNumber,
    row.references.description
  ].some((value) => value?.toLowerCase().includes(needle) ?? false)
}

const includesOrAll = <A>(allowed: ReadonlyArray<A> | undefined, value: A): boolean =>
  allowed === undefined || allowed.includes(value)

/** Builds a fresh, empty in-memory store. */
const make = (options: InMemoryLedgerStoreOptions = {}): Effect.Effect<LedgerStore["Service"]> =>
  Effect.gen(function* () {
    const journal: Journal = { entries: null }
    const state = emptyState(journal)
    const writer = yield* Semaphore.make(1)

    const check = (operation: string): Effect.Effect<void, StorageUnavailable> =>
      options.faults?.(operation) === true
        ? Effect.fail(new StorageUnavailable({ message: `in-memory store: ${operation} failed (injected fault)` }))
        : Effect.void

    /** A read: sees the current state (including the running transaction's own writes). */
    const read = <A>(operation: string, f: (s: State) => A): Effect.Effect<A, StorageUnavailable> =>
      Effect.andThen(
        check(operation),
        Effect.sync(() => f(state))
      )

    /** A write: joins the running transaction, or commits on its own under the writer lock. */
    const writeWith = <A, E>(
      operation: string,
      f: (s: State) => Effect.Effect<A, E>
    ): Effect.Effect<A, E | StorageUnavailable> => {
      const run = Effect.andThen(
        check(operation),
        Effect.suspend(() => f(state))
      )
      return Effect.flatMap(InTransaction, (inTransaction) => (inTransaction ? run : writer.withPermits(1)(run)))
    }
    const write = <A>(operation: string, f: (s: State) => A): Effect.Effect<A, StorageUnavailable> =>
      writeWith(operation, (s) => Effect.sync(() => f(s)))

    const nextId = (s: State, table: string): number => {
      const id = (s.nextId.get(table) ?? 0) + 1
      s.nextId.set(table, id)
      return id
    }

    /** Insert/get/update helpers for a table of records with numeric ids. */
    const table = <A extends { readonly id: RecordId }>(name: string, select: (s: State) => Map<RecordId, A>) => ({
      insert: (row: New<A>, operation = `${name}.insert`) =>
        write(operation, (s) => {
          const stored = { id: nextId(s, name), ...row } as A
          select(s).set(stored.id, stored)
          return stored
        }),
      get: (id: RecordId) => read(`${name}.get`, (s) => select(s).get(id) ?? null),
      find: (operation: string, predicate: (row: A) => boolean) =>
        read(`${name}.${operation}`, (s) => {
          for (const row of select(s).values()) if (predicate(row)) return row
          return null
        }),
      filter: (operation: string, predicate: (row: A) => boolean) =>
        read(`${name}.${operation}`, (s) => [...select(s).values()].filter(predicate)),
      replace: (row: A) =>
        write(`${name}.update`, (s) => {
          if (!select(s).has(row.id)) throw new Error(`${name} ${row.id} does not exist`)
          const stored = { ...row }
          select(s).set(row.id, stored)
          return stored
        }),
      guardedUpdate: <B extends A & { readonly version: number }>(row: B, expectedVersion: number) =>
        writeWith(`${name}.update`, (s) => {
          const current = select(s).get(row.id) as B | undefined
          if (current === undefined) throw new Error(`${name} ${row.id} does not exist`)
          if (current.version !== expectedVersion) {
            return Effect.fail(
              new Conflict({
                reason: "concurrent-modification",
                message: `${name} ${row.id} changed since it was read (version ${current.version}, expected ${expectedVersion})`
              })
            )
          }
          const stored: B = { ...row, version: expectedVersion + 1 }
          select(s).set(row.id, stored)
          return Effect.succeed(stored)
        })
    })

    const billingEntities = table("billingEntities", (s) => s.billingEntities)
    const customers = table("customers", (s) => s.customers)
    const gateways = table("gateways", (s) => s.gateways)
    const presets = table("presets", (s) => s.presets)
    const documents = table("documents", (s) => s.documents)
    const payments = table("payments", (s) => s.payments)
    const allocations = table("allocations", (s) => s.allocations)
    const reversals = table("reversals", (s) => s.reversals)
    const collections = table("collections", (s) => s.collections)
    const refunds = table("refunds", (s) => s.refunds)
    const events = table("events", (s) => s.events)
    const users = table("users", (s) => s.users)
    const apiKeys = table("apiKeys", (s) => s.apiKeys)
    const dialectRecords = table("dialectRecords", (s) => s.dialectRecords)

    const byId = <A extends { readonly id: RecordId }>(row: A): SortKey => [row.id]
    const idempotencyKey = (principalId: RecordId, key: string) => `${principalId}\u0000${key}`

    return LedgerStore.of({
      transaction: (work) =>
        Effect.flatMap(InTransaction, (inTransaction) => {
          if (inTransaction) return work
          return writer.withPermits(1)(
            Effect.suspend(() => {
              journal.entries = []
              return work.pipe(
                Effect.provideService(InTransaction, true),
                Effect.onExit((exit) =>
                  Effect.sync(() => {
                    const undo = journal.entries ?? []
                    journal.entries = null
                    if (exit._tag === "Failure") for (const step of undo.reverse()) step()
                  })
                )
              )
            })
          )
        }),

      lockCustomer: (id) => read("lockCustomer", (s) => s.customers.get(id) ?? null),

      nextSequence: (name) =>
        write("nextSequence", (s) => {
          const value = (s.sequences.get(name) ?? 0n) + 1n
          s.sequences.set(name, value)
          return value
        }),

      billingEntities: {
        insert: billingEntities.insert,
        get: billingEntities.get,
        list: (paging) =>
          Effect.flatMap(
            billingEntities.filter("list", () => true),
            (rows) => pageOf(rows, paging, byId)
          )
      },

      customers: {
        insert: customers.insert,
        get: customers.get,
        getByPublicId: (publicId) => customers.find("getByPublicId", (row) => row.publicId === publicId),
        getByNumber: (number) => customers.find("getByNumber", (row) => row.number === number),
        getByExternalRef: (ref) => customers.find("getByExternalRef", (row) => sameRef(row.externalRef, ref)),
        update: (row, expectedVersion) => customers.guardedUpdate(row, expectedVersion),
        list: (query) => {
          const search = query.search?.trim().toLowerCase()
          return Effect.flatMap(
            customers.filter(
              "list",
              (row) =>
                includesOrAll(query.ids, row.id) &&
                (query.billingEntityId === undefined || row.billingEntityId === query.billingEntityId) &&
                (search === undefined ||
                  search === "" ||
                  [row.name, row.number, row.email ?? ""].some((text) => text.toLowerCase().includes(search)))
            ),
            (rows) => pageOf(rows, query, byId)
          )
        }
      },

      gateways: {
        insert: gateways.insert,
        get: gateways.get,
        getByCode: (code) => gateways.find("getByCode", (row) => row.code === code),
        list: (paging) =>
          Effect.flatMap(
            gateways.filter("list", () => true),
            (rows) => pageOf(rows, paging, byId)
          )
      },

      presets: {
        insert: presets.insert,
        get: presets.get,
        getByCode: (kind, code) => presets.find("getByCode", (row) => row.kind === kind && row.code === code),
        update: presets.replace,
        list: (kind, paging) =>
          Effect.flatMap(
            presets.filter("list", (row) => row.kind === kind),
            (rows) => pageOf(rows, paging, byId)
          )
      },

      documents: {
        insert: documents.insert,
        get: documents.get,
        getByPublicId: (publicId) => documents.find("getByPublicId", (row) => row.publicId === publicId),
        getByNumber: (kind, number) =>
          documents.find("getByNumber", (row) => row.kind === kind && row.number === number),
        update: (row, expectedVersion) => documents.guardedUpdate(row, expectedVersion),
        list: (query) =>
          Effect.flatMap(
            documents.filter(
              "list",
              (row) =>
                (query.customerId === undefined || row.customerId === query.customerId) &&
                includesOrAll(query.customerIds, row.customerId) &&
                includesOrAll(query.kinds, row.kind) &&
                includesOrAll(query.states, row.state) &&
                (query.unpaidOnly !== true || (row.state === "issued" && row.outstanding > 0n))
            ),
            (rows) =>
              query.order === "oldest"
                ? pageOf(rows, query, (row) => [row.issueDate, row.id], ["asc", "asc"])
                : pageOf(rows, query, byId)
          )
      },

      payments: {
        insert: payments.insert,
        get: payments.get,
        getByPublicId: (publicId) => payments.find("getByPublicId", (row) => row.publicId === publicId),
        getByReferenceNumber: (referenceNumber) =>
          payments.find("getByReferenceNumber", (row) => row.referenceNumber === referenceNumber),
        getByNumber: (number) => payments.find("getByNumber", (row) => row.number === number),
        getByExternalRef: (ref) => payments.find("getByExternalRef", (row) => sameRef(row.externalRef, ref)),
        update: (row, expectedVersion) => payments.guardedUpdate(row, expectedVersion),
        list: (query) =>
          Effect.gen(function* () {
            const eventSince = query.eventSince
            const touched =
              eventSince === undefined
                ? null
                : new Set(
                    (yield* events.filter(
                      "list",
                      (event) =>
                        event.paymentId !== null &&
                        eventSince.types.includes(event.type) &&
                        event.occurredAt.getTime() >= eventSince.since.getTime()
                    )).map((event) => event.paymentId)
                  )
            const rows = yield* payments.filter(
              "list",
              (row) =>
                (query.customerId === undefined || row.customerId === query.customerId) &&
                includesOrAll(query.customerIds, row.customerId) &&
                includesOrAll(query.states, row.state) &&
                (query.currency === undefined || row.currency === query.currency) &&
                (query.paymentDateFrom === undefined || row.paymentDate >= query.paymentDateFrom) &&
                (query.paymentDateTo === undefined || row.paymentDate <= query.paymentDateTo) &&
                (query.reversal === undefined ||
                  query.reversal === "any" ||
                  (query.reversal === "none" ? row.reversedAmount === 0n : row.reversedAmount > 0n)) &&
                (query.reversalDateFrom === undefined ||
                  (row.reversalDate !== null && row.reversalDate >= query.reversalDateFrom)) &&
                (query.reversalDateTo === undefined ||
                  (row.reversalDate !== null && row.reversalDate <= query.reversalDateTo)) &&
                (touched === null || touched.has(row.id)) &&
                (query.idAfter === undefined || row.id > query.idAfter) &&
                (query.createdSince === undefined || row.createdAt.getTime() >= query.createdSince.getTime()) &&
                (query.updatedSince === undefined || row.updatedAt.getTime() >= query.updatedSince.getTime()) &&
                (query.methodId === undefined || row.methodId === query.methodId) &&
                (query.typeId === undefined || row.typeId === query.typeId) &&
                (query.gatewayId === undefined || row.gatewayId === query.gatewayId) &&
                (query.externalSystem === undefined || row.externalRef?.system === query.externalSystem) &&
                (query.amountMin === undefined || row.amount >= query.amountMin) &&
                (query.amountMax === undefined || row.amount <= query.amountMax) &&
                (query.origin === undefined || row.origin === query.origin) &&
                (query.search === undefined || paymentMatchesText(row, query.search))
            )
            return yield* query.order === "newest"
              ? pageOf(rows, query, (row) => [row.paymentDate, row.id], ["desc", "desc"])
              : pageOf(rows, query, byId)
          }),
        overview: (query) =>
          read("payments.overview", (s) => {
            const visible = (customerId: RecordId) => includesOrAll(query.customerIds, customerId)
            const sums = new Map<
              string,
              { key: ReadonlyArray<string | number | null>; count: number; amount: bigint }
            >()
            const add = (group: string, key: ReadonlyArray<string | number | null>, amount: bigint) => {
              const id = `${group}|${JSON.stringify(key)}`
              const entry = sums.get(id) ?? { key, count: 0, amount: 0n }
              sums.set(id, { key, count: entry.count + 1, amount: entry.amount + amount })
            }
            for (const payment of s.payments.values()) {
              if (!visible(payment.customerId)) continue
              if (payment.state === "posted" && payment.paymentDate >= query.from && payment.paymentDate <= query.to) {
                add("volume", [payment.paymentDate, payment.currency, payment.methodId], payment.amount)
              }
              if (payment.state === "pending") add("pending", [payment.currency], payment.amount)
            }
            for (const reversal of s.reversals.values()) {
              const payment = s.payments.get(reversal.paymentId)
              if (payment === undefined || !visible(payment.customerId) || reversal.reinstatedAt !== null) continue
              if (reversal.effectiveDate < query.from || reversal.effectiveDate > query.to) continue
              add("reversals", [reversal.effectiveDate, payment.currency], reversal.amount)
            }
            const groups = (group: string) =>
              [...sums.entries()]
                .filter(([id]) => id.startsWith(`${group}|`))
                .map(([, entry]) => entry)
                .sort((a, b) => compareKeys(a.key.map(nullFirst), b.key.map(nullFirst), ["asc", "asc", "asc"]))
            return {
              from: query.from,
              to: query.to,
              volumeByDay: groups("volume").map(({ key: [date, currency, methodId], count, amount }) => ({
                date: String(date),
                currency: currency as CurrencyCode,
                methodId: methodId === null ? null : Number(methodId),
                count,
                amount
              })),
              pendingCollection: groups("pending").map(({ key: [currency], count, amount }) => ({
                currency: currency as CurrencyCode,
                count,
                amount
              })),
              reversalsByDay: groups("reversals").map(({ key: [date, currency], count, amount }) => ({
                date: String(date),
                currency: currency as CurrencyCode,
                count,
                amount
              })),
              topDebtors: [...s.customers.values()]
                .filter((customer) => visible(customer.id) && customer.balance < 0n)
                .sort((a, b) => (a.balance < b.balance ? -1 : a.balance > b.balance ? 1 : a.id - b.id))
                .slice(0, query.topDebtors)
                .map((customer) => ({
                  customerId: customer.id,
                  number: customer.number,
                  name: customer.name,
                  currency: customer.currency,
                  balance: customer.balance
                }))
            }
          })
      },

      allocations: {
        insert: allocations.insert,
        delete: (id) =>
          write("allocations.delete", (s) => {
            s.allocations.delete(id)
          }),
        get: allocations.get,
        listByPayment: (paymentId) => allocations.filter("listByPayment", (row) => row.paymentId === paymentId),
        listByDocument: (documentId) => allocations.filter("listByDocument", (row) => row.documentId === documentId)
      },

      reversals: {
        insert: reversals.insert,
        update: reversals.replace,
        listByPayment: (paymentId) => reversals.filter("listByPayment", (row) => row.paymentId === paymentId)
      },

      collections: {
        insert: collections.insert,
        update: collections.replace,
        listByPayment: (paymentId) => collections.filter("listByPayment", (row) => row.paymentId === paymentId)
      },

      dialectRecords: {
        insert: (row) =>
          writeWith("dialectRecords.insert", (s) => {
            for (const existing of s.dialectRecords.values()) {
              if (existing.dialect === row.dialect && existing.kind === row.kind && existing.key === row.key) {
                return Effect.fail(
                  new Conflict({ reason: "duplicate", message: `${row.kind} ${row.key} already exists` })
                )
              }
            }
            const stored: DialectRecord = { id: nextId(s, "dialectRecords"), ...row }
            s.dialectRecords.set(stored.id, stored)
            return Effect.succeed(stored)
          }),
        get: dialectRecords.get,
        getByKey: (dialect, kind, key) =>
          dialectRecords.find("getByKey", (row) => row.dialect === dialect && row.kind === kind && row.key === key),
        update: dialectRecords.replace,
        delete: (id) =>
          write("dialectRecords.delete", (s) => {
            s.dialectRecords.delete(id)
          }),
        list: (query) =>
          Effect.flatMap(
            dialectRecords.filter(
              "list",
              (row) =>
                row.dialect === query.dialect &&
                row.kind === query.kind &&
                (query.customerId === undefined || row.customerId === query.customerId) &&
                (query.customerIds === undefined ||
                  (row.customerId !== null && query.customerIds.includes(row.customerId))) &&
                (query.paymentId === undefined || row.paymentId === query.paymentId)
            ),
            (rows) => pageOf(rows, query, byId)
          )
      },

      refunds: {
        insert: refunds.insert,
        get: refunds.get,
        update: refunds.replace,
        list: (query) =>
          Effect.flatMap(
            refunds.filter(
              "list",
              (row) =>
                (query.customerId === undefined || row.customerId === query.customerId) &&
                includesOrAll(query.customerIds, row.customerId) &&
                (query.paymentId === undefined || row.paymentId === query.paymentId) &&
                includesOrAll(query.states, row.state)
            ),
            (rows) => pageOf(rows, query, byId)
          )
      },

      balance: {
        append: (row) =>
          write("balance.append", (s) => {
            const sequence = (s.lastSequence.get(row.customerId) ?? 0) + 1
            const stored: BalanceEntry = { id: nextId(s, "balance"), ...row, sequence }
            s.balance.set(stored.id, stored)
            s.lastSequence.set(row.customerId, sequence)
            return stored
          }),
        list: (customerId, paging) =>
          Effect.flatMap(
            read("balance.list", (s) => [...s.balance.values()].filter((entry) => entry.customerId === customerId)),
            (rows) => pageOf(rows, paging, (entry) => [entry.sequence])
          )
      },

      events: {
        append: (row) => events.insert(row, "events.append"),
        list: (query) =>
          Effect.flatMap(
            events.filter(
              "list",
              (row) =>
                includesOrAll(query.types, row.type) &&
                (query.since === undefined || row.occurredAt.getTime() >= query.since.getTime()) &&
                (query.customerId === undefined || row.customerId === query.customerId) &&
                (query.customerIds === undefined ||
                  (row.customerId !== null && query.customerIds.includes(row.customerId))) &&
                (query.paymentId === undefined || row.paymentId === query.paymentId)
            ),
            (rows) => pageOf(rows, query, byId)
          )
      },

      idempotency: {
        claim: (input) =>
          write("idempotency.claim", (s): IdempotencyClaim => {
            const key = idempotencyKey(input.principalId, input.key)
            const existing = s.idempotency.get(key)
            if (existing === undefined) {
              s.idempotency.set(key, {
                operation: input.operation,
                requestHash: input.requestHash,
                createdAt: input.now,
                response: null
              })
              return { _tag: "Fresh" }
            }
            if (existing.operation !== input.operation || existing.requestHash !== input.requestHash) {
              return { _tag: "Mismatch" }
            }
            // Writers are serialised, so an unfinished claim can only be this transaction's own.
            return existing.response === null
              ? { _tag: "Fresh" }
              : { _tag: "Replay", response: existing.response.value }
          }),
        complete: (input) =>
          write("idempotency.complete", (s) => {
            const key = idempotencyKey(input.principalId, input.key)
            const existing = s.idempotency.get(key)
            if (existing === undefined) throw new Error(`idempotency key ${input.key} was never claimed`)
            s.idempotency.set(key, { ...existing, response: { value: input.response } })
          }),
        purge: (before) =>
          write("idempotency.purge", (s) => {
            let purged = 0
            for (const [key, row] of s.idempotency) {
              if (row.createdAt.getTime() < before.getTime()) {
                s.idempotency.delete(key)
                purged += 1
              }
            }
            return purged
          })
      },

      users: {
        insert: users.insert,
        get: users.get,
        getByEmail: (email) => users.find("getByEmail", (row) => row.email === email),
        count: read("users.count", (s) => s.users.size),
        list: read("users.list", (s) => [...s.users.values()].sort((a, b) => a.id - b.id))
      },

      apiKeys: {
        insert: (row) => apiKeys.insert({ ...row, lastUsedAt: row.lastUsedAt ?? null }),
        getByPrefix: (prefix) => apiKeys.find("getByPrefix", (row) => row.prefix === prefix),
        revokeAllForUser: (userId, at) =>
          write("apiKeys.revokeAllForUser", (s) => {
            let revoked = 0
            for (const row of s.apiKeys.values()) {
              if (row.userId === userId && row.revokedAt === null) {
                s.apiKeys.set(row.id, { ...row, revokedAt: at })
                revoked += 1
              }
            }
            return revoked
          }),
        get: apiKeys.get,
        list: (userId) =>
          read("apiKeys.list", (s) =>
            [...s.apiKeys.values()]
              .filter((row) => userId === undefined || row.userId === userId)
              .sort((a, b) => a.id - b.id)
          ),
        revoke: (id, at) =>
          write("apiKeys.revoke", (s) => {
            const row = s.apiKeys.get(id)
            if (row === undefined || row.revokedAt !== null) return false
            s.apiKeys.set(id, { ...row, revokedAt: at })
            return true
          }),
        markUsed: (id, at) =>
          write("apiKeys.markUsed", (s) => {
            const row = s.apiKeys.get(id)
            if (row !== undefined) s.apiKeys.set(id, { ...row, lastUsedAt: at })
          })
      },

      ping: check("ping")
    })
  })

/** The in-memory store: `layer` for a fresh empty store per use, `make` for options such as injected faults. */
export const InMemoryLedgerStore = {
  make,
  layer: Layer.effect(LedgerStore, make()),
  layerWith: (options: InMemoryLedgerStoreOptions) => Layer.effect(LedgerStore, make(options))
} as const
