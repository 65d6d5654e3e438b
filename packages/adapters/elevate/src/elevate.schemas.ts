/**
 * Elevate Billing (Payment and Refund API 1.37) wire schemas: the JSON shapes of its requests,
 * responses and errors as the vendor documents them. Amounts are exact JSON numbers in major
 * units (`10.5`, never through a float), dates `YYYY-MM-DD`, timestamps `YYYY-MM-DDTHH:mm:ssZ`,
 * fields camelCase except the `customer_id` query parameter, lists bare JSON arrays paged by the
 * required `page` and `pageSize` (1–1000). The enumerations are the vendor's own.
 */
import { DateFormats, MoneyFormats } from "@paybridge/adapter-kit"
import { Schema } from "effect"

/** Elevate writes amounts as exact JSON numbers in major units; customer payments and adjustments may be negative. */
export const elevateMoney = MoneyFormats.majorUnitNumber({ allowNegative: true })
/** Amounts that must be positive (refunds, payment links, invoice payments). */
export const elevatePositiveMoney = MoneyFormats.majorUnitNumber()
/** Timestamps to the second with `Z`. */
export const elevateTimestamp = DateFormats.isoDateTimeSeconds
export const elevateDate = DateFormats.businessDate

/** Elevate's `PaymentMethod` enumeration (payment `type`, refund `paymentMethod`, provider `type`). */
export const paymentMethods = [
  "CHEQUE",
  "DIRECT_DEBIT",
  "CANCELLED_DD",
  "CANCELLED_CARD",
  "CREDIT_CARD",
  "PAYPAL",
  "BACS",
  "POST_OFFICE_PAYMENT_CARD",
  "EZYPAY",
  "GO_CARDLESS",
  "GC_INSTANT_BANK_PAYMENTS",
  "STRIPE",
  "STRIPE_CARD",
  "STRIPE_DD",
  "FINASTRA",
  "FAST_PAY",
  "OTHER"
] as const
export const PaymentMethod = Schema.Literals(paymentMethods).annotate({ identifier: "PaymentMethod" })
export type PaymentMethod = typeof PaymentMethod.Type

export const CustomerPaymentType = Schema.Literals(["CUSTOMER", "INVOICE"]).annotate({
  identifier: "CustomerPaymentType"
})
export type CustomerPaymentType = typeof CustomerPaymentType.Type

/**
 * Kind of customer-account transaction. `PAYMENT` and `DEBIT` are what Paybridge writes;
 * `INVOICE_CREATED` is the vendor's documented example value, kept for clients that switch on it.
 */
export const TxnType = Schema.Literals(["PAYMENT", "DEBIT", "INVOICE_CREATED"]).annotate({ identifier: "TxnType" })
export type TxnType = typeof TxnType.Type

export const BillRunType = Schema.Literals(["NORMAL", "ADHOC"]).annotate({ identifier: "BillRunType" })
export type BillRunType = typeof BillRunType.Type

export const refundStatuses = [
  "CREATED",
  "PENDING_SUBMISSION",
  "SUBMITTED",
  "PAID",
  "CANCELLED",
  "BOUNCED",
  "FUNDS_RETURNED",
  "MANUALLY_REFUNDED",
  "REFUND_SETTLED"
] as const
export const RefundStatus = Schema.Literals(refundStatuses).annotate({ identifier: "ThirdPartyRefundStatus" })
export type RefundStatus = typeof RefundStatus.Type

export const PaymentProviderStatus = Schema.Literals(["ACTIVE", "INACTIVE"]).annotate({
  identifier: "PaymentProviderStatus"
})
export type PaymentProviderStatus = typeof PaymentProviderStatus.Type

/** The invoice payment status (same enumeration as the Invoices API's invoice payment events). */
export const InvoicePaymentStatus = Schema.Literals([
  "NA",
  "PAID",
  "UNPAID",
  "PENDING",
  "REFUNDED",
  "PART_REFUNDED",
  "REFUND_PENDING",
  "WRITTEN_OFF",
  "DISPUTED",
  "PARTIALLY_PAID"
]).annotate({ identifier: "InvoicePaymentStatus" })
export type InvoicePaymentStatus = typeof InvoicePaymentStatus.Type

