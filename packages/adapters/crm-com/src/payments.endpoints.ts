/**
 * CRM.COM's `payments` methods: the reads (`payments/show`, `list`, `get_latest`) and the writes
 * (`create`, `update`, `pay_invoice`, `pay_bill`, `post`, `reject`, `cancel`). Every write runs as
 * one all-or-nothing ledger unit for the session's business unit, with the `Idempotency-Key` (when
 * sent) claimed for the whole request; `payments/cancel` reverses the whole payment in the ledger
 * and records a posted payment cancellation beside it. See README.md for every mapping.
 */
import {
  DateFormats,
  type DialectResponse,
  type Endpoint,
  endpoint,
  ok,
  parseJsonExact,
  type SessionStore,
  stringifyJsonExact
} from "@paybridge/adapter-kit"
import {
  type CreatePaymentOptions,
  type CustomerRef,
  DialectRecords,
  IdempotencyClaimed,
  LedgerUnits,
  type PaymentPage,
  Payments,
  validationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { allocationsFor, resolveCustomer, resolveDocument } from "./accounts-receivable.transformers.ts"
import { resolveNamed, resolvePreset, resolveUser } from "./configuration.transformers.ts"
import { rememberedUnit, sessionUnit, unitCheckWithLock } from "./crm-com.auth.ts"
import {
  CancelBody,
  CancelResponse,
  CreateBody,
  LatestQuery,
  ListQuery,
  ListResponse,
  PayBillBody,
  PayInvoiceBody,
  PostBody,
  RejectBody,
  ShortResponse,
  ShowQuery,
  ShowResponse,
  UpdateBody
} from "./crm-com.schemas.ts"
import {
  applyFieldsSet,
  customFieldsWithUdfs,
  dialectId,
  hasUdfs,
  notFoundFor,
  okEnvelope,
  type Program,
  recordKinds,
  type UnitEntity
} from "./crm-com.transformers.ts"
import { fullPayment, renderedNow, type ShownPayment } from "./full-payment.transformers.ts"
import { listAnnex, makeLoader } from "./payment-loader.transformers.ts"
import {
  answerCreated,
  answerShort,
  attributeRecords,
  attributesOf,
  type CancellationRecord,
  cancellationId,
  payDocument,
  requireState,
  resolvePayment,
  resolvePaymentFor,
  resolvePaymentType,
  resolveWrite,
  shortCancellation,
  shortPayment,
  touchedBy
} from "./payments.transformers.ts"

const suite = "crm-com.test.ts"
const examples = "crm-com.examples.test.ts"
const fidelity = "crm-com.fidelity.test.ts"
const contract = "crm-com.contract.test.ts › CRM.COM Web API v4: dialect contract"
const atomic = "crm-com.atomic.test.ts › all or nothing"

/**
 * Runs a write method as ONE all-or-nothing ledger unit (`Ledger.atomically`): its lookups, ledger
 * commands and dialect-record saves share one store transaction, so when any step fails (a
 * refusal, the storage going away while the CRM.COM record is saved) nothing of it stays — no
 * payment without its attributes, no reversal without its payment cancellation. With an
 * `Idempotency-Key` the key is claimed once for the whole request as sent (its `token` left out,
 * so a client that signed in again may retry) and the answer's exact JSON is stored with it: a
 * retry replays the very same bytes, even after the request changed the payment's state (a
 * retried `post`, `reject` or `cancel` is not refused for the state it left the payment in).
 */
const asOneUnit = (operation: string, body: object, work: Program<DialectResponse>): Program<DialectResponse> =>
  Effect.flatMap(LedgerUnits, (ledgerUnits) =>
    ledgerUnits.atomically(
      { operation: `${dialectId}:${operation}`, input: { ...body, token: undefined }, result: Schema.String },
      Effect.map(work, (response) => stringifyJsonExact(response.body))
    )
  ).pipe(Effect.map((text) => ok(parseJsonExact(text))))

/**
 * One unit of work on behalf of a signed-in session: the business unit the session's token was
 * issued for is resolved first (a token naming a unit that no longer exists refuses before any
 * write), then `work` runs for that unit as `asOneUnit` does.
 */
const asSessionUnit = (
  operation: string,
  body: { readonly token?: string | undefined },
  sessions: SessionStore,
  work: (unit: UnitEntity | null) => Program<DialectResponse>
): Program<DialectResponse> =>
  Effect.flatMap(sessionUnit(sessions, body.token), (unit) => asOneUnit(operation, body, work(unit)))

/**
 * How a create writes the payment's CRM.COM attributes and learns the session's unit. Inside the
 * request's own unit (`inUnit`) the attributes record is written by the ledger with the payment's
 * creation event (`CreatePaymentOptions.record`, no statement of its own) and the unit may be checked
 * with the customer lock (`check`: `unitCheckWithLock`); otherwise (a gateway charge, committed on its
 * own) the record is part of the command's input (`records`, one insert).
 */
interface CreateWay {
  readonly inUnit: boolean
  readonly check?: Pick<CreatePaymentOptions, "lockWith" | "beforeWrite"> | undefined
}

/**
 * payments/create for the session's unit (`unit`: its id): the ledger payment with its CRM.COM
 * attributes record, written by the ledger in the payment's unit (`CreateWay`). An accounts
 * receivable named by its id or number is found by the ledger's own customer lock, which also reads
 * the type and method presets (resolved by name from the process's preset list) and the session's
 * unit record — no read before or beside core's statements; named by its name, or when the payment
 * pays invoices or bills (looked up on the account), it is searched first.
 */
const createIn = (request: typeof CreateBody.Type, unit: Pick<UnitEntity, "id"> | null, way: CreateWay) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const account = request.accounts_receivable_identifier
    const paysDocuments = (request.invoices_to_pay_set ?? []).length + (request.bills_to_pay_set ?? []).length > 0
    const searched = account.field === "name" || paysDocuments ? yield* resolveCustomer(account) : null
    const write = yield* resolveWrite(request, unit)
    const allocations =
      searched === null
        ? []
        : yield* Effect.gen(function* () {
            const invoices = yield* Effect.forEach(request.invoices_to_pay_set ?? [], (item) =>
              resolveDocument(searched, "invoice", item.invoice_identifier)
            )
            const bills = yield* Effect.forEach(request.bills_to_pay_set ?? [], (item) =>
              resolveDocument(searched, "bill", item.bill_identifier)
            )
            return yield* allocationsFor(searched, request.payment_amount, [...invoices, ...bills])
          })
    const record = attributeRecords(write.attributes)[0]
    const create = (customer: CustomerRef) =>
      payments.createPayment(
        {
          customer,
          amount: request.payment_amount,
          initialState: request.life_cycle_state === "DRAFT" ? "draft" : "posted",
          ...write.ledgerFields,
          ...(allocations.length === 0 ? {} : { allocations }),
          ...(hasUdfs(request) ? { customFields: customFieldsWithUdfs({}, request) } : {}),
          ...(way.inUnit ? {} : { records: attributeRecords(write.attributes) })
        },
        way.inUnit
          ? { ...way.check, ...(record === undefined ? {} : { record: { ...record, keyedBy: "payment-public-id" } }) }
          : {}
      )
    const detail =
      searched !== null
        ? yield* create({ id: searched.id })
        : yield* create(
            account.field === "id" ? { publicId: account.value.toUpperCase() } : { number: account.value }
          ).pipe(
            Effect.catchTag("NotFound", (error) =>
              error.entity !== "customer"
                ? Effect.fail(error)
                : account.field === "id"
                  ? // Not a ledger public id: maybe the CRM.COM id of a migrated account (nothing was written).
                    Effect.flatMap(resolveCustomer(account), (found) => create({ id: found.id }))
                  : Effect.fail(notFoundFor(account, "accounts receivable"))
            )
          )
    return yield* Effect.provideService(answerCreated(detail, write.attributes, true), IdempotencyClaimed, true)
  })

