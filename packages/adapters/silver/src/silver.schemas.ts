/**
 * Silver wire formats: the JSON shapes of Silver's payments, customers, providers, invoices and
 * proformas as its Django REST Framework API rendered them (Silver @00bc43d, DRF 3.5), the error
 * body, and the field parsers that reproduce DRF's own validation texts. Amounts are strings with
 * their currency's decimals (`"200.00"`, BHD `"2.125"`, JPY `"5000"`), dates `YYYY-MM-DD`, related
 * objects absolute hyperlinks with a trailing slash. Request bodies are read as free JSON objects and checked field by field here,
 * because Silver answers every field's problem at once, keyed by field, in DRF's words. The last
 * section is the payment serializer as DRF's OPTIONS metadata described it (fields, labels, choices).
 */
import { isJsonDecimal, MoneyFormats } from "@paybridge/adapter-kit"
import { currencyCodes } from "@paybridge/core"
import { Schema } from "effect"

/**
 * Amounts as decimal strings with exactly the decimals of their currency's ISO 4217 exponent: USD
 * `"200.00"`, BHD and KWD `"2.125"`, JPY `"5000"`. Silver's `DecimalField` had two decimals for every
 * currency; this dialect keeps each currency's own (a deviation, README), so every stored amount is
 * shown exactly and a client may send what it is shown (`parseAmount`).
 */
export const silverMoney = MoneyFormats.majorUnitString()

export const silverStatuses = ["unpaid", "pending", "paid", "canceled"] as const
export const SilverStatus = Schema.Literals(silverStatuses)
export type SilverStatus = typeof SilverStatus.Type

/** Statuses no PATCH can leave. */
export const finalSilverStatuses: ReadonlyArray<SilverStatus> = ["paid", "canceled"]

const Link = Schema.String.annotate({ description: "absolute URL ending with a slash" })
const NullableText = Schema.NullOr(Schema.String)

/** A payment, keys in Silver's order. */
export const SilverPayment = Schema.Struct({
  id: Schema.Int,
  url: Link,
  customer: Link,
  provider: Schema.NullOr(Link),
  amount: Schema.String.annotate({
    description: 'decimal string with the currency\'s decimals, e.g. "200.00" (BHD "2.125", JPY "5000")'
  }),
  currency: Schema.String,
  due_date: Schema.NullOr(Schema.String),
  status: SilverStatus,
  visible: Schema.Boolean,
  proforma: Schema.NullOr(Link),
  invoice: Schema.NullOr(Link)
}).annotate({ identifier: "SilverPayment" })
export type SilverPayment = typeof SilverPayment.Type

export const SilverPaymentList = Schema.Array(SilverPayment).annotate({ identifier: "SilverPaymentList" })

/** A customer, keys in Silver's order. */
export const SilverCustomer = Schema.Struct({
  id: Schema.Int,
  url: Link,
  customer_reference: NullableText,
  name: Schema.String,
  company: NullableText,
  emails: Schema.Array(Schema.String),
  address_1: NullableText,
  address_2: NullableText,
  city: NullableText,
  state: NullableText,
  zip_code: NullableText,
  country: NullableText,
  extra: NullableText,
  sales_tax_number: NullableText,
  sales_tax_name: NullableText,
  sales_tax_percent: NullableText,
  consolidated_billing: Schema.Boolean,
  subscriptions: Schema.Array(Link),
  payments: Link,
  payment_methods: Link,
  transactions: Link,
  meta: Schema.Unknown
}).annotate({ identifier: "SilverCustomer" })

export const SilverCustomerList = Schema.Array(SilverCustomer).annotate({ identifier: "SilverCustomerList" })

/** A provider (a Paybridge billing entity), keys in Silver's order. */
export const SilverProvider = Schema.Struct({
  id: Schema.Int,
  url: Link,
  name: Schema.String,
  company: NullableText,
  invoice_series: NullableText,
  flow: Schema.Literals(["proforma", "invoice"]),
  display_email: NullableText,
  notification_email: NullableText,
  address_1: NullableText,
  address_2: NullableText,
  city: NullableText,
  state: NullableText,
  zip_code: NullableText,
  country: NullableText,
  extra: NullableText,
  invoice_starting_number: Schema.NullOr(Schema.Int),
  proforma_series: NullableText,
  proforma_starting_number: Schema.NullOr(Schema.Int),
  meta: Schema.Unknown,
  payment_processors: Link
}).annotate({ identifier: "SilverProvider" })

