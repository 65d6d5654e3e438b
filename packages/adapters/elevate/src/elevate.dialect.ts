/**
 * The Elevate Billing dialect: the Payment and Refund API (1.37) over the Paybridge ledger,
 * mounted by default at `/elevate/v1` (the vendor serves it under `/v1`). Clients log in with
 * `POST /authenticate` `{brand, username, password}` and get a signed JWT (HS256, 15 minutes,
 * key from `ELEVATE_JWT_SECRET` through `ElevateTokenSettings`) that goes in `Authorization:
 * Bearer` on every other call. Customer payments pay the customer's unpaid invoices oldest first
 * and leave any overpayment as credit; negative ones (debits) are balance adjustments. Payment
 * providers are ledger gateways, site payment mandates are dialect records, refunds follow the
 * ledger's refund lifecycle, balances and credit status come from the customer record, and
 * payment links are made by the gateway port. Lists are bare JSON arrays paged by `page` and
 * `pageSize`, filtered by Elevate's expression grammar (see `elevate.transformers.ts`).
 */
import { createHash } from "node:crypto"
import {
  allPages,
  created,
  defineDialect,
  type Endpoint,
  endpoint,
  ok,
  pageWindow,
  publicEndpoint,
  rawJsonNumber
} from "@paybridge/adapter-kit"
import {
  Authenticator,
  type BalanceEntry,
  PaymentLink as CorePaymentLink,
  type Customer,
  type DialectRecord,
  DialectRecord as DialectRecordSchema,
  type Document,
  formatMinorUnits,
  InvalidTransition,
  Ledger,
  type LedgerError,
  type Refund as LedgerRefund,
  type Page,
  type Payment,
  validationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import {
  type CustomerPaymentRow,
  compilePaymentQuery,
  customerPaymentFields,
  customerPaymentValue,
  debitIdBase,
  paymentRow,
  renderCustomerPayment,
  toCustomerPayment
} from "./customer-payments.transformers.ts"
import { elevateBearer, signElevateToken } from "./elevate.auth.ts"
import { elevateErrors } from "./elevate.errors.ts"
import {
  AuthenticateRequest,
  AuthenticateResponse,
  BalanceAdjustment,
  type BillRunType,
  CreateBalanceAdjustment,
  CreateCustomerPayment,
  CreateInvoicePayment,
  CreatePaymentLink,
  CreatePaymentProvider,
  CreateRefund,
  CreateSitePaymentMandate,
  CreditStatusQuery,
  CustomerBalance,
  CustomerBalanceQuery,
  CustomerCreditStatusList,
  CustomerPayment,
  CustomerPaymentList,
  CustomerPaymentPath,
  CustomerPaymentsQuery,
  ElevateError,
  InvoicePayment,
  InvoicePaymentList,
  InvoicePaymentPath,
  InvoicePaymentsQuery,
  PaymentLink,
  PaymentProvider,
  PaymentProviderList,
  PaymentProviderPath,
  PaymentProvidersQuery,
  paymentMethods,
  Refund,
  RefundList,
  RefundPatch,
  RefundPath,
  type RefundStatus,
  RefundsQuery,
  refundStatuses,
  SitePaymentMandate,
  SitePaymentMandateList,
  SitePaymentMandatePath,
  SitePaymentMandatesQuery
} from "./elevate.schemas.ts"
import {
  billRunTypeOf,
  boundedPages,
  creationSeed,
  currencyIdOf,
  dialectId,
  elevateScanLimit,
  firstInvoiceOf,
  formatAmount,
  formatPositiveAmount,
  isPaymentMethod,
  isZeroDecimal,
  kinds,
  methodPresetId,
  missing,
  pagesInLedgerOrder,
  paymentAttributesOf,
  paymentMethodOf,
  recordOf,
  recordsOf,
  refundActionTo,
  refundStateOf,
  refundStatusOf,
  saveRecord,
  splitSign,
  unit
} from "./elevate.transformers.ts"
import {
  allocationEventBody,
  elevateEventDocumentOf,
  invoicePaymentBody,
  invoicePaymentEventIdBase,
  invoicePaymentEventsOf,
  invoicePaymentFields
} from "./invoice-payments.transformers.ts"
import {
  applyListQuery,
  decimalOfMinor,
  type FieldSpecs,
  type ListQuery,
  parseFlag,
  parseListQuery,
  projectFields,
  queryUses,
  selectPage,
  type WireRow,
  wirePage
} from "./list-grammar.transformers.ts"

/** A refund status change the ledger's refund lifecycle does not allow. */
const refusedRefund = (refund: LedgerRefund, message: string) =>
  new InvalidTransition({ entity: "refund", id: String(refund.id), from: refund.state, action: "update", message })

// ---------------------------------------------------------------- customer payments

const debitRows = (customer: Customer) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const records = yield* boundedPages(
      (cursor) =>
        ledger.listDialectRecords({
          dialect: dialectId,
          kind: kinds.debit,
          customerId: customer.id,
          cursor,
          limit: 1000
        }),
      { path: "customer_id", what: `the debits of customer ${customer.id}`, narrow: "pass excludeDebits=true" }
    )
    if (records.length === 0) return []
    // Balance entries come oldest first: read until the newest debit's entry, not the whole history.
    const wanted = new Set(records.map((record) => Number(record.key)))
    const byId = new Map<number, BalanceEntry>()
    let cursor: string | null = null
    let read = 0
    do {
      const page: Page<BalanceEntry> = yield* ledger.listBalanceEntries(customer.id, { cursor, limit: 1000 })
      for (const entry of page.items) if (wanted.has(entry.id)) byId.set(entry.id, entry)
      read += page.items.length
      if (read > elevateScanLimit && byId.size < wanted.size) {
        return yield* validationFailed(
          ["customer_id"],
          `the balance history of customer ${customer.id} exceeds the ${elevateScanLimit} rows one request reads; pass excludeDebits=true`
        )
      }
      cursor = byId.size < wanted.size ? page.nextCursor : null
    } while (cursor !== null)
    return records.flatMap((record): Array<CustomerPaymentRow> => {
      const entry = byId.get(Number(record.key))
      if (entry === undefined) return []
      const attributes = paymentAttributesOf(record.data)
      return [
        {
          id: debitIdBase + entry.id,
          customerId: customer.id,
          currency: customer.currency,
          amount: entry.delta,
          resultingBalance: entry.balanceAfter,
          description: typeof record.data.description === "string" ? record.data.description : null,
          reference: typeof record.data.reference === "string" ? record.data.reference : null,
          type: attributes.type,
          paymentDate: entry.occurredAt.toISOString().slice(0, 10),
          customerPaymentType: "CUSTOMER",
          txnType: "DEBIT",
          invoiceNumber: null,
          invoiceId: null,
          billRunType: attributes.billRunType
        }
      ]
    })
  })