const Id = Schema.Int.check(Schema.isGreaterThan(0))
const Amount = elevateMoney.schema
const Text = (max: number) => Schema.String.check(Schema.isMaxLength(max))
const NullableText = Schema.NullOr(Schema.String)
/** ISO 4217 numeric code of the currency (826 GBP, 978 EUR, 840 USD); 0 for a code without one. */
const CurrencyId = Schema.Int.annotate({ description: "ISO 4217 numeric currency code, e.g. 826 for GBP" })

// ---------------------------------------------------------------- authentication

export const AuthenticateRequest = Schema.Struct({
  brand: Text(100).check(Schema.isMinLength(1)),
  username: Text(100).check(Schema.isMinLength(1)),
  password: Text(100).check(Schema.isMinLength(1))
}).annotate({ identifier: "AuthenticateRequest" })

export const AuthenticateResponse = Schema.Struct({ token: Schema.String, username: Schema.String }).annotate({
  identifier: "AuthenticateResponse"
})

// ---------------------------------------------------------------- paging and list parameters

const PositiveIntParam = Schema.FiniteFromString.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1))
export const PageParam = PositiveIntParam.annotate({ description: "Page of results to show (from 1)" })
export const PageSizeParam = Schema.FiniteFromString.check(
  Schema.isInt(),
  Schema.isBetween({ minimum: 1, maximum: 1000 })
).annotate({ description: "Results to return per page (1-1000)" })
export const IdParam = PositiveIntParam

const listParams = {
  page: PageParam,
  pageSize: PageSizeParam,
  sort: Schema.optionalKey(
    Schema.String.annotate({ description: "Comma-delimited fields to sort by, ascending unless suffixed :desc" })
  ),
  fields: Schema.optionalKey(Schema.String.annotate({ description: "Comma-delimited subset of fields to return" }))
}
const filterParam = (description: string) =>
  Schema.optionalKey(Schema.String.annotate({ description: `${description} (value | in:x,y | like:x | lt:… | gt:…)` }))

export const CustomerPaymentsQuery = Schema.Struct({
  customer_id: IdParam.pipe(Schema.brand("CustomerId")).annotate({ description: "Customer identifier" }),
  ...listParams,
  filter: filterParam("Filter expressions field=expression joined by ';'"),
  customerPaymentType: filterParam("Filter by customer payment type"),
  excludeDebits: Schema.optionalKey(Schema.String.annotate({ description: "true: filter out negative payments" })),
  excludeCredits: Schema.optionalKey(
    Schema.String.annotate({ description: "true: filter out zero and positive payments" })
  )
})
export type CustomerPaymentsQuery = typeof CustomerPaymentsQuery.Type

export const PaymentProvidersQuery = Schema.Struct({ ...listParams, type: filterParam("Filter by payment method") })
export type PaymentProvidersQuery = typeof PaymentProvidersQuery.Type

export const SitePaymentMandatesQuery = Schema.Struct({
  ...listParams,
  siteId: Schema.optionalKey(IdParam.pipe(Schema.brand("CustomerId")).annotate({ description: "Filter by site id" }))
})
export type SitePaymentMandatesQuery = typeof SitePaymentMandatesQuery.Type

export const RefundsQuery = Schema.Struct({
  ...listParams,
  customerId: Schema.optionalKey(IdParam.pipe(Schema.brand("CustomerId"))),
  invoiceId: Schema.optionalKey(IdParam.pipe(Schema.brand("DocumentId"))),
  billRunType: Schema.optionalKey(BillRunType)
})
export type RefundsQuery = typeof RefundsQuery.Type

export const InvoicePaymentsQuery = Schema.Struct({
  ...listParams,
  billRunId: Schema.optionalKey(IdParam),
  customerPaymentType: filterParam("Filter by customer payment type"),
  customerPaymentId: Schema.optionalKey(IdParam.pipe(Schema.brand("PaymentId"))),
  generatedInvoiceId: Schema.optionalKey(IdParam.pipe(Schema.brand("DocumentId")))
})
export type InvoicePaymentsQuery = typeof InvoicePaymentsQuery.Type

export const CustomerBalanceQuery = Schema.Struct({
  customer_id: IdParam.pipe(Schema.brand("CustomerId")).annotate({ description: "Customer identifier" })
})

export const CreditStatusQuery = Schema.Struct({
  ...listParams,
  customerId: Schema.optionalKey(
    IdParam.pipe(Schema.brand("CustomerId")).annotate({ description: "Filter by customer" })
  ),
  percentageDifference: filterParam("Filter by percentageDifference")
})
export type CreditStatusQuery = typeof CreditStatusQuery.Type

