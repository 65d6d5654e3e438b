/**
 * LogiSense transformers: ledger records (with the names and vendor-only attributes already
 * resolved) → LogiSense Payment rows, reversal rows and invoice disbursements; LogiSense dates →
 * ledger business dates; identities ↔ ledger ids. A payment's identity is its ledger id (the same
 * number tRPC and every other dialect shows); a reversal row's identity is the negative ledger
 * reversal id, so the two never collide. LogiSense has no status field: the state table below
 * says which ledger states a LogiSense client can see at all (`visible`) and which appear in
 * lists (`listed`, only successful payments, as the vendor's UI does). Also shared by every
 * resource: the write envelope (each write one atomic ledger unit, replayed by its idempotency
 * key) and the names of the tests that prove each endpoint.
 */
import {
  DateFormats,
  type DialectServices,
  parseJsonExact,
  shownNumericId,
  stringifyJsonExact
} from "@paybridge/adapter-kit"
import {
  type Allocation,
  type BusinessDate,
  type CurrencyCode,
  type Customer,
  type LedgerError,
  LedgerUnits,
  type Payment,
  PaymentId,
  type PaymentState,
  type Reversal,
  ReversalId
} from "@paybridge/core"
import { Effect, Result, Schema } from "effect"
import { logisenseDate, logisenseMoney, type PaymentFieldName } from "./logisense.schemas.ts"

/** The dialect id (also the external-ref system of payments migrated from LogiSense). */
export const dialectName = "logisense"

/** How each ledger state shows through LogiSense (total: a new state must be decided here). */
export const paymentStateVisibility = {
  draft: { visible: true, listed: false },
  pending: { visible: true, listed: false },
  posted: { visible: true, listed: true },
  rejected: { visible: false, listed: false },
  cancelled: { visible: false, listed: false }
} as const satisfies Record<PaymentState, { readonly visible: boolean; readonly listed: boolean }>

/** The vendor objects Paybridge does not hold: their ids are kept verbatim, names come from reference records. */
export const vendorReferenceKinds = {
  cardTypeId: "card-type",
  currencyExchangeDetailId: "currency-exchange-detail",
  billRunHistoryId: "bill-run-history",
  paymentPreAuthorizeId: "payment-pre-authorize",
  paymentTransactionId: "payment-transaction",
  createdByPortalUserId: "portal-user"
} as const
export type VendorReferenceField = keyof typeof vendorReferenceKinds
export const vendorReferenceFields = Object.keys(vendorReferenceKinds) as ReadonlyArray<VendorReferenceField>

/** Vendor-only attributes of a payment or reversal row, kept in a `logisense` dialect record. */
export interface RowExtras {
  readonly references: Partial<Record<VendorReferenceField, number | null>>
  readonly automaticDisburse: boolean
  /** The client's `baseAmount` (major units of the owner currency) when the currencies differ. */
  readonly baseAmount: string | null
  /** The gateway's reference of a reversal pushed to the gateway. */
  readonly gatewayReference: string | null
  /** A reversal row's `date` instant as the client sent it (the ledger keeps the reversal's business date). */
  readonly dateAt: string | null
  /**
   * `isManual` as the vendor showed it, for a payment migrated from LogiSense whose gateway did not
   * come over (null: from the ledger, a payment without a gateway is manual).
   */
  readonly isManual: boolean | null
  /**
   * A payment migrated from LogiSense that showed `baseAmount: null` (its owner currency is not the
   * account's, and not known here): its rows and disbursements show null, not the amount.
   */
  readonly noBaseAmount: boolean
  /**
   * A reversal row migrated from LogiSense: the name LogiSense showed for the reversed payment
   * (`reversePaymentName`, the payment's number at the vendor); the migrated payment has the
   * ledger's number, which LogiSense's numbering need not match (null: the payment's own name).
   */
  readonly paymentName: string | null
}

export const emptyExtras: RowExtras = {
  references: {},
  automaticDisburse: false,
  baseAmount: null,
  gatewayReference: null,
  dateAt: null,
  isManual: null,
  noBaseAmount: false,
  paymentName: null
}

const asNumberOrNull = (value: unknown): number | null =>
  typeof value === "number" && Number.isSafeInteger(value) ? value : null

