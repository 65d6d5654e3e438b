/**
 * Silver's payments resource, `/customers/<id>/payments/` and `/customers/<id>/payments/<id>/`:
 * list (django-filter filters, DRF ordering, page-number pagination with Silver's Link header),
 * create (every field error in one DRF body, then the model's `clean()`, then one ledger unit),
 * retrieve, and PATCH as Silver's status transitions (checks in Silver's order; the ledger command
 * of each transition), 405 with `Allow` for the methods Silver's views did not allow, and DRF's
 * OPTIONS answers of the two views (which the kit's registry does not route). Conversions and
 * document rules these handlers use live in `payments.transformers.ts`.
 */
import {
  type DialectRequest,
  type DialectResponse,
  type Endpoint,
  endpoint,
  paymentViewByVendorId,
  shownCustomerId
} from "@paybridge/adapter-kit"
import {
  Collections,
  type Customer,
  currencyCodes,
  type DocumentId,
  Documents,
  exponentOf,
  LedgerUnits,
  Parties,
  type Payment,
  PaymentId,
  Payments
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { checkCreate, isResponse } from "./payment-create.transformers.ts"
import { findUnpaidRow, rowQueryOf, toSilverRow } from "./payment-list.transformers.ts"
import {
  attributesRecord,
  claimDocument,
  customerOfPath,
  customerShownIdOf,
  documentField,
  documentProblem,
  documentTakenPrefix,
  isDefaultAttributes,
  isDocumentTaken,
  loadRecord,
  type PaymentAttributes,
  recordFromView,
  saveAttributes,
  settleDocuments,
  silverPaymentInclude,
  silverView,
  toSilverPayment,
  transitionInLedger
} from "./payments.transformers.ts"
import { FieldErrors, invalidPage, methodNotAllowed, notADictionary, notFoundResponse } from "./silver.errors.ts"
import {
  finalSilverStatuses,
  nullText,
  parseAmount,
  parseBoolean,
  parseChoice,
  parseNullableDate,
  paymentFields,
  paymentViewMetadata,
  pythonNameList,
  SilverCustomerPath,
  SilverPayment,
  SilverPaymentCreate,
  SilverPaymentList,
  SilverPaymentListQuery,
  SilverPaymentPatch,
  SilverPaymentPath,
  type SilverStatus,
  silverStatuses
} from "./silver.schemas.ts"
import {
  type Body,
  beyondIds,
  dialectId,
  isPlainObject,
  linksFor,
  maybe,
  type OptionsRoute,
  optionsRoute,
  type Program,
  pageCount,
  pageLink,
  pageSizeOf,
  parseHyperlink,
  pathIdOf,
  redirectTest,
  requestedPage,
  silverResponse,
  silverSuite,
  today
} from "./silver.transformers.ts"
import { unpaidPatchRefusal } from "./unpaid-payments.transformers.ts"

// The two payment paths, the methods their views allow, and the proving tests the endpoints cite.
const docSuite = "silver.vendor-doc.test.ts"
const listSuite = "silver.list.test.ts"
const errorSuite = "silver.errors.test.ts"
const frameworkSuite = "silver.framework.test.ts"
const unslashedTest = `${frameworkSuite} › answers other methods on an unslashed path, and paths that match nothing even with a slash, with 404`
const optionsListTest = `${frameworkSuite} › describes the payment serializer under actions.POST of the list view's OPTIONS`
const optionsDetailTest = `${frameworkSuite} › sends no actions where DRF sent none: the detail view (no PUT) and a caller who may not write`
const contract = "silver.contract.test.ts › Silver (Presslabs): dialect contract"
const paymentsList = "/customers/:customerId{[0-9]+}/payments/"
const paymentDetail = "/customers/:customerId{[0-9]+}/payments/:paymentId{[0-9]+}/"
const detailAllow = "GET, PATCH, HEAD, OPTIONS"
const listAllow = "GET, POST, HEAD, OPTIONS"

/** A method Silver's DRF views did not allow on a path: answered 405 with Silver's body and `Allow` header. */
const notAllowedEndpoint = (method: "PUT" | "PATCH" | "DELETE", path: string, operationId: string, allow: string) =>
  endpoint({
    method,
    path,
    operationId,
    summary: "Not allowed: answers 405 as Silver did",
    tags: ["payments"],
    responses: { 405: { description: `Method "${method}" not allowed.` } },
    tests: [`${errorSuite} › answers 405 for PUT and DELETE with Silver's body`],
    implemented: true,
    handler: () => Effect.succeed(silverResponse(405, methodNotAllowed(method), { allow }))
  })

// Handlers

type PaymentListRequest = DialectRequest<typeof SilverCustomerPath.Type, typeof SilverPaymentListQuery.Type, unknown>

const listPayments = (request: PaymentListRequest): Program<DialectResponse> =>
  Effect.gen(function* () {
    const links = linksFor(request.url, request.basePath)
    const size = pageSizeOf(request.query)
    const asked = requestedPage(request.query)
    if (asked === null || (asked !== "last" && beyondIds(asked, size))) return invalidPage()
    const customerId = yield* customerOfPath(request.params.customerId)
    const filters = rowQueryOf(request.query, yield* today)
    // Payments and open documents (issue 12.8) filtered, ordered, paged and counted in one SQL read.
    const found =
      customerId === null || filters === null
        ? { rows: [], total: 0, page: asked === "last" ? 1 : asked }
        : yield* Payments.use((payments) =>
            payments.listCustomerRows({ ...filters, customerId, page: asked, limit: size })
          )
    const pages = pageCount(found.total, size)
    if (found.page > pages) return invalidPage()
    const shown =
      customerId !== null && found.rows.some((row) => row.source === "payment")
        ? yield* customerShownIdOf(customerId)
        : 0
    // Payments' links show the customer's Silver id when it was migrated (one read, only when a payment is
    // listed); open documents' links show the customer as the path names it.
    const pathId = Number(request.params.customerId)
    const body = found.rows.map((row) => toSilverRow(row, { paymentsShownId: shown, pathId }, links))
    return silverResponse(200, body, { link: pageLink(request.url, found.page, pages) })
  })

import type { PaymentCreateRequest } from "./payment-create.transformers.ts"

const createPayment = (request: PaymentCreateRequest): Program<DialectResponse> =>
  Effect.gen(function* () {
    if (request.body !== undefined && !isPlainObject(request.body)) return notADictionary(request.body)
    const body: Body = request.body === undefined ? {} : (request.body as Body)
    const links = linksFor(request.url, request.basePath)
    const requestKey = request.idempotencyKey === null ? null : `${request.principal.id}:${request.idempotencyKey}`
    // Checked without reading the customer and the provider (the unit proves them); a request
    // with a problem is checked again with them read, so its 400 names every problem as Silver did.
    const checked = yield* checkCreate(request, body, requestKey, true)
    if (isResponse(checked)) {
      const full = yield* checkCreate(request, body, requestKey, false)
      return isResponse(full) ? full : checked
    }
    const { customerId, providerId, amount, currency, dueDate, status, visible, proforma, invoice } = checked

    // Create: status is set directly, as Silver did (no transition signals on create). Every
    // command of the create runs as one unit, claiming the request's idempotency key once.
    const attributes: PaymentAttributes = {
      visible,
      dueDate,
      proformaId: proforma?.id ?? null,
      invoiceId: invoice?.id ?? null,
      silverCollectionId: null
    }
    // What the unit made, for the answer (a replayed request runs no work: its answer is read).
    const made: {
      current: { readonly payment: Payment; readonly stored: PaymentAttributes; readonly customer: Customer } | null
    } = { current: null }
    // Attributes other than the defaults are written with the payment (its creation event's statement
    // writes the record); a pending payment's record names its collection, so it is saved after it.
    const attach = status !== "pending" && !isDefaultAttributes(attributes)
    const work = Effect.gen(function* () {
      // The customer as the unit locked it comes back with the payment: its URL id needs no read.
      const { detail: created, account: customer } = yield* Payments.use((payments) =>
        payments.createPaymentOnAccount(
          {
            customerId,
            amount,
            currency,
            initialState: status === "paid" ? "posted" : "draft",
            billingEntityId: providerId
          },
          attach ? { record: attributesRecord(attributes) } : {}
        )
      )
      let payment = created.payment
      let stored = attributes
      if (status === "pending") {
        const submitted = yield* Collections.use((collections) =>
          collections.requestCollection({ paymentId: payment.id, method: "direct-debit" })
        )
        payment = submitted.payment
        const open = submitted.collections.find((collection) => collection.state === "requested")
        stored = { ...stored, silverCollectionId: open?.id ?? null }
      }
      if (status === "canceled") {
        payment = yield* Payments.use((payments) =>
          payments.cancelPayment({ paymentId: payment.id, reason: "created canceled in Silver" })
        )
      }
      // A payment made through Silver without a record has the default attributes (`derivedAttributes`).
      if (!attach && !isDefaultAttributes(stored)) yield* saveAttributes(payment, stored)
      for (const document of [proforma, invoice]) {
        if (document === null) continue
        yield* claimDocument(document, payment, requestKey)
      }
      made.current = { payment, stored, customer }
      return payment.id
    })
    // A customer or provider the unit could not prove, or a currency not the customer's: the
    // request's 400 as Silver gave it (the unit wrote nothing).
    const refusedByLedger = (error: { readonly _tag: string }) =>
      error._tag === "NotFound" || error._tag === "Forbidden" || error._tag === "ValidationFailed"
    const outcome = yield* LedgerUnits.use((ledgerUnits) =>
      ledgerUnits.atomically(
        {
          operation: "silver:createPayment",
          input: {
            customerId,
            providerId,
            amount,
            status,
            visible,
            dueDate,
            proforma: proforma?.id ?? null,
            invoice: invoice?.id ?? null
          },
          result: PaymentId
        },
        work
      )
    ).pipe(
      Effect.map((paymentId): PaymentId | DialectResponse => paymentId),
      Effect.catchIf(isDocumentTaken, (error) =>
        Effect.succeed(
          silverResponse(400, { [error.message.slice(documentTakenPrefix.length)]: ["This field must be unique."] })
        )
      ),
      Effect.catchIf(refusedByLedger, (error) =>
        Effect.flatMap(checkCreate(request, body, requestKey, false), (full) =>
          isResponse(full) ? Effect.succeed(full) : Effect.fail(error)
        )
      )
    )
    if (typeof outcome !== "number") return outcome
    const fresh = made.current
    const payment = fresh?.payment ?? (yield* Payments.use((payments) => payments.getPayment({ id: outcome }))).payment
    if (status === "paid") yield* settleDocuments(payment, attributes)
    // The answer from what the unit made (settling moves no Silver field); a replay reads it.
    const record =
      fresh === null
        ? yield* loadRecord(payment.id)
        : {
            payment: fresh.payment,
            attributes: fresh.stored,
            provider: null,
            customerShownId: shownCustomerId(dialectId, fresh.customer)
          }
    if (record === null) return notFoundResponse()
    const representation = toSilverPayment(record, links)
    return silverResponse(201, representation, { location: representation.url })
  })

type PaymentDetailRequest = DialectRequest<typeof SilverPaymentPath.Type, unknown, unknown>

/** The payment a detail URL names: Silver ids of migrated payments and customers first (issue 16.2), then ledger ids. */
const findPayment = (request: PaymentDetailRequest) =>
  Effect.gen(function* () {
    // The payment, its attributes record and its customer in one read.
    const view = yield* maybe(
      paymentViewByVendorId(
        dialectId,
        request.params.paymentId,
        pathIdOf(PaymentId, request.params.paymentId),
        silverPaymentInclude
      )
    )
    if (view === null) return null
    const record = yield* recordFromView(view)
    return record.customerShownId !== Number(request.params.customerId) ? null : record
  })

/** The derived unpaid payment of an open document the path names (issue 12.8), as its listed row, or `null`. */
const findUnpaid = (request: PaymentDetailRequest) => findUnpaidRow(request.params.customerId, request.params.paymentId)

const getPayment = (request: PaymentDetailRequest): Program<DialectResponse> =>
  Effect.gen(function* () {
    const links = linksFor(request.url, request.basePath)
    const record = yield* findPayment(request)
    if (record !== null) return silverResponse(200, toSilverPayment(record, links))
    const unpaid = yield* findUnpaid(request)
    if (unpaid === null) return notFoundResponse()
    const pathId = Number(request.params.customerId)
    return silverResponse(200, toSilverRow(unpaid, { paymentsShownId: pathId, pathId }, links))
  })

const patchPayment = (request: PaymentDetailRequest): Program<DialectResponse> =>
  Effect.gen(function* () {
    const record = yield* findPayment(request)
    if (record === null) {
      const unpaid = yield* findUnpaid(request)
      const document =
        unpaid === null
          ? null
          : yield* maybe(Documents.use((documents) => documents.getDocument(unpaid.ledgerId as DocumentId)))
      if (document === null) return notFoundResponse()
      return silverResponse(400, unpaidPatchRefusal({ document }))
    }
    if (request.body !== undefined && !isPlainObject(request.body)) return notADictionary(request.body)
    const body: Body = request.body === undefined ? {} : (request.body as Body)
    const links = linksFor(request.url, request.basePath)
    const { payment, attributes, detail } = record
    const errors = new FieldErrors()

    // 1. Field validation of whatever writable fields were sent (unknown and read-only keys dropped).
    const given = paymentFields.filter((field) => field in body)
    let target: SilverStatus | undefined
    for (const field of given) {
      const value = body[field]
      switch (field) {
        case "customer":
        case "provider": {
          if (value === null) {
            errors.add(field, nullText)
            break
          }
          let exists: unknown
          if (field === "customer") {
            const id = errors.check(field, parseHyperlink(value, field, request.basePath))
            if (id === undefined) break
            exists = yield* maybe(Parties.use((parties) => parties.getCustomer(id)))
          } else {
            const id = errors.check(field, parseHyperlink(value, field, request.basePath))
            if (id === undefined) break
            exists = yield* maybe(Parties.use((parties) => parties.getBillingEntity(id)))
          }
          if (exists === null) errors.add(field, "Invalid hyperlink - Object does not exist.")
          break
        }
        case "amount":
          errors.check(field, parseAmount(value, exponentOf(payment.currency)))
          break
        case "currency":
          errors.check(field, parseChoice(value, currencyCodes))
          break
        case "due_date":
          errors.check(field, parseNullableDate(value))
          break
        case "status":
          target = errors.check(field, parseChoice(value, silverStatuses))
          break
        case "visible":
          errors.check(field, parseBoolean(value))
          break
        case "proforma":
        case "invoice":
          yield* documentField(errors, field, value, request.basePath, payment.id, null)
          break
      }
    }
    if (errors.any) return silverResponse(400, errors.errors)
    // 2. Only the status may change.
    if (given.length !== 1 || given[0] !== "status" || target === undefined) {
      return silverResponse(400, {
        non_field_errors: [`Existing payments only accept updating their status. ${pythonNameList(given)} given.`]
      })
    }
    // 3. Final statuses stay final.
    const current = silverView(payment).status
    if (finalSilverStatuses.includes(current)) {
      return silverResponse(400, { non_field_errors: [`Cannot update a payment with '${current}' status.`] })
    }
    // 4. A collection somebody else started (a gateway, tRPC, another dialect) is an active transaction.
    const open = detail.collections.find((collection) => collection.state === "requested")
    if (open !== undefined && open.id !== attributes.silverCollectionId) {
      return silverResponse(400, { non_field_errors: ["Cannot update a payment with active transactions."] })
    }
    // 5. The model's clean() on the payment as it stands.
    const { proformaId, invoiceId } = attributes
    const documents = {
      proforma:
        proformaId === null ? null : yield* maybe(Documents.use((documents) => documents.getDocument(proformaId))),
      invoice: invoiceId === null ? null : yield* maybe(Documents.use((documents) => documents.getDocument(invoiceId)))
    }
    const problem = documentProblem(payment.billingEntityId, payment.customerId, documents)
    if (problem !== null) return silverResponse(400, { non_field_errors: [problem] })
    // 6. The transition.
    if (target !== current) {
      const refused = silverResponse(400, { status: `The payment could not be transitioned to '${target}' status.` })
      const outcome = yield* LedgerUnits.use((ledgerUnits) =>
        ledgerUnits.atomically(
          {
            operation: "silver:transitionPayment",
            input: { paymentId: payment.id, status: target },
            result: Schema.Void
          },
          transitionInLedger(payment, attributes, target)
        )
      ).pipe(
        Effect.as(null),
        Effect.catchTag("InvalidTransition", () => Effect.succeed(refused))
      )
      if (outcome !== null) return outcome
      if (target === "paid") {
        const posted = yield* Payments.use((payments) => payments.getPayment({ id: payment.id }))
        yield* settleDocuments(posted.payment, attributes)
      }
    }
    const updated = yield* loadRecord(payment.id)
    if (updated === null) return notFoundResponse()
    return silverResponse(200, toSilverPayment(updated, links))
  })

/** The payment endpoints in registry order: list, create, retrieve, PATCH, then the 405s. */
export const paymentsEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: paymentsList,
    operationId: "listPayments",
    summary: "List a customer's payments (filters, ordering, pagination with a Link header)",
    tags: ["payments"],
    request: { params: SilverCustomerPath, query: SilverPaymentListQuery },
    responses: { 200: { description: "A bare array of payments", schema: SilverPaymentList } },
    tests: [
      `${docSuite} › replays the doc's list example field by field`,
      `${listSuite} › filters by is_overdue as Silver's querysets did (null due dates in neither set)`,
      `${listSuite} › filters by visible, status, flow, provider name, amounts and currency`,
      `${listSuite} › orders by due date descending by default and by ?ordering=`,
      `${listSuite} › paginates with page, page_size (capped at 100) and per_page, always sending Silver's Link header`,
      `${listSuite} › answers Invalid page. with 404`,
      `${listSuite} › reads booleans as Django's NullBooleanSelect did: True/2 and False/3, anything else skips the filter`,
      redirectTest,
      optionsListTest
    ],
    implemented: true,
    handler: listPayments
  }),
  endpoint({
    method: "POST",
    path: paymentsList,
    operationId: "createPayment",
    summary: "Create a payment for the customer in the path",
    tags: ["payments"],
    request: { params: SilverCustomerPath, body: SilverPaymentCreate, bodyRequired: false },
    responses: { 201: { description: "The payment, with a Location header", schema: SilverPayment } },
    tests: [
      `${contract} › creates exactly one payment and answers with a body matching the declared response schema`,
      `${contract} › returns the same result for a create retried with the same idempotency key and creates one payment`,
      `${docSuite} › replays the doc's create example field by field`,
      `${silverSuite} › uses the path's customer, applies Silver's defaults and answers 201 with a Location header`,
      `${errorSuite} › collects every field error of a create in one 400 body in Silver's words`,
      "silver.currencies.test.ts › accepts $currency amounts with its decimals and refuses more, in DRF's words",
      `${errorSuite} › applies the document rules in Silver's order`,
      `${silverSuite} › retries a create carrying a document under the same idempotency key and gets the same payment`,
      `${silverSuite} › builds links from the mount's base path and renders a payment for the admin console`,
      optionsListTest,
      unslashedTest
    ],
    implemented: true,
    handler: createPayment
  }),
  endpoint({
    method: "GET",
    path: paymentDetail,
    operationId: "getPayment",
    summary: "Retrieve a customer's payment",
    tags: ["payments"],
    request: { params: SilverPaymentPath },
    responses: { 200: { description: "The payment", schema: SilverPayment } },
    tests: [
      `${docSuite} › replays the doc's retrieve example field by field`,
      `${errorSuite} › answers Not found. for an unknown payment or another customer's payment`,
      redirectTest,
      optionsDetailTest
    ],
    implemented: true,
    handler: getPayment
  }),
  endpoint({
    method: "PATCH",
    path: paymentDetail,
    operationId: "transitionPayment",
    summary: "Transition a payment (only `status` may change)",
    tags: ["payments"],
    request: { params: SilverPaymentPath, body: SilverPaymentPatch, bodyRequired: false },
    responses: { 200: { description: "The payment after the transition", schema: SilverPayment } },
    tests: [
      `${docSuite} › replays the doc's transition example field by field`,
      `${silverSuite} › walks every allowed transition and keeps paid and canceled final`,
      `${errorSuite} › checks a PATCH in Silver's order with Silver's texts`,
      `${silverSuite} › refuses a PATCH while a collection someone else started is in progress`,
      `${errorSuite} › answers a transition the ledger refuses after Silver's checks with Silver's plain-string status error`,
      unslashedTest,
      optionsDetailTest
    ],
    implemented: true,
    handler: patchPayment
  }),
  notAllowedEndpoint("PUT", paymentDetail, "replacePayment", detailAllow),
  notAllowedEndpoint("DELETE", paymentDetail, "deletePayment", detailAllow),
  notAllowedEndpoint("PUT", paymentsList, "replacePaymentList", listAllow),
  notAllowedEndpoint("PATCH", paymentsList, "patchPaymentList", listAllow),
  notAllowedEndpoint("DELETE", paymentsList, "deletePaymentList", listAllow)
]

/** DRF's OPTIONS on the two payment views; `actions.POST` (list only) for a caller who may write. */
export const paymentsOptions: ReadonlyArray<OptionsRoute> = [
  optionsRoute(paymentsList, listAllow, (mayWrite) => paymentViewMetadata("list", { mayCreate: mayWrite })),
  optionsRoute(paymentDetail, detailAllow, (mayWrite) => paymentViewMetadata("detail", { mayCreate: mayWrite }))
]
