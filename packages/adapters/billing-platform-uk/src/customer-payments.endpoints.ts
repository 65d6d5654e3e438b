/**
 * The Billing Platform (UK) `customer-payments` resource (`customers/ID/payments/`): the list of
 * one customer's rows (404 for an unknown customer, 403 outside the key's scope) and the create
 * that records a payment (positive `paymentAmount`, optionally imported reversed) or a refund paid
 * back to the customer (negative amount: `Ledger.refundCustomerCredit` books and settles it, the
 * ledger choosing the payment it draws from unless `refundOfPaymentID` names one), as one unit.
 */
import {
  created,
  type Endpoint,
  endpoint,
  migratedIdOf,
  migratedLedgerId,
  ok,
  shownCustomerId
} from "@paybridge/adapter-kit"
import {
  type Customer,
  CustomerId,
  NotFound,
  notFound,
  Parties,
  type PaymentId,
  Payments,
  parseMinorUnits,
  Refunds,
  ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Effect, Result } from "effect"
import {
  type BpukCreatePayment,
  BpukCustomerPath,
  BpukListQuery,
  type BpukPayment,
  BpukPaymentList,
  BpukCreatePayment as CreateBody,
  ledgerIdOf,
  paymentResponse
} from "./billing-platform-uk.schemas.ts"
import {
  absoluteAmountText,
  dialectId,
  isZeroAmount,
  loadMethodContext,
  loadStatusPresets,
  type MethodContext,
  type RefundDetails,
  recordKinds,
  resolveMethod,
  sameNames,
  statusReadOnly,
  vendorFields
} from "./billing-platform-uk.transformers.ts"
import {
  applyReversal,
  asOneUnit,
  listRows,
  type RowRef,
  renderRow,
  rowAsCreated,
  saveRefundDetails
} from "./payments.transformers.ts"

/** Test files whose tests prove these endpoints (docs/compatibility.md). */
const suite = "billing-platform-uk.test.ts"
const contract = "billing-platform-uk.contract.test.ts › Billing Platform (UK): dialect contract"

/**
 * Is `customer` the one a path id names (issue 16.2)? Its ledger id, unless it was migrated from
 * Billing Platform (UK) under another id (it is known under its vendor id).
 */
export const namedByPath = (customer: Pick<Customer, "id" | "externalRef">, text: string): boolean =>
  shownCustomerId(dialectId, customer) === customer.id || migratedIdOf(dialectId, customer) === text

/**
 * The customer a path id names (issue 16.2): the ledger's customer of that id, unless it was
 * migrated from Billing Platform (UK) under another id (it is known under its vendor id); else the
 * customer migrated under that vendor id; 404 with the id as written otherwise. A native customer
 * costs no more than its read (the migration moves the ledger's customer ids past the vendor's).
 * The list and a payment's create try the path id as the ledger's first and confirm it from what
 * they read anyway (the rows' customer, the customer the create locks); this read is their fallback.
 */
const pathCustomer = (text: string) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const id = ledgerIdOf(CustomerId, text)
    const native =
      id === null ? null : yield* parties.getCustomer(id).pipe(Effect.catchTag("NotFound", () => Effect.succeed(null)))
    if (native !== null && namedByPath(native, text)) return native
    const migrated = yield* migratedLedgerId(dialectId, "customer", text)
    const found = migrated === null ? null : ledgerIdOf(CustomerId, String(migrated))
    return found === null ? yield* Effect.fail(notFound("customer", text)) : yield* parties.getCustomer(found)
  })

/** The row a create made, as it made it (see `createPaymentRow`). */
interface MadeRow {
  readonly id: PaymentId
  readonly row: BpukPayment
}

/**
 * A positive amount: a posted payment, its display ids, and its reversal when imported reversed.
 * `answered` receives the row as the unit made it when that needs nothing the unit did not read (a
 * payment without statuses: posted, never collected, not reversed), so the answer is not read again;
 * an attempt the unit retries (after a concurrent modification) starts by clearing it.
 */