/** Dialect record data → extras (lenient: unknown members are ignored). */
export const extrasFromData = (data: Readonly<Record<string, unknown>>): RowExtras => {
  const references: Partial<Record<VendorReferenceField, number | null>> = {}
  const stored = typeof data.references === "object" && data.references !== null ? data.references : {}
  for (const field of vendorReferenceFields) {
    const value = asNumberOrNull((stored as Record<string, unknown>)[field])
    if (value !== null) references[field] = value
  }
  return {
    references,
    automaticDisburse: data.automaticDisburse === true,
    baseAmount: typeof data.baseAmount === "string" ? data.baseAmount : null,
    gatewayReference: typeof data.gatewayReference === "string" ? data.gatewayReference : null,
    dateAt: typeof data.dateAt === "string" ? data.dateAt : null,
    isManual: typeof data.isManual === "boolean" ? data.isManual : null,
    noBaseAmount: data.noBaseAmount === true,
    paymentName: typeof data.paymentName === "string" ? data.paymentName : null
  }
}

export const extrasToData = (extras: RowExtras): Record<string, unknown> => ({
  references: extras.references,
  automaticDisburse: extras.automaticDisburse,
  baseAmount: extras.baseAmount,
  gatewayReference: extras.gatewayReference,
  ...(extras.dateAt === null ? {} : { dateAt: extras.dateAt }),
  ...(extras.isManual === null ? {} : { isManual: extras.isManual }),
  ...(extras.noBaseAmount ? { noBaseAmount: true } : {}),
  ...(extras.paymentName === null ? {} : { paymentName: extras.paymentName })
})

export const hasExtras = (extras: RowExtras): boolean =>
  Object.values(extras.references).some((value) => value !== null && value !== undefined) ||
  extras.automaticDisburse ||
  extras.baseAmount !== null ||
  extras.gatewayReference !== null ||
  extras.dateAt !== null ||
  extras.isManual !== null ||
  extras.noBaseAmount ||
  extras.paymentName !== null

/** A ledger business date as LogiSense's timestamp: midnight UTC. */
export const dateOfBusinessDay = (day: BusinessDate): string => `${day}T00:00:00.000Z`

/**
 * A payment's `date`: the instant the client sent (kept exactly), else its business date at midnight UTC
 * (payments recorded through other protocols with a date only).
 */
export const paymentDateOf = (payment: Pick<Payment, "receivedAt" | "paymentDate">): string =>
  payment.receivedAt === null ? dateOfBusinessDay(payment.paymentDate) : logisenseDate.format(payment.receivedAt)

/**
 * A payment's `posting`: the posting instant (the one the client sent, or when it was posted) when it
 * falls on the posting day; midnight UTC of the posting day when only a day was given; `null` before posting.
 */
export const postingOf = (payment: Pick<Payment, "postedAt" | "postedOn">): string | null => {
  if (payment.postedOn === null) return null
  return payment.postedAt !== null && businessDayOf(payment.postedAt) === payment.postedOn
    ? logisenseDate.format(payment.postedAt)
    : dateOfBusinessDay(payment.postedOn)
}

/** A LogiSense timestamp → the ledger's business date (its UTC calendar day). */
export const businessDayOf = (at: Date): BusinessDate => DateFormats.businessDateOf(at)

/** Parses a LogiSense timestamp text (used by search values). */
export const parseLogisenseDate = (text: string): Date | null => {
  const parsed = logisenseDate.parse(text)
  return Result.isSuccess(parsed) ? parsed.success : null
}

export const identityOfReversal = (reversal: Pick<Reversal, "id">): number => -reversal.id

/** What an identity names: a ledger payment (positive) or a reversal row (negative). */
export const identityTarget = (
  identity: number
):
  | { readonly kind: "payment"; readonly paymentId: PaymentId }
  | { readonly kind: "reversal"; readonly reversalId: ReversalId } =>
  identity > 0
    ? { kind: "payment", paymentId: Schema.decodeSync(PaymentId)(identity) }
    : { kind: "reversal", reversalId: Schema.decodeSync(ReversalId)(-identity) }

/** The name the ledger gives a payment in `reversePaymentName`: its number, or reference number before posting. */
export const paymentName = (payment: Payment): string => payment.number ?? payment.referenceNumber

const money = (amount: bigint, currency: CurrencyCode) => logisenseMoney.format(amount, currency)

/** Everything a row needs besides the payment itself, resolved from the ledger. */
export interface RowContext {
  readonly customer: Customer
  /** The owner (billing entity) currency, in which `baseAmount` is shown. */
  readonly ownerCurrency: CurrencyCode
  readonly typeName: string | null
  readonly methodName: string | null
  readonly invoice: { readonly id: number; readonly name: string | null; readonly amount: bigint } | null
  readonly createdBy: { readonly id: number; readonly name: string } | null
  readonly extras: RowExtras
  readonly referenceNames: Partial<Record<VendorReferenceField, string | null>>
}

export type LogisenseRow = Record<PaymentFieldName, unknown>

