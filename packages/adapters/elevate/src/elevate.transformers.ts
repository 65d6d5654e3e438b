/**
 * Elevate transformers shared by every resource: ISO 4217 numeric currency ids, exact major-unit
 * money, bill run types (normal invoices are ledger invoices, adhoc invoices ledger bills), the
 * Elevate attributes Paybridge keeps per payment in dialect records and the lookups that read and
 * write them, the refund status table (total over the ledger's refund states, so a new state
 * breaks compilation here), the all-or-nothing `unit` for a request that makes several ledger
 * writes, and when a list request can page in the ledger. The list grammar is in `list-grammar.transformers.ts`;
 * converters of one resource are in `<resource>.transformers.ts` or its endpoints file.
 */
import { createHash, randomBytes } from "node:crypto"
import { allPages } from "@paybridge/adapter-kit"
import {
  type BalanceEntry,
  CommandContext,
  type CurrencyCode,
  type CustomerId,
  type DialectRecord,
  DialectRecords,
  type Document,
  Documents,
  type Refund as LedgerRefund,
  LedgerUnits,
  notFound,
  Parties,
  type PaymentDetail,
  type PaymentId,
  parseMinorUnits,
  type RefundAction,
  type RefundState,
  type ResultSchema
} from "@paybridge/core"
import { Effect, Result, Schema } from "effect"
import {
  type BillRunType,
  type CustomerPaymentType,
  elevateMoney,
  elevatePositiveMoney,
  type PaymentMethod,
  paymentMethods,
  type RefundStatus
} from "./elevate.schemas.ts"
import type { ListQuery } from "./list-grammar.transformers.ts"

// ---------------------------------------------------------------- currencies

/** ISO 4217 numeric codes of the currencies Elevate tenants bill in; others show 0. */
const currencyNumbers: Partial<Record<CurrencyCode, number>> = {
  AED: 784,
  ARS: 32,
  AUD: 36,
  BGN: 975,
  BHD: 48,
  BRL: 986,
  CAD: 124,
  CHF: 756,
  CLF: 990,
  CLP: 152,
  CNY: 156,
  COP: 170,
  CZK: 203,
  DKK: 208,
  EGP: 818,
  EUR: 978,
  GBP: 826,
  HKD: 344,
  HUF: 348,
  IDR: 360,
  ILS: 376,
  INR: 356,
  ISK: 352,
  JOD: 400,
  JPY: 392,
  KES: 404,
  KRW: 410,
  KWD: 414,
  MXN: 484,
  MYR: 458,
  NGN: 566,
  NOK: 578,
  NZD: 554,
  OMR: 512,
  PHP: 608,
  PKR: 586,
  PLN: 985,
  QAR: 634,
  RON: 946,
  SAR: 682,
  SEK: 752,
  SGD: 702,
  THB: 764,
  TND: 788,
  TRY: 949,
  TWD: 901,
  UAH: 980,
  USD: 840,
  VND: 704,
  ZAR: 710
}

/** Elevate's `currencyId`: the ISO 4217 numeric code (826 for GBP), 0 when the table has none. */
export const currencyIdOf = (currency: CurrencyCode): number => currencyNumbers[currency] ?? 0

// ---------------------------------------------------------------- money

export const formatAmount = (amount: bigint, currency: CurrencyCode) => elevateMoney.format(amount, currency)
export const formatPositiveAmount = (amount: bigint, currency: CurrencyCode) =>
  elevatePositiveMoney.format(amount, currency)

/** A signed decimal text from a wire amount, split into sign and magnitude for the ledger's positive amounts. */
export const splitSign = (decimal: string): { readonly negative: boolean; readonly magnitude: string } =>
  decimal.startsWith("-") ? { negative: true, magnitude: decimal.slice(1) } : { negative: false, magnitude: decimal }

export const isZeroDecimal = (decimal: string): boolean => /^-?0+(\.0+)?$/u.test(decimal)

// ---------------------------------------------------------------- documents and bill runs

/** Elevate's normal invoices are ledger `invoice`s; its adhoc invoices are ledger `bill`s. */
export const billRunTypeOf = (document: Pick<Document, "kind">): BillRunType =>
  document.kind === "bill" ? "ADHOC" : "NORMAL"

export const documentKindOf = (billRunType: BillRunType): Document["kind"] =>
  billRunType === "ADHOC" ? "bill" : "invoice"

export const isPaymentMethod = (value: unknown): value is PaymentMethod =>
  typeof value === "string" && (paymentMethods as ReadonlyArray<string>).includes(value)

// ---------------------------------------------------------------- dialect records

/** Vendor-only attributes Paybridge keeps per Elevate customer payment (never money). */
export interface PaymentAttributes {
  readonly type: PaymentMethod
  readonly billRunType: BillRunType
  readonly customerPaymentType: CustomerPaymentType
  readonly paymentProviderId: number | null
}

