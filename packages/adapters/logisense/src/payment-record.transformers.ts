/**
 * Recording an offline LogiSense payment (POST Payment/ and PATCH `create`) as core's create. A
 * request whose only checks that need the account are its amount and `baseAmount` runs core's
 * create at once (`createPaymentOnAccount`: the unit locks the account and answers it), decides
 * those checks under the lock before anything is written (`beforeWrite`: the billing entity and the
 * named vendor references' records are read by the lock's statement; the vendor attributes' record is
 * written with the creation event) and seeds the answer's account, owner currency, reference names,
 * vendor attributes and creator from what the unit read and wrote (issue 14.3: nothing beyond
 * core's statements).
 * Any other request is checked against the account read first, every issue reported together.
 * The vendor attributes and checks shared with the other writes are in `payment-writes.transformers.ts`.
 */
import {
  CommandContext,
  type CreatePaymentInput,
  type CreatePaymentOptions,
  type Customer,
  type CustomerId,
  type DialectRecord,
  type Document,
  type DocumentId,
  Documents,
  type FieldIssue,
  formatMinorUnits,
  type NotFound,
  Parties,
  type Payment,
  Payments,
  parseMinorUnits,
  type ValidationFailed
} from "@paybridge/core"
import { Effect, Result } from "effect"
import {
  doesNotExist,
  invalid,
  limitsAsValidation,
  referencesAsValidation,
  withoutInvalid
} from "./logisense.errors.ts"
import type { LogisensePaymentWrite } from "./logisense.schemas.ts"
import {
  businessDayOf,
  dialectName,
  emptyExtras,
  extrasFromData,
  extrasToData,
  hasExtras,
  type RowExtras,
  type VendorReferenceField,
  vendorReferenceFields,
  vendorReferenceKinds
} from "./logisense.transformers.ts"
import { orNull, type Resolver, recordKinds } from "./payment-resolver.transformers.ts"

import {
  checkBaseAmount,
  isZeroOrLess,
  ownerCurrencyOf,
  type Path,
  referencesOf,
  saveExtras
} from "./payment-writes.transformers.ts"

/** The ledger command of a recorded payment (`invoice` and `invoiceAmount`: the invoice it pays, if any). */
const recordInput = (
  body: LogisensePaymentWrite,
  accountId: CustomerId,
  invoice: { readonly id: DocumentId; readonly amount: string } | null
): CreatePaymentInput => ({
  customerId: accountId,
  amount: body.amount ?? "0",
  ...(body.date == null ? {} : { paymentDate: businessDayOf(body.date), receivedAt: body.date }),
  ...(body.paymentTypeId == null ? {} : { typeId: body.paymentTypeId }),
  ...(body.paymentMethodId == null ? {} : { methodId: body.paymentMethodId }),
  ...(body.detail == null ? {} : { description: body.detail }),
  ...(body.checkNumber == null ? {} : { checkNumber: body.checkNumber }),
  ...(invoice === null || invoice.amount === "0"
    ? {}
    : { allocations: [{ documentId: invoice.id, amount: invoice.amount }] }),
  ...(body.automaticDisburse === true && invoice === null ? { allocateOldestFirst: true } : {}),
  // Posted at the client's posting instant in the same step (not a draft posted afterwards).
  ...(body.posting == null ? {} : { postedOn: businessDayOf(body.posting), postedAt: body.posting })
})

/** The vendor attributes a recorded payment keeps (none: no record is written). */
const recordExtras = (body: LogisensePaymentWrite, baseAmount: string | null): RowExtras => ({
  ...emptyExtras,
  references: referencesOf(body),
  automaticDisburse: body.automaticDisburse === true,
  baseAmount
})

/**
 * A recorded (offline) payment: POST Payment/ and PATCH `create`. A request whose only checks that
 * need the account are its amount and `baseAmount` (no invoice named, nothing else wrong) goes to
 * core's create at once, which locks — and so reads — the account (`createPaymentOnAccount`): the
 * account then decides those checks under the lock before anything is written (a refused request
 * writes nothing), and the answer's account, owner currency, reference names, vendor attributes and
 * creator are seeded into `resolver` from what the unit read and wrote, so nothing is read again. Any other request is checked against the account read
 * first (`recordChecked`), with every issue reported together; so is a create core refuses (then
 * without creating again: core's refusal stands when the checks find nothing).
 */
