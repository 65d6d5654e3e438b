/**
 * Elevate's `customer-payments` resource. A positive payment is one posted ledger payment that
 * pays the customer's unpaid invoices oldest first and leaves any overpayment as credit; a
 * negative one (a debit) is a ledger balance adjustment. The list shows the customer's posted
 * payments from any protocol, then the Elevate debits; without filter or sort it pages in the
 * ledger (an SQL offset, the rows before the page never read) and reads details for the shown rows
 * only; otherwise it reads the customer's posted payments (narrowed in SQL by date and id bounds) and
 * filters and sorts them in process (no scan limit).
 */
import {
  allPages,
  created,
  type Endpoint,
  endpoint,
  ok,
  paymentByVendorId,
  paymentViewByVendorId,
  shownNumericId
} from "@paybridge/adapter-kit"
import {
  type BalanceEntry,
  type BalanceEntryKind,
  Balances,
  type Customer,
  type CustomerId,
  DialectRecords,
  type Document,
  Parties,
  type Payment,
  type PaymentAnnex,
  PaymentId,
  Payments,
  validationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import {
  CustomerPaymentRow,
  compilePaymentQuery,
  customerPaymentFields,
  customerPaymentValue,
  debitIdBase,
  paymentRow,
  toCustomerPayment
} from "./customer-payments.transformers.ts"
import {
  CreateCustomerPayment,
  CustomerPayment,
  CustomerPaymentList,
  CustomerPaymentPath,
  CustomerPaymentsQuery
} from "./elevate.schemas.ts"
import {
  dialectId,
  firstInvoiceOf,
  isZeroDecimal,
  kinds,
  ledgerIdOf,
  methodPresetId,
  migratedBalanceOf,
  migratedDateOf,
  missing,
  movementRecordKey,
  type PaymentAttributes,
  pagesInLedgerOrder,
  paymentAttributesOf,
  recordOf,
  saveRecord,
  splitSign,
  unit
} from "./elevate.transformers.ts"
import {
  type ListQuery,
  parseFlag,
  parseListQuery,
  projectFields,
  queryUses,
  selectPage
} from "./list-grammar.transformers.ts"

/**
 * The balance movements a customer-payments list shows besides the posted payments (issue 12.3):
 * reversals and reinstatements, refunds and refunds voided (cancelled or bounced), and balance
 * adjustments (Elevate's debits among them) — whatever protocol made them — so the rows add up to
 * the customer's balance less the invoices. Documents and payment postings are not rows here (a
 * posted payment is its own row).
 */
const movementKinds: ReadonlySet<BalanceEntryKind> = new Set([
  "payment-reversed",
  "payment-reinstated",
  "refund",
  "refund-voided",
  "adjustment"
])

/**
 * What a movement row made outside Elevate's debits says it is: the ledger's text, with the payment
 * it names (`payment <n> reversed`, `refund of payment <n> …`, by the ledger's payment number) named
 * by the id Elevate shows that payment under — a client can look it up, and a payment migrated from
 * Elevate is named by its Elevate id.
 */
const movementDescription = (entry: BalanceEntry, payments: ReadonlyMap<number, Payment>): string | null => {
  const payment = entry.paymentId === null ? undefined : payments.get(entry.paymentId)
  if (entry.description === null || payment === undefined) return entry.description
  const name = payment.number ?? payment.referenceNumber
  const shown = String(shownNumericId(dialectId, payment))
  for (const prefix of ["payment ", "refund of payment "]) {
    const named = `${prefix}${name}`
    const rest = entry.description.slice(named.length)
    if (entry.description.startsWith(named) && (rest === "" || rest.startsWith(" "))) return `${prefix}${shown}${rest}`
  }
  return entry.description
}

/**
 * The customer's balance movements as customer-payment rows: `debitIdBase` + the balance entry id,
 * `DEBIT` when it takes money off the balance, `PAYMENT` when it gives money back; Elevate's own
 * debits carry the attributes recorded when they were made. Reads the customer's balance history.
 */
const movementRows = (customer: Customer) =>
  Effect.gen(function* () {
    const dialectRecords = yield* DialectRecords
    const balances = yield* Balances
    const records = yield* allPages((cursor) =>
      dialectRecords.listDialectRecords({
        dialect: dialectId,
        kind: kinds.debit,
        customerId: customer.id,
        cursor,
        limit: 1000
      })
    )
    const debits = new Map(records.map((record) => [record.key, record.data]))
    const entries = yield* allPages((cursor) => balances.listBalanceEntries(customer.id, { cursor, limit: 1000 }))
    // The payments the movements name (reversals, refunds), read once when there are any.
    const named = entries.some((entry) => movementKinds.has(entry.kind) && entry.paymentId !== null)
      ? yield* allPages((cursor) =>
          Effect.flatMap(Payments, (payments) =>
            payments.listPayments({ customerId: customer.id, cursor, limit: 1000 })
          )
        )
      : []
    const payments = new Map(named.map((payment) => [payment.id as number, payment]))
    // A customer migrated from Elevate: the balance Elevate showed after each of its migrated movements.
    const migrated =
      customer.externalRef?.system === dialectId && entries.some((entry) => movementKinds.has(entry.kind))
        ? yield* allPages((cursor) =>
            dialectRecords.listDialectRecords({
              dialect: dialectId,
              kind: kinds.movement,
              customerId: customer.id,
              cursor,
              limit: 1000
            })
          )
        : []
    const migratedData = new Map(migrated.map((record) => [record.key, record.data]))
    return entries.flatMap((entry): Array<CustomerPaymentRow> => {
      if (!movementKinds.has(entry.kind)) return []
      const data = debits.get(String(entry.id))
      const attributes = paymentAttributesOf(data)
      const key = movementRecordKey(entry)
      const shown = key === null ? undefined : migratedData.get(key)
      const shownBalance = migratedBalanceOf(shown, customer.currency)
      return [
        {
          id: debitIdBase + entry.id,
          customerId: customer.id,
          currency: customer.currency,
          amount: entry.delta,
          resultingBalance: shownBalance === undefined ? entry.balanceAfter : shownBalance,
          description: typeof data?.description === "string" ? data.description : movementDescription(entry, payments),
          reference: typeof data?.reference === "string" ? data.reference : null,
          type: attributes.type,
          paymentDate: migratedDateOf(shown) ?? entry.occurredAt.toISOString().slice(0, 10),
          customerPaymentType: "CUSTOMER",
          txnType: entry.delta < 0n ? "DEBIT" : "PAYMENT",
          invoiceNumber: null,
          invoiceId: null,
          billRunType: attributes.billRunType
        }
      ]
    })
  })

/** Movement rows passing `excludeDebits` / `excludeCredits` (a debit takes money off, a credit gives it). */
const wantedMovements = (
  customer: Customer,
  options: { readonly excludeCredits: boolean; readonly excludeDebits: boolean }
) =>
  options.excludeDebits && options.excludeCredits
    ? Effect.succeed<ReadonlyArray<CustomerPaymentRow>>([])
    : Effect.map(movementRows(customer), (rows) =>
        rows.filter((row) => (row.txnType === "DEBIT" ? !options.excludeDebits : !options.excludeCredits))
      )

/** Posted payments of a customer as Elevate rows (without their invoice until `withInvoices`). */
const creditRows = (customer: Customer, pushdown: ReturnType<typeof compilePaymentQuery>) =>
  Effect.gen(function* () {
    const paymentsService = yield* Payments
    const dialectRecords = yield* DialectRecords
    const payments = yield* allPages((cursor) =>
      paymentsService.listPayments({
        customerId: customer.id,
        states: ["posted"],
        order: "id",
        ...pushdown,
        cursor,
        limit: 1000
      })
    )
    const records = yield* allPages((cursor) =>
      dialectRecords.listDialectRecords({
        dialect: dialectId,
        kind: kinds.payment,
        customerId: customer.id,
        cursor,
        limit: 1000
      })
    )
    const recordData = new Map(records.map((record) => [record.paymentId, record.data]))
    return payments.map((payment) => paymentRow(payment, recordData.get(payment.id), null))
  })

/**
 * Fills `invoiceId`/`invoiceNumber` of payment rows from their first allocation; rows in
 * `unallocated` (payments known to have nothing allocated) need no read.
 */
const withInvoices = (rows: ReadonlyArray<CustomerPaymentRow>, unallocated: ReadonlySet<number> = new Set()) =>
  Effect.forEach(rows, (row) =>
    row.txnType !== "PAYMENT" || row.id > debitIdBase || unallocated.has(row.id)
      ? Effect.succeed(row)
      : Effect.gen(function* () {
          const invoice = yield* firstInvoiceOf(
            yield* paymentByVendorId(dialectId, String(row.id), ledgerIdOf(PaymentId, row.id))
          )
          return invoice === null ? row : { ...row, invoiceId: invoice.id, invoiceNumber: invoice.number }
        })
  )

/** What a page of payments brings along in its own statement: attributes, allocations, invoice numbers. */
const pageAnnex = {
  record: { dialect: dialectId, kind: kinds.payment },
  allocations: true,
  documentNumbers: true
} as const

/** The invoice a payment row shows: the document of its first allocation (by id), from the page's annex. */
const firstInvoiceIn = (annex: PaymentAnnex | undefined): Pick<Document, "id" | "number"> | null => {
  const allocations = annex?.allocations ?? []
  const first = allocations.reduce<(typeof allocations)[number] | undefined>(
    (earliest, allocation) => (earliest === undefined || allocation.id < earliest.id ? allocation : earliest),
    undefined
  )
  const number = first === undefined ? undefined : annex?.documentNumbers?.get(first.documentId)
  return first === undefined || number === undefined ? null : { id: first.documentId, number }
}

/**
 * One page of a customer's payments in the default order (id ascending: every payment, then every
 * debit, whose ids lie above {@link debitIdBase}). The page's payments are one ledger statement
 * (the rows before the page skipped in SQL), bringing each row's attribute record, allocations and
 * invoice numbers along (no read per row); nothing counts the customer's payments unless the page
 * reaches the debits past the last payment. The customer row is read only when the page shows no
 * payment (to answer 404 for an unknown customer) or reaches the debits.
 */
const pagedCustomerPayments = (
  customerId: CustomerId,
  list: ListQuery,
  options: { readonly excludeCredits: boolean; readonly excludeDebits: boolean }
) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const parties = yield* Parties
    const offset = (list.page - 1) * list.pageSize
    const query = { customerId, states: ["posted" as const], order: "id" as const, offset, limit: list.pageSize }
    const credits = options.excludeCredits ? null : yield* payments.listPayments({ ...query, annex: pageAnnex })
    const creditRowsShown = (credits?.items ?? []).map((payment) => {
      const annex = credits?.annex?.get(payment.id)
      return paymentRow(payment, annex?.record ?? undefined, firstInvoiceIn(annex))
    })
    const room = list.pageSize - creditRowsShown.length
    if (room === 0 && creditRowsShown.length > 0) return creditRowsShown
    // An unknown customer is 404 whatever the page; a page with payments proves the customer exists.
    const customer = yield* parties.getCustomer(customerId)
    // The payments before the debits: a page that is not full ended them; an empty page past the
    // first one needs them counted.
    const creditTotal =
      credits === null
        ? 0
        : creditRowsShown.length > 0 || offset === 0
          ? offset + creditRowsShown.length
          : ((yield* payments.listPayments({ ...query, withTotal: true })).total ?? 0)
    const debitOffset = Math.max(0, offset - creditTotal)
    const debits = [...(yield* wantedMovements(customer, options))]
      .sort((a, b) => a.id - b.id)
      .slice(debitOffset, debitOffset + room)
    return [...creditRowsShown, ...debits]
  })

