/**
 * Billing Platform (UK) wire schemas: the JSON of its `/backend/api/v1` payments API as the vendor
 * documents it — a payment object with exactly the documented fields, the create and modify
 * bodies, the list query (flags, dates, datetimes, incremental-sync parameters) and the error body
 * Paybridge chose for this dialect. Amounts are "Currency": major units, read as an exact JSON
 * number or a decimal string (negative allowed: a refund), written as an exact JSON number with
 * the currency's decimals (`12.50`). Dates are `YYYY-MM-DD`; datetimes ISO 8601, read as
 * Europe/London local time when they carry no offset.
 */
import { DateFormats, MoneyFormats } from "@paybridge/adapter-kit"
import { PaymentId } from "@paybridge/core"
import { Result, Schema, SchemaGetter } from "effect"

/** Amounts on input: exact JSON number or decimal string, negative allowed (a refund). */
export const bpukMoney = MoneyFormats.majorUnitNumber({ allowNegative: true, acceptStrings: true })

const Text = Schema.String.check(Schema.isMaxLength(200))
const NullableText = Schema.NullOr(Text)

/** One payment (or a refund shown as a negative payment) exactly as the vendor documents it. */
export const BpukPayment = Schema.Struct({
  id: Schema.String.annotate({ description: "Payment ID: the ledger's payment id, or `R<n>` for a refund row" }),
  ourReference: Schema.NullOr(Schema.String).annotate({ description: "Internal reference number" }),
  customerReference: Schema.NullOr(Schema.String).annotate({ description: "Reference provided by the customer" }),
  paymentDate: DateFormats.businessDate.schema,
  paymentReversedDate: Schema.NullOr(DateFormats.businessDate.schema).annotate({
    description: "Date the payment was reversed (the reversal's effective date), null unless reversed"
  }),
  status: Schema.Array(Schema.String).annotate({
    description: "Status names currently active, from the configurable preset list"
  }),
  paymentAmount: MoneyFormats.exactJsonNumber("amount in the customer's currency; negative for a refund"),
  paymentMethod: Schema.String.annotate({ description: 'Payment method preset name, or "Customer Default"' }),
  invoiceID: Schema.NullOr(Schema.String).annotate({ description: "Display on Invoice" }),
  invoiceIDReversed: Schema.NullOr(Schema.String).annotate({ description: "Display Reversal On Invoice" })
}).annotate({ identifier: "BillingPlatformUkPayment" })
export type BpukPayment = typeof BpukPayment.Type

export const BpukPaymentList = Schema.Array(BpukPayment).annotate({ identifier: "BillingPlatformUkPaymentList" })

/**
 * The ledger's ids are positive 32-bit integers (PostgreSQL `serial` columns), so a longer digit
 * string names nothing — and one beyond 2^53 would not even survive `Number` (16 nines read as
 * 10000000000000000). Ids are therefore checked as text, before any conversion.
 */
export const maxLedgerId = 2_147_483_647

/**
 * The ledger id of one kind (`PaymentId`, `CustomerId`…) a digit string names, decoded with that
 * id's schema, or `null` when it is not one (not digits, or out of range).
 */
export const ledgerIdOf = <Id>(kind: Schema.Codec<Id, number>, text: string): Id | null => {
  if (!/^[1-9]\d{0,9}$/u.test(text)) return null
  const id = Number(text)
  return id <= maxLedgerId ? Schema.decodeSync(kind)(id) : null
}

/** `POST customers/ID/payments/`. */
export const BpukCreatePayment = Schema.Struct({
  paymentAmount: bpukMoney.schema,
  paymentDate: Schema.optionalKey(DateFormats.businessDate.schema),
  ourReference: Schema.optionalKey(NullableText),
  customerReference: Schema.optionalKey(NullableText),
  paymentMethod: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))),
  invoiceID: Schema.optionalKey(NullableText),
  invoiceIDReversed: Schema.optionalKey(NullableText),
  paymentReversedDate: Schema.optionalKey(Schema.NullOr(DateFormats.businessDate.schema)),
  status: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Paybridge extension: the payment a refund (negative amount) is paid back from. */
  refundOfPaymentID: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter((text: string) => ledgerIdOf(PaymentId, text) !== null, {
        expected: `a payment id (digits, 1 to ${maxLedgerId})`
      })
    ).pipe(
      Schema.decodeTo(PaymentId, { decode: SchemaGetter.transform(Number), encode: SchemaGetter.transform(String) })
    )
  )
}).annotate({ identifier: "BillingPlatformUkCreatePayment" })
export type BpukCreatePayment = typeof BpukCreatePayment.Type

/** A reversal date on PATCH: a date reverses, `null` or `""` reinstates. */
const ReversedDateInput = Schema.Union([Schema.Null, Schema.Literal(""), DateFormats.businessDate.schema]).annotate({
  description: 'YYYY-MM-DD reverses the payment on that date; null or "" reinstates it'
})

/** `PATCH payments/ID`: every field optional; `id` and `status` may be echoed back. */
export const BpukModifyPayment = Schema.Struct({
  id: Schema.optionalKey(Schema.String),
  paymentAmount: Schema.optionalKey(bpukMoney.schema),
  paymentDate: Schema.optionalKey(DateFormats.businessDate.schema),
  ourReference: Schema.optionalKey(NullableText),
  customerReference: Schema.optionalKey(NullableText),
  paymentMethod: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))),
  invoiceID: Schema.optionalKey(NullableText),
  invoiceIDReversed: Schema.optionalKey(NullableText),
  paymentReversedDate: Schema.optionalKey(ReversedDateInput),
  status: Schema.optionalKey(Schema.Array(Schema.String))
}).annotate({ identifier: "BillingPlatformUkModifyPayment" })
export type BpukModifyPayment = typeof BpukModifyPayment.Type