export const recordPayment = (resolver: Resolver, written: LogisensePaymentWrite, path: Path = []) =>
  Effect.gen(function* () {
    const paymentsService = yield* Payments
    const at = (field: string) => [...path, field]
    const { body, issues: refused } = withoutInvalid(written, path)
    const known =
      refused.length === 0 &&
      body.accountId !== undefined &&
      body.amount !== undefined &&
      !isZeroOrLess(body.amount) &&
      body.isManual !== false &&
      (body.paymentTypeId == null || (yield* resolver.presetName("type", body.paymentTypeId)) !== null) &&
      (body.paymentMethodId == null || (yield* resolver.presetName("method", body.paymentMethodId)) !== null)
    if (!known || body.accountId === undefined || body.amount === undefined) {
      return yield* recordChecked(resolver, written, path)
    }
    const amountText = body.amount
    const invoiceId = body.invoiceId ?? null
    // What the lock reads besides the account: the records naming the vendor references the answer
    // shows, and the billing entity whose currency decides a `baseAmount` and shows it.
    const references = namedReferences(body)
    /** What `beforeWrite` decided under the lock (the answer is seeded with it). */
    const decided: { current: LockedReads | null; extras: RowExtras; invoice: Document | null } = {
      current: null,
      extras: emptyExtras,
      invoice: null
    }
    const checked: CreatePaymentOptions = {
      lockWith: {
        records: references.map(({ field, id }) => ({
          dialect: dialectName,
          kind: vendorReferenceKinds[field],
          key: String(id)
        })),
        billingEntity: true,
        ...(invoiceId === null ? {} : { documents: [invoiceId] })
      },
      // Under the lock, before anything is written: the amount and `baseAmount` checks the account
      // decides (a refusal fails the create; it is then checked the old way below), and the vendor
      // attributes' record, which core writes with the payment's creation event (no statement of its own).
      beforeWrite: ({ account, billingEntity, records, documents }) =>
        Effect.gen(function* () {
          const issues: Array<FieldIssue> = []
          const parsed = parseMinorUnits(amountText, account.currency)
          if (Result.isFailure(parsed)) issues.push({ path: at("amount"), message: parsed.failure.message })
          // The invoice named, as the lock read it: the payment's allocation to it is decided here
          // (by default as much of the payment as the invoice still owes).
          const invoice = invoiceId === null ? null : (documents.find((document) => document.id === invoiceId) ?? null)
          if (invoiceId !== null && invoice === null) issues.push(doesNotExist(at("invoiceId"), invoiceId, "Invoice"))
          if (invoice !== null && invoice.customerId !== account.id) {
            issues.push({ path: at("invoiceId"), message: `(${invoice.id}) belongs to another account` })
          }
          // As `ownerCurrencyOf`: the billing entity's default currency, else the account's.
          const ownerCurrency = billingEntity?.defaultCurrency ?? account.currency
          const baseAmount = checkBaseAmount(body.baseAmount, amountText, account, ownerCurrency, path, issues)
          if (issues.length > 0) return yield* invalid(issues)
          const extras = recordExtras(body, baseAmount)
          decided.extras = extras
          decided.invoice = invoice
          decided.current = {
            ownerCurrency,
            referenceNames: references.map(({ field, id }) => ({
              field,
              id,
              name: referenceNameIn(records, field, id)
            }))
          }
          const record = hasExtras(extras)
            ? { dialect: dialectName, kind: recordKinds.payment, data: extrasToData(extras) }
            : undefined
          if (invoice === null || Result.isFailure(parsed)) return record
          const invoiceAmount =
            body.invoiceAmount ??
            formatMinorUnits(
              // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers only)
              parsed.success < invoice.outstanding ? parsed.success : invoice.outstanding,
              account.currency
            )
          return {
            record,
            allocations: invoiceAmount === "0" ? [] : [{ documentId: invoice.id, amount: invoiceAmount }]
          }
        })
    }
    // A named invoice is paid as `beforeWrite` decides, never the account's unpaid documents oldest first.
    const { allocateOldestFirst: _oldestFirst, ...onAccount } = recordInput(body, body.accountId, null)
    const input = invoiceId === null ? recordInput(body, body.accountId, null) : onAccount
    const opened = yield* limitsAsValidation(at("invoiceAmount"))(
      referencesAsValidation(path)(paymentsService.createPaymentOnAccount(input, checked))
    ).pipe(
      Effect.map((created) => ({ refusal: null, ...created })),
      // What core or the checks refuse (an unknown account, an amount the currency cannot hold …) is
      // reported as the checks against the account read first report it; when they find nothing, the
      // refusal is the answer.
      Effect.catchTags({
        ValidationFailed: (refusal) => Effect.succeed({ refusal }),
        NotFound: (refusal) => Effect.succeed({ refusal })
      })
    )
    if (opened.refusal !== null || decided.current === null) {
      return yield* recordChecked(resolver, written, path, opened.refusal)
    }
    const { detail, account } = opened
    yield* seedWritten(resolver, detail.payment, account, decided.extras, decided.invoice, decided.current)
    return detail
  })