/** Posted payments of a customer as Elevate rows (without their invoice until `withInvoices`). */
const creditRows = (customer: Customer, pushdown: ReturnType<typeof compilePaymentQuery>) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const narrow = {
      path: "filter",
      what: `a filtered or sorted list of the payments of customer ${customer.id}`,
      narrow:
        "narrow it with filter=paymentDate:gt:<date> or filter=id:gt:<id>, or drop filter and sort to page in id order"
    }
    const payments = yield* boundedPages(
      (cursor) =>
        ledger.listPayments({
          customerId: customer.id,
          states: ["posted"],
          order: "id",
          ...pushdown,
          cursor,
          limit: 1000
        }),
      narrow
    )
    const records = yield* boundedPages(
      (cursor) =>
        ledger.listDialectRecords({
          dialect: dialectId,
          kind: kinds.payment,
          customerId: customer.id,
          cursor,
          limit: 1000
        }),
      narrow
    )
    const attributes = new Map(records.map((record) => [record.paymentId, paymentAttributesOf(record.data)]))
    return payments.map((payment) =>
      paymentRow(payment, attributes.get(payment.id) ?? paymentAttributesOf(undefined), null)
    )
  })

/** Fills `invoiceId`/`invoiceNumber` of payment rows from their first allocation. */
const withInvoices = (rows: ReadonlyArray<CustomerPaymentRow>) =>
  Effect.forEach(rows, (row) =>
    row.txnType !== "PAYMENT"
      ? Effect.succeed(row)
      : Effect.gen(function* () {
          const ledger = yield* Ledger
          const invoice = yield* firstInvoiceOf(yield* ledger.getPayment({ id: row.id }))
          return invoice === null ? row : { ...row, invoiceId: invoice.id, invoiceNumber: invoice.number }
        })
  )

/**
 * One page of a customer's payments in the default order (id ascending: every payment, then every
 * debit, whose ids lie above {@link debitIdBase}), read from the ledger's pages up to the end of
 * the requested page only; attributes and invoices are read for the shown rows alone.
 */
const pagedCustomerPayments = (
  customer: Customer,
  list: ListQuery,
  options: { readonly excludeCredits: boolean; readonly excludeDebits: boolean }
) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const offset = (list.page - 1) * list.pageSize
    const credits = options.excludeCredits
      ? { rows: [], passed: 0 }
      : yield* pageWindow(
          (cursor) =>
            ledger.listPayments({ customerId: customer.id, states: ["posted"], order: "id", cursor, limit: 1000 }),
          offset,
          list.pageSize
        )
    const creditRowsShown = yield* Effect.forEach(credits.rows, (payment) =>
      Effect.map(recordOf(kinds.payment, String(payment.id)), (record) =>
        paymentRow(payment, paymentAttributesOf(record?.data), null)
      )
    )
    const room = list.pageSize - creditRowsShown.length
    const debits =
      options.excludeDebits || room === 0
        ? []
        : [...(yield* debitRows(customer))]
            .sort((a, b) => a.id - b.id)
            .slice(Math.max(0, offset - credits.passed), Math.max(0, offset - credits.passed) + room)
    return yield* withInvoices([...creditRowsShown, ...debits])
  })

const customerPaymentById = (id: number) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    if (id > debitIdBase) {
      const record = yield* recordOf(kinds.debit, String(id - debitIdBase))
      if (record === null || record.customerId === null) return yield* Effect.fail(missing("customer payment", id))
      const customer = yield* ledger.getCustomer(record.customerId)
      const row = (yield* debitRows(customer)).find((candidate) => candidate.id === id)
      if (row === undefined) return yield* Effect.fail(missing("customer payment", id))
      return row
    }
    const detail = yield* ledger.getPayment({ id })
    if (detail.payment.state !== "posted") return yield* Effect.fail(missing("customer payment", id))
    const record = yield* recordOf(kinds.payment, String(id))
    return paymentRow(detail.payment, paymentAttributesOf(record?.data), yield* firstInvoiceOf(detail))
  })

// ---------------------------------------------------------------- payment providers

const providerWire = (gateway: { id: number; name: string; enabled: boolean }, record: DialectRecord | null) => {
  const data = record?.data ?? {}
  const text = (name: string) => (typeof data[name] === "string" ? (data[name] as string) : null)
  const flag = (name: string) => data[name] === true
  return {
    id: gateway.id,
    type: isPaymentMethod(data.type) ? data.type : "OTHER",
    name: gateway.name,
    directDebitWithName: text("directDebitWithName"),
    status: gateway.enabled ? "ACTIVE" : "INACTIVE",
    creditorIdentifier: text("creditorIdentifier"),
    instantBankPayments: flag("instantBankPayments"),
    retryIfPossible: flag("retryIfPossible"),
    acceptExternalPayments: flag("acceptExternalPayments"),
    contractOwnerIds: Array.isArray(data.contractOwnerIds)
      ? data.contractOwnerIds.filter((value): value is number => Number.isInteger(value))
      : [],
    syncInstantBankPaymentsWithMandateCreation: flag("syncInstantBankPaymentsWithMandateCreation")
  } as const
}

const providerFields: FieldSpecs = {
  id: { kind: "integer" },
  type: { kind: "enum", values: paymentMethods },
  name: { kind: "text" },
  directDebitWithName: { kind: "text" },
  status: { kind: "enum", values: ["ACTIVE", "INACTIVE"] },
  creditorIdentifier: { kind: "text" },
  instantBankPayments: { kind: "boolean" },
  retryIfPossible: { kind: "boolean" },
  acceptExternalPayments: { kind: "boolean" },
  contractOwnerIds: { kind: "text" },
  syncInstantBankPaymentsWithMandateCreation: { kind: "boolean" }
}

// ---------------------------------------------------------------- site payment mandates

const mandateWire = (record: DialectRecord) => {
  const text = (name: string) => (typeof record.data[name] === "string" ? (record.data[name] as string) : null)
  return {
    id: record.id,
    redirectURL: text("redirectURL"),
    flowToken: text("flowToken") ?? "",
    siteId: record.customerId ?? 0,
    returnURL: text("returnURL") ?? "",
    mandateReference: text("mandateReference"),
    thirdPartyCustomerReference: text("thirdPartyCustomerReference"),
    exitURL: text("exitURL")
  }
}

const mandateFields: FieldSpecs = {
  id: { kind: "integer" },
  redirectURL: { kind: "text" },
  flowToken: { kind: "text" },
  siteId: { kind: "integer" },
  returnURL: { kind: "text" },
  mandateReference: { kind: "text" },
  thirdPartyCustomerReference: { kind: "text" },
  exitURL: { kind: "text" }
}

// ---------------------------------------------------------------- refunds

const refundWire = (refund: LedgerRefund, billRunType: BillRunType, record: DialectRecord | null) => ({
  id: refund.id,
  invoiceId: refund.documentId,
  customerId: refund.customerId,
  billRunType,
  thirdPartyRefundStatus: refundStatusOf(refund, record?.data.status),
  description: refund.reason,
  errorInfo: null,
  paymentMethod: isPaymentMethod(record?.data.paymentMethod) ? record.data.paymentMethod : "OTHER",
  amountInMajorCurrency: formatPositiveAmount(refund.amount, refund.currency)
})

