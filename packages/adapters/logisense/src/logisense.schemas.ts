/**
 * LogiSense Billing v6 wire schemas for the Payment object: the Payment instance and its detail
 * children, the response envelopes (`{totalCount, items}`, `{instance}`, `{pagination,
 * pagedResults}`, `{type, results}`), the request bodies (POST/PUT, PATCH items, Search, and the
 * proposed Reverse/Vendor bodies), the Payment paths and the form-encoded login (the error body
 * is in `logisense.errors.ts`). Amounts are exact JSON numbers in major units; dates are written
 * ISO 8601 with milliseconds and `Z` and read in any ISO 8601 form.
 */
import { DateFormats, MoneyFormats } from "@paybridge/adapter-kit"
import type { FieldIssue } from "@paybridge/core"
import { Cause, Exit, Option, Schema, SchemaGetter, SchemaIssue } from "effect"

/** Amounts: exact JSON numbers in major units of the account's currency (`1235.89`). */
export const logisenseMoney = MoneyFormats.majorUnitNumber()
/**
 * Dates: written `2021-04-26T15:25:27.587Z`; read in every ISO 8601 form (the vendor documents
 * "ISO 8601" only): date only, a time without zone (UTC), `Z` or an offset, with or without a fraction.
 */
export const logisenseDate = DateFormats.iso8601

const PositiveId = Schema.Int.check(Schema.isGreaterThan(0))
/** A Payment identity: positive for payments, negative for reversal rows (see README). */
export const Identity = Schema.Int.check(
  Schema.makeFilter((n: number) => n !== 0, { expected: "a non-zero identity" })
).annotate({
  description: "payment identity; reversal rows have negative identities"
})
const NullableId = Schema.NullOr(Schema.Int)
const NullableName = Schema.NullOr(Schema.String)
const Amount = Schema.NullOr(Schema.Unknown).annotate({ description: "JSON number, major units" })

/** One Payment row as LogiSense shows it (every `…Id` with its read-only `…Name`). */
const paymentFields = {
  identity: Schema.Int,
  date: Schema.String,
  amount: Amount,
  accountId: Schema.Int,
  accountName: Schema.String,
  disbursed: Schema.Boolean,
  paymentTypeId: NullableId,
  paymentTypeName: NullableName,
  detail: NullableName,
  cardTypeId: NullableId,
  cardTypeName: NullableName,
  checkNumber: NullableName,
  automaticDisburse: Schema.Boolean,
  created: Schema.String,
  invoiceId: NullableId,
  invoiceName: NullableName,
  posting: Schema.NullOr(Schema.String),
  baseAmount: Amount,
  invoiceAmount: Amount,
  currencyExchangeDetailId: NullableId,
  currencyExchangeDetailName: NullableName,
  billRunHistoryId: NullableId,
  billRunHistoryName: NullableName,
  isManual: Schema.Boolean,
  reversePaymentId: NullableId,
  reversePaymentName: NullableName,
  createdByUserId: NullableId,
  createdByUserName: NullableName,
  paymentMethodId: NullableId,
  paymentMethodName: NullableName,
  paymentPreAuthorizeId: NullableId,
  paymentPreAuthorizeName: NullableName,
  paymentTransactionId: NullableId,
  paymentTransactionName: NullableName,
  createdByPortalUserId: NullableId,
  createdByPortalUserName: NullableName
}
export const paymentFieldNames = Object.keys(paymentFields) as ReadonlyArray<keyof typeof paymentFields>
export type PaymentFieldName = keyof typeof paymentFields

export const LogisensePayment = Schema.Struct(paymentFields).annotate({ identifier: "LogisensePayment" })

export const LogisenseInvoiceDisbursement = Schema.Struct({
  identity: Schema.Int,
  invoiceId: Schema.Int,
  invoiceName: NullableName,
  paymentId: Schema.Int,
  amount: Amount,
  baseAmount: Amount,
  invoiceAmount: Amount,
  automaticDisburse: Schema.Boolean
}).annotate({ identifier: "LogisenseInvoiceDisbursement" })

export const LogisensePaymentDetail = Schema.Struct({
  ...paymentFields,
  details: Schema.Struct({
    invoiceDisbursements: Schema.Array(LogisenseInvoiceDisbursement),
    paymentReversals: Schema.Array(LogisensePayment)
  })
}).annotate({ identifier: "LogisensePaymentDetail" })

/** A response item schema (no decoding services). */
type Item = Schema.Codec<unknown, unknown, never, never>

const TrackingId = Schema.String.annotate({ description: "a fresh UUID per request" })

