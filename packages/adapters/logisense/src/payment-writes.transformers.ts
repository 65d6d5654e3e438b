/**
 * LogiSense Payment writes as ledger commands (recording one, POST and PATCH `create`, is in
 * `payment-record.transformers.ts`): changing one (PUT and PATCH `update`), deleting one (DELETE and PATCH `delete`) and reversing
 * one (Reverse, Reverse/Vendor, and POST or PATCH `create` with `reversePaymentId`), plus the
 * vendor attributes every write keeps (references, `baseAmount` in the owner currency). Shared by
 * `payment.endpoints.ts`, `payment-reverse.endpoints.ts` and `payment-vendor.endpoints.ts`, whose
 * handlers run these inside `Ledger.atomically`, so a request is all or nothing. Business checks
 * collect every problem before failing; a missing referenced object is a `ValidationFailed` whose
 * message says it "does not exist" (LogiSense code 13100000), while the payment a request is about
 * answers `NotFound`.
 *
 * Rules (see README): the ledger never deletes posted money, so DELETE cancels a draft and turns
 * a posted, undisbursed offline payment into a full reversal hidden from LogiSense; gateway
 * payments and payments issued to an invoice are refused. An offline payment not yet issued to
 * an invoice cannot be reversed (delete it instead); `Reverse/Vendor` only takes gateway
 * payments and `Reverse` only offline ones. Amount, date, type and method change only on drafts.
 */
import {
  Balances,
  Collections,
  type CommandContext,
  type Customer,
  DialectRecords,
  Documents,
  type FieldIssue,
  formatMinorUnits,
  IdempotencyClaimed,
  type LedgerError,
  type LedgerServices,
  Parties,
  type Payment,
  type PaymentDetail,
  Payments,
  parseMinorUnits,
  type Reversal,
  type UpdatePaymentInput
} from "@paybridge/core"
import { Effect, Result } from "effect"
import { doesNotExist, invalid, limitsAsValidation, withoutInvalid } from "./logisense.errors.ts"
import { type LogisensePaymentWrite, type LogisenseReverseBody, logisenseMoney } from "./logisense.schemas.ts"
import {
  businessDayOf,
  dialectName,
  emptyExtras,
  extrasToData,
  hasExtras,
  type LogisenseRow,
  paymentDateOf,
  postingOf,
  type RowExtras,
  type VendorReferenceField,
  vendorReferenceFields
} from "./logisense.transformers.ts"
import { orNull, type Resolver, recordKinds } from "./payment-resolver.transformers.ts"
import { findRow, paymentRow, reversalRow } from "./payment-rows.transformers.ts"

export type Path = ReadonlyArray<string | number>

export const ownerCurrencyOf = (customer: Customer) =>
  Effect.gen(function* () {
    if (customer.billingEntityId === null) return customer.currency
    const parties = yield* Parties
    const entity = yield* orNull(parties.getBillingEntity(customer.billingEntityId))
    return entity?.defaultCurrency ?? customer.currency
  })

/** A decimal amount text that is zero or negative (checked before the account's currency is known). */
export const isZeroOrLess = (text: string): boolean => text.startsWith("-") || /^0*(\.0*)?$/u.test(text)

const sameAmount = (text: string, amount: bigint, currency: Customer["currency"]) => {
  const parsed = parseMinorUnits(text, currency)
  return Result.isSuccess(parsed) && parsed.success === amount
}

/** The vendor references a body sets (keys present only). */
export const referencesOf = (body: Partial<Record<VendorReferenceField, number | null>>) => {
  const references: Partial<Record<VendorReferenceField, number | null>> = {}
  for (const field of vendorReferenceFields) if (body[field] !== undefined) references[field] = body[field] ?? null
  return references
}

/** Keeps a payment's or reversal row's vendor attributes in its `logisense` dialect record. */
export const saveExtras = (kind: "payment" | "reversal", id: number, payment: Payment, extras: RowExtras) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords.saveDialectRecord({
      dialect: dialectName,
      kind,
      key: String(id),
      customerId: payment.customerId,
      paymentId: payment.id,
      data: extrasToData(extras)
    })
  )