const createPaymentRow = (
  customerId: CustomerId,
  knownAs: string | null,
  body: BpukCreatePayment,
  context: MethodContext,
  answered: (made: MadeRow | null) => void
) =>
  Effect.gen(function* () {
    answered(null)
    const payments = yield* Payments
    const method = yield* resolveMethod(body.paymentMethod, context)
    const display = { invoiceID: body.invoiceID ?? null, invoiceIDReversed: body.invoiceIDReversed ?? null }
    const detail = yield* payments.createPayment(
      {
        customerId,
        amount: body.paymentAmount,
        ...(body.paymentDate === undefined ? {} : { paymentDate: body.paymentDate }),
        methodId: method?.id ?? null,
        reference: body.ourReference ?? null,
        customerReference: body.customerReference ?? null,
        // The path id taken as the ledger's: refused (404) when the customer is known by another vendor id.
        ...(knownAs === null ? {} : { customerKnownAs: { system: dialectId, id: knownAs } })
      },
      // The display ids (dialect record `payment-display/<payment id>`) are written with the payment's
      // events (no statement of their own); the unit claims the request as a whole.
      display.invoiceID !== null || display.invoiceIDReversed !== null
        ? { record: { dialect: dialectId, kind: recordKinds.paymentDisplay, data: { ...display } } }
        : {}
    )
    const id = detail.payment.id
    if (body.paymentReversedDate !== undefined && body.paymentReversedDate !== null) {
      yield* applyReversal(detail, { kind: "reverse", date: body.paymentReversedDate })
    } else {
      const row = rowAsCreated(detail, context, display)
      if (row !== null) answered({ id, row })
    }
    return { kind: "payment", id } satisfies RowRef
  })

/**
 * A refund paid back to the customer (negative `paymentAmount`): the ledger books and settles it,
 * drawing from `refundOfPaymentID` when the client names a payment and otherwise from the
 * customer's credit across payments and balance adjustments (`Refunds.refundCustomerCredit`,
 * refused only when the balance is too small). Every refund booked gets the row's details; the
 * row shown is the first.
 */
const createRefundRow = (customer: Customer, body: BpukCreatePayment, context: MethodContext) =>
  Effect.gen(function* () {
    if (body.paymentReversedDate !== undefined && body.paymentReversedDate !== null) {
      return yield* validationFailed(["paymentReversedDate"], "a refund (negative paymentAmount) cannot be reversed")
    }
    if (body.invoiceIDReversed !== undefined && body.invoiceIDReversed !== null) {
      return yield* validationFailed(["invoiceIDReversed"], "a refund (negative paymentAmount) cannot be reversed")
    }
    const method = yield* resolveMethod(body.paymentMethod, context)
    const amountText = absoluteAmountText(body.paymentAmount)
    const amount = parseMinorUnits(amountText, customer.currency)
    if (Result.isFailure(amount)) return yield* validationFailed(["paymentAmount"], amount.failure.message)

    const named = body.refundOfPaymentID !== undefined
    const refundsService = yield* Refunds
    const { refunds } = yield* refundsService
      .refundCustomerCredit({
        customerId: customer.id,
        amount: amountText,
        ...(named ? { paymentId: body.refundOfPaymentID } : {}),
        reason: "refund paid back to the customer (Billing Platform UK negative payment)",
        settle: true
      })
      .pipe(
        Effect.mapError((error) =>
          error instanceof ValidationFailed
            ? new ValidationFailed({
                message: error.message,
                issues: error.issues.map((issue) => ({
                  ...issue,
                  path: issue.path.map((segment) => (segment === "paymentId" ? "refundOfPaymentID" : segment))
                }))
              })
            : error
        )
      )
    const details: RefundDetails = {
      paymentDate: body.paymentDate ?? null,
      ourReference: body.ourReference ?? null,
      customerReference: body.customerReference ?? null,
      paymentMethod: method === null ? null : method.name,
      invoiceID: body.invoiceID ?? null
    }
    for (const refund of refunds) yield* saveRefundDetails(refund.id, customer.id, refund.paymentId, details)
    const [shown] = refunds
    if (shown === undefined) return yield* Effect.die("refundCustomerCredit booked no refund")
    return { kind: "refund", id: shown.id } satisfies RowRef
  })

