/**
 * Elevate transformers: ledger records → Elevate wire bodies, Elevate requests → core command
 * inputs, and Elevate's list grammar — the `filter` expressions (plain value = equals, `in:x,y`,
 * `like:…`, `lt:`/`gt:`/`gtn:` for numbers, dates and timestamps, `true`/`false` for booleans),
 * `sort` (`a,b:desc`), `fields` (a subset) and `page`/`pageSize` — parsed into a typed query that
 * is compiled into ledger query inputs plus typed row predicates, never into SQL text. Status
 * tables are total over the ledger's states, so a new ledger state breaks compilation here.
 */

import type {
  BusinessDate,
  CurrencyCode,
  Customer,
  Document,
  Refund as LedgerRefund,
  Payment,
  PaymentQueryInput,
  RefundAction,
  RefundState,
  ValidationFailed
} from "@paybridge/core"
import { exponentOf, validationFailed } from "@paybridge/core"
import { Effect, Result } from "effect"
import {
  type BillRunType,
  type CustomerPaymentType,
  elevateDate,
  elevateMoney,
  elevatePositiveMoney,
  type InvoicePaymentStatus,
  type PaymentMethod,
  paymentMethods,
  type RefundStatus,
  type TxnType
} from "./elevate.schemas.ts"

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
 * Ids of negative customer payments (debits). A debit is a ledger balance adjustment, whose ids
 * are a different sequence from payments', so Elevate sees it as `debitIdBase + adjustment id`.
 */
export const debitIdBase = 1_000_000_000_000

// ---------------------------------------------------------------- customer payment rows

/** One row of Elevate's customer payments: a posted ledger payment, or a debit (balance adjustment). */
export interface CustomerPaymentRow {
  readonly id: number
  readonly customerId: number
  readonly currency: CurrencyCode
  /** Signed minor units: negative for debits. */
  readonly amount: bigint
  readonly resultingBalance: bigint | null
  readonly description: string | null
  readonly reference: string | null
  readonly type: PaymentMethod
  readonly paymentDate: BusinessDate
  readonly customerPaymentType: CustomerPaymentType
  readonly txnType: TxnType
  readonly invoiceNumber: string | null
  readonly invoiceId: number | null
  readonly billRunType: BillRunType
}

export const paymentRow = (
  payment: Payment,
  attributes: PaymentAttributes,
  invoice: Pick<Document, "id" | "number"> | null
): CustomerPaymentRow => ({
  id: payment.id,
  customerId: payment.customerId,
  currency: payment.currency,
  amount: payment.amount,
  resultingBalance: payment.balanceAfterPosting,
  description: payment.references.description,
  reference: payment.references.thirdPartyReference,
  type: attributes.type,
  paymentDate: payment.paymentDate,
  customerPaymentType: attributes.customerPaymentType,
  txnType: "PAYMENT",
  invoiceNumber: invoice?.number ?? null,
  invoiceId: invoice?.id ?? null,
  billRunType: attributes.billRunType
})

export const toCustomerPayment = (row: CustomerPaymentRow) => ({
  id: row.id,
  customerId: row.customerId,
  amountInMajorCurrency: formatAmount(row.amount, row.currency),
  resultingCustomerBalance: row.resultingBalance === null ? null : formatAmount(row.resultingBalance, row.currency),
  currencyId: currencyIdOf(row.currency),
  description: row.description,
  reference: row.reference,
  type: row.type,
  paymentDate: row.paymentDate,
  customerPaymentType: row.customerPaymentType,
  txnType: row.txnType,
  invoiceNumber: row.invoiceNumber,
  invoiceId: row.invoiceId,
  billRunType: row.billRunType
})

// ---------------------------------------------------------------- refunds

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

// ---------------------------------------------------------------- invoice payments

/** An invoice payment's status: manual payments are `NA` (Elevate: not applicable); provider payments follow the ledger. */
export const invoicePaymentStatusOf = (payment: Payment): InvoicePaymentStatus => {
  if (payment.gatewayId === null && payment.state === "posted") {
    return payment.refundedAmount === 0n
      ? "NA"
      : payment.refundedAmount >= payment.amount
        ? "REFUNDED"
        : "PART_REFUNDED"
  }
  switch (payment.state) {
    case "posted":
      return payment.refundedAmount === 0n
        ? "PAID"
        : payment.refundedAmount >= payment.amount
          ? "REFUNDED"
          : "PART_REFUNDED"
    case "draft":
    case "pending":
      return "PENDING"
    case "rejected":
    case "cancelled":
      return "UNPAID"
  }
}

