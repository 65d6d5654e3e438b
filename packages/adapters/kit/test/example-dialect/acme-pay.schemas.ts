/**
 * Acme Pay wire schemas: the JSON shapes of its requests, responses and errors, exactly as the
 * (fictional) vendor documents them. Amounts are exact JSON numbers in major units, payment
 * dates `YYYY-MM-DD`, timestamps ISO 8601 with milliseconds; fields are snake_case.
 */
import { DateFormats, MoneyFormats } from "@paybridge/adapter-kit"
import { Schema } from "effect"

/** Acme writes amounts as exact JSON numbers in major units (`12.5`). */
export const acmeMoney = MoneyFormats.majorUnitNumber()

export const AcmeStatus = Schema.Literals(["draft", "processing", "succeeded", "failed", "canceled"])
export type AcmeStatus = typeof AcmeStatus.Type

const Id = Schema.Int.check(Schema.isGreaterThan(0))

export const AcmePayment = Schema.Struct({
  id: Id,
  customer_id: Id,
  amount: acmeMoney.schema,
  currency: Schema.String,
  status: AcmeStatus,
  payment_date: DateFormats.businessDate.schema,
  reference: Schema.NullOr(Schema.String),
  created_at: DateFormats.isoDateTimeMillis.schema
}).annotate({ identifier: "AcmePayment" })

export const AcmePaymentList = Schema.Struct({
  data: Schema.Array(AcmePayment),
  next_cursor: Schema.NullOr(Schema.String)
}).annotate({ identifier: "AcmePaymentList" })

export const AcmeCreatePayment = Schema.Struct({
  customer_id: Id.pipe(Schema.brand("CustomerId")),
  amount: acmeMoney.schema,
  currency: Schema.optionalKey(Schema.String),
  payment_date: Schema.optionalKey(DateFormats.businessDate.schema),
  reference: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(200)))
}).annotate({ identifier: "AcmeCreatePayment" })

export const AcmeRefund = Schema.Struct({
  amount: Schema.optionalKey(acmeMoney.schema),
  reason: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "AcmeRefund" })

export const AcmePaymentPath = Schema.Struct({
  id: Schema.FiniteFromString.check(Schema.isInt(), Schema.isGreaterThan(0)).pipe(Schema.brand("PaymentId"))
})

export const AcmeListQuery = Schema.Struct({
  customer_id: Schema.optionalKey(
    Schema.FiniteFromString.check(Schema.isInt(), Schema.isGreaterThan(0)).pipe(Schema.brand("CustomerId"))
  ),
  limit: Schema.optionalKey(
    Schema.FiniteFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 100 }))
  ),
  cursor: Schema.optionalKey(Schema.String)
})

/** Every Acme error: `{ "error": { "code", "message", "fields"? } }`. */
export const AcmeError = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    fields: Schema.optionalKey(Schema.Array(Schema.Struct({ field: Schema.String, message: Schema.String })))
  })
}).annotate({ identifier: "AcmeError" })