export const customerPaymentsEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/customers/:customerId/payments/",
    operationId: "listCustomerPayments",
    summary: "List the valid payments of one customer",
    tags: ["payments"],
    request: { params: BpukCustomerPath, query: BpukListQuery },
    responses: { 200: { description: "The customer's matching payments, ordered by id", schema: BpukPaymentList } },
    tests: [
      `${suite} › lists one customer's valid payments, refund rows included`,
      `${suite} › a key scoped to some customers reads and writes only those (403 elsewhere)`
    ],
    implemented: true,
    handler: ({ params, query }) =>
      Effect.gen(function* () {
        const text = params.customerId
        // The path id as the ledger's first: the rows read bring their customer along to confirm it.
        const fastId = ledgerIdOf(CustomerId, text)
        const fast = fastId === null ? null : yield* listRows(query, fastId, (customer) => namedByPath(customer, text))
        if (fast?.confirmed) return ok(fast.rows)
        const customer = yield* pathCustomer(text)
        if (fast !== null && customer.id === fastId) return ok(fast.rows)
        return ok((yield* listRows(query, customer.id, () => true)).rows)
      })
  }),
  endpoint({
    method: "POST",
    path: "/customers/:customerId/payments/",
    operationId: "createCustomerPayment",
    summary: "Add a payment to a customer; the new payment is returned",
    description:
      "A positive `paymentAmount` records a posted payment. A negative one records a refund paid back to the " +
      "customer: a settled ledger refund of the customer's newest posted payment that can cover it (or of " +
      "`refundOfPaymentID`), shown as a payment row `R<n>` with a negative amount.",
    tags: ["payments"],
    request: { params: BpukCustomerPath, body: CreateBody },
    responses: { 201: paymentResponse },
    tests: [
      `${contract} › creates exactly one payment and answers with a body matching the declared response schema`,
      `${contract} › returns the same result for a create retried with the same idempotency key and creates one payment`,
      `${suite} › replays the vendor doc: POST customers/ID/payments/ returns the new payment`,
      `${suite} › a negative paymentAmount records a refund paid back to the customer`
    ],
    implemented: true,
    handler: ({ params, body }) =>
      vendorFields(
        Effect.gen(function* () {
          const text = params.customerId
          const refund = body.paymentAmount.startsWith("-")
          // A refund needs the customer's currency first; a payment's customer is checked (404, 403)
          // and locked by the ledger's create itself, in the unit.
          const customer = refund ? yield* pathCustomer(text) : null
          const context = yield* loadMethodContext
          if (isZeroAmount(body.paymentAmount)) {
            return yield* validationFailed(["paymentAmount"], "paymentAmount must not be zero")
          }
          const reversedImport = !refund && body.paymentReversedDate !== undefined && body.paymentReversedDate !== null
          // The status names are read only when the echoed status needs them.
          if (body.status !== undefined && (reversedImport || body.status.length > 0)) {
            const presets = yield* loadStatusPresets
            const expected = reversedImport ? [presets.reversed] : []
            if (!sameNames(body.status, expected)) return yield* statusReadOnly(expected, presets)
          }
          let answer: MadeRow | null = null
          const paymentUnit = (customerId: CustomerId, knownAs: string | null) =>
            asOneUnit(
              "createCustomerPayment",
              { customer: text, body },
              createPaymentRow(customerId, knownAs, body, context, (made) => {
                answer = made
              })
            )
          // A payment: the path id as the ledger's first (the create checks the customer it locks);
          // a customer it does not name that way is then found as the path names it.
          const fastId = ledgerIdOf(CustomerId, text)
          const row =
            customer !== null
              ? yield* asOneUnit(
                  "createCustomerPayment",
                  { customer: text, body },
                  createRefundRow(customer, body, context)
                )
              : ((fastId === null
                  ? null
                  : yield* paymentUnit(fastId, text).pipe(
                      Effect.catchIf(
                        (error) => error instanceof NotFound && error.entity === "customer",
                        () => Effect.succeed(null)
                      )
                    )) ?? (yield* paymentUnit((yield* pathCustomer(text)).id, null)))
          // Only the row this request's committed attempt made is answered as made; a replay (the
          // same idempotency key) ran nothing, and its row is read as it is now.
          const made = answer as MadeRow | null
          if (made !== null && row.kind === "payment" && made.id === row.id) return created(made.row)
          return created(yield* renderRow(row))
        })
      )
  })
]