export const SilverProviderList = Schema.Array(SilverProvider).annotate({ identifier: "SilverProviderList" })

const documentFields = {
  id: Schema.Int,
  series: NullableText,
  number: Schema.Union([Schema.Int, Schema.String]),
  provider: Schema.NullOr(Link),
  customer: Link,
  archived_provider: Schema.Unknown,
  archived_customer: Schema.Unknown,
  due_date: NullableText,
  issue_date: NullableText,
  paid_date: NullableText,
  cancel_date: NullableText,
  sales_tax_name: NullableText,
  sales_tax_percent: NullableText,
  currency: Schema.String,
  state: Schema.Literals(["draft", "issued", "paid", "canceled"])
}

/** An invoice, keys in Silver's order (Silver's invoice has no `url`). */
export const SilverInvoice = Schema.Struct({
  ...documentFields,
  proforma: Schema.NullOr(Link),
  invoice_entries: Schema.Array(Schema.Unknown),
  total: Schema.Unknown,
  pdf_url: NullableText
}).annotate({ identifier: "SilverInvoice" })

/** A proforma, keys in Silver's order. */
export const SilverProforma = Schema.Struct({
  ...documentFields,
  invoice: Schema.NullOr(Link),
  proforma_entries: Schema.Array(Schema.Unknown),
  total: Schema.Unknown,
  pdf_url: NullableText
}).annotate({ identifier: "SilverProforma" })

/**
 * Every Silver error body: `{"detail": "…"}`, or field errors `{"<field>": ["…"], "non_field_errors": ["…"]}`
 * (one of Silver's PATCH errors carries a plain string instead of a list).
 */
export const SilverError = Schema.Record(
  Schema.String,
  Schema.Union([Schema.String, Schema.Array(Schema.String)])
).annotate({ identifier: "SilverError" })

/** A request body: a JSON object whose fields Silver validates one by one (see the parsers below). */
const requestBody = (identifier: string, description: string) => Schema.Unknown.annotate({ identifier, description })

export const SilverPaymentCreate = requestBody(
  "SilverPaymentCreate",
  "provider (hyperlink, required), amount (decimal string ≥ 0, required), currency (default USD), due_date (YYYY-MM-DD or null), status (unpaid|pending|paid|canceled, default unpaid), visible (default true), proforma and invoice (hyperlinks or null). The customer is the one in the path."
)
export const SilverPaymentPatch = requestBody("SilverPaymentPatch", 'only {"status": "<status>"} is accepted')
export const SilverCustomerCreate = requestBody(
  "SilverCustomerCreate",
  "name, address_1, city, country required; customer_reference, company, emails, address_2, state, zip_code, extra, sales_tax_*, consolidated_billing, meta optional; currency (Paybridge extension, default USD)"
)
export const SilverProviderCreate = requestBody(
  "SilverProviderCreate",
  "name, invoice_series, address_1, city, country required; flow (proforma|invoice), proforma_series and proforma_starting_number (required with the proforma flow) and the other provider fields optional"
)

const digits = Schema.String.check(Schema.isPattern(/^[0-9]+$/u, { expected: "digits" }))
export const SilverCustomerPath = Schema.Struct({ customerId: digits })
export const SilverPaymentPath = Schema.Struct({ customerId: digits, paymentId: digits })
export const SilverIdPath = Schema.Struct({ id: digits })

/** List query parameters (all optional, all strings; unknown ones are ignored like Django did). */
export const SilverPaymentListQuery = Schema.Struct({
  is_overdue: Schema.optionalKey(Schema.String),
  visible: Schema.optionalKey(Schema.String),
  status: Schema.optionalKey(Schema.String),
  flow: Schema.optionalKey(Schema.String),
  provider: Schema.optionalKey(Schema.String),
  min_amount: Schema.optionalKey(Schema.String),
  max_amount: Schema.optionalKey(Schema.String),
  currency: Schema.optionalKey(Schema.String),
  ordering: Schema.optionalKey(Schema.String),
  page: Schema.optionalKey(Schema.String),
  page_size: Schema.optionalKey(Schema.String),
  per_page: Schema.optionalKey(Schema.String)
})
export const SilverPageQuery = Schema.Struct({
  page: Schema.optionalKey(Schema.String),
  page_size: Schema.optionalKey(Schema.String),
  per_page: Schema.optionalKey(Schema.String)
})