const refundFields: FieldSpecs = {
  id: { kind: "integer" },
  invoiceId: { kind: "integer" },
  customerId: { kind: "integer" },
  billRunType: { kind: "enum", values: ["NORMAL", "ADHOC"] },
  thirdPartyRefundStatus: { kind: "enum", values: refundStatuses },
  description: { kind: "text" },
  errorInfo: { kind: "text" },
  paymentMethod: { kind: "enum", values: paymentMethods },
  amountInMajorCurrency: { kind: "decimal" }
}

const billRunTypeOfRefund = (refund: LedgerRefund) =>
  refund.documentId === null
    ? Effect.succeed<BillRunType>("NORMAL")
    : Effect.map(
        Effect.flatMap(Ledger, (ledger) => ledger.getDocument(refund.documentId as number)),
        billRunTypeOf
      )

const refundBody = (refund: LedgerRefund) =>
  Effect.gen(function* () {
    const record = yield* recordOf(kinds.refund, String(refund.id))
    return refundWire(refund, yield* billRunTypeOfRefund(refund), record)
  })

// ---------------------------------------------------------------- invoice payments

/**
 * Elevate invoice payments of one bill run type: every payment of the documents of that kind,
 * whatever protocol made it (see `invoicePaymentEventsOf`), with the events created through these
 * endpoints shown exactly as they were created.
 */
const invoicePaymentEndpoints = (options: {
  readonly billRunType: BillRunType
  readonly path: string
  readonly operation: string
  readonly label: string
}): ReadonlyArray<Endpoint> => {
  const documentKind: Document["kind"] = options.billRunType === "ADHOC" ? "bill" : "invoice"
  const suite = "elevate.test.ts"
  const crossProtocolTest =
    "shows payments made through other protocols and Elevate's customer payments as events of the invoice"
  const bodyOf = (id: number) =>
    Effect.gen(function* () {
      const ledger = yield* Ledger
      const record = yield* recordOf(kinds.payment, String(id))
      const attributes = paymentAttributesOf(record?.data)
      if (
        record === null ||
        attributes.customerPaymentType !== "INVOICE" ||
        attributes.billRunType !== options.billRunType
      ) {
        return yield* Effect.fail(missing(options.label, id))
      }
      const body = yield* invoicePaymentBody(yield* ledger.getPayment({ id }), record)
      if (body === null) return yield* Effect.fail(missing(options.label, id))
      return body
    })
  /** An event made outside the endpoints: `invoicePaymentEventIdBase + allocation id`. */
  const allocationBodyOf = (id: number) =>
    Effect.gen(function* () {
      const ledger = yield* Ledger
      const allocation = yield* ledger
        .getAllocation(id - invoicePaymentEventIdBase)
        .pipe(Effect.catchTag("NotFound", () => Effect.fail(missing(options.label, id))))
      const document = yield* ledger.getDocument(allocation.documentId)
      const record = yield* recordOf(kinds.payment, String(allocation.paymentId))
      // An allocation of an Elevate-created event for this document is that event (its payment's id).
      if (document.kind !== documentKind || elevateEventDocumentOf(record, options.billRunType) === document.id) {
        return yield* Effect.fail(missing(options.label, id))
      }
      return allocationEventBody(yield* ledger.getPayment({ id: allocation.paymentId }), allocation, document, record)
    })
  const eventOf = (id: number) => (id > invoicePaymentEventIdBase ? allocationBodyOf(id) : bodyOf(id))
  const ofKind = (document: Document | null): ReadonlyArray<Document> =>
    document === null || document.kind !== documentKind ? [] : [document]
  /** A filter naming an unknown invoice or payment matches nothing (Elevate answers `[]`, not 404). */
  const orNone = <A, R>(read: Effect.Effect<A, LedgerError, R>) =>
    read.pipe(Effect.catchTag("NotFound", () => Effect.succeed(null)))
  return [
    endpoint({
      method: "GET",
      path: options.path,
      operationId: `get${options.operation}s`,
      summary: `Get a list of ${options.label}s`,
      tags: [options.path.slice(1)],
      request: { query: InvoicePaymentsQuery },
      responses: { 200: { description: `A page of ${options.label}s`, schema: InvoicePaymentList } },
      tests: [
        `${suite} › invoice payments › pays one ${documentKind} through the ${options.path} endpoint and lists it`,
        `${suite} › invoice payments › ${crossProtocolTest}`
      ],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const list = yield* parseListQuery(query, invoicePaymentFields, {
            fieldFilters: { customerPaymentType: query.customerPaymentType }
          })
          // Paybridge has no bill runs: a billRunId filter matches nothing.
          if (query.billRunId !== undefined) return ok([])
          const narrow = {
            path: "generatedInvoiceId",
            narrow: "pass generatedInvoiceId or customerPaymentId to list the payments of one invoice or payment"
          }
          const customerRecords = (customerId: number) =>
            boundedPages(
              (cursor) =>
                ledger.listDialectRecords({ dialect: dialectId, kind: kinds.payment, customerId, cursor, limit: 1000 }),
              { ...narrow, what: `the Elevate payment records of customer ${customerId}` }
            )
          let rows: Array<WireRow>
          if (query.generatedInvoiceId !== undefined) {
            // One invoice: its allocations and its customer's Elevate records.
            const documents = ofKind(yield* orNone(ledger.getDocument(query.generatedInvoiceId)))
            const records = documents[0] === undefined ? [] : yield* customerRecords(documents[0].customerId)
            rows = yield* invoicePaymentEventsOf(documents, records, options.billRunType, narrow)
          } else if (query.customerPaymentId !== undefined) {
            // One payment: the documents it paid, or the one its Elevate record names.
            const detail = yield* orNone(ledger.getPayment({ id: query.customerPaymentId }))
            const record = detail === null ? null : yield* recordOf(kinds.payment, String(detail.payment.id))
            const documentIds = new Set(detail?.allocations.map((allocation) => allocation.documentId) ?? [])
            const recorded = elevateEventDocumentOf(record, options.billRunType)
            if (recorded !== null) documentIds.add(recorded)
            const documents: Array<Document> = []
            for (const documentId of documentIds)
              documents.push(...ofKind(yield* orNone(ledger.getDocument(documentId))))
            const records = detail === null ? [] : yield* customerRecords(detail.payment.customerId)
            rows = yield* invoicePaymentEventsOf(documents, records, options.billRunType, narrow)
          } else {
            // Everything: a bounded scan of the documents of this kind and the Elevate payment records.
            const documents = yield* boundedPages(
              (cursor) => ledger.listDocuments({ kinds: [documentKind], cursor, limit: 1000 }),
              { ...narrow, what: `the ${options.label}s' documents` }
            )
            const records = yield* boundedPages(
              (cursor) => ledger.listDialectRecords({ dialect: dialectId, kind: kinds.payment, cursor, limit: 1000 }),
              { ...narrow, what: "the Elevate payment records" }
            )
            rows = yield* invoicePaymentEventsOf(documents, records, options.billRunType, narrow)
          }
          if (query.customerPaymentId !== undefined) {
            rows = rows.filter((row) => row.customerPaymentId === query.customerPaymentId)
          }
          return ok(wirePage(rows, list, invoicePaymentFields))
        })
    }),
    endpoint({
      method: "POST",
      path: options.path,
      operationId: `create${options.operation}`,
      summary: `Create an ${options.label} (manual, or collected through a payment provider)`,
      tags: [options.path.slice(1)],
      request: { body: CreateInvoicePayment },
      responses: { 201: { description: `The ${options.label}`, schema: InvoicePayment } },
      tests: [
        `${suite} › invoice payments › pays one ${documentKind} through the ${options.path} endpoint and lists it`
      ],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const document = yield* ledger.getDocument(body.invoiceId)
          if (document.kind !== documentKind) {
            return yield* validationFailed(
              ["invoiceId"],
              `document ${document.id} is not ${options.billRunType === "ADHOC" ? "an adhoc" : "a normal"} invoice`
            )
          }
          const type = body.type ?? "OTHER"
          const methodId = yield* methodPresetId(type)
          const paymentId = yield* unit(
            `create${options.operation}`,
            body,
            Schema.Int,
            Effect.gen(function* () {
              const detail = yield* ledger.payDocument({
                documentId: document.id,
                ...(body.amountInMajorCurrency === undefined ? {} : { amount: body.amountInMajorCurrency }),
                ...(body.paymentDate === undefined ? {} : { paymentDate: body.paymentDate }),
                ...(methodId === null ? {} : { methodId }),
                gatewayId: body.paymentProviderId ?? null,
                cardToken: body.mandateReference ?? null,
                thirdPartyReference: body.reference ?? null,
                description: body.description ?? null
              })
              yield* saveRecord(
                kinds.payment,
                String(detail.payment.id),
                {
                  type,
                  billRunType: options.billRunType,
                  customerPaymentType: "INVOICE",
                  paymentProviderId: body.paymentProviderId ?? null,
                  documentId: document.id
                },
                { customerId: detail.payment.customerId, paymentId: detail.payment.id }
              )
              return detail.payment.id
            })
          )
          return created(yield* bodyOf(paymentId))
        })
    }),
    endpoint({
      method: "GET",
      path: `${options.path}/:invoice_payment_id`,
      operationId: `get${options.operation}`,
      summary: `Get a specific ${options.label}`,
      tags: [options.path.slice(1)],
      request: { params: InvoicePaymentPath },
      responses: { 200: { description: `The ${options.label}`, schema: InvoicePayment } },
      tests: [
        `${suite} › invoice payments › pays one ${documentKind} through the ${options.path} endpoint and lists it`,
        `${suite} › invoice payments › ${crossProtocolTest}`
      ],
      implemented: true,
      handler: ({ params }) => Effect.map(eventOf(params.invoice_payment_id), (body) => ok(body))
    })
  ]
}