/**
 * Ids of invoice payments made outside Elevate's invoice-payment endpoints (tRPC, another dialect,
 * Elevate's customer payments): one event per ledger allocation of a payment to the document, seen
 * as `invoicePaymentEventIdBase + allocation id`. Events created through the endpoints keep their
 * payment's id; payment ids stay far below this base (and below {@link debitIdBase}).
 */
export const invoicePaymentEventIdBase = 2_000_000_000_000

/**
 * The status of an invoice payment made outside Elevate's invoice-payment endpoints: reversals
 * first (`UNPAID` when fully reversed, `PARTIALLY_PAID` when partly), then as {@link invoicePaymentStatusOf}
 * (`NA` for a posted payment without a provider, `PAID` through one, `REFUNDED`/`PART_REFUNDED`).
 */
export const derivedInvoicePaymentStatusOf = (payment: Payment): InvoicePaymentStatus => {
  if (payment.state === "posted" && payment.reversedAmount > 0n) {
    return payment.reversedAmount >= payment.amount ? "UNPAID" : "PARTIALLY_PAID"
  }
  return invoicePaymentStatusOf(payment)
}

// ---------------------------------------------------------------- credit status

/** `part / whole × 100` with 2 decimals, rounded half up, exactly (bigint arithmetic). */
export const percentageOf = (part: bigint, whole: bigint): string | null => {
  if (whole === 0n) return null
  const negative = part < 0n !== whole < 0n && part !== 0n
  const p = part < 0n ? -part : part
  const w = whole < 0n ? -whole : whole
  const hundredths = (p * 10_000n * 2n + w) / (2n * w)
  const whole100 = hundredths / 100n
  const fraction = (hundredths % 100n).toString().padStart(2, "0")
  return `${negative ? "-" : ""}${whole100}.${fraction}`
}

export interface CreditStatusRow {
  readonly customer: Customer
  /** What the customer owes (≥ 0), in minor units. */
  readonly billAmount: bigint
  readonly openBillRunValue: bigint
}

// ---------------------------------------------------------------- the list grammar

/** How a field can be filtered and sorted. */
export type FieldKind = "integer" | "decimal" | "text" | "enum" | "date" | "boolean"

