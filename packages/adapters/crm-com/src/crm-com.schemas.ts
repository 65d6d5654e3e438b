/**
 * CRM.COM Web API v4 wire schemas: the JSON shapes of its requests, responses and errors as the
 * vendor documents them. Every answer is the envelope `{"status":{"message","description","code"},"data":…}`;
 * identifiers are objects naming exactly one of their allowed fields (`{"reference_number":"117"}` in a
 * JSON body, `payment_identifier=reference_number=117` in a GET query string); amounts are JSON
 * numbers in major units on output and numbers or decimal strings on input; datetimes are
 * `yyyy-MM-ddTHH:mm:ss` without zone (UTC); ids are 32-character uppercase hex; `number` and
 * `reference_number` are numeric strings.
 */
import { DateFormats, MoneyFormats } from "@paybridge/adapter-kit"
import { Schema, SchemaGetter } from "effect"

/** Amounts: exact JSON numbers in major units (`60`, `12.5`); decimal strings accepted on input (`"50"`). */
export const crmMoney = MoneyFormats.majorUnitNumber({ acceptStrings: true })

/** Datetimes: `yyyy-MM-ddTHH:mm:ss`, read and written as UTC. */
export const crmDateTime = DateFormats.localDateTime

/** The allowed fields of every identifier object (vendor-notes §2.2). */
export const identifierFields = {
  payment_identifier: ["id", "number", "reference_number", "back_office_code"],
  accounts_receivable_identifier: ["id", "number", "name"],
  invoice_identifier: ["id", "number", "reference_number", "back_office_code"],
  bill_identifier: ["id", "number", "reference_number", "back_office_code"],
  type_identifier: ["id", "name", "alternative_code"],
  category_identifier: ["id", "name", "alternative_code"],
  payment_method_identifier: ["id", "name", "alternative_code"],
  rejection_reason_identifier: ["id", "name", "alternative_code"],
  received_by_user_identifier: ["id", "username"],
  received_by_unit_identifier: ["id", "name", "alternative_code"],
  card_identifier: ["id", "payment_gateway_reference_number"]
} as const

export type IdentifierName = keyof typeof identifierFields
export type IdentifierField<N extends IdentifierName> = (typeof identifierFields)[N][number]

/** A decoded identifier: the one field it names and that field's value. */
export interface Identifier<N extends IdentifierName> {
  readonly name: N
  readonly field: IdentifierField<N>
  readonly value: string
}

const identifierProblem = (name: IdentifierName, given: ReadonlyArray<string>): string | undefined => {
  const allowed: ReadonlyArray<string> = identifierFields[name]
  const unknown = given.filter((field) => !allowed.includes(field))
  const list = allowed.join(", ")
  if (unknown.length > 0) {
    return `unknown field ${unknown.join(", ")}: the allowed ${name} fields are ${list}`
  }
  if (given.length !== 1) {
    return `exactly one of the semi-optional fields ${list} must be specified (got ${given.length === 0 ? "none" : given.join(" and ")})`
  }
  return undefined
}

const IdentifierValue = Schema.Union([Schema.String.check(Schema.isMinLength(1)), Schema.Int]).annotate({
  description: "a string (numbers are accepted and read as their digits)"
})

const toIdentifier =
  <N extends IdentifierName>(name: N) =>
  (record: Readonly<Record<string, string | number>>): Identifier<N> => {
    const [field, value] = Object.entries(record)[0] as [IdentifierField<N>, string | number]
    return { name, field, value: String(value) }
  }

const identifierOutput = <N extends IdentifierName>(name: N) =>
  Schema.declare(
    (value: unknown): value is Identifier<N> =>
      typeof value === "object" && value !== null && "name" in value && value.name === name
  )

/** An identifier object in a JSON body: exactly one of its allowed fields. */
export const bodyIdentifier = <N extends IdentifierName>(name: N) =>
  Schema.Record(Schema.String, IdentifierValue)
    .annotate({ description: `${name}: exactly one of ${identifierFields[name].join(", ")}` })
    .check(Schema.makeFilter((record) => identifierProblem(name, Object.keys(record)), { expected: name }))
    .pipe(
      Schema.decodeTo(identifierOutput(name), {
        decode: SchemaGetter.transform(toIdentifier(name)),
        encode: SchemaGetter.transform((identifier: Identifier<N>) => ({ [identifier.field]: identifier.value }))
      })
    )