export const paymentAttributesOf = (data: Readonly<Record<string, unknown>> | undefined): PaymentAttributes => ({
  type: isPaymentMethod(data?.type) ? data.type : "OTHER",
  billRunType: data?.billRunType === "ADHOC" ? "ADHOC" : "NORMAL",
  customerPaymentType: data?.customerPaymentType === "INVOICE" ? "INVOICE" : "CUSTOMER",
  paymentProviderId: typeof data?.paymentProviderId === "number" ? data.paymentProviderId : null
})

/**
 * The `resultingCustomerBalance` a row migrated from Elevate showed there, kept by `pnpm migrate` in
 * the row's record (a payment's `customer-payment` record, a movement's `migrated-movement` one): the
 * balance after the row in Elevate's history, which the ledger's own balance chain does not reproduce
 * (Elevate's payment API shows no document history to migrate). `undefined` when the record holds
 * none (the row was made in Paybridge: the ledger's balance is shown).
 */
export const migratedBalanceOf = (
  data: Readonly<Record<string, unknown>> | undefined,
  currency: CurrencyCode
): bigint | null | undefined => {
  if (data === undefined || !Object.hasOwn(data, "resultingCustomerBalance")) return undefined
  const value = data.resultingCustomerBalance
  if (value === null) return null
  if (typeof value !== "string") return undefined
  const parsed = parseMinorUnits(value, currency)
  return Result.isSuccess(parsed) ? parsed.success : undefined
}

/**
 * The `paymentDate` a movement row migrated from Elevate showed there, kept by `pnpm migrate` in its
 * `migrated-movement` record: the day of the movement in Elevate's history (the ledger's balance entry
 * was made when the migration booked it). `undefined` when the record holds none (the row was made in
 * Paybridge: the day of its balance entry is shown).
 */
export const migratedDateOf = (data: Readonly<Record<string, unknown>> | undefined): string | undefined => {
  const value = data?.paymentDate
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/u.test(value) ? value : undefined
}

/**
 * `totalPaymentsSinceLastInvoice` as Elevate showed it for a customer migrated from it, and when it was
 * booked (its `migrated-balance` record); null when the record holds none.
 */
export const migratedSinceLastInvoice = (
  data: Readonly<Record<string, unknown>> | undefined,
  currency: CurrencyCode
): { readonly amount: bigint; readonly since: Date } | null => {
  const value = data?.totalPaymentsSinceLastInvoice
  const since = typeof data?.since === "string" ? new Date(data.since) : null
  if (typeof value !== "string" || since === null || Number.isNaN(since.getTime())) return null
  const parsed = parseMinorUnits(value, currency)
  return Result.isSuccess(parsed) ? { amount: parsed.success, since } : null
}

/** The key of a movement's `migrated-movement` record: the entry's kind and the ledger id it names. */
export const movementRecordKey = (
  entry: Pick<BalanceEntry, "id" | "kind" | "refundId" | "reversalId">
): string | null => {
  const named =
    entry.kind === "adjustment"
      ? entry.id
      : entry.kind === "payment-reversed" || entry.kind === "payment-reinstated"
        ? entry.reversalId
        : entry.kind === "refund" || entry.kind === "refund-voided"
          ? entry.refundId
          : null
  return named === null ? null : `${entry.kind}:${named}`
}

// ---------------------------------------------------------------- refund statuses

/** The Elevate name shown for each ledger refund state unless the client chose another name of that state. */
export const defaultRefundStatus = {
  requested: "CREATED",
  submitted: "SUBMITTED",
  settled: "REFUND_SETTLED",
  cancelled: "CANCELLED",
  failed: "BOUNCED"
} as const satisfies Record<RefundState, RefundStatus>

/** The ledger state each Elevate refund status means (several Elevate names share a state). */
export const refundStateOf = {
  CREATED: "requested",
  PENDING_SUBMISSION: "requested",
  SUBMITTED: "submitted",
  PAID: "settled",
  MANUALLY_REFUNDED: "settled",
  REFUND_SETTLED: "settled",
  CANCELLED: "cancelled",
  BOUNCED: "failed",
  FUNDS_RETURNED: "failed"
} as const satisfies Record<RefundStatus, RefundState>

/** The ledger action that reaches a state (the ledger's lifecycle table decides whether it is allowed now). */
export const refundActionTo = {
  requested: null,
  submitted: "submit",
  settled: "settle",
  cancelled: "cancel",
  failed: "fail"
} as const satisfies Record<RefundState, RefundAction | null>

/** The status shown: the client's last chosen name when it still names the ledger state, else the default. */
export const refundStatusOf = (refund: Pick<LedgerRefund, "state">, chosen: unknown): RefundStatus =>
  typeof chosen === "string" && chosen in refundStateOf && refundStateOf[chosen as RefundStatus] === refund.state
    ? (chosen as RefundStatus)
    : defaultRefundStatus[refund.state]