export interface FieldSpec {
  readonly kind: FieldKind
  /** Allowed values of an `enum` field. */
  readonly values?: ReadonlyArray<string> | undefined
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>

/** An exact decimal: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint
  readonly scale: number
}

export type FieldValue = bigint | Decimal | string | boolean | null

/** One parsed filter condition on one field. */
export type Condition =
  | {
      readonly field: string
      readonly kind: "text" | "enum"
      readonly op: "eq" | "in" | "like"
      readonly values: ReadonlyArray<string>
    }
  | {
      readonly field: string
      readonly kind: "integer"
      readonly op: "eq" | "in" | "lt" | "gt" | "gtn"
      readonly values: ReadonlyArray<bigint>
    }
  | {
      readonly field: string
      readonly kind: "decimal"
      readonly op: "eq" | "in" | "lt" | "gt" | "gtn"
      readonly values: ReadonlyArray<Decimal>
    }
  | {
      readonly field: string
      readonly kind: "date"
      readonly op: "eq" | "in" | "lt" | "gt" | "gtn"
      readonly values: ReadonlyArray<string>
    }
  | { readonly field: string; readonly kind: "boolean"; readonly op: "eq"; readonly values: ReadonlyArray<boolean> }

/** A condition over several text fields at once (a `filter` clause without a field name). */
export interface AnyOfCondition {
  readonly fields: ReadonlyArray<string>
  readonly condition: Condition
}

export interface SortKey {
  readonly field: string
  readonly descending: boolean
}

/** A parsed Elevate list request. */
export interface ListQuery {
  readonly conditions: ReadonlyArray<Condition>
  readonly textSearch: ReadonlyArray<AnyOfCondition>
  readonly sort: ReadonlyArray<SortKey>
  readonly fields: ReadonlyArray<string> | null
  readonly page: number
  readonly pageSize: number
}

/** Limits that keep hostile input cheap. */
export const grammarLimits = { inValues: 100, valueLength: 200, likeWildcards: 10, clauses: 20 } as const

const fail = (path: string, message: string): Effect.Effect<never, ValidationFailed> =>
  Effect.fail(validationFailed([path], message))

const integerPattern = /^-?\d{1,18}$/u
const decimalPattern = /^-?\d{1,18}(\.\d{1,18})?$/u

const parseDecimal = (text: string): Decimal | null => {
  if (!decimalPattern.test(text)) return null
  const [whole = "0", fraction = ""] = text.replace(/^-/u, "").split(".")
  const units = BigInt(`${whole}${fraction}`)
  return { units: text.startsWith("-") ? -units : units, scale: fraction.length }
}

const compareDecimal = (a: Decimal, b: Decimal): number => {
  const scale = Math.max(a.scale, b.scale)
  const left = a.units * 10n ** BigInt(scale - a.scale)
  const right = b.units * 10n ** BigInt(scale - b.scale)
  return left < right ? -1 : left > right ? 1 : 0
}

/** Minor units of a currency as an exact decimal in major units. */
export const decimalOfMinor = (amount: bigint, currency: CurrencyCode): Decimal => ({
  units: amount,
  scale: exponentOf(currency)
})

const parseScalar = (
  path: string,
  field: string,
  spec: FieldSpec,
  text: string
): Effect.Effect<bigint | Decimal | string | boolean, ValidationFailed> => {
  if (text === "") return fail(path, `${field}: empty value`)
  if (text.length > grammarLimits.valueLength) {
    return fail(path, `${field}: a value may have at most ${grammarLimits.valueLength} characters`)
  }
  switch (spec.kind) {
    case "integer":
      return integerPattern.test(text)
        ? Effect.succeed(BigInt(text))
        : fail(path, `${field}: "${text}" is not a whole number`)
    case "decimal": {
      const decimal = parseDecimal(text)
      return decimal === null ? fail(path, `${field}: "${text}" is not a decimal number`) : Effect.succeed(decimal)
    }
    case "date":
      return Result.isSuccess(elevateDate.parse(text))
        ? Effect.succeed(text)
        : fail(path, `${field}: "${text}" is not a date as yyyy-MM-dd`)
    case "boolean":
      return text === "true" || text === "false"
        ? Effect.succeed(text === "true")
        : fail(path, `${field}: "${text}" is not true or false`)
    case "enum":
      return spec.values?.includes(text)
        ? Effect.succeed(text)
        : fail(path, `${field}: "${text}" is not one of ${(spec.values ?? []).join(", ")}`)
    case "text":
      return Effect.succeed(text)
  }
}

const operators = ["in", "like", "lt", "gt", "gtn"] as const

/**
 * Parses one expression (`value`, `in:x,y`, `like:x%`, `lt:…`, `gt:…`, `gtn:…`) for `field`.
 * `path` names the query parameter in error messages.
 */
export const parseExpression = (
  path: string,
  field: string,
  spec: FieldSpec,
  expression: string
): Effect.Effect<Condition, ValidationFailed> =>
  Effect.gen(function* () {
    const colon = expression.indexOf(":")
    const prefix = colon > 0 ? expression.slice(0, colon) : ""
    const op = (operators as ReadonlyArray<string>).includes(prefix) ? (prefix as (typeof operators)[number]) : "eq"
    const rest = op === "eq" ? expression : expression.slice(colon + 1)
    if (op === "like" && spec.kind !== "text" && spec.kind !== "enum") {
      return yield* fail(path, `${field}: like: applies to text fields only`)
    }
    if (
      (op === "lt" || op === "gt" || op === "gtn") &&
      (spec.kind === "text" || spec.kind === "enum" || spec.kind === "boolean")
    ) {
      return yield* fail(path, `${field}: ${op}: applies to numbers, dates and timestamps only`)
    }
    if (op === "in" && spec.kind === "boolean") return yield* fail(path, `${field}: in: does not apply to booleans`)
    if (op === "like") {
      if (rest === "") return yield* fail(path, `${field}: like: needs a pattern`)
      if (rest.length > grammarLimits.valueLength) {
        return yield* fail(path, `${field}: a pattern may have at most ${grammarLimits.valueLength} characters`)
      }
      if ((rest.match(/%/gu)?.length ?? 0) > grammarLimits.likeWildcards) {
        return yield* fail(path, `${field}: a pattern may have at most ${grammarLimits.likeWildcards} % wildcards`)
      }
      return { field, kind: spec.kind as "text" | "enum", op: "like", values: [rest] }
    }
    const texts = op === "in" ? rest.split(",") : [rest]
    if (texts.length > grammarLimits.inValues) {
      return yield* fail(path, `${field}: in: takes at most ${grammarLimits.inValues} values, got ${texts.length}`)
    }
    const values = yield* Effect.forEach(texts, (text) => parseScalar(path, field, spec, text))
    const conditionOp = op === "in" ? "in" : op
    switch (spec.kind) {
      case "integer":
        return { field, kind: "integer", op: conditionOp, values: values as Array<bigint> }
      case "decimal":
        return { field, kind: "decimal", op: conditionOp, values: values as Array<Decimal> }
      case "date":
        return { field, kind: "date", op: conditionOp, values: values as Array<string> }
      case "boolean":
        return { field, kind: "boolean", op: "eq", values: values as Array<boolean> }
      case "text":
      case "enum":
        return { field, kind: spec.kind, op: conditionOp as "eq" | "in", values: values as Array<string> }
    }
  })

/**
 * Parses the `filter` parameter: clauses joined by `;`, each `field=expression`, or a bare
 * expression matched against the `searchFields` (text search). Unknown fields are refused.
 */
export const parseFilterParameter = (
  text: string,
  specs: FieldSpecs,
  searchFields: ReadonlyArray<string>
): Effect.Effect<{ conditions: Array<Condition>; textSearch: Array<AnyOfCondition> }, ValidationFailed> =>
  Effect.gen(function* () {
    const clauses = text.split(";").filter((clause) => clause.trim() !== "")
    if (clauses.length > grammarLimits.clauses) {
      return yield* fail("filter", `at most ${grammarLimits.clauses} filter clauses, got ${clauses.length}`)
    }
    const conditions: Array<Condition> = []
    const textSearch: Array<AnyOfCondition> = []
    for (const clause of clauses) {
      const equals = clause.indexOf("=")
      if (equals < 0) {
        const condition = yield* parseExpression("filter", "filter", { kind: "text" }, clause)
        textSearch.push({ fields: searchFields, condition })
        continue
      }
      const field = clause.slice(0, equals).trim()
      const spec = specs[field]
      if (field === "" || spec === undefined || !Object.hasOwn(specs, field)) {
        return yield* fail(
          "filter",
          `unknown filter field "${field.slice(0, 60)}"; filterable fields: ${Object.keys(specs).join(", ")}`
        )
      }
      conditions.push(yield* parseExpression("filter", field, spec, clause.slice(equals + 1)))
    }
    return { conditions, textSearch }
  })

/** Parses `sort` (`a,b:desc`) against the sortable fields. */
export const parseSort = (
  text: string | undefined,
  specs: FieldSpecs
): Effect.Effect<Array<SortKey>, ValidationFailed> =>
  Effect.gen(function* () {
    if (text === undefined || text.trim() === "") return []
    const keys: Array<SortKey> = []
    for (const part of text.split(",")) {
      const [name = "", direction, ...extra] = part.trim().split(":")
      if (
        !Object.hasOwn(specs, name) ||
        extra.length > 0 ||
        (direction !== undefined && direction !== "desc" && direction !== "asc")
      ) {
        return yield* fail(
          "sort",
          `cannot sort by "${part.trim().slice(0, 60)}"; sortable fields: ${Object.keys(specs).join(", ")} (suffix :desc)`
        )
      }
      keys.push({ field: name, descending: direction === "desc" })
    }
    return keys
  })

/** Parses `fields` against the fields of the resource. */
export const parseFields = (
  text: string | undefined,
  known: ReadonlyArray<string>
): Effect.Effect<Array<string> | null, ValidationFailed> =>
  Effect.gen(function* () {
    if (text === undefined || text.trim() === "") return null
    const fields = text.split(",").map((field) => field.trim())
    const unknown = fields.filter((field) => !known.includes(field))
    if (unknown.length > 0) {
      return yield* fail(
        "fields",
        `unknown field(s) ${unknown.map((f) => `"${f.slice(0, 60)}"`).join(", ")}; fields: ${known.join(", ")}`
      )
    }
    return fields
  })

/** `true` / `false` query flags (`excludeDebits`, `excludeCredits`). */
export const parseFlag = (name: string, text: string | undefined): Effect.Effect<boolean, ValidationFailed> =>
  text === undefined || text === "" || text === "false"
    ? Effect.succeed(false)
    : text === "true"
      ? Effect.succeed(true)
      : fail(name, `${name}: "${text.slice(0, 60)}" is not true or false`)

const likeMatcher = (pattern: string): RegExp => {
  const contains = !pattern.includes("%")
  const body = Array.from(pattern, (char) =>
    char === "%" ? ".*" : char === "_" ? "." : char.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")
  ).join("")
  return new RegExp(contains ? `^.*${body}.*$` : `^${body}$`, "isu")
}

const compareValues = (a: FieldValue, b: FieldValue): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === "object" && typeof b === "object") return compareDecimal(a, b)
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1
  const left = String(a)
  const right = String(b)
  return left < right ? -1 : left > right ? 1 : 0
}