const queryIdentifierPattern = /^([A-Za-z_]*)=([\s\S]*)$/u

/** An identifier in a GET query string: `param=field=value` (the query value is `field=value`). */
export const queryIdentifier = <N extends IdentifierName>(name: N) =>
  Schema.String.annotate({ description: `field=value, one of ${identifierFields[name].join(", ")}` })
    .check(
      Schema.makeFilter((text: string) => {
        const match = queryIdentifierPattern.exec(text)
        if (match === null) return `expected field=value with one of ${identifierFields[name].join(", ")}`
        if ((match[2] ?? "") === "") return `the value of ${match[1]} must not be empty`
        return identifierProblem(name, [match[1] ?? ""])
      })
    )
    .pipe(
      Schema.decodeTo(identifierOutput(name), {
        decode: SchemaGetter.transform((text: string) => {
          const match = queryIdentifierPattern.exec(text) as RegExpExecArray
          return { name, field: match[1] as IdentifierField<N>, value: match[2] as string }
        }),
        encode: SchemaGetter.transform((identifier: Identifier<N>) => `${identifier.field}=${identifier.value}`)
      })
    )

/** `fields_set`: a comma-separated list of (possibly dotted) field names. */
export const FieldsSet = Schema.String.annotate({
  description: "comma-separated fields to return, e.g. id,number,accounts_receivable.name"
}).pipe(
  Schema.decodeTo(Schema.Array(Schema.String), {
    decode: SchemaGetter.transform((text: string) =>
      text
        .split(",")
        .map((field) => field.trim())
        .filter((field) => field !== "")
    ),
    encode: SchemaGetter.transform((fields: ReadonlyArray<string>) => fields.join(","))
  })
)

const Token = Schema.String.annotate({ description: "the token retrieved from authentication/token" })
const PositiveCount = Schema.FiniteFromString.check(Schema.isInt(), Schema.isGreaterThan(0))

/** `GET payments/show` */
export const ShowQuery = Schema.Struct({
  token: Schema.optionalKey(Token),
  payment_identifier: queryIdentifier("payment_identifier"),
  fields_set: Schema.optionalKey(FieldsSet)
})

const listFilters = {
  token: Schema.optionalKey(Token),
  accounts_receivable_identifier: queryIdentifier("accounts_receivable_identifier"),
  type_identifier: Schema.optionalKey(queryIdentifier("type_identifier")),
  category_identifier: Schema.optionalKey(queryIdentifier("category_identifier")),
  payment_method_identifier: Schema.optionalKey(queryIdentifier("payment_method_identifier")),
  fields_set: Schema.optionalKey(FieldsSet)
}

/** `GET payments/list` */
export const ListQuery = Schema.Struct(listFilters)
export type ListQuery = typeof ListQuery.Type

/** `GET payments/get_latest` */
export const LatestQuery = Schema.Struct({
  ...listFilters,
  number: PositiveCount.annotate({ description: "how many payments, newest first" })
})

const UdfString = Schema.optionalKey(Schema.NullOr(Schema.String.check(Schema.isMaxLength(4000))))
const UdfFloat = Schema.optionalKey(
  Schema.NullOr(MoneyFormats.majorUnitNumber({ acceptStrings: true, allowNegative: true }).schema)
)
const UdfDate = Schema.optionalKey(Schema.NullOr(crmDateTime.schema))

/** The user-defined fields every write method accepts. */
export const udfFields = {
  udf_string_1: UdfString,
  udf_string_2: UdfString,
  udf_string_3: UdfString,
  udf_string_4: UdfString,
  udf_string_5: UdfString,
  udf_string_6: UdfString,
  udf_string_7: UdfString,
  udf_string_8: UdfString,
  udf_float_1: UdfFloat,
  udf_float_2: UdfFloat,
  udf_float_3: UdfFloat,
  udf_float_4: UdfFloat,
  udf_date_1: UdfDate,
  udf_date_2: UdfDate,
  udf_date_3: UdfDate,
  udf_date_4: UdfDate
}
export const udfNames = Object.keys(udfFields) as ReadonlyArray<keyof typeof udfFields>
export type UdfName = keyof typeof udfFields
export type UdfInput = { readonly [K in UdfName]?: string | Date | null }

