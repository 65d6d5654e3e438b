/**
 * Silver's payment list in SQL: django-filter's `PaymentFilter` and DRF's `OrderingFilter` of
 * `/customers/<id>/payments/` (as Silver's code had them @00bc43d) compiled to the ledger's
 * customer-row list (`Payments.listCustomerRows`), which filters, orders, pages and counts a
 * customer's payments together with the open documents shown as Silver's unpaid payments (issue
 * 12.8) in one statement. Silver's own attributes (due date, visible, proforma, invoice) are the
 * list columns of its `payment-attributes` records; its statuses and the amount a payment shows
 * are derived there from the payment's state and reversals, as `silverView` derives them. Also
 * the rendering of a listed row in Silver's payment representation.
 */
import {
  type BusinessDate,
  type CurrencyCode,
  type CustomerRow,
  type CustomerRowQuery,
  type CustomerRowSortField,
  type CustomerRowStatus,
  Payments
} from "@paybridge/core"
import { Effect } from "effect"
import { customerOfPath, silverOrigin } from "./payments.transformers.ts"
import {
  parseFilterBoolean,
  parseFilterDecimal,
  type SilverPayment,
  type SilverStatus,
  silverMoney
} from "./silver.schemas.ts"
import {
  dialectId,
  documentPaymentKind,
  type Links,
  maybe,
  type Program,
  paymentAttributesKind
} from "./silver.transformers.ts"
import { documentIdOfUnpaid, unpaidPaymentIdOffset } from "./unpaid-payments.transformers.ts"

/** The Silver status a listed row shows (see `silverView`; an open document is an unpaid payment). */
export const silverStatusOfRow: Readonly<Record<CustomerRowStatus, SilverStatus>> = {
  draft: "unpaid",
  pending: "pending",
  posted: "paid",
  reversed: "canceled",
  cancelled: "canceled",
  rejected: "canceled",
  "open-document": "unpaid"
}

const rowStatuses = Object.keys(silverStatusOfRow) as ReadonlyArray<CustomerRowStatus>

/** Rows order by their Silver status name, as DRF ordered by the status column. */
const statusRank = Object.fromEntries(
  rowStatuses.map((status) => {
    const names = [...new Set(Object.values(silverStatusOfRow))].sort()
    return [status, names.indexOf(silverStatusOfRow[status])]
  })
) as Record<CustomerRowStatus, number>

/** DRF's ordering fields (the serializer's, not `url`) → the row column they order by (`customer` is the same on every row). */
const orderingColumns: Readonly<Record<string, CustomerRowSortField | null>> = {
  id: "shownId",
  customer: null,
  provider: "billingEntityId",
  amount: "amount",
  currency: "currency",
  due_date: "listDate",
  status: "status",
  visible: "listFlag",
  proforma: "proformaId",
  invoice: "invoiceId"
}

/** Floor and ceiling of a division of bigints by a positive divisor. */
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b))
const ceilDiv = (a: bigint, b: bigint) => -floorDiv(-a, b)
/** `parseFilterDecimal` compares in units of 10^-12; amounts are minor units (10^-2, as the in-process filter scaled them). */
const filterUnitsPerMinor = 10n ** 10n

/**
 * Silver's list filters and ordering as a customer-row query (without customer, page and size).
 * `null` when a typed filter value is invalid, which made django-filter's form invalid and the list empty.
 */