/** Does `value` satisfy `condition`? Missing values only match `gtn:` (greater than, or null). */
export const matches = (condition: Condition, value: FieldValue): boolean => {
  if (value === null) return condition.op === "gtn"
  switch (condition.op) {
    case "like":
      return condition.values.some((pattern) => likeMatcher(pattern).test(String(value)))
    case "eq":
    case "in":
      return (condition.values as ReadonlyArray<FieldValue>).some((wanted) => compareValues(value, wanted) === 0)
    case "lt":
      return (condition.values as ReadonlyArray<FieldValue>).every((bound) => compareValues(value, bound) < 0)
    case "gt":
    case "gtn":
      return (condition.values as ReadonlyArray<FieldValue>).every((bound) => compareValues(value, bound) > 0)
  }
}

/** The rows of the requested page: those satisfying every condition, sorted (then by id). */
export const selectPage = <Row>(
  rows: ReadonlyArray<Row>,
  query: ListQuery,
  fieldValue: (row: Row, field: string) => FieldValue,
  defaultSort: ReadonlyArray<SortKey> = [{ field: "id", descending: false }]
): Array<Row> => {
  const kept = rows.filter(
    (row) =>
      query.conditions.every((condition) => matches(condition, fieldValue(row, condition.field))) &&
      query.textSearch.every((search) =>
        search.fields.some((field) => matches(search.condition, fieldValue(row, field)))
      )
  )
  const keys = [...query.sort, ...defaultSort]
  kept.sort((a, b) => {
    for (const key of keys) {
      const order = compareValues(fieldValue(a, key.field), fieldValue(b, key.field))
      if (order !== 0) return key.descending ? -order : order
    }
    return 0
  })
  const start = (query.page - 1) * query.pageSize
  return kept.slice(start, start + query.pageSize)
}