export const CustomerPaymentPath = Schema.Struct({ customer_payment_id: IdParam })
export const PaymentProviderPath = Schema.Struct({ payment_provider_id: IdParam.pipe(Schema.brand("GatewayId")) })
export const SitePaymentMandatePath = Schema.Struct({ site_payment_mandate_id: IdParam })
export const RefundPath = Schema.Struct({ refund_id: IdParam.pipe(Schema.brand("RefundId")) })
export const InvoicePaymentPath = Schema.Struct({ invoice_payment_id: IdParam })

// ---------------------------------------------------------------- customer payments

export const CustomerPayment = Schema.Struct({
  id: Id,
  customerId: Id,
  amountInMajorCurrency: Amount,
  resultingCustomerBalance: Schema.NullOr(Amount),
  currencyId: CurrencyId,
  description: NullableText,
  reference: NullableText,
  type: PaymentMethod,
  paymentDate: elevateDate.schema,
  customerPaymentType: CustomerPaymentType,
  txnType: TxnType,
  invoiceNumber: NullableText,
  invoiceId: Schema.NullOr(Id),
  billRunType: BillRunType
}).annotate({ identifier: "CustomerPayment" })

export const CustomerPaymentList = Schema.Array(CustomerPayment).annotate({ identifier: "CustomerPaymentList" })

export const CreateCustomerPayment = Schema.Struct({
  customerId: Id.pipe(Schema.brand("CustomerId")),
  amountInMajorCurrency: Amount,
  description: Schema.optionalKey(Schema.NullOr(Text(1000))),
  reference: Schema.optionalKey(Schema.NullOr(Text(200))),
  type: Schema.optionalKey(PaymentMethod),
  billRunType: Schema.optionalKey(BillRunType)
}).annotate({ identifier: "NewCustomerPayment" })
export type CreateCustomerPayment = typeof CreateCustomerPayment.Type

/** POST /instant-bank-payment-for-mandate: a customer payment taken now from a mandate through a provider. */
export const InstantBankPaymentForMandate = Schema.Struct({
  customerId: Id.pipe(Schema.brand("CustomerId")),
  paymentProviderId: Id.pipe(Schema.brand("GatewayId")),
  mandateReference: Text(200).check(Schema.isMinLength(1)),
  amountInMajorCurrency: Amount,
  description: Schema.optionalKey(Schema.NullOr(Text(1000))),
  reference: Schema.optionalKey(Schema.NullOr(Text(200)))
}).annotate({ identifier: "NewInstantBankPaymentForMandate" })

// ---------------------------------------------------------------- payment providers

export const PaymentProvider = Schema.Struct({
  id: Id,
  type: PaymentMethod,
  name: Schema.String,
  directDebitWithName: NullableText,
  status: PaymentProviderStatus,
  creditorIdentifier: NullableText,
  instantBankPayments: Schema.Boolean,
  retryIfPossible: Schema.Boolean,
  acceptExternalPayments: Schema.Boolean,
  contractOwnerIds: Schema.Array(Schema.Int),
  syncInstantBankPaymentsWithMandateCreation: Schema.Boolean
}).annotate({ identifier: "PaymentProvider" })
export const PaymentProviderList = Schema.Array(PaymentProvider)

/** JSON Patch on a payment provider (RFC 6902 operations; only `replace` of listed fields is performed). */
export const PaymentProviderPatch = Schema.Array(
  Schema.Struct({
    op: Schema.Literals(["add", "remove", "replace", "move", "copy", "test"]),
    path: Schema.String.check(Schema.isMaxLength(200)),
    value: Schema.optionalKey(Schema.Unknown),
    from: Schema.optionalKey(Schema.String)
  })
)
  .check(Schema.isMinLength(1), Schema.isMaxLength(20))
  .annotate({ identifier: "PaymentProviderPatch" })

export const CreatePaymentProvider = Schema.Struct({
  type: PaymentMethod,
  name: Text(255).check(Schema.isMinLength(1)),
  directDebitWithName: Schema.optionalKey(Schema.NullOr(Text(255))),
  status: PaymentProviderStatus,
  creditorIdentifier: Schema.optionalKey(Schema.NullOr(Text(255))),
  instantBankPayments: Schema.optionalKey(Schema.Boolean),
  retryIfPossible: Schema.optionalKey(Schema.Boolean),
  acceptExternalPayments: Schema.optionalKey(Schema.Boolean),
  contractOwnerIds: Schema.optionalKey(Schema.Array(Schema.Int)),
  syncInstantBankPaymentsWithMandateCreation: Schema.optionalKey(Schema.Boolean)
}).annotate({ identifier: "NewPaymentProvider" })
export type CreatePaymentProvider = typeof CreatePaymentProvider.Type

