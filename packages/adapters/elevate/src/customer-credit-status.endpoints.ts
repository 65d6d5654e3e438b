/**
 * Elevate's `customer-credit-status` resource: per customer, what they owe (−balance, ≥ 0) against
 * their credit limit (`creditThreshold`), the difference in value and in percent (2 decimals,
 * exact), and the outstanding on open invoices and bills; `null`s without a limit. With
 * `customerId` it reads that customer only; without filter or sort it pages customers in the
 * ledger; otherwise it reads every customer and open invoice (no scan limit).
 */
import { allPages, type Endpoint, endpoint, ok, pageWindow, rawJsonNumber } from "@paybridge/adapter-kit"
import { type Customer, type Document, Documents, Parties } from "@paybridge/core"
import { Effect } from "effect"
import { CreditStatusQuery, CustomerCreditStatusList } from "./elevate.schemas.ts"
import { formatAmount, pagesInLedgerOrder } from "./elevate.transformers.ts"
import {
  applyListQuery,
  decimalOfMinor,
  type FieldSpecs,
  parseListQuery,
  projectFields
} from "./list-grammar.transformers.ts"

/** `part / whole × 100` with 2 decimals, rounded half up, exactly (bigint arithmetic). */
const percentageOf = (part: bigint, whole: bigint): string | null => {
  if (whole === 0n) return null
  const negative = part < 0n !== whole < 0n && part !== 0n
  const p = part < 0n ? -part : part
  const w = whole < 0n ? -whole : whole
  const hundredths = (p * 10_000n * 2n + w) / (2n * w)
  const whole100 = hundredths / 100n
  const fraction = (hundredths % 100n).toString().padStart(2, "0")
  return `${negative ? "-" : ""}${whole100}.${fraction}`
}

/** One customer's credit status in minor units, before it is formatted. */
interface CreditStatusRow {
  readonly customer: Customer
  /** What the customer owes (≥ 0), in minor units. */
  readonly billAmount: bigint
  readonly openBillRunValue: bigint
}

/** The credit-status fields, as the list grammar sees them. */
const creditStatusFields: FieldSpecs = {
  customerId: { kind: "integer" },
  creditThreshold: { kind: "decimal" },
  billAmount: { kind: "decimal" },
  valueDifference: { kind: "decimal" },
  percentageDifference: { kind: "decimal" },
  openBillRunValue: { kind: "decimal" }
}

/** A credit-status row's field values for the list grammar (amounts as exact decimals). */
const creditStatusValue = (row: CreditStatusRow, field: string) => {
  const { customer } = row
  const limit = customer.creditLimit
  switch (field) {
    case "customerId":
      return BigInt(customer.id)
    case "creditThreshold":
      return limit === null ? null : decimalOfMinor(limit, customer.currency)
    case "billAmount":
      return decimalOfMinor(row.billAmount, customer.currency)
    case "valueDifference":
      return limit === null ? null : decimalOfMinor(limit - row.billAmount, customer.currency)
    case "percentageDifference": {
      const percentage = limit === null ? null : percentageOf(row.billAmount, limit)
      if (percentage === null) return null
      const [whole = "0", fraction = ""] = percentage.replace("-", "").split(".")
      const units = BigInt(`${whole}${fraction}`)
      return { units: percentage.startsWith("-") ? -units : units, scale: fraction.length }
    }
    case "openBillRunValue":
      return decimalOfMinor(row.openBillRunValue, customer.currency)
    default:
      return null
  }
}

/** A credit-status row as Elevate's wire body. */
const creditStatusWire = (row: CreditStatusRow) => {
  const { customer } = row
  const limit = customer.creditLimit
  const percentage = limit === null ? null : percentageOf(row.billAmount, limit)
  return {
    customerId: customer.id,
    creditThreshold: limit === null ? null : formatAmount(limit, customer.currency),
    billAmount: formatAmount(row.billAmount, customer.currency),
    valueDifference: limit === null ? null : formatAmount(limit - row.billAmount, customer.currency),
    percentageDifference: percentage === null ? null : rawJsonNumber(percentage),
    openBillRunValue: formatAmount(row.openBillRunValue, customer.currency)
  }
}

const suite = "elevate.balances.test.ts"

export const customerCreditStatusEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/customer-credit-status",
    operationId: "getCustomerCreditStatus",
    summary: "Get a list of credit status threshold information (balance against the credit threshold)",
    tags: ["customer-credit-status"],
    request: { query: CreditStatusQuery },
    responses: { 200: { description: "Credit status per customer", schema: CustomerCreditStatusList } },
    tests: [`${suite} › balances › compares what a customer owes with their credit threshold`],
    implemented: true,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const documents = yield* Documents
        const parties = yield* Parties
        const list = yield* parseListQuery(query, creditStatusFields, {
          fieldFilters: { percentageDifference: query.percentageDifference }
        })
        const rowOf = (customer: Customer, open: ReadonlyArray<Document>): CreditStatusRow => ({
          customer,
          billAmount: customer.balance < 0n ? -customer.balance : 0n,
          openBillRunValue: open.reduce((sum, document) => sum + document.outstanding, 0n)
        })
        const openOf = (customer: Customer) =>
          allPages((cursor) =>
            documents.listDocuments({
              customerId: customer.id,
              kinds: ["invoice", "bill"],
              unpaidOnly: true,
              cursor,
              limit: 1000
            })
          )
        const withOpen = (customers: ReadonlyArray<Customer>) =>
          Effect.forEach(customers, (customer) => Effect.map(openOf(customer), (open) => rowOf(customer, open)))
        const sortById = [{ field: "customerId", descending: false }]
        if (query.customerId !== undefined) {
          const rows = yield* withOpen([yield* parties.getCustomer(query.customerId)])
          return ok(applyListQuery(rows, list, creditStatusValue, creditStatusWire, sortById))
        }
        if (pagesInLedgerOrder(list)) {
          // Customers come in id order from the ledger: read up to the requested page, then only its open invoices.
          const offset = (list.page - 1) * list.pageSize
          const { rows: customers } = yield* pageWindow(
            (cursor) => parties.listCustomers({ cursor, limit: 1000 }),
            offset,
            list.pageSize
          )
          return ok((yield* withOpen(customers)).map((row) => projectFields(creditStatusWire(row), list.fields)))
        }
        // A filter or sort over every customer: two bounded scans (customers, open invoices), grouped here.
        const customers = yield* allPages((cursor) => parties.listCustomers({ cursor, limit: 1000 }))
        const open = yield* allPages((cursor) =>
          documents.listDocuments({ kinds: ["invoice", "bill"], unpaidOnly: true, cursor, limit: 1000 })
        )
        const openByCustomer = Map.groupBy(open, (document) => document.customerId)
        const rows = customers.map((customer) => rowOf(customer, openByCustomer.get(customer.id) ?? []))
        return ok(applyListQuery(rows, list, creditStatusValue, creditStatusWire, sortById))
      })
  })
]