/** Keeps only the requested `fields` of a wire body (all of them without `fields`). */
export const projectFields = (body: Record<string, unknown>, fields: ListQuery["fields"]): Record<string, unknown> =>
  fields === null ? body : Object.fromEntries(Object.entries(body).filter(([field]) => fields.includes(field)))

/** Does the query filter or sort on one of `fields` (so every row needs them before paging)? */
export const queryUses = (query: ListQuery, fields: ReadonlyArray<string>): boolean =>
  query.conditions.some((condition) => fields.includes(condition.field)) ||
  query.sort.some((key) => fields.includes(key.field))

/** Rows that satisfy every condition, sorted, paged and projected — the tail of every list. */
export const applyListQuery = <Row>(
  rows: ReadonlyArray<Row>,
  query: ListQuery,
  fieldValue: (row: Row, field: string) => FieldValue,
  wire: (row: Row) => Record<string, unknown>,
  defaultSort?: ReadonlyArray<SortKey>
): Array<Record<string, unknown>> =>
  selectPage(rows, query, fieldValue, defaultSort).map((row) => projectFields(wire(row), query.fields))

/** The common list parameters, parsed. */
export const parseListQuery = (
  params: {
    readonly page: number
    readonly pageSize: number
    readonly sort?: string | undefined
    readonly fields?: string | undefined
    readonly filter?: string | undefined
  },
  specs: FieldSpecs,
  options: {
    readonly searchFields?: ReadonlyArray<string>
    /** Per-field filter parameters (e.g. `customerPaymentType=in:CUSTOMER`), by field name. */
    readonly fieldFilters?: Readonly<Record<string, string | undefined>>
  } = {}
): Effect.Effect<ListQuery, ValidationFailed> =>
  Effect.gen(function* () {
    const parsedFilter =
      params.filter === undefined || params.filter === ""
        ? { conditions: [], textSearch: [] }
        : yield* parseFilterParameter(params.filter, specs, options.searchFields ?? [])
    const conditions = [...parsedFilter.conditions]
    for (const [field, expression] of Object.entries(options.fieldFilters ?? {})) {
      const spec = specs[field]
      if (expression === undefined || expression === "" || spec === undefined) continue
      conditions.push(yield* parseExpression(field, field, spec, expression))
    }
    return {
      conditions,
      textSearch: parsedFilter.textSearch,
      sort: yield* parseSort(params.sort, specs),
      fields: yield* parseFields(params.fields, Object.keys(specs)),
      page: params.page,
      pageSize: params.pageSize
    }
  })