export const rowQueryOf = (
  query: Readonly<Record<string, string | undefined>>,
  today: string
): Omit<CustomerRowQuery, "customerId" | "page" | "limit"> | null => {
  const given = (name: string): string | undefined => {
    const value = query[name]
    return value === undefined || value === "" ? undefined : value
  }
  const minText = given("min_amount")
  const maxText = given("max_amount")
  const min = minText === undefined ? undefined : parseFilterDecimal(minText)
  const max = maxText === undefined ? undefined : parseFilterDecimal(maxText)
  if (min === null || max === null) return null
  const overdue = parseFilterBoolean(given("is_overdue"))
  const visible = parseFilterBoolean(given("visible"))
  const status = given("status")
  const currency = given("currency")?.toLowerCase()
  // Silver compared the lower-cased codes: only a code's own letters in any case match it.
  const currencyMatches = currency === undefined || /^[a-z]{3}$/u.test(currency)
  const statuses =
    status === undefined && currencyMatches
      ? undefined
      : rowStatuses.filter((row) => currencyMatches && (status === undefined || silverStatusOfRow[row] === status))
  const requested = (query.ordering ?? "")
    .split(",")
    .map((term) => term.trim())
    .filter((term) => Object.hasOwn(orderingColumns, term.replace(/^-/u, "")))
  const terms = requested.length > 0 ? requested : ["-due_date"]
  const sort = terms.flatMap((term) => {
    const field = orderingColumns[term.replace(/^-/u, "")]
    return field === null || field === undefined
      ? []
      : [{ field, direction: term.startsWith("-") ? ("desc" as const) : ("asc" as const) }]
  })
  return {
    dialect: dialectId,
    attributeKind: paymentAttributesKind,
    ownOrigin: silverOrigin,
    documents: { idOffset: unpaidPaymentIdOffset, carrierKind: documentPaymentKind },
    statuses,
    listFlag: visible ?? undefined,
    due: overdue === null ? undefined : { today: today as BusinessDate, overdue },
    billingEntityFlow: given("flow"),
    billingEntityName: given("provider"),
    amountMin: min === undefined ? undefined : ceilDiv(min, filterUnitsPerMinor),
    amountMax: max === undefined ? undefined : floorDiv(max, filterUnitsPerMinor),
    currency: currency === undefined || !currencyMatches ? undefined : (currency.toUpperCase() as CurrencyCode),
    sort,
    statusRank
  }
}

/**
 * A listed row in Silver's payment representation: a payment's links show its customer's shown
 * id (its Silver id when migrated); an open document's show the customer as the path names it.
 */
export const toSilverRow = (
  row: CustomerRow,
  customer: { readonly paymentsShownId: number; readonly pathId: number },
  links: Links
): SilverPayment => {
  const customerId = row.source === "payment" ? customer.paymentsShownId : customer.pathId
  return {
    id: row.shownId,
    url: links.payment(customerId, row.shownId),
    customer: links.customer(customerId),
    provider: row.billingEntityId === null ? null : links.provider(row.billingEntityId),
    amount: silverMoney.format(row.amount, row.currency),
    currency: row.currency,
    due_date: row.listDate,
    status: silverStatusOfRow[row.status],
    visible: row.listFlag,
    proforma: row.proformaId === null ? null : links.proforma(row.proformaId),
    invoice: row.invoiceId === null ? null : links.invoice(row.invoiceId)
  }
}

/**
 * The open document a derived payment id names (issue 12.8) as its listed row — the customer's
 * rows narrowed to the document shown under that id (a document migrated from Silver under its
 * Silver id, an invoice before a proforma; any other under its ledger id) in the list's one
 * statement — or `null` when the id is not one, the document is not that customer's (the path
 * names the customer as its URLs show it) or no longer shown, or the customer is outside the
 * caller's scope.
 */
export const findUnpaidRow = (customerIdText: string, paymentIdText: string): Program<CustomerRow | null> =>
  Effect.gen(function* () {
    const documentId = documentIdOfUnpaid(Number(paymentIdText))
    if (documentId === null) return null
    const customerId = yield* customerOfPath(customerIdText)
    const base = rowQueryOf({}, "")
    if (customerId === null || base === null) return null
    const found = yield* maybe(
      Payments.use((payments) =>
        payments.listCustomerRows({
          ...base,
          customerId,
          documentShownId: documentId,
          sort: [{ field: "invoiceId", direction: "desc" }],
          page: 1,
          limit: 1
        })
      )
    )
    return found?.rows[0] ?? null
  })