export const LogisenseList = <S extends Item>(item: S) =>
  Schema.Struct({ trackingId: TrackingId, totalCount: Schema.NullOr(Schema.Int), items: Schema.Array(item) })

export const LogisensePaginationEcho = Schema.Struct({
  pageNumber: Schema.Int,
  pageSize: Schema.Int,
  excludeTotalCount: Schema.Boolean
})

export const LogisensePaged = <S extends Item>(item: S) =>
  Schema.Struct({
    trackingId: TrackingId,
    pagination: LogisensePaginationEcho,
    pagedResults: Schema.Struct({ totalCount: Schema.NullOr(Schema.Int), items: Schema.Array(item) })
  })

export const LogisenseInstance = <S extends Item>(item: S) => Schema.Struct({ trackingId: TrackingId, instance: item })

export const LogisenseChange = <S extends Item>(type: "create" | "update", item: S) =>
  Schema.Struct({
    trackingId: TrackingId,
    type: Schema.Literal(type),
    results: Schema.Struct({ totalCount: Schema.Int, items: Schema.Array(item) })
  })

export const LogisensePatchResult = Schema.Struct({
  trackingId: TrackingId,
  type: Schema.Literal("patch"),
  results: Schema.Struct({
    totalCount: Schema.Int,
    items: Schema.Array(
      Schema.Struct({
        identity: Schema.Int,
        action: Schema.Literals(["created", "updated", "deleted"]),
        dtoTypeKey: Schema.Literals(["payment", "paymentInvoiceDisbursement"]),
        instance: Schema.optionalKey(Schema.Unknown)
      })
    )
  })
}).annotate({ identifier: "LogisensePatchResult" })

export const LogisenseDeleteResult = Schema.Struct({
  trackingId: TrackingId,
  type: Schema.Literal("delete"),
  results: Schema.Struct({
    totalCount: Schema.Int,
    items: Schema.Array(
      Schema.Struct({
        identity: Schema.optionalKey(Schema.Int),
        foreignKeyIdentity: Schema.optionalKey(Schema.Int),
        lhsId: Schema.optionalKey(Schema.Int),
        rhsId: Schema.optionalKey(Schema.Int),
        action: Schema.Literals(["deleted", "detached"]),
        dtoTypeKey: Schema.String
      })
    )
  })
}).annotate({ identifier: "LogisenseDeleteResult" })

/** `{access_token, refresh_token, token_type, expires_in, audience, .issued, .expires, actingOwnerId}`. */
export const LogisenseToken = Schema.Struct({
  access_token: Schema.String,
  refresh_token: Schema.String,
  token_type: Schema.Literal("bearer"),
  expires_in: Schema.Int,
  audience: Schema.String,
  ".issued": Schema.String,
  ".expires": Schema.String,
  actingOwnerId: Schema.Int
}).annotate({ identifier: "LogisenseToken" })

// ---------------------------------------------------------------------------------------------
// Requests

const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * A request field value its wire schema refused. LogiSense answers every error of a request at
 * once, so a refused value does not stop decoding: it is kept as this marker, and the handler
 * reports its issues together with every other problem it finds (`withoutInvalid` in
 * `logisense.errors.ts`). Issue paths are relative to the field.
 */
export class InvalidField {
  readonly _tag = "InvalidField"
  readonly issues: ReadonlyArray<FieldIssue>
  constructor(issues: ReadonlyArray<FieldIssue>) {
    this.issues = issues
  }
}

/** Whether a decoded value is a refused one (its static type does not say so; see {@link collected}). */
export const isInvalidField = (value: unknown): value is InvalidField => value instanceof InvalidField

/** Issues of `value` under `schema`, paths relative to the value. */
const issuesOf = (schema: Schema.Decoder<unknown>, value: unknown): ReadonlyArray<FieldIssue> => {
  const exit = Schema.decodeUnknownExit(schema)(value, { errors: "all" })
  if (Exit.isSuccess(exit)) return []
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isNone(error) || !Schema.isSchemaError(error.value)) return [{ path: [], message: "is invalid" }]
  return formatIssue(error.value.issue).issues.map((entry) => ({
    path: (entry.path ?? []).flatMap((key) => {
      const segment = typeof key === "object" && key !== null && "key" in key ? key.key : key
      return typeof segment === "string" || typeof segment === "number" ? [segment] : []
    }),
    message: entry.message
  }))
}

const InvalidFieldType = Schema.declare(isInvalidField, { expected: "a valid value" })

/**
 * `schema`, but a value it refuses decodes to an {@link InvalidField} carrying the issues (typed as
 * the schema's type, so handlers must take it out with `withoutInvalid` before using the body). The
 * fallback matches only what `schema` refuses, so the documented schema stays `schema`'s.
 */