/** One customer payment by its Elevate id: a debit above `debitIdBase`, else a posted ledger payment. */
const customerPaymentById = (id: number) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    if (id > debitIdBase) {
      const record = yield* recordOf(kinds.debit, String(id - debitIdBase))
      if (record === null || record.customerId === null) return yield* Effect.fail(missing("customer payment", id))
      const customer = yield* parties.getCustomer(record.customerId)
      const row = (yield* movementRows(customer)).find((candidate) => candidate.id === id)
      if (row === undefined) return yield* Effect.fail(missing("customer payment", id))
      return row
    }
    // A payment migrated from Elevate answers its Elevate id (issue 16.2); its attribute record
    // (keyed by the ledger id) comes in the same read.
    const view = yield* paymentViewByVendorId(dialectId, String(id), ledgerIdOf(PaymentId, id), {
      keyedRecords: [{ dialect: dialectId, kind: kinds.payment, key: "payment-id" }]
    })
    const detail = view.detail
    if (detail.payment.state !== "posted") return yield* Effect.fail(missing("customer payment", id))
    const record = view.records.find((candidate) => candidate.key === String(detail.payment.id))
    return paymentRow(detail.payment, record?.data, yield* firstInvoiceOf(detail))
  })

const suite = "elevate.customer-payments.test.ts"