// ---------------------------------------------------------------- site payment mandates

export const SitePaymentMandate = Schema.Struct({
  id: Id,
  redirectURL: NullableText,
  flowToken: Schema.String,
  siteId: Id,
  returnURL: Schema.String,
  mandateReference: NullableText,
  thirdPartyCustomerReference: NullableText,
  exitURL: NullableText
}).annotate({ identifier: "SitePaymentMandate" })
export const SitePaymentMandateList = Schema.Array(SitePaymentMandate)

const Url = Text(2000).check(Schema.isMinLength(1))
export const CreateSitePaymentMandate = Schema.Struct({
  redirectURL: Schema.optionalKey(Schema.NullOr(Url)),
  siteId: Id.pipe(Schema.brand("CustomerId")),
  returnURL: Url,
  exitURL: Schema.optionalKey(Schema.NullOr(Url)),
  mandateReference: Schema.optionalKey(Schema.NullOr(Text(200))),
  thirdPartyCustomerReference: Schema.optionalKey(Schema.NullOr(Text(200)))
}).annotate({ identifier: "NewSitePaymentMandate" })
export type CreateSitePaymentMandate = typeof CreateSitePaymentMandate.Type

// ---------------------------------------------------------------- invoice payments

export const InvoicePayment = Schema.Struct({
  id: Id,
  invoiceId: Id,
  invoiceNumber: Schema.String,
  customerId: Id,
  customerPaymentId: Id,
  customerPaymentType: CustomerPaymentType,
  amountInMajorCurrency: elevatePositiveMoney.schema,
  currencyId: CurrencyId,
  paymentDate: elevateDate.schema,
  type: PaymentMethod,
  status: InvoicePaymentStatus,
  paymentProviderId: Schema.NullOr(Id),
  reference: NullableText,
  description: NullableText,
  billRunType: BillRunType,
  errorInfo: NullableText
}).annotate({ identifier: "InvoicePayment" })
export const InvoicePaymentList = Schema.Array(InvoicePayment)

export const CreateInvoicePayment = Schema.Struct({
  invoiceId: Id.pipe(Schema.brand("DocumentId")),
  amountInMajorCurrency: Schema.optionalKey(elevatePositiveMoney.schema),
  type: Schema.optionalKey(PaymentMethod),
  paymentDate: Schema.optionalKey(elevateDate.schema),
  paymentProviderId: Schema.optionalKey(Schema.NullOr(Id.pipe(Schema.brand("GatewayId")))),
  /** Card token or mandate reference for a payment collected through `paymentProviderId`. */
  mandateReference: Schema.optionalKey(Schema.NullOr(Text(200))),
  reference: Schema.optionalKey(Schema.NullOr(Text(200))),
  description: Schema.optionalKey(Schema.NullOr(Text(1000)))
}).annotate({ identifier: "NewInvoicePayment" })
export type CreateInvoicePayment = typeof CreateInvoicePayment.Type

// ---------------------------------------------------------------- refunds

export const Refund = Schema.Struct({
  id: Id,
  invoiceId: Schema.NullOr(Id),
  customerId: Id,
  billRunType: BillRunType,
  thirdPartyRefundStatus: RefundStatus,
  description: NullableText,
  errorInfo: NullableText,
  paymentMethod: PaymentMethod,
  amountInMajorCurrency: elevatePositiveMoney.schema
}).annotate({ identifier: "Refund" })
export const RefundList = Schema.Array(Refund)

export const CreateRefund = Schema.Struct({
  invoiceId: Id.pipe(Schema.brand("DocumentId")),
  billRunType: Schema.optionalKey(BillRunType),
  description: Schema.optionalKey(Schema.NullOr(Text(500))),
  paymentMethod: Schema.optionalKey(Schema.NullOr(PaymentMethod)),
  amountInMajorCurrency: Schema.optionalKey(elevatePositiveMoney.schema)
}).annotate({ identifier: "NewRefund" })
export type CreateRefund = typeof CreateRefund.Type