const collected = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S): S =>
  Schema.Union([
    schema,
    Schema.Unknown.pipe(
      Schema.decodeTo(InvalidFieldType, {
        decode: SchemaGetter.transform(
          (value: unknown) => new InvalidField(issuesOf(schema as unknown as Schema.Decoder<unknown>, value))
        ),
        encode: SchemaGetter.transform(() => null)
      })
    )
  ]) as unknown as S

const optionalKey = Schema.optionalKey
/** An optional key whose refused value is collected (see {@link collected}). */
const collectedKey = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S) =>
  Schema.optionalKey(collected(schema))
const OptionalId = collectedKey(Schema.NullOr(PositiveId))

/**
 * Request ids that name ledger records, decoded to the ledger's branded ids (same wire form).
 * Payment ids stay LogiSense identities: they name a payment or a reversal row (see `findRow`).
 */
const AccountId = PositiveId.pipe(Schema.brand("CustomerId"))
const InvoiceId = PositiveId.pipe(Schema.brand("DocumentId"))
const PresetRef = PositiveId.pipe(Schema.brand("PresetId"))
const GatewayRef = PositiveId.pipe(Schema.brand("GatewayId"))
const optionalRef = <S extends Schema.Top & { readonly DecodingServices: never }>(id: S) =>
  collectedKey(Schema.NullOr(id))
const Text = (max: number) => Schema.String.check(Schema.isMaxLength(max))

/** The writable Payment fields (POST, PUT, PATCH items); read-only names and `created` are ignored. */
const writableFields = {
  date: collectedKey(Schema.NullOr(logisenseDate.schema)),
  amount: collectedKey(logisenseMoney.schema),
  accountId: collectedKey(AccountId),
  disbursed: collectedKey(Schema.NullOr(Schema.Boolean)),
  paymentTypeId: optionalRef(PresetRef),
  detail: collectedKey(Schema.NullOr(Text(1000))),
  cardTypeId: OptionalId,
  checkNumber: collectedKey(Schema.NullOr(Text(60))),
  automaticDisburse: collectedKey(Schema.NullOr(Schema.Boolean)),
  invoiceId: optionalRef(InvoiceId),
  posting: collectedKey(Schema.NullOr(logisenseDate.schema)),
  baseAmount: collectedKey(Schema.NullOr(logisenseMoney.schema)),
  invoiceAmount: collectedKey(Schema.NullOr(logisenseMoney.schema)),
  currencyExchangeDetailId: OptionalId,
  billRunHistoryId: OptionalId,
  isManual: collectedKey(Schema.NullOr(Schema.Boolean)),
  reversePaymentId: collectedKey(Schema.NullOr(Identity)),
  createdByUserId: collectedKey(Schema.NullOr(Schema.Int)),
  paymentMethodId: optionalRef(PresetRef),
  paymentPreAuthorizeId: OptionalId,
  paymentTransactionId: collectedKey(Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))),
  createdByPortalUserId: OptionalId
}

export const LogisensePaymentWrite = Schema.Struct({
  identity: collectedKey(Identity),
  ...writableFields
}).annotate({ identifier: "LogisensePaymentWrite" })
export type LogisensePaymentWrite = typeof LogisensePaymentWrite.Type

/**
 * POST Payment/: `accountId` and `amount` are required — checked by the handler with every other
 * problem, so a missing one does not hide the rest (the schema lists them as optional keys).
 */
export const LogisensePaymentCreate = Schema.Struct(writableFields).annotate({
  identifier: "LogisensePaymentCreate",
  description: "accountId and amount are required"
})

const PatchType = Schema.Literals(["create", "update", "delete"])

export const LogisensePaymentPatchItem = Schema.Struct({
  patchType: PatchType,
  patchClientId: Schema.optionalKey(Schema.Unknown),
  identity: collectedKey(Identity),
  ...writableFields
})
export type LogisensePaymentPatchItem = typeof LogisensePaymentPatchItem.Type

export const LogisenseDisbursementPatchItem = Schema.Struct({
  patchType: PatchType,
  patchClientId: Schema.optionalKey(Schema.Unknown),
  identity: collectedKey(PositiveId),
  invoiceId: collectedKey(InvoiceId),
  paymentId: collectedKey(PositiveId),
  amount: collectedKey(logisenseMoney.schema)
})
export type LogisenseDisbursementPatchItem = typeof LogisenseDisbursementPatchItem.Type

const Items = <S extends Schema.Top>(item: S) => Schema.Struct({ items: Schema.Array(item) })