/**
 * payments/create as one unit of work for the session's unit. The unit the token was issued for is
 * checked with the ledger's customer lock (`unitCheckWithLock`: no read of its own). When that check
 * refuses, or the request fails otherwise, nothing of it stays and the unit is checked the old way
 * (`sessionUnit`, as every other write method does, first), so its refusal is the answer as before;
 * a unit that passes it then runs the create the old way, and any other failure stands.
 */
const createAsSessionUnit = (request: typeof CreateBody.Type, sessions: SessionStore): Program<DialectResponse> => {
  const remembered = rememberedUnit(sessions, request.token)
  if (remembered === null) return asOneUnit("payments/create", request, createIn(request, null, { inUnit: true }))
  const refusal = validationFailed(["token"], "the token's unit did not pass the check with the customer lock")
  return asOneUnit(
    "payments/create",
    request,
    createIn(request, { id: remembered.id }, { inUnit: true, check: unitCheckWithLock(remembered, refusal) })
  ).pipe(
    Effect.catch((error) =>
      error === refusal
        ? asSessionUnit("payments/create", request, sessions, (unit) => createIn(request, unit, { inUnit: true }))
        : Effect.flatMap(sessionUnit(sessions, request.token), () => Effect.fail(error))
    )
  )
}

/**
 * `payments/list` and `payments/get_latest`: the accounts receivable's payments filtered by type,
 * payment method and category. `list` answers them all, oldest first (the vendor documents no
 * paging). `get_latest` answers "the latest payments that were submitted", so it orders by
 * submission: creation time, newest first (the id breaks ties; ids follow creation), never by the
 * payment date a client may backdate; the first `limit` of them. Type and method filter and the
 * order are SQL; each page of payments comes in one statement with each payment's CRM.COM
 * attributes, who made and last changed it, its account owner and its allocations
 * (`listAnnex`), so nothing is read per payment: with the accounts receivable's own read, two
 * statements.
 */