// ---------------------------------------------------------------- compiling into ledger queries

const shiftDate = (date: string, days: number): BusinessDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * The part of a customer-payments query the ledger can answer itself: date bounds on
 * `paymentDate` and a lower bound on `id`. Every condition is still checked row by row, so this
 * only narrows what is read.
 */
export const compilePaymentQuery = (conditions: ReadonlyArray<Condition>): Partial<PaymentQueryInput> => {
  let from: BusinessDate | undefined
  let to: BusinessDate | undefined
  let idAfter: number | undefined
  const later = (a: BusinessDate | undefined, b: BusinessDate) => (a === undefined || b > a ? b : a)
  const earlier = (a: BusinessDate | undefined, b: BusinessDate) => (a === undefined || b < a ? b : a)
  for (const condition of conditions) {
    if (condition.kind === "date" && condition.field === "paymentDate") {
      const [value] = condition.values
      if (value === undefined) continue
      if (condition.op === "eq") {
        from = later(from, value)
        to = earlier(to, value)
      } else if (condition.op === "gt" || condition.op === "gtn") from = later(from, shiftDate(value, 1))
      else if (condition.op === "lt") to = earlier(to, shiftDate(value, -1))
    }
    if (condition.kind === "integer" && condition.field === "id" && condition.op === "gt") {
      const [value] = condition.values
      if (value !== undefined && value > 0n && value < BigInt(Number.MAX_SAFE_INTEGER)) {
        idAfter = Math.max(idAfter ?? 0, Number(value))
      }
    }
  }
  return {
    ...(from === undefined ? {} : { paymentDateFrom: from }),
    ...(to === undefined ? {} : { paymentDateTo: to }),
    ...(idAfter === undefined ? {} : { idAfter })
  }
}

/** The customer-payment fields, as the list grammar sees them. */
export const customerPaymentFields: FieldSpecs = {
  id: { kind: "integer" },
  customerId: { kind: "integer" },
  amountInMajorCurrency: { kind: "decimal" },
  resultingCustomerBalance: { kind: "decimal" },
  currencyId: { kind: "integer" },
  description: { kind: "text" },
  reference: { kind: "text" },
  type: { kind: "enum", values: paymentMethods },
  paymentDate: { kind: "date" },
  customerPaymentType: { kind: "enum", values: ["CUSTOMER", "INVOICE"] },
  txnType: { kind: "enum", values: ["PAYMENT", "DEBIT", "INVOICE_CREATED"] },
  invoiceNumber: { kind: "text" },
  invoiceId: { kind: "integer" },
  billRunType: { kind: "enum", values: ["NORMAL", "ADHOC"] }
}

export const customerPaymentValue = (row: CustomerPaymentRow, field: string): FieldValue => {
  switch (field) {
    case "id":
      return BigInt(row.id)
    case "customerId":
      return BigInt(row.customerId)
    case "amountInMajorCurrency":
      return decimalOfMinor(row.amount, row.currency)
    case "resultingCustomerBalance":
      return row.resultingBalance === null ? null : decimalOfMinor(row.resultingBalance, row.currency)
    case "currencyId":
      return BigInt(currencyIdOf(row.currency))
    case "invoiceId":
      return row.invoiceId === null ? null : BigInt(row.invoiceId)
    case "description":
    case "reference":
    case "type":
    case "paymentDate":
    case "customerPaymentType":
    case "txnType":
    case "invoiceNumber":
    case "billRunType":
      return row[field]
    default:
      return null
  }
}