/** Elevate updates with JSON Patch; refunds accept `replace` of `/thirdPartyRefundStatus` and `/description`. */
export const RefundPatch = Schema.Array(
  Schema.Struct({
    op: Schema.Literals(["add", "remove", "replace", "move", "copy", "test"]),
    path: Schema.String,
    value: Schema.optionalKey(Schema.Unknown),
    from: Schema.optionalKey(Schema.String)
  })
)
  .check(Schema.isMinLength(1), Schema.isMaxLength(10))
  .annotate({ identifier: "RefundPatch" })
export type RefundPatch = typeof RefundPatch.Type

// ---------------------------------------------------------------- balances and credit status

export const CustomerBalance = Schema.Struct({
  id: Id,
  customerId: Id,
  balance: Amount,
  currencyId: CurrencyId,
  totalPayments: Amount,
  totalPaymentsSinceLastInvoice: Amount,
  paymentMethodSummary: Schema.Struct({ paymentMethod: PaymentMethod, summaryType: Schema.String }),
  repaymentPlanSummary: Schema.Struct({
    repaymentPlanAmount: Amount,
    repaymentPlanRemainingPeriods: Schema.Int,
    summaryType: Schema.String
  })
}).annotate({ identifier: "CustomerOutstandingBalance" })

export const CreateBalanceAdjustment = Schema.Struct({
  customerId: Id.pipe(Schema.brand("CustomerId")),
  amountInMajorCurrency: Amount,
  description: Schema.optionalKey(Schema.NullOr(Text(255)))
}).annotate({ identifier: "NewCustomerBalanceAdjustment" })
export type CreateBalanceAdjustment = typeof CreateBalanceAdjustment.Type

export const BalanceAdjustment = Schema.Struct({
  id: Id,
  customerId: Id,
  amountInMajorCurrency: Amount,
  currencyId: CurrencyId,
  description: NullableText,
  resultingCustomerBalance: Amount
}).annotate({ identifier: "CustomerBalanceAdjustment" })

const Percentage = MoneyFormats.exactJsonNumber("percentage, 2 decimals")
export const CustomerCreditStatus = Schema.Struct({
  customerId: Id,
  creditThreshold: Schema.NullOr(Amount),
  billAmount: Amount,
  valueDifference: Schema.NullOr(Amount),
  percentageDifference: Schema.NullOr(Percentage),
  openBillRunValue: Amount
}).annotate({ identifier: "CustomerCreditStatus" })
export const CustomerCreditStatusList = Schema.Array(CustomerCreditStatus)

// ---------------------------------------------------------------- payment links

export const CreatePaymentLink = Schema.Struct({
  paymentProviderId: Id.pipe(Schema.brand("GatewayId")),
  amountInMajorCurrency: elevatePositiveMoney.schema,
  description: Text(255).check(Schema.isMinLength(1)),
  emailAddress: Schema.optionalKey(Schema.NullOr(Text(254))),
  invoiceId: Schema.optionalKey(Schema.NullOr(Id.pipe(Schema.brand("DocumentId")))),
  adhocInvoiceId: Schema.optionalKey(Schema.NullOr(Id.pipe(Schema.brand("DocumentId")))),
  customerId: Schema.optionalKey(Schema.NullOr(Id.pipe(Schema.brand("CustomerId"))))
}).annotate({ identifier: "NewPaymentProviderPaymentLink" })
export type CreatePaymentLink = typeof CreatePaymentLink.Type

export const PaymentLink = Schema.Struct({
  id: Id,
  paymentProviderId: Id,
  amountInMajorCurrency: elevatePositiveMoney.schema,
  currencyId: CurrencyId,
  description: Schema.String,
  emailAddress: NullableText,
  invoiceId: Schema.NullOr(Id),
  adhocInvoiceId: Schema.NullOr(Id),
  customerId: Id,
  url: Schema.String
}).annotate({ identifier: "PaymentProviderPaymentLink" })

// ---------------------------------------------------------------- errors

/**
 * Every Elevate error: `{ status, error, message, path, requestId, errors? }` — the HTTP status
 * and its reason phrase, a readable message, the request path, the request id (also in the
 * `X-Request-Id` header) and, for validation failures, one entry per offending field.
 */
export const ElevateError = Schema.Struct({
  status: Schema.Int,
  error: Schema.String,
  message: Schema.String,
  path: Schema.String,
  requestId: Schema.String,
  errors: Schema.optionalKey(Schema.Array(Schema.Struct({ field: Schema.String, message: Schema.String })))
}).annotate({ identifier: "ElevateError" })
