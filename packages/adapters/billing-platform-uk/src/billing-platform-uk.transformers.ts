/**
 * Billing Platform (UK) transformers shared by every resource: ledger records → the vendor's
 * payment object, and the vendor's list query and field names → core inputs. The ledger's payment
 * detail becomes `status` through two total tables (collection state → status preset, reversal →
 * `Reversed`) and a configurable preset list (names kept in a dialect record, defaults below,
 * saved with `saveStatusPresets`); a ledger refund becomes a negative payment row `R<id>`;
 * `invoiceID` / `invoiceIDReversed` and a refund's own date, references and method come from
 * this dialect's records. Also the ledger lookups every handler uses: dialect records, the
 * render context (status names, method presets), method names → preset ids, and the `status`
 * echo check.
 */
import { DateFormats, MoneyFormats, rawJsonNumber, shownNumericId } from "@paybridge/adapter-kit"
import {
  type CollectionState,
  type CurrencyCode,
  type CustomerId,
  DialectRecords,
  type LedgerError,
  type LedgerEventType,
  type Page,
  Parties,
  type Payment,
  type PaymentDetail,
  type PaymentPreset,
  type PaymentQueryInput,
  type PaymentState,
  type PresetId,
  type Refund,
  type RefundState,
  ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import type { BpukListQuery, BpukPayment } from "./billing-platform-uk.schemas.ts"

export const dialectId = "billing-platform-uk"

/** Dialect-record kinds this dialect keeps (never money or lifecycle). */
export const recordKinds = {
  /** key `status-presets`: the status names shown in `status`. */
  settings: "settings",
  /** key = payment id: `invoiceID`, `invoiceIDReversed`. */
  paymentDisplay: "payment-display",
  /** key = refund id: the refund row's date, references, method name and `invoiceID`. */
  refundDetails: "refund-details"
} as const

/** The status names this dialect shows, one per condition the ledger tracks. */
export interface StatusPresets {
  readonly reversed: string
  /** A payment not posted yet (a draft): shown, but no money until it is posted. */
  readonly draft: string
  readonly collectionPending: string
  readonly collected: string
  readonly collectionCancelled: string
  readonly collectionFailed: string
}

/** Defaults until an operator saves other names (dialect record `settings/status-presets`). */
export const defaultStatusPresets: StatusPresets = {
  reversed: "Reversed",
  draft: "Draft",
  collectionPending: "Collection Pending",
  collected: "Collected",
  collectionCancelled: "Collection Cancelled",
  collectionFailed: "Collection Failed"
}

/** A saved preset record's data over the defaults (unknown or non-string members ignored). */
export const statusPresetsFrom = (data: Readonly<Record<string, unknown>> | null): StatusPresets => {
  const pick = (key: keyof StatusPresets) => {
    const value = data?.[key]
    return typeof value === "string" && value.trim() !== "" ? value : defaultStatusPresets[key]
  }
  return {
    reversed: pick("reversed"),
    draft: pick("draft"),
    collectionPending: pick("collectionPending"),
    collected: pick("collected"),
    collectionCancelled: pick("collectionCancelled"),
    collectionFailed: pick("collectionFailed")
  }
}

/** The latest collection's state → the status it shows (total over collection states). */
const collectionStatus = {
  requested: "collectionPending",
  collected: "collected",
  cancelled: "collectionCancelled",
  failed: "collectionFailed"
} as const satisfies Record<CollectionState, keyof StatusPresets>

/** Which ledger payment states this dialect shows (`false`: deleted or never valid → 404). */
export const visiblePaymentStates = {
  draft: true,
  pending: true,
  posted: true,
  rejected: false,
  cancelled: false
} as const satisfies Record<PaymentState, boolean>

export const shownStates: ReadonlyArray<PaymentState> = (
  Object.keys(visiblePaymentStates) as Array<PaymentState>
).filter((state) => visiblePaymentStates[state])

/** Refunds shown as negative payments: those that still take money from the customer. */
export const visibleRefundStates = {
  requested: true,
  submitted: true,
  settled: true,
  cancelled: false,
  failed: false
} as const satisfies Record<RefundState, boolean>

/** The method shown when a payment has none: the customer's own default method. */
export const customerDefaultMethod = "Customer Default"

/** The state of a payment's newest collection (by request time, then id); `null`: never collected. */
export const latestCollectionStateOf = (
  collections: ReadonlyArray<Pick<PaymentDetail["collections"][number], "state" | "requestedAt" | "id">>
): CollectionState | null =>
  [...collections].sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime() || b.id - a.id)[0]?.state ?? null