/** Checks a `baseAmount` against the owner currency; `null` when it need not be kept. */
export const checkBaseAmount = (
  baseAmount: string | null | undefined,
  amountText: string | null,
  customer: Customer,
  ownerCurrency: Customer["currency"],
  path: Path,
  issues: Array<FieldIssue>
): string | null => {
  if (baseAmount === undefined || baseAmount === null) return null
  if (ownerCurrency === customer.currency) {
    if (amountText !== null && baseAmount !== amountText) {
      const base = parseMinorUnits(baseAmount, customer.currency)
      const amount = parseMinorUnits(amountText, customer.currency)
      if (!(Result.isSuccess(base) && Result.isSuccess(amount) && base.success === amount.success)) {
        issues.push({
          path: [...path, "baseAmount"],
          message: `must equal 'Amount' when the account and owner currencies are both ${ownerCurrency}`
        })
      }
    }
    return null
  }
  const parsed = logisenseMoney.parse(baseAmount, ownerCurrency)
  if (Result.isFailure(parsed)) {
    issues.push({ path: [...path, "baseAmount"], message: `${parsed.failure.message} (${ownerCurrency})` })
    return null
  }
  return formatMinorUnits(parsed.success, ownerCurrency)
}

/** PUT Payment/{id} and PATCH `update`: see the module comment for what may change when. */
export const updatePayment = (resolver: Resolver, identity: number, written: LogisensePaymentWrite, path: Path = []) =>
  Effect.gen(function* () {
    const documents = yield* Documents
    const payments = yield* Payments
    const at = (field: string) => [...path, field]
    const { body, issues: refused } = withoutInvalid(written, path)
    const found = yield* findRow(resolver, identity)
    if (found.kind === "reversal") {
      return yield* invalid([
        ...refused,
        { path: at("identity"), message: "is a reversal row, which cannot be changed" }
      ])
    }
    let payment = found.detail.payment
    const customer = yield* resolver.customer(payment.customerId)
    const issues: Array<FieldIssue> = [...refused]
    const draft = payment.state === "draft"
    const draftOnly = (field: string) =>
      issues.push({
        path: at(field),
        message: `can only change while the payment is a draft (it is ${payment.state}); reverse it instead`
      })
    if (body.accountId !== undefined && body.accountId !== payment.customerId) {
      issues.push({ path: at("accountId"), message: "cannot change: a payment stays on its account" })
    }
    // As shown: a payment migrated from LogiSense keeps the vendor's `isManual` (its gateway did not come over).
    const shownManual = (yield* resolver.extras("payment", payment.id)).isManual ?? payment.gatewayId === null
    if (body.isManual != null && body.isManual !== shownManual) {
      issues.push({ path: at("isManual"), message: "cannot change" })
    }
    if (body.reversePaymentId != null) {
      issues.push({ path: at("reversePaymentId"), message: "cannot be set on a payment; use Payment/Reverse" })
    }
    const changes: { -readonly [K in keyof UpdatePaymentInput]?: UpdatePaymentInput[K] } = { paymentId: payment.id }
    if (body.amount !== undefined && !sameAmount(body.amount, payment.amount, payment.currency)) {
      if (draft) changes.amount = body.amount
      else draftOnly("amount")
    }
    if (body.date != null && body.date.toISOString() !== paymentDateOf(payment)) {
      if (draft) {
        changes.paymentDate = businessDayOf(body.date)
        changes.receivedAt = body.date
      } else draftOnly("date")
    }
    if (body.paymentTypeId !== undefined && body.paymentTypeId !== payment.typeId) {
      if (body.paymentTypeId !== null && (yield* resolver.presetName("type", body.paymentTypeId)) === null) {
        issues.push(doesNotExist(at("paymentTypeId"), body.paymentTypeId, "PaymentType"))
      } else if (draft) changes.typeId = body.paymentTypeId
      else draftOnly("paymentTypeId")
    }
    if (body.paymentMethodId !== undefined && body.paymentMethodId !== payment.methodId) {
      if (body.paymentMethodId !== null && (yield* resolver.presetName("method", body.paymentMethodId)) === null) {
        issues.push(doesNotExist(at("paymentMethodId"), body.paymentMethodId, "PaymentMethod"))
      } else if (draft) changes.methodId = body.paymentMethodId
      else draftOnly("paymentMethodId")
    }
    if (body.posting != null && !draft && body.posting.toISOString() !== postingOf(payment)) {
      issues.push({ path: at("posting"), message: `cannot change once posted (posted ${postingOf(payment)})` })
    }
    if (body.detail !== undefined) changes.description = body.detail
    if (body.checkNumber !== undefined) changes.checkNumber = body.checkNumber
    const invoice = body.invoiceId == null ? null : yield* orNull(documents.getDocument(body.invoiceId))
    if (body.invoiceId != null && invoice === null)
      issues.push(doesNotExist(at("invoiceId"), body.invoiceId, "Invoice"))
    if (invoice !== null && invoice.customerId !== payment.customerId) {
      issues.push({ path: at("invoiceId"), message: `(${invoice.id}) belongs to another account` })
    }
    const ownerCurrency = yield* ownerCurrencyOf(customer)
    const amountText = changes.amount === undefined ? formatMinorUnits(payment.amount, payment.currency) : body.amount
    const baseAmount = checkBaseAmount(body.baseAmount, amountText ?? null, customer, ownerCurrency, path, issues)
    if (issues.length > 0) return yield* invalid(issues)

    if (Object.keys(changes).length > 1) payment = yield* payments.updatePayment(changes as UpdatePaymentInput)
    if (invoice !== null && !found.detail.allocations.some((allocation) => allocation.documentId === invoice.id)) {
      const free = payment.amount - payment.reversedAmount - payment.refundedAmount - payment.allocatedAmount
      // biome-ignore lint/complexity/useMathMinMax: bigint amounts; Math.min takes numbers
      const fits = free < invoice.outstanding ? free : invoice.outstanding
      const share = body.invoiceAmount ?? formatMinorUnits(fits, payment.currency)
      const allocated = yield* limitsAsValidation(at("invoiceAmount"))(
        documents.allocatePayment({ paymentId: payment.id, allocations: [{ documentId: invoice.id, amount: share }] })
      )
      payment = allocated.payment
    }
    if (draft && body.posting != null) {
      payment = yield* payments.postPayment({
        paymentId: payment.id,
        postedOn: businessDayOf(body.posting),
        postedAt: body.posting
      })
    }
    const previous = yield* resolver.extras("payment", payment.id)
    const extras: RowExtras = {
      ...previous,
      references: { ...previous.references, ...referencesOf(body) },
      automaticDisburse: body.automaticDisburse ?? previous.automaticDisburse,
      baseAmount: body.baseAmount === undefined ? previous.baseAmount : baseAmount,
      // A base amount the client sends is shown from now on, also on a payment migrated without one.
      noBaseAmount: body.baseAmount === undefined ? previous.noBaseAmount : false
    }
    if (hasExtras(extras) || hasExtras(previous)) yield* saveExtras("payment", payment.id, payment, extras)
    return yield* payments.getPayment({ id: payment.id })
  })