const Text = (max: number) => Schema.String.check(Schema.isMaxLength(max))

const receivedFields = {
  received_on: Schema.optionalKey(crmDateTime.schema),
  received_by_user_identifier: Schema.optionalKey(bodyIdentifier("received_by_user_identifier")),
  received_by_unit_identifier: Schema.optionalKey(bodyIdentifier("received_by_unit_identifier")),
  card_identifier: Schema.optionalKey(bodyIdentifier("card_identifier")),
  description: Schema.optionalKey(Schema.NullOr(Text(1000))),
  notes: Schema.optionalKey(Schema.NullOr(Text(4000)))
}

/** `POST payments/create` */
export const CreateBody = Schema.Struct({
  token: Schema.optionalKey(Token),
  accounts_receivable_identifier: bodyIdentifier("accounts_receivable_identifier"),
  type_identifier: bodyIdentifier("type_identifier"),
  life_cycle_state: Schema.Literals(["DRAFT", "POSTED"]),
  payment_method_identifier: bodyIdentifier("payment_method_identifier"),
  payment_amount: crmMoney.schema,
  category_identifier: Schema.optionalKey(bodyIdentifier("category_identifier")),
  ...receivedFields,
  invoices_to_pay_set: Schema.optionalKey(
    Schema.Array(Schema.Struct({ invoice_identifier: bodyIdentifier("invoice_identifier") }))
  ),
  bills_to_pay_set: Schema.optionalKey(
    Schema.Array(Schema.Struct({ bill_identifier: bodyIdentifier("bill_identifier") }))
  ),
  ...udfFields
}).annotate({ identifier: "CrmComCreatePayment" })
export type CreateBody = typeof CreateBody.Type

/** `POST payments/update` (DRAFT payments only) */
export const UpdateBody = Schema.Struct({
  token: Schema.optionalKey(Token),
  payment_identifier: bodyIdentifier("payment_identifier"),
  accounts_receivable_identifier: Schema.optionalKey(bodyIdentifier("accounts_receivable_identifier")),
  type_identifier: Schema.optionalKey(bodyIdentifier("type_identifier")),
  payment_method_identifier: Schema.optionalKey(bodyIdentifier("payment_method_identifier")),
  payment_amount: Schema.optionalKey(crmMoney.schema),
  category_identifier: Schema.optionalKey(Schema.NullOr(bodyIdentifier("category_identifier"))),
  ...receivedFields,
  ...udfFields
}).annotate({ identifier: "CrmComUpdatePayment" })
export type UpdateBody = typeof UpdateBody.Type

const payDocumentFields = {
  token: Schema.optionalKey(Token),
  accounts_receivable_identifier: bodyIdentifier("accounts_receivable_identifier"),
  type_identifier: bodyIdentifier("type_identifier"),
  category_identifier: Schema.optionalKey(bodyIdentifier("category_identifier")),
  payment_method_identifier: bodyIdentifier("payment_method_identifier"),
  ...receivedFields,
  ...udfFields
}

/** `POST payments/pay_invoice` */
export const PayInvoiceBody = Schema.Struct({
  ...payDocumentFields,
  invoice_identifier: bodyIdentifier("invoice_identifier")
}).annotate({ identifier: "CrmComPayInvoice" })
export type PayInvoiceBody = typeof PayInvoiceBody.Type

/** `POST payments/pay_bill` */
export const PayBillBody = Schema.Struct({
  ...payDocumentFields,
  bill_identifier: bodyIdentifier("bill_identifier")
}).annotate({ identifier: "CrmComPayBill" })
export type PayBillBody = typeof PayBillBody.Type

/** `POST payments/post` */
export const PostBody = Schema.Struct({
  token: Schema.optionalKey(Token),
  payment_identifier: bodyIdentifier("payment_identifier")
}).annotate({ identifier: "CrmComPostPayment" })

/** `POST payments/reject` */
export const RejectBody = Schema.Struct({
  token: Schema.optionalKey(Token),
  payment_identifier: bodyIdentifier("payment_identifier"),
  rejection_reason_identifier: bodyIdentifier("rejection_reason_identifier")
}).annotate({ identifier: "CrmComRejectPayment" })