/** PATCH Payment/{id}: payment items and `paymentInvoiceDisbursement` children, all or nothing. */
export const LogisensePatchBody = Schema.Struct({
  details: optionalKey(
    Schema.Struct({ paymentInvoiceDisbursements: optionalKey(Items(LogisenseDisbursementPatchItem)) })
  ),
  payments: optionalKey(Items(LogisensePaymentPatchItem)),
  paymentInvoiceDisbursements: optionalKey(Items(LogisenseDisbursementPatchItem))
}).annotate({ identifier: "LogisensePatchBody" })
export type LogisensePatchBody = typeof LogisensePatchBody.Type

/** POST Payment/Reverse and Reverse/Vendor (contract proposed in vendor-notes §3.5). */
export const LogisenseReverseBody = Schema.Struct({
  paymentId: collected(PositiveId),
  amount: collectedKey(logisenseMoney.schema),
  date: collectedKey(logisenseDate.schema),
  detail: collectedKey(Schema.NullOr(Text(500)))
}).annotate({ identifier: "LogisenseReverse" })
export type LogisenseReverseBody = typeof LogisenseReverseBody.Type

/** POST Payment/Vendor: a Payment-like body charged through a gateway. */
export const LogisenseVendorPaymentBody = Schema.Struct({
  accountId: collected(AccountId),
  amount: collected(logisenseMoney.schema),
  paymentGatewayId: optionalRef(GatewayRef),
  paymentMethodId: optionalRef(PresetRef),
  paymentTypeId: optionalRef(PresetRef),
  cardToken: collectedKey(Schema.NullOr(Text(200))),
  detail: collectedKey(Schema.NullOr(Text(1000))),
  invoiceId: optionalRef(InvoiceId),
  automaticDisburse: collectedKey(Schema.NullOr(Schema.Boolean)),
  date: collectedKey(Schema.NullOr(logisenseDate.schema))
}).annotate({ identifier: "LogisenseVendorPayment" })
export type LogisenseVendorPaymentBody = typeof LogisenseVendorPaymentBody.Type

export const searchOperators = [
  "eq",
  "notEq",
  "lt",
  "ltEq",
  "gt",
  "gtEq",
  "contains",
  "startsWith",
  "endsWith"
] as const
export type SearchOperator = (typeof searchOperators)[number]

const PageNumber = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const PageSize = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10000 }))

/** The `Pagination` header (JSON) and the Search body's `pagination`. */
export const LogisensePagination = Schema.Struct({
  pageNumber: optionalKey(PageNumber),
  pageSize: optionalKey(PageSize),
  excludeTotalCount: optionalKey(Schema.Boolean)
})
export type LogisensePagination = typeof LogisensePagination.Type

export const LogisenseSearchBody = Schema.Struct({
  query: Schema.Struct({
    top: optionalKey(PageSize),
    search: optionalKey(
      Schema.Array(
        Schema.Struct({
          name: Schema.String,
          operator: Schema.Literals(searchOperators),
          value: Schema.Unknown
        })
      )
    ),
    orderBy: optionalKey(
      Schema.Array(Schema.Struct({ name: Schema.String, direction: optionalKey(Schema.Literals(["asc", "desc"])) }))
    ),
    pagination: optionalKey(LogisensePagination),
    fields: optionalKey(Schema.Array(Schema.String))
  })
}).annotate({ identifier: "LogisenseSearch" })
export type LogisenseSearchBody = typeof LogisenseSearchBody.Type

/** Where the Payment resource lives below the base path (paths are case-sensitive, as documented). */
export const paymentPath = "/api/v6/Payment"
/** `Payment/{id}`: a payment's identity (negative for reversal rows). */
export const paymentIdPath = `${paymentPath}/:id{-?[0-9]+}`

export const LogisensePaymentPath = Schema.Struct({
  id: Schema.FiniteFromString.check(
    Schema.isInt(),
    Schema.makeFilter((n: number) => n !== 0, { expected: "a non-zero identity" })
  )
})

/**
 * The form of `Access/Login`: `grant_type=password` with user name + password or client secret, or
 * `grant_type=refresh_token` with the `refresh_token` of an earlier answer; `client_id` always.
 */
export const LogisenseLoginForm = Schema.Struct({
  grant_type: Schema.String,
  client_id: Schema.String.check(Schema.isMinLength(1)),
  username: optionalKey(Schema.String),
  password: optionalKey(Schema.String),
  client_secret: optionalKey(Schema.String),
  refresh_token: optionalKey(Schema.String)
}).annotate({ identifier: "LogisenseLogin" })