function listPayments(query: typeof ListQuery.Type, latest: number | null): Program<Array<Record<string, unknown>>> {
  return Effect.gen(function* () {
    const payments = yield* Payments
    const customer = yield* resolveCustomer(query.accounts_receivable_identifier)
    const type = query.type_identifier === undefined ? undefined : yield* resolvePaymentType(query.type_identifier)
    const method =
      query.payment_method_identifier === undefined
        ? undefined
        : yield* resolvePreset("method", query.payment_method_identifier)
    const category =
      query.category_identifier === undefined
        ? undefined
        : yield* resolveNamed("category", query.category_identifier, "financial transaction category", "filter")
    const loader = makeLoader()
    loader.knownCustomer(customer)
    const fieldsSet = query.fields_set === undefined || query.fields_set.length === 0 ? undefined : query.fields_set
    const out: Array<Record<string, unknown>> = []
    // Pages in SQL order (`list`: oldest first; `get_latest`: newest created first), each with its
    // annex and details in its own statement; read only as far as the answer needs.
    const pageSize = latest === null || category !== undefined ? 1000 : Math.min(latest, 1000)
    let cursor: string | null = null
    do {
      const page: PaymentPage = yield* payments.listPayments({
        customerId: customer.id,
        ...(type === undefined ? {} : { typeId: type.id }),
        ...(method === undefined ? {} : { methodId: method.id }),
        sort:
          latest === null
            ? [{ field: "id", direction: "asc" }]
            : [
                { field: "createdAt", direction: "desc" },
                { field: "id", direction: "desc" }
              ],
        annex: listAnnex,
        cursor,
        limit: pageSize
      })
      // The allocations came with the page (`listAnnex`); only a page without them reads its details.
      const brought = page.items.flatMap((payment) => {
        const allocations = page.annex?.get(payment.id)?.allocations
        return allocations === undefined ? [] : [{ payment, allocations }]
      })
      const details: ReadonlyArray<ShownPayment> =
        brought.length === page.items.length ? brought : yield* payments.paymentDetails(page.items)
      if (page.annex !== undefined) loader.seedAnnex(page.items, page.annex)
      yield* loader.prefetchDocuments(details)
      for (const detail of details) {
        if (latest !== null && out.length >= latest) break
        if (category !== undefined && (yield* attributesOf(detail.payment, loader)).category_id !== category.id)
          continue
        // Rendered at once when the page's annex brought everything (no effect per payment).
        const shown = renderedNow(detail, loader) ?? (yield* fullPayment(detail, loader))
        out.push(fieldsSet === undefined ? shown : yield* applyFieldsSet(shown, fieldsSet))
      }
      cursor = latest !== null && out.length >= latest ? null : page.nextCursor
    } while (cursor !== null)
    return out
  })
}