/** A payment id in the path: a ledger payment id, or `R<n>` for a refund row. */
export const BpukPaymentPath = Schema.Struct({
  id: Schema.String.check(
    Schema.isPattern(/^(?:R[1-9]\d{0,15}|[1-9]\d{0,15}(?:-R)?)$/u, {
      expected:
        "a payment id (digits; digits-R for the reversed part of a partly reversed payment; R and digits for a refund)"
    })
  )
})

/** A customer id in the path, kept as written: the handler answers 404 for one beyond the ledger's range. */
const CustomerIdText = Schema.String.check(Schema.isPattern(/^[1-9]\d{0,15}$/u, { expected: "a customer id (digits)" }))
export const BpukCustomerPath = Schema.Struct({ customerId: CustomerIdText })

/** A flag is on when present without a value, or `1`/`true`; `0`/`false` turn it off. */
const Flag = Schema.Literals(["", "1", "true", "0", "false"])
  .annotate({ description: "flag: present (`?reversed`), `1` or `true` switch it on; `0`/`false` off" })
  .pipe(
    Schema.decodeTo(Schema.Boolean, {
      decode: SchemaGetter.transform((text: "" | "1" | "true" | "0" | "false") => text !== "0" && text !== "false"),
      encode: SchemaGetter.transform((on: boolean) => (on ? ("1" as const) : ("0" as const)))
    })
  )

const localPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/u

/** Offset of Europe/London from UTC (minutes) at the given instant. */
const londonOffsetMinutes = (at: number): number => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit"
  }).formatToParts(new Date(at))
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? "0")
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"))
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000)
}

/**
 * A datetime filter value: ISO 8601 with `Z` or an offset, or without one (Europe/London local
 * time, the vendor's zone); a bare `YYYY-MM-DD` means midnight in London; `T` or a space.
 */
export const parseBpukDateTime = (text: string): Result.Result<Date, string> => {
  const m = localPattern.exec(text)
  const expected = `expected an ISO 8601 datetime such as 2024-05-01T09:30:00Z, got "${text}"`
  if (!m) return Result.fail(expected)
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction, zone] = m
  const date = DateFormats.parseBusinessDate(`${y}-${mo}-${d}`)
  if (Result.isFailure(date) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return Result.fail(expected)
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, "0").slice(0, 3))
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis)
  if (zone === "Z") return Result.succeed(new Date(wall))
  if (zone !== undefined) {
    const sign = zone.startsWith("-") ? -1 : 1
    const digits = zone.slice(1).replace(":", "")
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
    return Result.succeed(new Date(wall - offset * 60_000))
  }
  // Local London time: the offset at the wall time read as UTC, corrected once around a change.
  const first = wall - londonOffsetMinutes(wall) * 60_000
  return Result.succeed(new Date(wall - londonOffsetMinutes(first) * 60_000))
}

const DateTime = Schema.String.annotate({
  description: "ISO 8601 datetime; without an offset it is Europe/London local time"
})
  .check(
    Schema.makeFilter((text: string) =>
      Result.match(parseBpukDateTime(text), { onFailure: (m) => m, onSuccess: () => undefined })
    )
  )
  .pipe(
    Schema.decodeTo(Schema.instanceOf(Date), {
      decode: SchemaGetter.transform((text: string) => Result.getOrThrow(parseBpukDateTime(text))),
      encode: SchemaGetter.transform((at: Date) => at.toISOString())
    })
  )

const IdAfter = Schema.String.annotate({
  description:
    "only rows made after the row with this id (one sequence of payment rows `N`, reversed parts `N-R` and refund rows `R<N>`); 0 for every row"
}).check(
  Schema.isPattern(/^(?:R\d{1,16}|\d{1,16}(?:-R)?)$/u, { expected: "a row id (digits, digits-R, or R and digits)" })
)

/** The list query of both list endpoints. */
export const BpukListQuery = Schema.Struct({
  reversed: Schema.optionalKey(Flag),
  includeReversed: Schema.optionalKey(Flag),
  minDate: Schema.optionalKey(DateFormats.businessDate.schema),
  maxDate: Schema.optionalKey(DateFormats.businessDate.schema),
  minReversedDate: Schema.optionalKey(DateFormats.businessDate.schema),
  maxReversedDate: Schema.optionalKey(DateFormats.businessDate.schema),
  reversedSince: Schema.optionalKey(DateTime),
  reinstatedSince: Schema.optionalKey(DateTime),
  collectedSince: Schema.optionalKey(DateTime),
  cancelledSince: Schema.optionalKey(DateTime),
  idAfter: Schema.optionalKey(IdAfter),
  createdSince: Schema.optionalKey(DateTime),
  updatedSince: Schema.optionalKey(DateTime)
})
export type BpukListQuery = typeof BpukListQuery.Type

/** Every error this dialect answers (Paybridge's choice; the vendor documents none). */
export const BpukError = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    fields: Schema.optionalKey(Schema.Array(Schema.Struct({ field: Schema.String, message: Schema.String }))),
    requestId: Schema.String
  })
}).annotate({ identifier: "BillingPlatformUkError" })

/** The response of an endpoint answering one payment object. */
export const paymentResponse = { description: "The payment", schema: BpukPayment }