/** The collection statuses of a payment (from its newest collection). */
export const collectionStatusesOf = (source: PaymentRowSource, presets: StatusPresets): ReadonlyArray<string> =>
  source.latestCollectionState === null ? [] : [presets[collectionStatus[source.latestCollectionState]]]

/**
 * A payment whose whole amount is reversed is one reversed row. A partial reversal splits the
 * payment in two rows (decision, issue 12.3): the payment's own row `N`, valid, for what still
 * stands (amount − reversed), and the reversed part `N-R`, reversed, for what is reversed — so a
 * client that sums valid rows counts exactly the money the ledger still holds.
 */
export const isWhollyReversed = (payment: Pick<Payment, "amount" | "reversedAmount">): boolean =>
  payment.reversedAmount > 0n && payment.reversedAmount >= payment.amount

export const isPartlyReversed = (payment: Pick<Payment, "amount" | "reversedAmount">): boolean =>
  payment.reversedAmount > 0n && payment.reversedAmount < payment.amount

/** The id of a partly reversed payment's reversed part. */
export const reversedPartId = (payment: Pick<Payment, "id" | "externalRef">): string =>
  `${shownNumericId(dialectId, payment)}-R`

/** The statuses the ledger decides: `Draft` for a payment not posted yet, then its collection status. */
export const lifecycleStatusesOf = (detail: PaymentRowSource, presets: StatusPresets): ReadonlyArray<string> => [
  ...(detail.payment.state === "draft" ? [presets.draft] : []),
  ...collectionStatusesOf(detail, presets)
]

/** Every status of a payment's own row: `Reversed` when its whole amount is reversed, then the lifecycle's. */
export const statusesOf = (detail: PaymentRowSource, presets: StatusPresets): ReadonlyArray<string> => [
  ...(isWhollyReversed(detail.payment) ? [presets.reversed] : []),
  ...lifecycleStatusesOf(detail, presets)
]

/** Amounts are written as exact JSON numbers with the currency's decimals (`12.50`, `-3.00`). */
export const formatAmount = (amount: bigint, currency: CurrencyCode) =>
  rawJsonNumber(MoneyFormats.minorToMajorString(amount, currency))

export interface PaymentDisplay {
  readonly invoiceID: string | null
  readonly invoiceIDReversed: string | null
}

export const paymentDisplayFrom = (data: Readonly<Record<string, unknown>> | null): PaymentDisplay => ({
  invoiceID: typeof data?.invoiceID === "string" ? data.invoiceID : null,
  invoiceIDReversed: typeof data?.invoiceIDReversed === "string" ? data.invoiceIDReversed : null
})

/**
 * What a payment row is made of: the payment and the state of its newest collection (nothing else
 * of the detail shows), so a list can build rows from one read without each payment's detail.
 */
export interface PaymentRowSource {
  readonly payment: Payment
  readonly latestCollectionState: CollectionState | null
}

/** A payment's detail as the source of its rows. */
export const rowSourceOf = (detail: Pick<PaymentDetail, "payment" | "collections">): PaymentRowSource => ({
  payment: detail.payment,
  latestCollectionState: latestCollectionStateOf(detail.collections)
})

/** A ledger payment as the vendor's payment object. */
export const toBpukPayment = (
  detail: PaymentRowSource,
  context: {
    readonly presets: StatusPresets
    readonly methodName: (methodId: PresetId) => string
    readonly display: PaymentDisplay
  }
): BpukPayment => {
  const { payment } = detail
  const partly = isPartlyReversed(payment)
  return {
    id: String(shownNumericId(dialectId, payment)),
    ourReference: payment.references.reference,
    customerReference: payment.references.customerReference,
    paymentDate: DateFormats.businessDate.format(payment.paymentDate),
    paymentReversedDate: isWhollyReversed(payment) ? payment.reversalDate : null,
    status: statusesOf(detail, context.presets),
    paymentAmount: formatAmount(partly ? payment.amount - payment.reversedAmount : payment.amount, payment.currency),
    paymentMethod: payment.methodId === null ? customerDefaultMethod : context.methodName(payment.methodId),
    invoiceID: context.display.invoiceID,
    invoiceIDReversed: context.display.invoiceIDReversed
  }
}