// ---------------------------------------------------------------------------------------------
// DRF field parsers: each returns the parsed value or DRF's error text for that field.

export type FieldResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: string }
const ok = <A>(value: A): FieldResult<A> => ({ ok: true, value })
const fail = <A>(error: string): FieldResult<A> => ({ ok: false, error })

export const requiredText = "This field is required."
export const nullText = "This field may not be null."

/** Python's `str()` of a JSON value, as DRF put it into messages. */
export const pythonStr = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === null) return "None"
  if (value === true) return "True"
  if (value === false) return "False"
  if (isJsonDecimal(value)) return value.source
  if (typeof value === "number") return String(value)
  return JSON.stringify(value) ?? String(value)
}

/** Python 2 `type(x).__name__` of a decoded JSON value. */
export const pythonTypeName = (value: unknown): string => {
  if (typeof value === "string") return "unicode"
  if (typeof value === "boolean") return "bool"
  if (typeof value === "number") return "int"
  if (isJsonDecimal(value)) return /^-?\d+$/u.test(value.source) ? "int" : "float"
  if (value === null) return "NoneType"
  if (Array.isArray(value)) return "list"
  return "dict"
}

/** Python 2 repr of a list of field names: `[u'amount', u'status']`. */
export const pythonNameList = (names: ReadonlyArray<string>): string =>
  `[${names.map((name) => `u'${name}'`).join(", ")}]`

/** A `ChoiceField`. */
export const parseChoice = <C extends string>(value: unknown, choices: ReadonlyArray<C>): FieldResult<C> => {
  if (value === null) return fail(nullText)
  const text = pythonStr(value)
  return (choices as ReadonlyArray<string>).includes(text) ? ok(text as C) : fail(`"${text}" is not a valid choice.`)
}