const contract = "elevate.contract.test.ts › Elevate Billing (Payment and Refund API 1.37): dialect contract"

export const customerPaymentsEndpoints: ReadonlyArray<Endpoint> = [
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
        const parties = yield* Parties
        const list = yield* parseListQuery(query, customerPaymentFields, {
          searchFields: ["description", "reference"],
          fieldFilters: { customerPaymentType: query.customerPaymentType }
        })
        const excludeDebits = yield* parseFlag("excludeDebits", query.excludeDebits)
        const excludeCredits = yield* parseFlag("excludeCredits", query.excludeCredits)
        if (pagesInLedgerOrder(list)) {
          const shown = yield* pagedCustomerPayments(query.customer_id, list, { excludeCredits, excludeDebits })
          return ok(shown.map((row) => projectFields(toCustomerPayment(row), list.fields)))
        }
        const customer = yield* parties.getCustomer(query.customer_id)
        const credits = excludeCredits ? [] : yield* creditRows(customer, compilePaymentQuery(list.conditions))
        const debits = yield* wantedMovements(customer, { excludeCredits, excludeDebits })
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
        const balances = yield* Balances
        const payments = yield* Payments
        const amount = body.amountInMajorCurrency
        if (isZeroDecimal(amount)) {
          return yield* validationFailed(["amountInMajorCurrency"], "a customer payment cannot be zero")
        }
        const type = body.type ?? "OTHER"
        const billRunType = body.billRunType ?? "NORMAL"
        const { negative, magnitude } = splitSign(amount)
        const methodId = negative ? null : yield* methodPresetId(type)
        // The unit answers the row it created (a replay answers it again without reading); a debit,
        // or a key claimed before rows were stored, answers an id that is read back.
        const result = yield* unit(
          "createCustomerPayment",
          body,
          Schema.Union([Schema.Int, CustomerPaymentRow]),
          Effect.gen(function* () {
            if (negative) {
              const entry = yield* balances.adjustBalance({
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
            const attributes: PaymentAttributes = {
              type,
              billRunType,
              customerPaymentType: "CUSTOMER",
              paymentProviderId: null
            }
            // The attribute record is written with the payment's events (no statement of its own),
            // and the answer is built from what the unit returns.
            const detail = yield* payments.createPayment(
              {
                customerId: body.customerId,
                amount: magnitude,
                allocateOldestFirst: true,
                ...(methodId === null ? {} : { methodId }),
                description: body.description ?? null,
                thirdPartyReference: body.reference ?? null
              },
              { record: { dialect: dialectId, kind: kinds.payment, data: { ...attributes } } }
            )
            return paymentRow(detail.payment, { ...attributes }, yield* firstInvoiceOf(detail))
          })
        )
        return created(toCustomerPayment(typeof result === "number" ? yield* customerPaymentById(result) : result))
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
  })
]