/** The `payments` methods: the reads first, then the writes, in the registry order of the compatibility report. */
export const paymentsEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/payments/show",
    operationId: "payments/show",
    summary: "One payment",
    tags: ["payments"],
    request: { query: ShowQuery },
    responses: { 200: { description: "The payment (or the fields named in fields_set)", schema: ShowResponse } },
    tests: [
      `${fidelity} › life_cycle_state of the full and the short payment (17.5) › uses only DRAFT, POSTED, REJECTED and CANCELLED in every full payment`,
      `${examples} › replays the payments/show example field by field`,
      `${suite} › trims nested fields with fields_set and refuses an unknown field`,
      `${suite} › refuses an identifier with no field, two fields or an unknown field, and names an unknown value`
    ],
    implemented: true,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const loader = makeLoader()
        const detail = yield* resolvePaymentFor(query.payment_identifier, loader)
        const payment = yield* fullPayment(detail, loader)
        return okEnvelope(yield* applyFieldsSet(payment, query.fields_set))
      })
  }),
  endpoint({
    method: "GET",
    path: "/payments/list",
    operationId: "payments/list",
    summary: "The payments of an accounts receivable, oldest first",
    tags: ["payments"],
    request: { query: ListQuery },
    responses: { 200: { description: "The payments", schema: ListResponse } },
    tests: [
      `${examples} › replays the payments/list example with fields_set`,
      `${suite} › filters payments/list by type, payment method and category`
    ],
    implemented: true,
    handler: ({ query }) => Effect.map(listPayments(query, null), okEnvelope)
  }),
  endpoint({
    method: "GET",
    path: "/payments/get_latest",
    operationId: "payments/get_latest",
    summary: "The latest payments of an accounts receivable, newest first",
    tags: ["payments"],
    request: { query: LatestQuery },
    responses: { 200: { description: "The payments", schema: ListResponse } },
    tests: [
      `${examples} › replays the payments/get_latest example newest first`,
      `${fidelity} › payments/get_latest orders by submission (17.6) › answers the latest submitted payments first, whatever their payment dates`
    ],
    implemented: true,
    handler: ({ query }) => Effect.map(listPayments(query, query.number), okEnvelope)
  }),
  endpoint({
    method: "POST",
    path: "/payments/create",
    operationId: "payments/create",
    summary: "Create a payment in DRAFT or POSTED state",
    tags: ["payments"],
    request: { body: CreateBody },
    responses: { 200: { description: "The payment", schema: ShortResponse } },
    tests: [
      `${examples} › replays the payments/create example through a gateway with the card identifier`,
      `${suite} › requires the card identifier when the payment method is linked with a gateway`,
      `${suite} › creates a payment that pays invoices and bills and shows them with their outstanding amounts`,
      `${contract} › creates exactly one payment and answers with a body matching the declared response schema`,
      `${contract} › returns the same result for a create retried with the same idempotency key and creates one payment`,
      `${atomic} › creates no payment when its CRM.COM attributes cannot be saved, and creates it on the retry`
    ],
    implemented: true,
    handler: ({ body: request, sessions }) =>
      Effect.gen(function* () {
        const method = yield* resolvePreset("method", request.payment_method_identifier)
        if (method.gatewayId === null) return yield* createAsSessionUnit(request, sessions)
        // Through a gateway it cannot be one unit: the payment is booked and committed, the gateway
        // called outside any transaction, and the answer built from what the gateway said. The
        // charge is idempotent under the request's key; the attributes are saved under its claim.
        return yield* createIn(request, yield* sessionUnit(sessions, request.token), { inUnit: false })
      })
  }),
  endpoint({
    method: "POST",
    path: "/payments/update",
    operationId: "payments/update",
    summary: "Update a DRAFT payment",
    tags: ["payments"],
    request: { body: UpdateBody },
    responses: { 200: { description: "The payment", schema: ShortResponse } },
    tests: [
      `${suite} › updates a DRAFT payment and refuses to update a POSTED one`,
      `${atomic} › leaves a DRAFT payment's amount unchanged when the update's attributes cannot be saved`,
      `${atomic} › keeps every attribute of concurrent updates of one DRAFT payment`
    ],
    implemented: true,
    handler: ({ body, sessions }) =>
      asSessionUnit("payments/update", body, sessions, (unit) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const { payment } = yield* resolvePayment(body.payment_identifier)
          yield* requireState(payment, "DRAFT", "updated")
          if (body.accounts_receivable_identifier !== undefined) {
            const customer = yield* resolveCustomer(body.accounts_receivable_identifier)
            if (customer.id !== payment.customerId) {
              return yield* validationFailed(
                ["accounts_receivable_identifier"],
                "a payment cannot move to another accounts receivable"
              )
            }
          }
          const type = body.type_identifier === undefined ? undefined : yield* resolvePaymentType(body.type_identifier)
          const method =
            body.payment_method_identifier === undefined
              ? undefined
              : yield* resolvePreset("method", body.payment_method_identifier)
          if (method !== undefined && method.gatewayId !== null) {
            return yield* validationFailed(
              ["payment_method_identifier"],
              `a DRAFT payment cannot switch to "${method.name}", which is linked with a payment gateway`
            )
          }
          // Every identifier is resolved before the first write, so an unknown one changes nothing.
          const category =
            body.category_identifier === undefined
              ? undefined
              : body.category_identifier === null
                ? null
                : yield* resolveNamed("category", body.category_identifier, "financial transaction category")
          const user =
            body.received_by_user_identifier === undefined
              ? undefined
              : yield* resolveUser(body.received_by_user_identifier)
          const receivedByUnit =
            body.received_by_unit_identifier === undefined
              ? undefined
              : yield* resolveNamed("unit", body.received_by_unit_identifier, "unit")
          const changes = {
            ...(body.payment_amount === undefined ? {} : { amount: body.payment_amount }),
            ...(type === undefined ? {} : { typeId: type.id }),
            ...(method === undefined ? {} : { methodId: method.id }),
            ...(body.received_on === undefined
              ? {}
              : { paymentDate: DateFormats.businessDateOf(body.received_on), receivedAt: body.received_on }),
            ...(body.description === undefined ? {} : { description: body.description }),
            ...(body.notes === undefined ? {} : { notes: body.notes }),
            ...(hasUdfs(body) ? { customFields: customFieldsWithUdfs(payment.customFields, body) } : {})
          }
          const updated =
            Object.keys(changes).length === 0
              ? payment
              : yield* payments.updatePayment({ paymentId: payment.id, ...changes })
          yield* touchedBy(updated, unit, {
            ...(category === undefined ? {} : { category_id: category?.id ?? null }),
            ...(user === undefined ? {} : { received_by_user_id: user.id }),
            ...(receivedByUnit === undefined ? {} : { received_by_unit_id: receivedByUnit.id }),
            ...(body.received_on === undefined
              ? {}
              : { received_on: DateFormats.localDateTime.format(body.received_on) })
          })
          return yield* answerShort(updated)
        })
      )
  }),
  endpoint({
    method: "POST",
    path: "/payments/pay_invoice",
    operationId: "payments/pay_invoice",
    summary: "Pay the whole outstanding amount of one invoice (POSTED)",
    tags: ["payments"],
    request: { body: PayInvoiceBody },
    responses: { 200: { description: "The payment", schema: ShortResponse } },
    tests: [
      `${examples} › replays the payments/pay_invoice example for the whole outstanding amount`,
      `${suite} › refuses to pay an invoice with nothing outstanding or of another accounts receivable`
    ],
    implemented: true,
    handler: ({ body, sessions }) =>
      asSessionUnit("payments/pay_invoice", body, sessions, (unit) =>
        payDocument(body, "invoice", body.invoice_identifier, unit)
      )
  }),
  endpoint({
    method: "POST",
    path: "/payments/pay_bill",
    operationId: "payments/pay_bill",
    summary: "Pay the whole outstanding amount of one bill (POSTED)",
    tags: ["payments"],
    request: { body: PayBillBody },
    responses: { 200: { description: "The payment", schema: ShortResponse } },
    tests: [`${examples} › replays the payments/pay_bill example for the whole outstanding amount`],
    implemented: true,
    handler: ({ body, sessions }) =>
      asSessionUnit("payments/pay_bill", body, sessions, (unit) =>
        payDocument(body, "bill", body.bill_identifier, unit)
      )
  }),
  endpoint({
    method: "POST",
    path: "/payments/post",
    operationId: "payments/post",
    summary: "Post a DRAFT payment",
    tags: ["payments"],
    request: { body: PostBody },
    responses: { 200: { description: "The payment", schema: ShortResponse } },
    tests: [
      `${examples} › replays the payments/post example: DRAFT to POSTED with a number`,
      `${suite} › refuses to post, reject or cancel a payment in the wrong life cycle state`
    ],
    implemented: true,
    handler: ({ body, sessions }) =>
      asSessionUnit("payments/post", body, sessions, (unit) =>
        Effect.gen(function* () {
          const paymentsService = yield* Payments
          const { payment } = yield* resolvePayment(body.payment_identifier)
          // CRM.COM posts DRAFT payments only (the ledger would also post a pending one).
          yield* requireState(payment, "DRAFT", "posted")
          const posted = yield* paymentsService.postPayment({ paymentId: payment.id })
          yield* touchedBy(posted, unit)
          return yield* answerShort(posted)
        })
      )
  }),
  endpoint({
    method: "POST",
    path: "/payments/reject",
    operationId: "payments/reject",
    summary: "Reject a DRAFT payment with a rejection reason",
    tags: ["payments"],
    request: { body: RejectBody },
    responses: { 200: { description: "The payment", schema: ShortResponse } },
    tests: [
      `${examples} › replays the payments/reject example: DRAFT to REJECTED without a number`,
      `${suite} › refuses to post, reject or cancel a payment in the wrong life cycle state`
    ],
    implemented: true,
    handler: ({ body, sessions }) =>
      asSessionUnit("payments/reject", body, sessions, (unit) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const { payment } = yield* resolvePayment(body.payment_identifier)
          const reason = yield* resolveNamed("rejection-reason", body.rejection_reason_identifier, "rejection reason")
          yield* requireState(payment, "DRAFT", "rejected")
          const rejected = yield* payments.rejectPayment({ paymentId: payment.id, reason: reason.name })
          yield* touchedBy(rejected, unit, { rejection_reason_id: reason.id })
          return yield* answerShort(rejected)
        })
      )
  }),
  endpoint({
    method: "POST",
    path: "/payments/cancel",
    operationId: "payments/cancel",
    summary: "Cancel a POSTED payment with a posted payment cancellation",
    tags: ["payments"],
    request: { body: CancelBody },
    responses: { 200: { description: "The payment and its cancellation", schema: CancelResponse } },
    tests: [
      `${examples} › replays the payments/cancel example: the payment as it was and a posted payment cancellation`,
      `${suite} › shows a cancelled payment as CANCELLED afterwards, reversed in the ledger`,
      `${suite} › refuses to post, reject or cancel a payment in the wrong life cycle state`,
      `${suite} › replays a cancel retried with the same Idempotency-Key: one reversal, one cancellation, the same answer`,
      `${atomic} › reverses nothing when the payment cancellation cannot be recorded, and cancels on the retry`
    ],
    implemented: true,
    handler: ({ body, sessions }) =>
      asSessionUnit("payments/cancel", body, sessions, (unit) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const dialectRecords = yield* DialectRecords
          const { payment } = yield* resolvePayment(body.payment_identifier)
          const type = yield* resolveNamed("cancellation-type", body.type_identifier, "payment cancellation type")
          const category =
            body.category_identifier === undefined
              ? null
              : yield* resolveNamed("category", body.category_identifier, "financial transaction category")
          yield* requireState(payment, "POSTED", "cancelled")
          const reversed = yield* payments.reversePayment({
            paymentId: payment.id,
            reason: body.issue_reason ?? body.notes ?? `payment cancellation (${type.name})`
          })
          const reversal = reversed.reversals
            .filter((row) => row.reinstatedAt === null)
            .reduce((newest, row) => (row.id > newest.id ? row : newest))
          const id = cancellationId(reversal.id)
          const record: CancellationRecord = {
            reversal_id: reversal.id,
            type_id: type.id,
            category_id: category?.id ?? null,
            notes: body.notes ?? null,
            issue_reason: body.issue_reason ?? null,
            udf: customFieldsWithUdfs({}, body),
            created_by_unit_id: unit?.id ?? null
          }
          yield* dialectRecords.saveDialectRecord({
            dialect: dialectId,
            kind: recordKinds.cancellation,
            key: id,
            customerId: payment.customerId,
            paymentId: payment.id,
            data: { ...record }
          })
          const gatewayCode = yield* makeLoader().gatewayCode(payment.gatewayId)
          return okEnvelope({
            payment: shortPayment(payment, gatewayCode, "POSTED"),
            payment_cancellation: shortCancellation(id, reversal, payment)
          })
        })
      )
  })
]