// ---------------------------------------------------------------- ledger lookups and units

/** The dialect id, also the `dialect` of every record Paybridge keeps for Elevate. */
export const dialectId = "elevate"

/** Kinds of the dialect records that hold Elevate-only attributes (never money). */
export const kinds = {
  payment: "customer-payment",
  debit: "customer-debit",
  provider: "payment-provider",
  mandate: "site-payment-mandate",
  refund: "refund",
  link: "payment-link",
  /** Keyed by a declined payment's id: the payment that reprocessed it (one reprocess per payment). */
  reprocess: "reprocessed-payment",
  /**
   * Written by `pnpm migrate`, keyed `<balance entry kind>:<the ledger id the entry names>`: what
   * Elevate showed of a balance movement migrated from it (`resultingCustomerBalance`).
   */
  movement: "migrated-movement",
  /**
   * Written by `pnpm migrate`, keyed by the customer's ledger id: `totalPaymentsSinceLastInvoice` as
   * Elevate showed it, and `since`, when it was booked.
   */
  balance: "migrated-balance"
} as const

/**
 * One Elevate request that makes several ledger writes (a payment and its Elevate attributes) as
 * one all-or-nothing `Ledger.atomically` unit: the request's idempotency key is claimed once for
 * the whole unit, and a retry with the key replays the unit's result.
 */
export const unit = <A, E, R>(
  operation: string,
  input: unknown,
  result: ResultSchema<A>,
  work: Effect.Effect<A, E, R>
) =>
  Effect.flatMap(LedgerUnits, (ledgerUnits) =>
    ledgerUnits.atomically({ operation: `elevate:${operation}`, input, result }, work)
  )

/**
 * Elevate shows the ledger's own ids (payments, documents, gateways, refunds…), and offsets of them
 * for ids of its own; this decodes such an id, already range-checked by the caller, to the
 * ledger's id of that kind.
 */
export const ledgerIdOf = <Id>(kind: Schema.Codec<Id, number>, id: number): Id => Schema.decodeSync(kind)(id)

/** Every Elevate record of a kind, optionally of one customer or payment. */
export const recordsOf = (
  kind: string,
  filter: { readonly customerId?: CustomerId; readonly paymentId?: PaymentId } = {}
) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    allPages((cursor) =>
      dialectRecords.listDialectRecords({ dialect: dialectId, kind, ...filter, cursor, limit: 1000 })
    )
  )

/** The Elevate record of a kind with a key; `null` when there is none. */
export const recordOf = (kind: string, key: string) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords
      .getDialectRecord({ dialect: dialectId, kind, key })
      .pipe(Effect.catchTag("NotFound", () => Effect.succeed<DialectRecord | null>(null)))
  )

/** Saves the Elevate record of a kind with a key, linked to its customer and payment when given. */
export const saveRecord = (
  kind: string,
  key: string,
  data: Record<string, unknown>,
  links: { readonly customerId?: CustomerId | null; readonly paymentId?: PaymentId | null } = {}
) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords.saveDialectRecord({ dialect: dialectId, kind, key, data, ...links })
  )

/** `NotFound` in Elevate's words. */
export const missing = (entity: string, id: number | string) => notFound(entity, id)

/** The Elevate payment method recorded for a payment ("OTHER" when it came through another protocol). */
export const paymentMethodOf = (paymentId: number) =>
  Effect.map(recordOf(kinds.payment, String(paymentId)), (record) => paymentAttributesOf(record?.data).type)

/** The method preset whose code is the Elevate payment method, so other protocols see the method too. */
export const methodPresetId = (type: PaymentMethod) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const presets = yield* allPages((cursor) => parties.listPresets("method", { cursor, limit: 1000 }))
    return presets.find((preset) => preset.code === type && preset.available)?.id ?? null
  })

/** The first document a payment was allocated to (Elevate shows one invoice per payment). */
export const firstInvoiceOf = (detail: PaymentDetail) =>
  Effect.gen(function* () {
    const first = detail.allocations[0]
    if (first === undefined) return null
    const documents = yield* Documents
    return yield* documents.getDocument(first.documentId)
  })

/** A stable seed for a created object: from the request's idempotency key when there is one, so a retry is the same request. */
export const creationSeed = Effect.map(CommandContext, (context) =>
  context.idempotencyKey === null
    ? randomBytes(16).toString("hex")
    : createHash("sha256").update(`${context.principal.id}\n${context.idempotencyKey}`).digest("hex").slice(0, 32)
)

// ---------------------------------------------------------------- list reads

/** A list request the ledger can page by itself: no filter, no search, no sort (the default order). */
export const pagesInLedgerOrder = (list: ListQuery) =>
  list.conditions.length === 0 && list.textSearch.length === 0 && list.sort.length === 0