/** One item of a DELETE answer. */
export type DeletedItem =
  | { readonly identity: number; readonly action: "deleted"; readonly dtoTypeKey: string }
  | { readonly foreignKeyIdentity: number; readonly action: "deleted"; readonly dtoTypeKey: string }
  | { readonly lhsId: number; readonly rhsId: number; readonly action: "detached"; readonly dtoTypeKey: string }

/** DELETE Payment/{id} and PATCH `delete`; answers the deleted and detached objects. */
export const deletePayment = (resolver: Resolver, identity: number, path: Path = []) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const dialectRecords = yield* DialectRecords
    const found = yield* findRow(resolver, identity)
    const refuse = (message: string) => invalid([{ path: [...path, "identity"], message }])
    if (found.kind === "reversal") return yield* refuse("is a reversal row, which cannot be deleted")
    const { payment, allocations } = found.detail
    if (payment.gatewayId !== null) {
      return yield* refuse("is a gateway payment, which cannot be deleted; reverse it with Payment/Reverse/Vendor")
    }
    const items: Array<DeletedItem> = [{ identity: payment.id, action: "deleted", dtoTypeKey: "payment" }]
    if (payment.state === "draft" || payment.state === "pending") {
      yield* payments.cancelPayment({ paymentId: payment.id, reason: "deleted through LogiSense" })
      for (const allocation of allocations) {
        items.push({ lhsId: payment.id, rhsId: allocation.documentId, action: "detached", dtoTypeKey: "invoice" })
        items.push({ foreignKeyIdentity: allocation.id, action: "deleted", dtoTypeKey: "paymentInvoiceDisbursement" })
      }
      return items
    }
    if (payment.allocatedAmount > 0n) {
      return yield* refuse("has been issued to an invoice, so it cannot be deleted; reverse it with Payment/Reverse")
    }
    if (payment.reversedAmount > 0n || payment.refundedAmount > 0n) {
      return yield* refuse("has reversals or refunds, so it cannot be deleted")
    }
    const reversed = yield* payments.reversePayment({ paymentId: payment.id, reason: "deleted through LogiSense" })
    const reversal = reversed.reversals.at(-1)
    yield* dialectRecords.saveDialectRecord({
      dialect: dialectName,
      kind: recordKinds.deleted,
      key: String(payment.id),
      customerId: payment.customerId,
      paymentId: payment.id,
      data: { reversalId: reversal?.id ?? null }
    })
    return items
  })

/**
 * Was the payment ever issued to an invoice? (A reversal may have released its allocations since:
 * the ledger keeps allocations within the unreversed amount.)
 */
const everIssued = (payment: Payment) =>
  Effect.flatMap(Balances, (balances) =>
    Effect.map(
      balances.listEvents({ paymentId: payment.id, types: ["payment.allocated"], limit: 1 }),
      (page) => page.items.length > 0
    )
  )