/** `recordPayment` with every check made against the account read first (see there). */
const recordChecked = (
  resolver: Resolver,
  written: LogisensePaymentWrite,
  path: Path = [],
  refusal: ValidationFailed | NotFound | null = null
) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const documents = yield* Documents
    const paymentsService = yield* Payments
    const at = (field: string) => [...path, field]
    const { body, issues: refused } = withoutInvalid(written, path)
    const issues: Array<FieldIssue> = [...refused]
    const wasRefused = (field: string) => refused.some((issue) => issue.path[path.length] === field)
    if (body.accountId === undefined && !wasRefused("accountId")) {
      issues.push({ path: at("accountId"), message: "is required" })
    }
    if (body.amount === undefined && !wasRefused("amount")) issues.push({ path: at("amount"), message: "is required" })
    const customer = body.accountId === undefined ? null : yield* orNull(parties.getCustomer(body.accountId))
    if (body.accountId !== undefined && customer === null) {
      issues.push(doesNotExist(at("accountId"), body.accountId, "Account"))
    }
    if (body.paymentTypeId != null && (yield* resolver.presetName("type", body.paymentTypeId)) === null) {
      issues.push(doesNotExist(at("paymentTypeId"), body.paymentTypeId, "PaymentType"))
    }
    if (body.paymentMethodId != null && (yield* resolver.presetName("method", body.paymentMethodId)) === null) {
      issues.push(doesNotExist(at("paymentMethodId"), body.paymentMethodId, "PaymentMethod"))
    }
    if (body.isManual === false) {
      issues.push({
        path: at("isManual"),
        message: "must be true: Payment/ records offline payments; charge a gateway with Payment/Vendor"
      })
    }
    const invoice = body.invoiceId == null ? null : yield* orNull(documents.getDocument(body.invoiceId))
    if (body.invoiceId != null && invoice === null)
      issues.push(doesNotExist(at("invoiceId"), body.invoiceId, "Invoice"))
    if (invoice !== null && customer !== null && invoice.customerId !== customer.id) {
      issues.push({ path: at("invoiceId"), message: `(${invoice.id}) belongs to another account` })
    }
    let amount: bigint | null = null
    let baseAmount: string | null = null
    if (body.amount !== undefined && isZeroOrLess(body.amount)) {
      issues.push({ path: at("amount"), message: "MUST be greater than '0'" })
    } else if (customer !== null && body.amount !== undefined) {
      const parsed = parseMinorUnits(body.amount, customer.currency)
      if (Result.isFailure(parsed)) issues.push({ path: at("amount"), message: parsed.failure.message })
      else amount = parsed.success
    }
    if (customer !== null && body.amount !== undefined) {
      baseAmount = checkBaseAmount(
        body.baseAmount,
        body.amount,
        customer,
        yield* ownerCurrencyOf(customer),
        path,
        issues
      )
    }
    if (issues.length > 0 || customer === null || amount === null) return yield* invalid(issues)
    // Core refused this very request already (nothing of it stays: the unit fails) and the checks found nothing.
    if (refusal !== null) return yield* Effect.fail(refusal)

    let invoiceAmount: string | null = null
    if (invoice !== null) {
      if (body.invoiceAmount != null) invoiceAmount = body.invoiceAmount
      else
        invoiceAmount = formatMinorUnits(amount < invoice.outstanding ? amount : invoice.outstanding, customer.currency)
    }
    const input = recordInput(
      body,
      customer.id,
      invoice === null || invoiceAmount === null ? null : { id: invoice.id, amount: invoiceAmount }
    )
    const detail = yield* limitsAsValidation(at("invoiceAmount"))(
      referencesAsValidation(path)(paymentsService.createPayment(input))
    )
    const extras = recordExtras(body, baseAmount)
    if (hasExtras(extras)) yield* saveExtras("payment", detail.payment.id, detail.payment, extras)
    yield* seedWritten(resolver, detail.payment, customer, extras, invoice)
    return detail
  })

/** What a create's lock read besides the account (see `Resolver.seedCreated`). */
type LockedReads = Pick<Parameters<Resolver["seedCreated"]>[1], "ownerCurrency" | "referenceNames">

/** Seeds `resolver` with what a create wrote and read, so its answer reads none of it again. */
const seedWritten = (
  resolver: Resolver,
  payment: Payment,
  customer: Customer,
  extras: RowExtras,
  invoice: { readonly id: DocumentId; readonly number: string } | null,
  read: LockedReads = {}
) =>
  Effect.map(CommandContext, ({ principal }) =>
    resolver.seedCreated(payment, {
      ...read,
      customer,
      extras: hasExtras(extras) ? extrasFromData(extrasToData(extras)) : emptyExtras,
      creator: { id: principal.id, name: principal.name },
      documents: invoice === null ? [] : [invoice]
    })
  )

/** The vendor references a create names (ids only; their names are looked up). */
const namedReferences = (body: LogisensePaymentWrite) =>
  vendorReferenceFields.flatMap((field) => {
    const id = body[field]
    return typeof id === "number" ? [{ field, id }] : []
  })

/** A vendor reference's name in the records a lock read (`null`: none registered), as `Resolver.referenceName`. */
const referenceNameIn = (records: ReadonlyArray<DialectRecord>, field: VendorReferenceField, id: number) => {
  const found = records.find(
    (record) =>
      record.dialect === dialectName && record.kind === vendorReferenceKinds[field] && record.key === String(id)
  )
  return typeof found?.data.name === "string" ? found.data.name : null
}