// ---------------------------------------------------------------- credit status

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

interface CreditStatusRow {
  readonly customer: Customer
  /** What the customer owes (≥ 0), in minor units. */
  readonly billAmount: bigint
  readonly openBillRunValue: bigint
}

const creditStatusFields: FieldSpecs = {
  customerId: { kind: "integer" },
  creditThreshold: { kind: "decimal" },
  billAmount: { kind: "decimal" },
  valueDifference: { kind: "decimal" },
  percentageDifference: { kind: "decimal" },
  openBillRunValue: { kind: "decimal" }
}

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

// ---------------------------------------------------------------- the dialect

const suite = "elevate.test.ts"
const contract = "elevate.contract.test.ts › Elevate Billing (Payment and Refund API 1.37): dialect contract"

export const elevateDialect = defineDialect({
  id: dialectId,
  title: "Elevate Billing (Payment and Refund API 1.37)",
  vendorDocs: [
    {
      title: "Elevate Payment and Refund API",
      url: "https://docs.elevatebilling.com/openapi/prod/gen/billing-rest-payment.md"
    },
    {
      title: "Elevate authentication",
      url: "https://docs.cvt.elevatebilling.io/openapi/pages/billing-rest-authentication/operation/createBearerToken"
    }
  ],
  description:
    "POST /authenticate returns a JWT (HS256, 15 minutes) for Authorization: Bearer. Amounts are exact JSON numbers in major units, dates YYYY-MM-DD, lists bare arrays paged by page and pageSize (1-1000) with Elevate's filter grammar. Errors are { status, error, message, path, requestId, errors? }. Customer payments pay the oldest unpaid invoices first; negative ones are balance debits.",
  version: "1.37",
  defaultBasePath: "/elevate/v1",
  authenticate: elevateBearer,
  // The admin console's view: the payment as an Elevate customer payment.
  renderPayment: renderCustomerPayment,
  renderError: elevateErrors,
  errorSchema: ElevateError,
  endpoints: [
    publicEndpoint({
      method: "POST",
      path: "/authenticate",
      operationId: "createBearerToken",
      summary: "Exchange a brand, user name and password for a JWT valid 15 minutes",
      tags: ["authentication"],
      request: { body: AuthenticateRequest },
      responses: { 200: { description: "The token", schema: AuthenticateResponse } },
      tests: [
        `${suite} › authentication › issues a 15-minute JWT for a user's password and accepts it as a bearer token`,
        `${suite} › authentication › refuses wrong passwords, tampered, foreign and expired tokens with 401 in Elevate's shape`
      ],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const principal = yield* Authenticator.use((auth) => auth.authenticatePassword(body.username, body.password))
          const token = yield* signElevateToken(principal, { brand: body.brand, username: body.username })
          return ok({ token, username: body.username })
        })
    }),

    // ------------------------------------------------------------ customer payments
    endpoint({
      method: "GET",
      path: "/customer-payments",
      operationId: "getCustomerPayments",
      summary: "Get a list of customer or invoice payments",
      tags: ["customer-payments"],
      request: { query: CustomerPaymentsQuery },
      responses: { 200: { description: "A page of customer payments", schema: CustomerPaymentList } },
      tests: [
        `${suite} › customer payments › replays the vendor's list example field by field`,
        `${suite} › customer payments › validates page and pageSize`,
        `${suite} › filters › applies every operator of the filter grammar`,
        `${suite} › filters › answers hostile filter input with 400 naming the problem, never an error or a match`
      ],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const list = yield* parseListQuery(query, customerPaymentFields, {
            searchFields: ["description", "reference"],
            fieldFilters: { customerPaymentType: query.customerPaymentType }
          })
          const excludeDebits = yield* parseFlag("excludeDebits", query.excludeDebits)
          const excludeCredits = yield* parseFlag("excludeCredits", query.excludeCredits)
          const customer = yield* ledger.getCustomer(query.customer_id)
          if (pagesInLedgerOrder(list)) {
            const shown = yield* pagedCustomerPayments(customer, list, { excludeCredits, excludeDebits })
            return ok(shown.map((row) => projectFields(toCustomerPayment(row), list.fields)))
          }
          const credits = excludeCredits ? [] : yield* creditRows(customer, compilePaymentQuery(list.conditions))
          const debits = excludeDebits ? [] : yield* debitRows(customer)
          const needInvoices = queryUses(list, ["invoiceId", "invoiceNumber"])
          const rows = needInvoices ? yield* withInvoices([...credits, ...debits]) : [...credits, ...debits]
          const page = selectPage(rows, list, customerPaymentValue)
          const shown = needInvoices ? page : yield* withInvoices(page)
          return ok(shown.map((row) => projectFields(toCustomerPayment(row), list.fields)))
        })
    }),
    endpoint({
      method: "POST",
      path: "/customer-payments",
      operationId: "createCustomerPayment",
      summary: "Create a customer payment, disbursed to the oldest unpaid invoices first, any rest as credit",
      tags: ["customer-payments"],
      request: { body: CreateCustomerPayment },
      responses: { 201: { description: "Customer payment created", schema: CustomerPayment } },
      tests: [
        `${contract} › creates exactly one payment and answers with a body matching the declared response schema`,
        `${contract} › returns the same result for a create retried with the same idempotency key and creates one payment`,
        `${suite} › customer payments › replays the vendor's create example field by field`,
        `${suite} › customer payments › pays the oldest unpaid invoices first and keeps an overpayment as credit`,
        `${suite} › customer payments › books a negative customer payment as a debit adjustment`
      ],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const amount = body.amountInMajorCurrency
          if (isZeroDecimal(amount)) {
            return yield* validationFailed(["amountInMajorCurrency"], "a customer payment cannot be zero")
          }
          const type = body.type ?? "OTHER"
          const billRunType = body.billRunType ?? "NORMAL"
          const { negative, magnitude } = splitSign(amount)
          const methodId = negative ? null : yield* methodPresetId(type)
          const elevateId = yield* unit(
            "createCustomerPayment",
            body,
            Schema.Int,
            Effect.gen(function* () {
              if (negative) {
                const entry = yield* ledger.adjustBalance({
                  customerId: body.customerId,
                  amount,
                  description: body.description ?? `Elevate debit${body.reference ? ` ${body.reference}` : ""}`
                })
                yield* saveRecord(
                  kinds.debit,
                  String(entry.id),
                  { type, billRunType, description: body.description ?? null, reference: body.reference ?? null },
                  { customerId: body.customerId }
                )
                return debitIdBase + entry.id
              }
              const detail = yield* ledger.createPayment({
                customerId: body.customerId,
                amount: magnitude,
                allocateOldestFirst: true,
                ...(methodId === null ? {} : { methodId }),
                description: body.description ?? null,
                thirdPartyReference: body.reference ?? null
              })
              const attributes = { type, billRunType, customerPaymentType: "CUSTOMER", paymentProviderId: null }
              yield* saveRecord(kinds.payment, String(detail.payment.id), attributes, {
                customerId: detail.payment.customerId,
                paymentId: detail.payment.id
              })
              return detail.payment.id
            })
          )
          return created(toCustomerPayment(yield* customerPaymentById(elevateId)))
        })
    }),
    endpoint({
      method: "GET",
      path: "/customer-payments/:customer_payment_id",
      operationId: "getCustomerPayment",
      summary: "Get a specific customer payment",
      tags: ["customer-payments"],
      request: { params: CustomerPaymentPath },
      responses: { 200: { description: "The customer payment", schema: CustomerPayment } },
      tests: [
        `${suite} › customer payments › replays the vendor's get example field by field`,
        `${suite} › customer payments › answers an unknown customer payment with 404 in Elevate's shape`
      ],
      implemented: true,
      handler: ({ params }) =>
        Effect.map(customerPaymentById(params.customer_payment_id), (row) => ok(toCustomerPayment(row)))
    }),

    // ------------------------------------------------------------ payment providers
    endpoint({
      method: "GET",
      path: "/payment-providers",
      operationId: "getPaymentProviders",
      summary: "Get a list of payment providers",
      tags: ["payment-providers"],
      request: { query: PaymentProvidersQuery },
      responses: { 200: { description: "A page of payment providers", schema: PaymentProviderList } },
      tests: [`${suite} › payment providers › creates, lists and reads payment providers as ledger gateways`],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const list = yield* parseListQuery(query, providerFields, { fieldFilters: { type: query.type } })
          const gateways = yield* allPages((cursor) => ledger.listGateways({ cursor, limit: 1000 }))
          const records = new Map((yield* recordsOf(kinds.provider)).map((record) => [record.key, record]))
          const rows: Array<WireRow> = gateways.map((gateway) =>
            providerWire(gateway, records.get(String(gateway.id)) ?? null)
          )
          return ok(wirePage(rows, list, providerFields))
        })
    }),
    endpoint({
      method: "POST",
      path: "/payment-providers",
      operationId: "createPaymentProvider",
      summary: "Create a payment provider (a ledger gateway)",
      tags: ["payment-providers"],
      request: { body: CreatePaymentProvider },
      responses: { 201: { description: "Payment provider created", schema: PaymentProvider } },
      tests: [`${suite} › payment providers › creates, lists and reads payment providers as ledger gateways`],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const seed = yield* creationSeed
          const gatewayId = yield* unit(
            "createPaymentProvider",
            body,
            Schema.Int,
            Effect.gen(function* () {
              const gateway = yield* ledger.createGateway({
                code: `elevate-${body.type.toLowerCase().replaceAll("_", "-")}-${seed.slice(0, 8)}`.slice(0, 40),
                name: body.name,
                enabled: body.status === "ACTIVE"
              })
              const { name: _name, status: _status, ...attributes } = body
              yield* saveRecord(kinds.provider, String(gateway.id), { ...attributes })
              return gateway.id
            })
          )
          const gateway = yield* ledger.getGateway(gatewayId)
          return created(providerWire(gateway, yield* recordOf(kinds.provider, String(gateway.id))))
        })
    }),
    endpoint({
      method: "GET",
      path: "/payment-providers/:payment_provider_id",
      operationId: "getPaymentProvider",
      summary: "Get a specific payment provider",
      tags: ["payment-providers"],
      request: { params: PaymentProviderPath },
      responses: { 200: { description: "The payment provider", schema: PaymentProvider } },
      tests: [`${suite} › payment providers › creates, lists and reads payment providers as ledger gateways`],
      implemented: true,
      handler: ({ params }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const gateway = yield* ledger.getGateway(params.payment_provider_id)
          return ok(providerWire(gateway, yield* recordOf(kinds.provider, String(gateway.id))))
        })
    }),
    endpoint({
      method: "PATCH",
      path: "/payment-providers/:payment_provider_id",
      operationId: "updatePaymentProvider",
      summary: "Update a payment provider (JSON Patch); the ledger's gateways cannot be changed after creation",
      tags: ["payment-providers"],
      request: { params: PaymentProviderPath },
      responses: { 200: { description: "The payment provider", schema: PaymentProvider } },
      tests: [],
      implemented: false
    }),

    // ------------------------------------------------------------ site payment mandates
    endpoint({
      method: "GET",
      path: "/site-payment-mandates",
      operationId: "getSitePaymentMandates",
      summary: "Get a list of site payment mandates",
      tags: ["site-payment-mandates"],
      request: { query: SitePaymentMandatesQuery },
      responses: { 200: { description: "A page of site payment mandates", schema: SitePaymentMandateList } },
      tests: [`${suite} › site payment mandates › records a mandate per site and finds it by id and by site`],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const list = yield* parseListQuery(query, mandateFields)
          if (query.siteId !== undefined) yield* ledger.getCustomer(query.siteId)
          const records = yield* recordsOf(
            kinds.mandate,
            query.siteId === undefined ? {} : { customerId: query.siteId }
          )
          const rows: Array<WireRow> = records.map(mandateWire)
          return ok(wirePage(rows, list, mandateFields))
        })
    }),
    endpoint({
      method: "POST",
      path: "/site-payment-mandates",
      operationId: "createSitePaymentMandate",
      summary: "Create a site payment mandate (a site is a Paybridge customer)",
      tags: ["site-payment-mandates"],
      request: { body: CreateSitePaymentMandate },
      responses: { 201: { description: "Site payment mandate created", schema: SitePaymentMandate } },
      tests: [`${suite} › site payment mandates › records a mandate per site and finds it by id and by site`],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const customer = yield* ledger.getCustomer(body.siteId)
          const seed = yield* creationSeed
          const record = yield* ledger.saveDialectRecord({
            dialect: dialectId,
            kind: kinds.mandate,
            key: `mandate-${seed}`,
            customerId: customer.id,
            data: {
              redirectURL: body.redirectURL ?? null,
              flowToken: createHash("sha256").update(`flow\n${seed}`).digest("base64url").slice(0, 32),
              returnURL: body.returnURL,
              exitURL: body.exitURL ?? null,
              mandateReference: body.mandateReference ?? null,
              thirdPartyCustomerReference: body.thirdPartyCustomerReference ?? null
            }
          })
          return created(mandateWire(record))
        })
    }),
    endpoint({
      method: "GET",
      path: "/site-payment-mandates/:site_payment_mandate_id",
      operationId: "getSitePaymentMandate",
      summary: "Get a specific site payment mandate",
      tags: ["site-payment-mandates"],
      request: { params: SitePaymentMandatePath },
      responses: { 200: { description: "The site payment mandate", schema: SitePaymentMandate } },
      tests: [`${suite} › site payment mandates › records a mandate per site and finds it by id and by site`],
      implemented: true,
      handler: ({ params }) =>
        Effect.gen(function* () {
          const record = (yield* recordsOf(kinds.mandate)).find((row) => row.id === params.site_payment_mandate_id)
          if (record === undefined)
            return yield* Effect.fail(missing("site payment mandate", params.site_payment_mandate_id))
          return ok(mandateWire(record))
        })
    }),

    // ------------------------------------------------------------ invoice payments
    ...invoicePaymentEndpoints({
      billRunType: "NORMAL",
      path: "/invoice-payments",
      operation: "InvoicePayment",
      label: "invoice payment"
    }),
    ...invoicePaymentEndpoints({
      billRunType: "ADHOC",
      path: "/adhoc-invoice-payments",
      operation: "AdhocInvoicePayment",
      label: "adhoc invoice payment"
    }),

    // ------------------------------------------------------------ refunds
    endpoint({
      method: "GET",
      path: "/refunds",
      operationId: "getRefunds",
      summary: "Get a list of refunds",
      tags: ["refunds"],
      request: { query: RefundsQuery },
      responses: { 200: { description: "A page of refunds", schema: RefundList } },
      tests: [`${suite} › refunds › walks a refund through Elevate's statuses on the ledger's refund lifecycle`],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const list = yield* parseListQuery(query, refundFields)
          const refunds = yield* allPages((cursor) =>
            ledger.listRefunds({
              ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
              cursor,
              limit: 1000
            })
          )
          const wanted = refunds.filter(
            (refund) => query.invoiceId === undefined || refund.documentId === query.invoiceId
          )
          const rows: Array<WireRow> = []
          for (const refund of wanted) {
            const body = yield* refundBody(refund)
            if (query.billRunType === undefined || body.billRunType === query.billRunType) rows.push(body)
          }
          return ok(wirePage(rows, list, refundFields))
        })
    }),
    endpoint({
      method: "POST",
      path: "/refunds",
      operationId: "createRefund",
      summary: "Trigger a refund for an invoice or an adhoc invoice payment",
      tags: ["refunds"],
      request: { body: CreateRefund },
      responses: { 201: { description: "Refund created", schema: Refund } },
      tests: [
        `${suite} › refunds › walks a refund through Elevate's statuses on the ledger's refund lifecycle`,
        `${suite} › refunds › refuses a refund larger than what paid the invoice`
      ],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const document = yield* ledger.getDocument(body.invoiceId)
          const billRunType = billRunTypeOf(document)
          if (body.billRunType !== undefined && body.billRunType !== billRunType) {
            return yield* validationFailed(
              ["billRunType"],
              `invoice ${document.id} is ${billRunType}, not ${body.billRunType}`
            )
          }
          // The payments that paid the invoice: those allocated to it now, and those already refunded for
          // it (a refund releases the allocations that no longer fit the payment). The newest one with
          // something left is refunded; the ledger refuses more than the payment has left.
          const allocations = yield* ledger.listDocumentAllocations(document.id)
          const earlier = yield* allPages((cursor) =>
            ledger.listRefunds({ customerId: document.customerId, cursor, limit: 1000 })
          )
          const paymentIds = new Set([
            ...allocations.map((allocation) => allocation.paymentId),
            ...earlier.filter((refund) => refund.documentId === document.id).map((refund) => refund.paymentId)
          ])
          const candidates: Array<{ readonly payment: Payment; readonly left: bigint; readonly allocated: bigint }> = []
          for (const id of [...paymentIds].sort((a, b) => b - a)) {
            const { payment } = yield* ledger.getPayment({ id })
            const left = payment.amount - payment.reversedAmount - payment.refundedAmount
            const allocated = allocations
              .filter((allocation) => allocation.paymentId === id)
              .reduce((sum, allocation) => sum + allocation.amount, 0n)
            if (payment.state === "posted" && left > 0n) candidates.push({ payment, left, allocated })
          }
          const chosen = candidates[0]
          if (chosen === undefined) {
            return yield* validationFailed(
              ["invoiceId"],
              `nothing has been paid on invoice ${document.id} that can be refunded`
            )
          }
          const paymentMethod = body.paymentMethod ?? (yield* paymentMethodOf(chosen.payment.id))
          const refundId = yield* unit(
            "createRefund",
            body,
            Schema.Int,
            Effect.gen(function* () {
              const refund = yield* ledger.refundPayment({
                paymentId: chosen.payment.id,
                amount:
                  body.amountInMajorCurrency ??
                  formatMinorUnits(
                    chosen.allocated > 0n && chosen.allocated < chosen.left ? chosen.allocated : chosen.left,
                    chosen.payment.currency
                  ),
                documentId: document.id,
                reason: body.description ?? null
              })
              yield* saveRecord(
                kinds.refund,
                String(refund.id),
                { paymentMethod, status: null },
                { customerId: refund.customerId, paymentId: refund.paymentId }
              )
              return refund.id
            })
          )
          return created(yield* refundBody(yield* ledger.getRefund(refundId)))
        })
    }),
    endpoint({
      method: "GET",
      path: "/refunds/:refund_id",
      operationId: "getRefund",
      summary: "Get a specific refund",
      tags: ["refunds"],
      request: { params: RefundPath },
      responses: { 200: { description: "The refund", schema: Refund } },
      tests: [`${suite} › refunds › walks a refund through Elevate's statuses on the ledger's refund lifecycle`],
      implemented: true,
      handler: ({ params }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          return ok(yield* refundBody(yield* ledger.getRefund(params.refund_id)))
        })
    }),
    endpoint({
      method: "PATCH",
      path: "/refunds/:refund_id",
      operationId: "updateRefund",
      summary: "Update a refund's status or description (JSON Patch replace)",
      tags: ["refunds"],
      request: { params: RefundPath, body: RefundPatch },
      responses: { 200: { description: "The refund", schema: Refund } },
      tests: [
        `${suite} › refunds › walks a refund through Elevate's statuses on the ledger's refund lifecycle`,
        `${suite} › refunds › refuses a status the ledger's lifecycle does not allow from the current one`
      ],
      implemented: true,
      handler: ({ params, body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          let status: RefundStatus | null = null
          for (const [index, operation] of body.entries()) {
            if (operation.op !== "replace" || operation.path !== "/thirdPartyRefundStatus") {
              return yield* validationFailed(
                [index, "path"],
                `only {"op":"replace","path":"/thirdPartyRefundStatus"} is supported, got ${operation.op} ${operation.path.slice(0, 60)}`
              )
            }
            if (
              typeof operation.value !== "string" ||
              !(refundStatuses as ReadonlyArray<string>).includes(operation.value)
            ) {
              return yield* validationFailed(
                [index, "value"],
                `thirdPartyRefundStatus must be one of ${refundStatuses.join(", ")}`
              )
            }
            status = operation.value as RefundStatus
          }
          const current = yield* ledger.getRefund(params.refund_id)
          const chosen = status
          if (chosen !== null) {
            yield* unit(
              "updateRefund",
              { refundId: current.id, body },
              Schema.Int,
              Effect.gen(function* () {
                const refund = yield* ledger.getRefund(current.id)
                const target = refundStateOf[chosen]
                if (target !== refund.state) {
                  const action = refundActionTo[target]
                  if (action === null) {
                    return yield* Effect.fail(
                      refusedRefund(refund, `a ${refund.state} refund cannot go back to ${chosen}`)
                    )
                  }
                  yield* ledger.transitionRefund({ refundId: refund.id, action })
                }
                const previous = yield* recordOf(kinds.refund, String(refund.id))
                yield* saveRecord(
                  kinds.refund,
                  String(refund.id),
                  { ...(previous?.data ?? {}), status: chosen },
                  { customerId: refund.customerId, paymentId: refund.paymentId }
                )
                return refund.id
              })
            )
          }
          return ok(yield* refundBody(yield* ledger.getRefund(current.id)))
        })
    }),

    // ------------------------------------------------------------ balances and credit status
    endpoint({
      method: "GET",
      path: "/customer-balances",
      operationId: "getCustomerBalance",
      summary: "Get the outstanding balance for a customer (negative: in debt, positive: in credit)",
      tags: ["customer-balances"],
      request: { query: CustomerBalanceQuery },
      responses: { 200: { description: "The customer's balance", schema: CustomerBalance } },
      tests: [`${suite} › balances › shows the balance, payment totals and a manual adjustment`],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const customer = yield* ledger.getCustomer(query.customer_id)
          // The totals sum every posted payment: a whole-history read, bounded by elevateScanLimit.
          const refusal = (what: string) => ({
            path: "customer_id",
            what: `the ${what} of customer ${customer.id}`,
            narrow: "read the balance alone from GET /customer-credit-status?customerId=<id>"
          })
          const payments = yield* boundedPages(
            (cursor) =>
              ledger.listPayments({ customerId: customer.id, states: ["posted"], order: "id", cursor, limit: 1000 }),
            refusal("posted payments")
          )
          const documents = yield* boundedPages(
            (cursor) =>
              ledger.listDocuments({ customerId: customer.id, kinds: ["invoice", "bill"], cursor, limit: 1000 }),
            refusal("invoices")
          )
          const lastInvoiceAt = documents.reduce<Date | null>(
            (latest, document) =>
              document.state !== "cancelled" && (latest === null || document.createdAt > latest)
                ? document.createdAt
                : latest,
            null
          )
          const net = (payment: Payment) => payment.amount - payment.reversedAmount
          const total = payments.reduce((sum, payment) => sum + net(payment), 0n)
          const sinceLastInvoice = payments
            .filter(
              (payment) => lastInvoiceAt === null || (payment.postedAt !== null && payment.postedAt >= lastInvoiceAt)
            )
            .reduce((sum, payment) => sum + net(payment), 0n)
          const latest = payments.at(-1)
          const method = latest === undefined ? "OTHER" : yield* paymentMethodOf(latest.id)
          return ok({
            id: customer.id,
            customerId: customer.id,
            balance: formatAmount(customer.balance, customer.currency),
            currencyId: currencyIdOf(customer.currency),
            totalPayments: formatAmount(total, customer.currency),
            totalPaymentsSinceLastInvoice: formatAmount(sinceLastInvoice, customer.currency),
            paymentMethodSummary: { paymentMethod: method, summaryType: "NONE" },
            repaymentPlanSummary: {
              repaymentPlanAmount: formatAmount(0n, customer.currency),
              repaymentPlanRemainingPeriods: 0,
              summaryType: "NONE"
            }
          })
        })
    }),
    endpoint({
      method: "POST",
      path: "/customer-balances",
      operationId: "createCustomerBalanceAdjustment",
      summary: "Make a manual adjustment to a customer's outstanding balance",
      tags: ["customer-balances"],
      request: { body: CreateBalanceAdjustment },
      responses: { 200: { description: "Customer balance adjusted", schema: BalanceAdjustment } },
      tests: [`${suite} › balances › shows the balance, payment totals and a manual adjustment`],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const amount = body.amountInMajorCurrency
          if (isZeroDecimal(amount))
            return yield* validationFailed(["amountInMajorCurrency"], "an adjustment cannot be zero")
          const magnitude = splitSign(amount).magnitude
          const [whole = "0"] = magnitude.split(".")
          if (BigInt(whole) > 100_000n || (BigInt(whole) === 100_000n && !/^\d+(\.0*)?$/u.test(magnitude))) {
            return yield* validationFailed(
              ["amountInMajorCurrency"],
              "an adjustment must be between -100000 and 100000"
            )
          }
          const customer = yield* ledger.getCustomer(body.customerId)
          const entry = yield* ledger.adjustBalance({
            customerId: customer.id,
            amount,
            description: body.description ?? "Elevate manual balance adjustment"
          })
          return ok({
            id: entry.id,
            customerId: customer.id,
            amountInMajorCurrency: formatAmount(entry.delta, customer.currency),
            currencyId: currencyIdOf(customer.currency),
            description: body.description ?? null,
            resultingCustomerBalance: formatAmount(entry.balanceAfter, customer.currency)
          })
        })
    }),
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
          const ledger = yield* Ledger
          const list = yield* parseListQuery(query, creditStatusFields, {
            fieldFilters: { percentageDifference: query.percentageDifference }
          })
          const rowOf = (customer: Customer, open: ReadonlyArray<Document>): CreditStatusRow => ({
            customer,
            billAmount: customer.balance < 0n ? -customer.balance : 0n,
            openBillRunValue: open.reduce((sum, document) => sum + document.outstanding, 0n)
          })
          const openOf = (customer: Customer) =>
            boundedPages(
              (cursor) =>
                ledger.listDocuments({
                  customerId: customer.id,
                  kinds: ["invoice", "bill"],
                  unpaidOnly: true,
                  cursor,
                  limit: 1000
                }),
              { path: "customerId", what: `the open invoices of customer ${customer.id}`, narrow: "settle some first" }
            )
          const withOpen = (customers: ReadonlyArray<Customer>) =>
            Effect.forEach(customers, (customer) => Effect.map(openOf(customer), (open) => rowOf(customer, open)))
          const sortById = [{ field: "customerId", descending: false }]
          if (query.customerId !== undefined) {
            const rows = yield* withOpen([yield* ledger.getCustomer(query.customerId)])
            return ok(applyListQuery(rows, list, creditStatusValue, creditStatusWire, sortById))
          }
          if (pagesInLedgerOrder(list)) {
            // Customers come in id order from the ledger: read up to the requested page, then only its open invoices.
            const offset = (list.page - 1) * list.pageSize
            const { rows: customers } = yield* pageWindow(
              (cursor) => ledger.listCustomers({ cursor, limit: 1000 }),
              offset,
              list.pageSize
            )
            return ok((yield* withOpen(customers)).map((row) => projectFields(creditStatusWire(row), list.fields)))
          }
          // A filter or sort over every customer: two bounded scans (customers, open invoices), grouped here.
          const narrow = {
            path: "filter",
            what: "a filtered or sorted credit status of every customer",
            narrow: "pass customerId, or drop filter and sort to page in customer id order"
          }
          const customers = yield* boundedPages((cursor) => ledger.listCustomers({ cursor, limit: 1000 }), narrow)
          const open = yield* boundedPages(
            (cursor) => ledger.listDocuments({ kinds: ["invoice", "bill"], unpaidOnly: true, cursor, limit: 1000 }),
            narrow
          )
          const openByCustomer = Map.groupBy(open, (document) => document.customerId)
          const rows = customers.map((customer) => rowOf(customer, openByCustomer.get(customer.id) ?? []))
          return ok(applyListQuery(rows, list, creditStatusValue, creditStatusWire, sortById))
        })
    }),

    // ------------------------------------------------------------ payment links
    endpoint({
      method: "POST",
      path: "/payment-provider-payment-link",
      operationId: "createPaymentProviderPaymentLink",
      summary: "Create a payment link through a payment provider for an invoice, an adhoc invoice or the balance",
      tags: ["payment-provider-payment-link"],
      request: { body: CreatePaymentLink },
      responses: { 201: { description: "The payment link", schema: PaymentLink } },
      tests: [`${suite} › payment links › creates a payment link through the gateway port for an invoice or a balance`],
      implemented: true,
      handler: ({ body }) =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const targets = [body.invoiceId, body.adhocInvoiceId, body.customerId].filter((value) => value != null)
          if (targets.length !== 1) {
            return yield* validationFailed([], "give exactly one of invoiceId, adhocInvoiceId and customerId")
          }
          const documentId = body.invoiceId ?? body.adhocInvoiceId ?? null
          if (documentId !== null) {
            const document = yield* ledger.getDocument(documentId)
            const expected = body.invoiceId != null ? "invoice" : "bill"
            if (document.kind !== expected) {
              return yield* validationFailed(
                [body.invoiceId != null ? "invoiceId" : "adhocInvoiceId"],
                expected === "invoice"
                  ? `document ${documentId} is an adhoc invoice; send it as adhocInvoiceId`
                  : `document ${documentId} is a normal invoice; send it as invoiceId`
              )
            }
          }
          const [whole = "0"] = body.amountInMajorCurrency.split(".")
          if (
            BigInt(whole) > 100_000n ||
            (BigInt(whole) === 100_000n && !/^\d+(\.0*)?$/u.test(body.amountInMajorCurrency))
          ) {
            return yield* validationFailed(["amountInMajorCurrency"], "a payment link is for 0.01 to 100000")
          }
          const { link, record } = yield* unit(
            "createPaymentProviderPaymentLink",
            body,
            Schema.Struct({ link: CorePaymentLink, record: DialectRecordSchema }),
            Effect.gen(function* () {
              const link = yield* ledger.createPaymentLink({
                gatewayId: body.paymentProviderId,
                ...(body.customerId == null ? {} : { customerId: body.customerId }),
                documentId,
                amount: body.amountInMajorCurrency,
                reference: body.description
              })
              const record = yield* saveRecord(
                kinds.link,
                link.gatewayReference,
                { url: link.url, description: body.description, emailAddress: body.emailAddress ?? null, documentId },
                { customerId: link.customerId }
              )
              return { link, record }
            })
          )
          return created({
            id: record.id,
            paymentProviderId: link.gatewayId,
            amountInMajorCurrency: formatPositiveAmount(link.amount, link.currency),
            currencyId: currencyIdOf(link.currency),
            description: body.description,
            emailAddress: body.emailAddress ?? null,
            invoiceId: body.invoiceId ?? null,
            adhocInvoiceId: body.adhocInvoiceId ?? null,
            customerId: link.customerId,
            url: link.url
          })
        })
    }),

    // ------------------------------------------------------------ documented, not performed
    endpoint({
      method: "GET",
      path: "/payment-provider-mandates/:paymentMethod/:mandateReference",
      operationId: "getPaymentProviderMandate",
      summary: "Get details of a mandate held by a payment provider",
      tags: ["payment-provider-mandates"],
      responses: { 200: { description: "The mandate" } },
      tests: [],
      implemented: false
    }),
    endpoint({
      method: "POST",
      path: "/payment-provider-reprocess",
      operationId: "reprocessPaymentProvider",
      summary: "Reprocess a payment provider's pending events",
      tags: ["payment-provider-reprocess"],
      responses: { 200: { description: "Reprocessed" } },
      tests: [],
      implemented: false
    }),
    endpoint({
      method: "POST",
      path: "/invoice-payment-reprocess",
      operationId: "reprocessInvoicePayment",
      summary: "Resubmit an invoice payment to its payment provider",
      tags: ["invoice-payment-reprocess"],
      responses: { 200: { description: "Reprocessed" } },
      tests: [],
      implemented: false
    }),
    endpoint({
      method: "POST",
      path: "/invoice-payment-cancel",
      operationId: "cancelInvoicePayment",
      summary: "Cancel an invoice payment submitted to a payment provider",
      tags: ["invoice-payment-cancel"],
      responses: { 200: { description: "Cancelled" } },
      tests: [],
      implemented: false
    }),
    endpoint({
      method: "POST",
      path: "/instant-bank-payment-for-mandate",
      operationId: "createInstantBankPaymentForMandate",
      summary: "Take an instant bank payment against a mandate",
      tags: ["instant-bank-payment-for-mandate"],
      responses: { 200: { description: "The payment" } },
      tests: [],
      implemented: false
    })
  ]
})