/** The reversed part `N-R` of a partly reversed payment: reversed, for the amount reversed. */
export const toBpukReversedPart = (
  detail: PaymentRowSource,
  context: {
    readonly presets: StatusPresets
    readonly methodName: (methodId: PresetId) => string
    readonly display: PaymentDisplay
  }
): BpukPayment => ({
  ...toBpukPayment(detail, context),
  id: reversedPartId(detail.payment),
  paymentReversedDate: detail.payment.reversalDate,
  status: [context.presets.reversed, ...lifecycleStatusesOf(detail, context.presets)],
  paymentAmount: formatAmount(detail.payment.reversedAmount, detail.payment.currency)
})

/** What this dialect keeps about a refund row beside the ledger's refund. */
export interface RefundDetails {
  readonly paymentDate: string | null
  readonly ourReference: string | null
  readonly customerReference: string | null
  readonly paymentMethod: string | null
  readonly invoiceID: string | null
}

export const refundDetailsFrom = (data: Readonly<Record<string, unknown>> | null): RefundDetails => {
  const text = (key: keyof RefundDetails) => (typeof data?.[key] === "string" ? (data[key] as string) : null)
  return {
    paymentDate: text("paymentDate"),
    ourReference: text("ourReference"),
    customerReference: text("customerReference"),
    paymentMethod: text("paymentMethod"),
    invoiceID: text("invoiceID")
  }
}

/** The business date a refund row shows: the date the client gave, else the day it was recorded. */
export const refundDateOf = (refund: Refund, details: RefundDetails): string =>
  details.paymentDate ?? DateFormats.businessDateOf(refund.createdAt)

/** The latest time a refund changed (for `updatedSince`). */
export const refundUpdatedAt = (refund: Refund): Date =>
  new Date(
    Math.max(
      ...[refund.createdAt, refund.submittedAt, refund.settledAt, refund.cancelledAt, refund.failedAt].map(
        (at) => at?.getTime() ?? 0
      )
    )
  )

/** A ledger refund as a negative payment row. */
export const toBpukRefundRow = (refund: Refund, details: RefundDetails): BpukPayment => ({
  id: `R${refund.id}`,
  ourReference: details.ourReference,
  customerReference: details.customerReference,
  paymentDate: refundDateOf(refund, details),
  paymentReversedDate: null,
  status: [],
  paymentAmount: formatAmount(-refund.amount, refund.currency),
  paymentMethod: details.paymentMethod ?? customerDefaultMethod,
  invoiceID: details.invoiceID,
  invoiceIDReversed: null
})

/** Event filters of the list query → the ledger event types they look for. */
export const eventFilters = {
  reversedSince: ["payment.reversed"],
  reinstatedSince: ["payment.reinstated"],
  collectedSince: ["collection.collected"],
  cancelledSince: ["collection.cancelled"]
} as const satisfies Record<string, ReadonlyArray<LedgerEventType>>

export type EventFilter = keyof typeof eventFilters

/**
 * The payments whose rows a list can show, by reversal state (see the README: reversal filters
 * imply reversed payments). A partly reversed payment shows a valid row and a reversed part, so
 * `reversed` asks for payments with any amount reversed (`some`) and the default "valid only" for
 * payments not wholly reversed (`standing`); each row is then matched on what it shows.
 */
export const reversalFilterOf = (query: BpukListQuery): "standing" | "some" | "any" => {
  if (query.reversed === true) return "some"
  if (query.includeReversed === true) return "any"
  const asksForReversals =
    query.minReversedDate !== undefined || query.maxReversedDate !== undefined || query.reversedSince !== undefined
  return asksForReversals ? "any" : "standing"
}

/** The parsed `idAfter`: a payment row `N`, a reversed part `N-R`, a refund row `R<n>`, or none. */
export type IdAfter =
  | { readonly kind: "payment"; readonly id: number }
  | { readonly kind: "reversed-part"; readonly id: number }
  | { readonly kind: "refund"; readonly id: number }
  | null

export const idAfterOf = (text: string | undefined): IdAfter =>
  text === undefined
    ? null
    : text.startsWith("R")
      ? { kind: "refund", id: Number(text.slice(1)) }
      : text.endsWith("-R")
        ? { kind: "reversed-part", id: Number(text.slice(0, -2)) }
        : { kind: "payment", id: Number(text) }

/**
 * Where a row sits in the one sequence of every row (issue 12.5): rows are numbered in the order
 * they were made — payments by creation time, a payment's reversed part right after it, refund rows
 * by their creation time — so `idAfter=<any row id>` ("only records with a higher ID") returns
 * every row made after that one, payments and refunds alike, and `idAfter=0` every row.
 */