/** The reversal a command just booked: the one that was not there before. */
const newReversal = (before: ReadonlyArray<Reversal>, after: PaymentDetail): Reversal | undefined => {
  const known = new Set(before.map((reversal) => reversal.id))
  return after.reversals.find((reversal) => !known.has(reversal.id))
}

/** POST Payment/Reverse (`viaGateway` false) and Reverse/Vendor (true); answers the reversal row. */
export const reversePayment = (
  resolver: Resolver,
  requested: LogisenseReverseBody,
  viaGateway: boolean,
  path: Path = [],
  written: Pick<LogisensePaymentWrite, VendorReferenceField | "baseAmount"> = {},
  known: ReadonlyArray<FieldIssue> = []
) =>
  Effect.gen(function* () {
    const collections = yield* Collections
    const payments = yield* Payments
    const at = (field: string) => [...path, field]
    const { body, issues: refused } = withoutInvalid(requested, path)
    const before = [...known, ...refused]
    if (body.paymentId === undefined) {
      return yield* invalid(before.length > 0 ? before : [{ path: at("paymentId"), message: "is required" }])
    }
    const found = yield* Effect.catchTag(findRow(resolver, body.paymentId), "NotFound", () =>
      Effect.fail(invalid([...before, doesNotExist(at("paymentId"), body.paymentId, "Payment")]))
    )
    if (found.kind === "reversal") {
      return yield* invalid([...before, { path: at("paymentId"), message: "is a reversal row" }])
    }
    const { payment } = found.detail
    const issues: Array<FieldIssue> = [...before]
    const manual = payment.gatewayId === null
    if (viaGateway && manual) {
      issues.push({
        path: at("paymentId"),
        message: "is an offline payment (isManual); reverse it with Payment/Reverse"
      })
    }
    if (!viaGateway && !manual) {
      issues.push({
        path: at("paymentId"),
        message: "was made through a gateway; reverse it with Payment/Reverse/Vendor"
      })
    }
    if (manual && payment.allocatedAmount === 0n && payment.state === "posted" && !(yield* everIssued(payment))) {
      issues.push({
        path: at("paymentId"),
        message: "is an offline payment not yet issued to an invoice, which cannot be reversed; delete it instead"
      })
    }
    const customer = yield* resolver.customer(payment.customerId)
    const baseAmount = checkBaseAmount(
      written.baseAmount,
      body.amount ?? null,
      customer,
      yield* ownerCurrencyOf(customer),
      path,
      issues
    )
    if (issues.length > 0) return yield* invalid(issues)
    const input = {
      paymentId: payment.id,
      ...(body.amount === undefined ? {} : { amount: body.amount }),
      ...(body.date === undefined ? {} : { effectiveDate: businessDayOf(body.date) }),
      ...(body.detail == null ? {} : { reason: body.detail })
    }
    const checked = limitsAsValidation(at("amount"))
    let reversal: Reversal | undefined
    let detail: PaymentDetail
    let gatewayReference: string | null = null
    if (viaGateway) {
      const result = yield* checked(collections.reverseThroughGateway(input))
      detail = result.detail
      gatewayReference = result.gatewayReference
      if (result.state === "pending") {
        return yield* invalid([
          {
            path: at("paymentId"),
            message: `the gateway has not confirmed the reversal yet (attempt ${result.attemptKey}); it is booked when the gateway confirms it`
          }
        ])
      }
      reversal = detail.reversals.find((row) => row.id === result.reversalId)
    } else {
      detail = yield* checked(payments.reversePayment(input))
      reversal = newReversal(found.detail.reversals, detail)
    }
    if (reversal === undefined) return yield* Effect.die(new Error("the reversal just booked is missing"))
    // Through a gateway the reversal is its own command (the request's idempotency key is its claim);
    // its attributes are saved under that claim.
    const saved = saveExtras("reversal", reversal.id, detail.payment, {
      ...emptyExtras,
      references: referencesOf(written),
      baseAmount,
      gatewayReference,
      dateAt: body.date === undefined ? null : body.date.toISOString()
    })
    yield* viaGateway ? Effect.provideService(saved, IdempotencyClaimed, true) : saved
    return { detail, reversal }
  })

/** A reversal row right after it was booked. */
export const reversalRowOf = (resolver: Resolver, booked: { detail: PaymentDetail; reversal: Reversal }) =>
  reversalRow(resolver, booked.detail.payment, booked.reversal)

/** A freshly written payment's row. */
export const rowOf = (
  resolver: Resolver,
  detail: PaymentDetail
): Effect.Effect<LogisenseRow, LedgerError, LedgerServices | CommandContext> =>
  paymentRow(resolver, detail.payment, "full", detail)