const trueValues = new Set<unknown>(["t", "T", "true", "True", "TRUE", "on", "On", "ON", "1", 1, true])
const falseValues = new Set<unknown>(["f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0, false])

/** A `BooleanField`. */
export const parseBoolean = (value: unknown): FieldResult<boolean> => {
  if (value === null) return fail(nullText)
  const key = isJsonDecimal(value) ? Number(value.source) : value
  if (trueValues.has(key)) return ok(true)
  if (falseValues.has(key)) return ok(false)
  return fail(`"${pythonStr(value)}" is not a valid boolean.`)
}

const isoDate = /^(\d{4})-(\d{1,2})-(\d{1,2})$/u

/** A nullable `DateField` (ISO 8601 input); output `YYYY-MM-DD`. */
export const parseNullableDate = (value: unknown): FieldResult<string | null> => {
  if (value === null) return ok(null)
  const wrong = fail<string | null>("Date has wrong format. Use one of these formats instead: YYYY[-MM[-DD]].")
  if (typeof value !== "string") return wrong
  const match = isoDate.exec(value)
  if (match === null) return wrong
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || year < 1) {
    return wrong
  }
  return ok(`${match[1]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`)
}

/** The decimal places of Silver's own `DecimalField`s. */
const silverDecimalPlaces = 2

const pythonDecimal = /^([+-])?(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/u

/**
 * Silver's `amount`: DRF `DecimalField(max_digits=8, decimal_places=2)` with a 0.00 minimum, where
 * `decimals` (the currency's ISO 4217 exponent; Silver's 2 by default) takes the place of the 2:
 * `max_digits` is 6 + `decimals` (six before the point, as Silver), and more decimal places than
 * the currency has are refused with DRF's text — but for trailing zeros within Silver's own two
 * places, which a Silver-era client sends and which are exact (JPY `5000.00` is 5000). Returns the amount quantized to `decimals`
 * (`"12.50"`, BHD `"2.125"`, JPY `"5000"`).
 */
export const parseAmount = (value: unknown, decimals = 2): FieldResult<string> => {
  if (value === null) return fail(nullText)
  const text = (typeof value === "boolean" ? pythonStr(value) : pythonStr(value)).trim()
  if (typeof value === "object" && !isJsonDecimal(value)) return fail("A valid number is required.")
  const match = pythonDecimal.exec(text)
  if (match === null) return fail("A valid number is required.")
  const negative = match[1] === "-"
  const whole = match[2] ?? ""
  const fraction = match[3] ?? match[4] ?? ""
  let exponent = Number(match[5] ?? "0") - fraction.length
  let coefficient = `${whole}${fraction}`.replace(/^0+(?=\d)/u, "")
  // What Silver itself took (two places) stays accepted where it is exact in the currency: JPY `5000.00`.
  if (-exponent > decimals && -exponent <= silverDecimalPlaces) {
    while (exponent < -decimals && coefficient.endsWith("0") && coefficient.length > 1) {
      coefficient = coefficient.slice(0, -1)
      exponent += 1
    }
    if (coefficient === "0") exponent = Math.max(exponent, -decimals)
  }
  const digitCount = coefficient.length
  let totalDigits: number
  let wholeDigits: number
  let decimalPlaces: number
  if (exponent >= 0) {
    totalDigits = digitCount + exponent
    wholeDigits = totalDigits
    decimalPlaces = 0
  } else if (digitCount > -exponent) {
    totalDigits = digitCount
    wholeDigits = totalDigits + exponent
    decimalPlaces = -exponent
  } else {
    totalDigits = -exponent
    wholeDigits = 0
    decimalPlaces = totalDigits
  }
  const maxDigits = 6 + decimals
  if (totalDigits > maxDigits) return fail(`Ensure that there are no more than ${maxDigits} digits in total.`)
  if (decimalPlaces > decimals) return fail(`Ensure that there are no more than ${decimals} decimal places.`)
  if (wholeDigits > 6) return fail("Ensure that there are no more than 6 digits before the decimal point.")
  // Quantize to `decimals`: coefficient × 10^exponent in units of 10^-decimals.
  const units = exponent >= -decimals ? BigInt(coefficient) * 10n ** BigInt(exponent + decimals) : BigInt(coefficient)
  if (negative && units > 0n) return fail("Ensure this value is greater than or equal to 0.00.")
  if (decimals === 0) return ok(units.toString())
  const padded = units.toString().padStart(decimals + 1, "0")
  return ok(`${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`)
}

/** A `CharField` (optional, nullable when `allowNull`). */
export const parseText = (value: unknown, options: { readonly allowNull: boolean }): FieldResult<string | null> => {
  if (value === null) return options.allowNull ? ok(null) : fail(nullText)
  if (typeof value === "object" && !isJsonDecimal(value)) return fail("Not a valid string.")
  return ok(pythonStr(value))
}

/** A required `CharField` (blank not allowed). */
export const parseRequiredText = (value: unknown): FieldResult<string> => {
  if (value === undefined) return fail(requiredText)
  const parsed = parseText(value, { allowNull: false })
  if (!parsed.ok) return parsed
  const text = parsed.value ?? ""
  return text.trim() === "" ? fail("This field may not be blank.") : ok(text)
}

/** An `IntegerField` (nullable). */
export const parseNullableInteger = (value: unknown): FieldResult<number | null> => {
  if (value === null) return ok(null)
  const text = pythonStr(value).trim()
  return /^-?\d+(\.0*)?$/u.test(text) && typeof value !== "boolean"
    ? ok(Number.parseInt(text, 10))
    : fail("A valid integer is required.")
}

/** A Django-forms decimal (the list's `min_amount`/`max_amount`), or `null` when invalid. */
export const parseFilterDecimal = (text: string): bigint | null => {
  const match = pythonDecimal.exec(text.trim())
  if (match === null) return null
  const fraction = match[3] ?? match[4] ?? ""
  const exponent = Number(match[5] ?? "0") - fraction.length
  let scaled = BigInt(`${match[2] ?? ""}${fraction}` || "0")
  // Compare in units of 10^-12 (far below a cent) so any sensible filter value stays exact.
  const shift = exponent + 12
  if (shift < 0) scaled = scaled / 10n ** BigInt(-shift)
  else scaled = scaled * 10n ** BigInt(shift)
  return match[1] === "-" ? -scaled : scaled
}

/** Django's NullBooleanSelect: `True`/`2` → true, `False`/`3` → false, anything else unknown. */
export const parseFilterBoolean = (text: string | undefined): boolean | null => {
  if (text === "True" || text === "2") return true
  if (text === "False" || text === "3") return false
  return null
}

// ---------------------------------------------------------------------------------------------
// OPTIONS metadata (DRF 3.5 SimpleMetadata of the payment views)

/*
 * DRF's OPTIONS metadata for Silver's payment views, as `SimpleMetadata` of DRF 3.5 built it from
 * `PaymentSerializer` (a `HyperlinkedModelSerializer` over the Payment model of vendor notes §5.2):
 * `{name, description, renders, parses}` and, only for the methods among PUT/POST the view allows,
 * an `actions` block describing every serializer field (`type`, `required`, `read_only`, `label`,
 * `help_text`, `min_value`, and `choices` for writable choice fields). The list view allows POST,
 * so it carries `actions.POST`; the detail view allows only GET/PATCH (PUT was removed in d507250),
 * so DRF sent no `actions` there. DRF 3.5 did not list `max_digits`/`decimal_places` (added in DRF
 * 3.15) and a model field with choices got no `max_length`, so neither appears.
 */

/** One field of DRF's `actions` description, keys in `get_field_info`'s order. */
export interface SilverFieldInfo {
  readonly type: "integer" | "field" | "decimal" | "choice" | "date" | "boolean"
  readonly required: boolean
  readonly read_only: boolean
  readonly label: string
  readonly help_text?: string
  readonly min_value?: number
  readonly choices?: ReadonlyArray<{ readonly value: string; readonly display_name: string }>
}

/** The Payment model's status choices with their (translated) display names. */
const statusDisplayNames: Readonly<Record<(typeof silverStatuses)[number], string>> = {
  unpaid: "Unpaid",
  pending: "Pending",
  paid: "Paid",
  canceled: "Canceled"
}

const currencyNames = new Intl.DisplayNames(["en"], { type: "currency" })

/**
 * Silver's `currencies`: `sorted((alpha_3, "<alpha_3> (<name>)"))`. The codes are the ones this
 * dialect accepts (the ledger's ISO 4217 list); the names are CLDR's English names (Silver took
 * pycountry's ISO names, which differ for a few codes, e.g. "Pound Sterling").
 */
export const silverCurrencyChoices = [...currencyCodes]
  .sort()
  .map((code) => ({ value: code, display_name: `${code} (${currencyNames.of(code) ?? code})` }))

/** `actions.POST` of the payment list: the serializer's fields in `PaymentSerializer.Meta.fields` order. */
export const paymentCreateActions: Readonly<Record<string, SilverFieldInfo>> = {
  id: { type: "integer", required: false, read_only: true, label: "ID" },
  url: { type: "field", required: false, read_only: true, label: "Url" },
  // Required as the serializer declared it, although the view replaces it with the path's customer.
  customer: { type: "field", required: true, read_only: false, label: "Customer" },
  provider: { type: "field", required: true, read_only: false, label: "Provider" },
  // Silver's MinValueValidator(0.00) gave 0.0; ledger payments must be positive, so 0.01 here (README).
  amount: { type: "decimal", required: true, read_only: false, label: "Amount", min_value: 0.01 },
  currency: {
    type: "choice",
    required: false,
    read_only: false,
    label: "Currency",
    help_text: "The currency used for billing.",
    choices: silverCurrencyChoices
  },
  due_date: { type: "date", required: false, read_only: false, label: "Due date" },
  status: {
    type: "choice",
    required: false,
    read_only: false,
    label: "Status",
    choices: silverStatuses.map((status) => ({ value: status, display_name: statusDisplayNames[status] }))
  },
  visible: { type: "boolean", required: false, read_only: false, label: "Visible" },
  proforma: { type: "field", required: false, read_only: false, label: "Proforma" },
  invoice: { type: "field", required: false, read_only: false, label: "Invoice" }
}

/** The payment serializer's writable fields, in its field order (PATCH checks them in this order). */
export const paymentFields = [
  "customer",
  "provider",
  "amount",
  "currency",
  "due_date",
  "status",
  "visible",
  "proforma",
  "invoice"
] as const

/** Which payment view an OPTIONS request reached. */
export type SilverPaymentView = "list" | "detail"

/**
 * The whole OPTIONS body of a payment view, as DRF 3.5's `SimpleMetadata.determine_metadata` wrote
 * it. `mayCreate`: the caller passes the POST permission check (DRF left the method out otherwise).
 */
export const paymentViewMetadata = (view: SilverPaymentView, options: { readonly mayCreate: boolean }) => ({
  name: view === "list" ? "Payment List" : "Payment Detail",
  description: "",
  renders: ["application/json", "text/html"],
  parses: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
  ...(view === "list" && options.mayCreate ? { actions: { POST: paymentCreateActions } } : {})
})