/** `POST payments/cancel` */
export const CancelBody = Schema.Struct({
  token: Schema.optionalKey(Token),
  payment_identifier: bodyIdentifier("payment_identifier"),
  type_identifier: bodyIdentifier("type_identifier"),
  category_identifier: Schema.optionalKey(bodyIdentifier("category_identifier")),
  notes: Schema.optionalKey(Schema.NullOr(Text(4000))),
  issue_reason: Schema.optionalKey(Schema.NullOr(Text(500))),
  ...udfFields
}).annotate({ identifier: "CrmComCancelPayment" })
export type CancelBody = typeof CancelBody.Type

/** `POST authentication/token` */
export const LoginBody = Schema.Struct({
  username: Schema.String.annotate({ description: "the user's e-mail address" }),
  password: Schema.String,
  organisation: Schema.String.check(Schema.isMinLength(1)),
  unit: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1)))
}).annotate({ identifier: "CrmComLogin" })

/** `POST authentication/web_api_key/token` (the key is the HTTP Basic user name) */
export const WebApiKeyBody = Schema.UndefinedOr(
  Schema.Struct({
    unit: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1)))
  }).annotate({ identifier: "CrmComWebApiKeyLogin" })
)

/** `POST authentication/token/release` */
export const ReleaseBody = Schema.Struct({ token: Schema.String }).annotate({ identifier: "CrmComRelease" })

// ---------------------------------------------------------------------------------------------
// Responses

const StatusOk = Schema.Struct({
  message: Schema.Null,
  description: Schema.Null,
  code: Schema.Literal("OK")
})

/** The success envelope around `data`. */
export const envelope = <S extends Schema.Top>(data: S, identifier: string) =>
  Schema.Struct({ status: StatusOk, data }).annotate({ identifier })

/** `life_cycle_state` of the short payment (`payment_short`): the full payment's states plus PENDING_VERIFICATION. */
export const CrmLifeCycleState = Schema.Literals(["DRAFT", "PENDING_VERIFICATION", "POSTED", "REJECTED", "CANCELLED"])
export type CrmLifeCycleState = typeof CrmLifeCycleState.Type
/** `life_cycle_state` of the full payment (`payments/show`): DRAFT, POSTED, REJECTED, CANCELLED only. */
export const CrmFullLifeCycleState = Schema.Literals(["DRAFT", "POSTED", "REJECTED", "CANCELLED"])
export type CrmFullLifeCycleState = typeof CrmFullLifeCycleState.Type

const Id = Schema.String.check(Schema.isPattern(/^[0-9A-F]{32}$/u)).annotate({ description: "32-character hex id" })
const Numeric = Schema.String.annotate({ description: "numeric string" })
const DateTime = crmDateTime.schema
const Amount = crmMoney.schema

/** The short payment every write method answers with. */
export const PaymentShort = Schema.Struct({
  payment_amount: Amount,
  issued_on: DateTime,
  life_cycle_state: CrmLifeCycleState,
  number: Schema.NullOr(Numeric),
  id: Id,
  reference_number: Numeric,
  posted_on: Schema.NullOr(DateTime),
  processed_by_payment_gateway: Schema.optionalKey(Schema.String),
  payment_gateway_reference_number: Schema.optionalKey(Schema.NullOr(Schema.String))
}).annotate({ identifier: "CrmComPaymentShort" })

const Named = Schema.Struct({
  name: Schema.String,
  id: Schema.NullOr(Id),
  description: Schema.NullOr(Schema.String),
  alternative_code: Schema.NullOr(Schema.String)
})

const Unit = Schema.Struct({
  community_name: Schema.NullOr(Schema.String),
  group_name: Schema.NullOr(Schema.String),
  name: Schema.String,
  id: Id,
  description: Schema.NullOr(Schema.String),
  alternative_code: Schema.NullOr(Schema.String)
})

const User = Schema.Struct({
  person_name: Schema.String,
  username: Schema.String,
  id: Id,
  email: Schema.NullOr(Schema.String)
})