const baseAmountOf = (amount: bigint, payment: Payment, context: RowContext) => {
  if (context.extras.noBaseAmount) return null
  if (context.ownerCurrency === payment.currency) return money(amount, payment.currency)
  return context.extras.baseAmount === null
    ? null
    : logisenseMoney.format(
        Result.getOrThrow(logisenseMoney.parse(context.extras.baseAmount, context.ownerCurrency)),
        context.ownerCurrency
      )
}

const referenceColumns = (context: RowContext, transaction: { id: number; name: string | null } | null) => {
  const id = (field: VendorReferenceField) => context.extras.references[field] ?? null
  const name = (field: VendorReferenceField) => (id(field) === null ? null : (context.referenceNames[field] ?? null))
  return {
    cardTypeId: id("cardTypeId"),
    cardTypeName: name("cardTypeId"),
    currencyExchangeDetailId: id("currencyExchangeDetailId"),
    currencyExchangeDetailName: name("currencyExchangeDetailId"),
    billRunHistoryId: id("billRunHistoryId"),
    billRunHistoryName: name("billRunHistoryId"),
    paymentPreAuthorizeId: id("paymentPreAuthorizeId"),
    paymentPreAuthorizeName: name("paymentPreAuthorizeId"),
    paymentTransactionId: transaction?.id ?? id("paymentTransactionId"),
    paymentTransactionName: transaction === null ? name("paymentTransactionId") : transaction.name,
    createdByPortalUserId: id("createdByPortalUserId"),
    createdByPortalUserName: name("createdByPortalUserId")
  }
}

/** One ledger payment as a LogiSense Payment row (fields in the vendor's order). */
export const toLogisensePayment = (payment: Payment, context: RowContext): LogisenseRow => {
  const refs = referenceColumns(
    context,
    payment.gatewayReference === null ? null : { id: payment.id, name: payment.gatewayReference }
  )
  return {
    identity: shownNumericId(dialectName, payment),
    date: paymentDateOf(payment),
    amount: money(payment.amount, payment.currency),
    accountId: payment.customerId,
    accountName: context.customer.name,
    disbursed: payment.allocatedAmount > 0n,
    paymentTypeId: payment.typeId,
    paymentTypeName: context.typeName,
    detail: payment.references.description,
    cardTypeId: refs.cardTypeId,
    cardTypeName: refs.cardTypeName,
    checkNumber: payment.references.checkNumber,
    automaticDisburse: context.extras.automaticDisburse,
    created: logisenseDate.format(payment.createdAt),
    invoiceId: context.invoice?.id ?? null,
    invoiceName: context.invoice?.name ?? null,
    posting: postingOf(payment),
    baseAmount: baseAmountOf(payment.amount, payment, context),
    invoiceAmount: money(context.invoice?.amount ?? 0n, payment.currency),
    currencyExchangeDetailId: refs.currencyExchangeDetailId,
    currencyExchangeDetailName: refs.currencyExchangeDetailName,
    billRunHistoryId: refs.billRunHistoryId,
    billRunHistoryName: refs.billRunHistoryName,
    isManual: context.extras.isManual ?? payment.gatewayId === null,
    reversePaymentId: null,
    reversePaymentName: null,
    createdByUserId: context.createdBy?.id ?? null,
    createdByUserName: context.createdBy?.name ?? null,
    paymentMethodId: payment.methodId,
    paymentMethodName: context.methodName,
    paymentPreAuthorizeId: refs.paymentPreAuthorizeId,
    paymentPreAuthorizeName: refs.paymentPreAuthorizeName,
    paymentTransactionId: refs.paymentTransactionId,
    paymentTransactionName: refs.paymentTransactionName,
    createdByPortalUserId: refs.createdByPortalUserId,
    createdByPortalUserName: refs.createdByPortalUserName
  }
}

/** A reversal row's `date` and `posting`: the instant the client sent when it falls on the effective day. */
const reversalDateOf = (reversal: Reversal, extras: RowExtras): string =>
  extras.dateAt !== null && extras.dateAt.slice(0, 10) === reversal.effectiveDate
    ? extras.dateAt
    : dateOfBusinessDay(reversal.effectiveDate)

/**
 * One ledger reversal as a LogiSense reversal row: another Payment whose `reversePaymentId` is the
 * original. Its amount is positive (as in the vendor's sample); it is never disbursed.
 */