export interface RowSequenceKey {
  readonly at: number
  readonly rank: 0 | 1 | 2
  readonly id: number
}

export const compareRowKeys = (a: RowSequenceKey, b: RowSequenceKey): number =>
  a.at - b.at || a.rank - b.rank || a.id - b.id

export const paymentRowKey = (payment: Pick<Payment, "id" | "createdAt">, part: "payment" | "reversed-part") => ({
  at: payment.createdAt.getTime(),
  rank: part === "payment" ? (0 as const) : (1 as const),
  id: payment.id
})

export const refundRowKey = (refund: Pick<Refund, "id" | "createdAt">): RowSequenceKey => ({
  at: refund.createdAt.getTime(),
  rank: 2,
  id: refund.id
})

/** The list query → the ledger's payment query, without the event filters (applied one by one). */
export const toPaymentQuery = (
  query: BpukListQuery,
  customerId: CustomerId | undefined
): Omit<PaymentQueryInput, "eventSince" | "cursor" | "limit"> => {
  return {
    ...(customerId === undefined ? {} : { customerId }),
    states: shownStates,
    reversal: reversalFilterOf(query),
    ...(query.minDate === undefined ? {} : { paymentDateFrom: query.minDate }),
    ...(query.maxDate === undefined ? {} : { paymentDateTo: query.maxDate }),
    ...(query.minReversedDate === undefined ? {} : { reversalDateFrom: query.minReversedDate }),
    ...(query.maxReversedDate === undefined ? {} : { reversalDateTo: query.maxReversedDate }),
    ...(query.createdSince === undefined ? {} : { createdSince: query.createdSince }),
    ...(query.updatedSince === undefined ? {} : { updatedSince: query.updatedSince }),
    order: "id"
  }
}

/** Payment-only filters: a list using one of them shows no refund rows. */
export const paymentOnlyFilter = (query: BpukListQuery): boolean =>
  query.reversed === true ||
  query.minReversedDate !== undefined ||
  query.maxReversedDate !== undefined ||
  query.reversedSince !== undefined ||
  query.reinstatedSince !== undefined ||
  query.collectedSince !== undefined ||
  query.cancelledSince !== undefined

/** Does a refund row pass the list query? */
export const refundMatches = (refund: Refund, details: RefundDetails, query: BpukListQuery): boolean => {
  if (!visibleRefundStates[refund.state] || paymentOnlyFilter(query)) return false
  const date = refundDateOf(refund, details)
  if (query.minDate !== undefined && date < query.minDate) return false
  if (query.maxDate !== undefined && date > query.maxDate) return false
  if (query.createdSince !== undefined && refund.createdAt.getTime() < query.createdSince.getTime()) return false
  if (query.updatedSince !== undefined && refundUpdatedAt(refund).getTime() < query.updatedSince.getTime()) return false
  return true
}

/** Ledger field names → this dialect's, for validation messages. */
const fieldNames: Readonly<Record<string, string>> = {
  amount: "paymentAmount",
  paymentDate: "paymentDate",
  methodId: "paymentMethod",
  reference: "ourReference",
  customerReference: "customerReference",
  effectiveDate: "paymentReversedDate"
}

/** A ledger `ValidationFailed` with the vendor's field names. */
export const withVendorFieldNames = (error: ValidationFailed): ValidationFailed =>
  new ValidationFailed({
    message: Object.entries(fieldNames).reduce(
      (message, [ledger, vendor]) => message.replaceAll(new RegExp(`\\b${ledger}\\b`, "gu"), vendor),
      error.message
    ),
    issues: error.issues.map((issue) => ({
      ...issue,
      path: issue.path.map((segment) => (typeof segment === "string" ? (fieldNames[segment] ?? segment) : segment))
    }))
  })

/** Decimal text of a decoded amount without its sign. */
export const absoluteAmountText = (text: string): string => (text.startsWith("-") ? text.slice(1) : text)

export const isZeroAmount = (text: string): boolean => /^-?0+(\.0+)?$/u.test(text)

// ---------------------------------------------------------------------------------------------
// Ledger lookups shared by every resource

/** Every page of a ledger list. */
export const allPages = <A, R>(next: (cursor: string | null) => Effect.Effect<Page<A>, LedgerError, R>) =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* next(cursor)
      items.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    return items
  })