const DocumentToPay = Schema.Struct({
  total_amount: Amount,
  issued_on: DateTime,
  life_cycle_state: Schema.Literals(["POSTED", "CANCELLED"]),
  number: Schema.String,
  due_on: Schema.NullOr(DateTime),
  id: Id,
  outstanding_amount: Amount,
  reference_number: Numeric,
  posted_on: DateTime
})

const UdfOutput = Object.fromEntries([
  ...udfNames.filter((name) => name.startsWith("udf_string")).map((name) => [name, Schema.NullOr(Schema.String)]),
  ...udfNames.filter((name) => name.startsWith("udf_float")).map((name) => [name, Schema.NullOr(Amount)]),
  ...udfNames.filter((name) => name.startsWith("udf_date")).map((name) => [name, Schema.NullOr(DateTime)])
]) as { readonly [K in UdfName]: Schema.NullOr<Schema.String> }

/** The full payment of `payments/show` (and of the lists without `fields_set`). */
export const PaymentFull = Schema.Struct({
  id: Id,
  number: Schema.NullOr(Numeric),
  reference_number: Numeric,
  life_cycle_state: CrmFullLifeCycleState,
  payment_amount: Amount,
  issued_on: DateTime,
  posted_on: Schema.NullOr(DateTime),
  received_on: DateTime,
  notes: Schema.optionalKey(Schema.NullOr(Schema.String)),
  description: Schema.optionalKey(Schema.NullOr(Schema.String)),
  processed_by_payment_gateway: Schema.optionalKey(Schema.String),
  payment_gateway_reference_number: Schema.optionalKey(Schema.NullOr(Schema.String)),
  accounts_receivable: Schema.Struct({
    account_owner: Schema.Record(Schema.String, Schema.Unknown),
    life_cycle_state: Schema.Literal("ACTIVE"),
    number: Schema.String,
    name: Schema.String,
    id: Id
  }),
  type: Schema.NullOr(
    Schema.Struct({
      classification: Schema.Literal("PAYMENT"),
      name: Schema.String,
      id: Id,
      description: Schema.NullOr(Schema.String),
      alternative_code: Schema.NullOr(Schema.String)
    })
  ),
  payment_method: Schema.NullOr(Named),
  category: Schema.NullOr(Named),
  rejection_reason: Schema.NullOr(Named),
  received_by_user: Schema.NullOr(User),
  received_by_unit: Schema.NullOr(Unit),
  invoices_to_pay_set: Schema.Array(DocumentToPay),
  bills_to_pay_set: Schema.Array(DocumentToPay),
  log_information: Schema.Struct({
    created_date: DateTime,
    updated_date: DateTime,
    created_by_unit: Schema.NullOr(Unit),
    updated_by_unit: Schema.NullOr(Unit),
    created_by_user: User,
    updated_by_user: User
  }),
  ...UdfOutput
}).annotate({ identifier: "CrmComPayment" })

/** A payment trimmed by `fields_set` (any subset of {@link PaymentFull}). */
export const PaymentFields = Schema.Record(Schema.String, Schema.Unknown).annotate({
  identifier: "CrmComPaymentFields",
  description: "the payment's fields, all of them or those named in fields_set"
})

export const ShowResponse = envelope(PaymentFields, "CrmComShowResponse")
export const ListResponse = envelope(Schema.Array(PaymentFields), "CrmComListResponse")
export const ShortResponse = envelope(PaymentShort, "CrmComPaymentShortResponse")
export const CancelResponse = envelope(
  Schema.Struct({ payment: PaymentShort, payment_cancellation: PaymentShort }),
  "CrmComCancelResponse"
)
export const TokenResponse = envelope(Schema.Struct({ token: Schema.String }), "CrmComTokenResponse")
export const ReleaseResponse = envelope(Schema.Null, "CrmComReleaseResponse")

/** Every error: the same envelope with a non-OK code, a human message and `data: null`. */
export const CrmComError = Schema.Struct({
  status: Schema.Struct({
    message: Schema.String,
    description: Schema.NullOr(Schema.String),
    code: Schema.String.check(
      Schema.makeFilter((code: string) => (code === "OK" ? "an error code is never OK" : undefined))
    )
  }),
  data: Schema.Null
}).annotate({ identifier: "CrmComError" })