export const toLogisenseReversal = (payment: Payment, reversal: Reversal, context: RowContext): LogisenseRow => {
  const row = toLogisensePayment(payment, { ...context, invoice: null })
  const refs = referenceColumns(
    context,
    context.extras.gatewayReference === null
      ? null
      : { id: identityOfReversal(reversal), name: context.extras.gatewayReference }
  )
  return {
    ...row,
    ...refs,
    identity: identityOfReversal(reversal),
    date: reversalDateOf(reversal, context.extras),
    amount: money(reversal.amount, payment.currency),
    disbursed: false,
    detail: reversal.reason,
    checkNumber: null,
    created: logisenseDate.format(reversal.reversedAt),
    posting: reversalDateOf(reversal, context.extras),
    baseAmount: baseAmountOf(reversal.amount, payment, context),
    invoiceAmount: money(0n, payment.currency),
    automaticDisburse: false,
    reversePaymentId: shownNumericId(dialectName, payment),
    // A reversal migrated from LogiSense names its payment as LogiSense did.
    reversePaymentName: context.extras.paymentName ?? paymentName(payment)
  }
}

/** A payment's allocation as a LogiSense invoice disbursement. */
export const toLogisenseDisbursement = (
  allocation: Allocation,
  payment: Payment,
  invoiceName: string | null,
  context: Pick<RowContext, "ownerCurrency" | "extras">
) => ({
  identity: allocation.id,
  invoiceId: allocation.documentId,
  invoiceName,
  paymentId: shownNumericId(dialectName, payment),
  amount: money(allocation.amount, payment.currency),
  baseAmount:
    context.ownerCurrency === payment.currency && !context.extras.noBaseAmount
      ? money(allocation.amount, payment.currency)
      : null,
  invoiceAmount: money(allocation.amount, payment.currency),
  automaticDisburse: context.extras.automaticDisburse
})

/** Keeps only the requested `fields` of a row (Search's `fields`), in the vendor's order. */
export const projectRow = (
  row: LogisenseRow,
  fields: ReadonlyArray<PaymentFieldName> | null
): Record<string, unknown> =>
  fields === null
    ? row
    : Object.fromEntries(Object.entries(row).filter(([key]) => fields.includes(key as PaymentFieldName)))

// ---------------------------------------------------------------------------------------------
// The write envelope: every write is one atomic ledger unit whose answer an idempotency key replays

/** A response as stored for idempotent replays: status and exact JSON body. */
export interface StoredResponse {
  readonly status: number
  readonly body: unknown
}

/**
 * Runs a write as one all-or-nothing ledger unit; its response (tracking id included) is stored
 * with the idempotency key, so a retried request gets the very same answer.
 */
export const atomic = <E extends LedgerError>(
  operation: string,
  input: unknown,
  work: Effect.Effect<StoredResponse, E, DialectServices>
) =>
  Effect.flatMap(LedgerUnits, (ledgerUnits) =>
    ledgerUnits.atomically(
      { operation: `logisense:${operation}`, input, result: Schema.String },
      Effect.map(work, (response) => stringifyJsonExact(response))
    )
  ).pipe(
    Effect.map((text) => {
      const stored = parseJsonExact(text) as StoredResponse
      return { status: stored.status, body: stored.body }
    })
  )

/** The answer of a create or update: `{trackingId, type, results:{totalCount, items}}`. */
export const change = (
  trackingId: string,
  type: "create" | "update",
  items: ReadonlyArray<unknown>
): StoredResponse => ({
  status: 200,
  body: { trackingId, type, results: { totalCount: items.length, items } }
})

// ---------------------------------------------------------------------------------------------
// The tests that prove each endpoint (`tests` of the registry), shared by every endpoint file

const samplesSuite = "logisense.samples.test.ts › the vendor's Payment samples, replayed"
/** The behaviour suites, by what they test. */
const behaviourSuites = {
  authentication: "logisense.authentication.test.ts",
  records: "logisense.records.test.ts",
  changes: "logisense.changes.test.ts"
} as const
/** The kit's contract suite for this dialect. */
export const contractSuite = "logisense.contract.test.ts › LogiSense Billing v6 (Payment): dialect contract"

/** A test of the fidelity suite (`logisense.fidelity.test.ts › LogiSense fidelity › <group> › <title>`). */
export const provenByFidelity = (group: string, title: string) =>
  `logisense.fidelity.test.ts › LogiSense fidelity › ${group} › ${title}`

/**
 * Test titles → `file › title` (sample replays live in the samples suite, the rest in the behaviour
 * suite `suite`).
 */
export const proven = (suite: keyof typeof behaviourSuites, ...titles: ReadonlyArray<string>) =>
  titles.map((title) =>
    title.endsWith("replays the vendor sample field by field")
      ? `${samplesSuite} › ${title}`
      : `${behaviourSuites[suite]} › ${title}`
  )