/** The dialect-record key of one of this dialect's records. */
export const recordKey = (kind: string, key: string) => ({ dialect: dialectId, kind, key })

/** A dialect record's data, `null` when there is none. */
export const readRecordData = (kind: string, key: string) =>
  DialectRecords.use((dialectRecords) => dialectRecords.getDialectRecord(recordKey(kind, key))).pipe(
    Effect.map((record): Readonly<Record<string, unknown>> | null => record.data),
    Effect.catchTag("NotFound", () => Effect.succeed(null))
  )

/** The method presets a request resolves and names methods with (from the ledger's presets cache). */
export interface MethodContext {
  readonly methods: ReadonlyArray<PaymentPreset>
  readonly methodName: (methodId: PresetId) => string
}

/** What rendering needs besides the payment: status names and method presets. */
export interface RenderContext extends MethodContext {
  readonly presets: StatusPresets
}

/** The method presets (`Parties.listPresets`, which the ledger serves from its presets cache). */
export const loadMethodContext = Effect.gen(function* () {
  const parties = yield* Parties
  const methods = yield* allPages((cursor) => parties.listPresets("method", { cursor, limit: 1000 }))
  const names = new Map(methods.map((method) => [method.id, method.name]))
  return {
    methods,
    methodName: (methodId: PresetId) => names.get(methodId) ?? `Method ${methodId}`
  } satisfies MethodContext
})

/** The status names saved by an operator (one read of the settings record), over the defaults. */
export const loadStatusPresets = Effect.map(readRecordData(recordKinds.settings, "status-presets"), statusPresetsFrom)

/** The render context of a request (read once per request, not per row). */
export const loadRenderContext = Effect.flatMap(readRecordData(recordKinds.settings, "status-presets"), (data) =>
  renderContextWith(data)
)

/** The status-presets settings record, for a read that brings it along (`PaymentViewInclude.records`). */
export const statusPresetsRecord = recordKey(recordKinds.settings, "status-presets")

/** The render context from the status-presets record's data (read elsewhere) and the method presets. */
export const renderContextWith = Effect.fnUntraced(function* (
  statusPresetsData: Readonly<Record<string, unknown>> | null
) {
  const methods = yield* loadMethodContext
  return { ...methods, presets: statusPresetsFrom(statusPresetsData) } satisfies RenderContext
})

/** A payment method name → its preset id; `Customer Default` (or none) → `null`. */
export const resolveMethod = (name: string | undefined, context: MethodContext) => {
  if (name === undefined || name.trim().toLowerCase() === customerDefaultMethod.toLowerCase()) {
    return Effect.succeed(null)
  }
  const wanted = name.trim().toLowerCase()
  const found = context.methods.find(
    (method) => method.name.toLowerCase() === wanted || method.code.toLowerCase() === wanted
  )
  if (found === undefined) {
    const known = [customerDefaultMethod, ...context.methods.filter((m) => m.available).map((m) => m.name)]
    return Effect.fail(
      validationFailed(["paymentMethod"], `unknown payment method "${name}"; known methods: ${known.join(", ")}`)
    )
  }
  return Effect.succeed(found)
}

/** Ledger validation messages with the vendor's field names. */
export const vendorFields = <A, R>(program: Effect.Effect<A, LedgerError, R>) =>
  Effect.mapError(program, (error) => (error instanceof ValidationFailed ? withVendorFieldNames(error) : error))

/** The same status names, in any order. */
export const sameNames = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && [...a].sort().every((name, index) => name === [...b].sort()[index])

/** The 400 for a `status` that differs from what the payment's statuses will be. */
export const statusReadOnly = (expected: ReadonlyArray<string>, presets: StatusPresets) =>
  validationFailed(
    ["status"],
    `status is read-only apart from "${presets.reversed}": reverse by setting paymentReversedDate (or adding ` +
      `"${presets.reversed}"), reinstate by clearing it; collection statuses follow the collection. ` +
      `Expected ${JSON.stringify(expected)}`
  )

/**
 * Saves the status names this dialect shows (an operator's configuration; needs a role that may
 * write). Names not given keep their defaults.
 */
export const saveStatusPresets = (names: Partial<StatusPresets>) =>
  DialectRecords.use((dialectRecords) =>
    dialectRecords.saveDialectRecord({ ...recordKey(recordKinds.settings, "status-presets"), data: { ...names } })
  ).pipe(Effect.map((record) => statusPresetsFrom(record.data)))
