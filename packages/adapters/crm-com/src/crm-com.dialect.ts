/**
 * The CRM.COM Web API v4 dialect: the payments methods (`payments/show`, `list`, `get_latest`,
 * `create`, `update`, `pay_invoice`, `pay_bill`, `post`, `reject`, `cancel`) and the token methods
 * (`authentication/token`, `authentication/token/release`, `authentication/web_api_key/token`)
 * over the Paybridge ledger, under `/crmapi/rest/v4` by default. The `token` parameter (query for
 * GET, body for POST) carries a session token that expires two hours after issue. `payments/cancel`
 * reverses the whole payment in the ledger and records a posted payment cancellation beside it;
 * see README.md for every mapping and decision.
 */
import {
  DateFormats,
  type DialectResponse,
  defineDialect,
  endpoint,
  ok,
  parseJsonExact,
  publicEndpoint,
  type SessionStore,
  stringifyJsonExact
} from "@paybridge/adapter-kit"
import {
  Authenticator,
  type DocumentKind,
  InvalidTransition,
  Ledger,
  type Page,
  type Payment,
  type PaymentDetail,
  type PaymentPreset,
  validationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { allocationsFor, resolveCustomer, resolveDocument } from "./accounts-receivable.transformers.ts"
import {
  crmComAuthentication,
  crmComSessions,
  issueToken,
  releaseToken,
  sessionUnit,
  webApiKeyOf
} from "./crm-com.auth.ts"
import { crmComErrors } from "./crm-com.errors.ts"
import {
  CancelBody,
  CancelResponse,
  CreateBody,
  CrmComError,
  type Identifier,
  LatestQuery,
  ListQuery,
  ListResponse,
  LoginBody,
  PayBillBody,
  PayInvoiceBody,
  PostBody,
  RejectBody,
  ReleaseBody,
  ReleaseResponse,
  ShortResponse,
  ShowQuery,
  ShowResponse,
  TokenResponse,
  type UdfInput,
  UpdateBody,
  WebApiKeyBody
} from "./crm-com.schemas.ts"
import {
  crmStateOf,
  dialectId,
  makeLoader,
  namedEntities,
  okEnvelope,
  type Program,
  presetsOf,
  recordKinds,
  resolveNamed,
  resolvePreset,
  resolveUser,
  type UnitEntity
} from "./crm-com.transformers.ts"
import {
  applyFieldsSet,
  attributesOf,
  type CancellationRecord,
  cancellationId,
  customFieldsWithUdfs,
  fullPayment,
  hasUdfs,
  type PaymentAttributes,
  resolvePayment,
  saveAttributes,
  shortCancellation,
  shortPayment
} from "./payments.transformers.ts"

const suite = "crm-com.test.ts"
const examples = "crm-com.examples.test.ts"
const contract = "crm-com.contract.test.ts › CRM.COM Web API v4: dialect contract"
const atomic = "crm-com.atomic.test.ts › all or nothing"

// ---------------------------------------------------------------------------------------------
// Shared pieces of the write methods

const refusal = (payment: Payment, action: string, message: string) =>
  new InvalidTransition({ entity: "payment", id: payment.publicId, from: crmStateOf(payment), action, message })

/** Refuses unless the payment is in the CRM.COM state the method needs. */
const requireState = (payment: Payment, state: "DRAFT" | "POSTED", action: string) =>
  crmStateOf(payment) === state
    ? Effect.void
    : Effect.fail(
        refusal(
          payment,
          action,
          `Only ${state} payments can be ${action}; payment ${payment.referenceNumber} is ${crmStateOf(payment)}`
        )
      )

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
  Effect.flatMap(Ledger, (ledger) =>
    ledger.atomically(
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

/** A PAYMENT type; naming a payment cancellation type says so instead of "not found". */
const resolvePaymentType = (identifier: Identifier<"type_identifier">): Program<PaymentPreset> =>
  Effect.gen(function* () {
    const presets = yield* presetsOf("type")
    const found = presets.find((preset) =>
      identifier.field === "id"
        ? preset.publicId === identifier.value.toUpperCase()
        : identifier.field === "name"
          ? preset.name === identifier.value
          : preset.code === identifier.value
    )
    if (found !== undefined) return found
    const cancellationTypes = yield* namedEntities("cancellation-type")
    if (cancellationTypes.some((type) => type[identifier.field] === identifier.value)) {
      return yield* validationFailed(
        ["type_identifier"],
        `type "${identifier.value}" is a PAYMENT_CANCELLATION type; a payment needs a PAYMENT type`
      )
    }
    return yield* resolvePreset("type", identifier)
  })

interface WriteFields {
  readonly type_identifier: Identifier<"type_identifier">
  readonly payment_method_identifier: Identifier<"payment_method_identifier">
  readonly category_identifier?: Identifier<"category_identifier"> | undefined
  readonly received_on?: Date | undefined
  readonly received_by_user_identifier?: Identifier<"received_by_user_identifier"> | undefined
  readonly received_by_unit_identifier?: Identifier<"received_by_unit_identifier"> | undefined
  readonly card_identifier?: Identifier<"card_identifier"> | undefined
  readonly description?: string | null | undefined
  readonly notes?: string | null | undefined
}

/** Resolves what create, pay_invoice and pay_bill share; checks the card rule of gateway methods. */
const resolveWrite = (body: WriteFields, unit: UnitEntity | null) =>
  Effect.gen(function* () {
    const type = yield* resolvePaymentType(body.type_identifier)
    const method = yield* resolvePreset("method", body.payment_method_identifier)
    const category =
      body.category_identifier === undefined
        ? null
        : yield* resolveNamed("category", body.category_identifier, "financial transaction category")
    const user =
      body.received_by_user_identifier === undefined ? null : yield* resolveUser(body.received_by_user_identifier)
    const receivedByUnit =
      body.received_by_unit_identifier === undefined
        ? unit
        : yield* resolveNamed("unit", body.received_by_unit_identifier, "unit")
    const card = body.card_identifier?.value ?? null
    if (method.gatewayId !== null && card === null) {
      return yield* validationFailed(
        ["card_identifier"],
        `card_identifier is mandatory: payment method "${method.name}" is linked with a payment gateway`
      )
    }
    if (method.gatewayId === null && card !== null) {
      return yield* validationFailed(
        ["card_identifier"],
        `card_identifier applies only to payment methods linked with a payment gateway, not to "${method.name}"`
      )
    }
    const attributes: PaymentAttributes = {
      category_id: category?.id ?? null,
      received_by_user_id: user?.id ?? null,
      received_by_unit_id: receivedByUnit?.id ?? null,
      received_on: body.received_on === undefined ? null : DateFormats.localDateTime.format(body.received_on),
      rejection_reason_id: null,
      created_by_unit_id: unit?.id ?? null,
      updated_by_unit_id: unit?.id ?? null
    }
    return {
      type,
      method,
      card,
      attributes,
      ledgerFields: {
        methodId: method.id,
        typeId: type.id,
        cardToken: card,
        ...(body.received_on === undefined ? {} : { paymentDate: DateFormats.businessDateOf(body.received_on) }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.notes === undefined ? {} : { notes: body.notes })
      }
    }
  })

const hasAttributes = (attributes: PaymentAttributes) => Object.values(attributes).some((value) => value !== null)

/** Saves the attributes of a new payment (when there is anything to keep) and answers the short payment. */
const answerCreated = (detail: PaymentDetail, attributes: PaymentAttributes) =>
  Effect.gen(function* () {
    if (hasAttributes(attributes)) yield* saveAttributes(detail.payment, "replace", attributes)
    const loader = makeLoader()
    return okEnvelope(shortPayment(detail.payment, yield* loader.gatewayCode(detail.payment.gatewayId)))
  })

/**
 * Saves the attributes a write changed and the session's unit as the last to update the payment
 * (when the session has one). Only the changed attributes are written, merged under the
 * customer's lock, so concurrent updates of one payment each keep what they changed.
 */
const touchedBy = (payment: Payment, unit: UnitEntity | null, changes: Partial<PaymentAttributes> = {}) =>
  Effect.gen(function* () {
    const update = { ...changes, ...(unit === null ? {} : { updated_by_unit_id: unit.id }) }
    const keys = Object.keys(update) as Array<keyof PaymentAttributes>
    if (keys.length === 0) return
    const attributes = yield* attributesOf(payment)
    if (keys.some((key) => update[key] !== attributes[key])) yield* saveAttributes(payment, "merge", update)
  })

const answerShort = (payment: Payment) =>
  Effect.map(makeLoader().gatewayCode(payment.gatewayId), (code) => okEnvelope(shortPayment(payment, code)))

const payDocument = (
  body: (typeof PayInvoiceBody.Type | typeof PayBillBody.Type) & UdfInput,
  kind: DocumentKind,
  identifier: Identifier<"invoice_identifier" | "bill_identifier">,
  unit: UnitEntity | null
) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const customer = yield* resolveCustomer(body.accounts_receivable_identifier)
    const document = yield* resolveDocument(customer, kind, identifier)
    const label = kind === "bill" ? "bill" : "invoice"
    if (document.state === "cancelled") {
      return yield* new InvalidTransition({
        entity: label,
        id: document.publicId,
        from: "CANCELLED",
        action: "pay",
        message: `${label} ${document.number} is CANCELLED and cannot be paid`
      })
    }
    if (document.outstanding === 0n) {
      return yield* validationFailed([identifier.name], `${label} ${document.number} has no outstanding amount`)
    }
    const write = yield* resolveWrite(body, unit)
    const detail = yield* ledger.payDocument({
      documentId: document.id,
      ...write.ledgerFields,
      ...(hasUdfs(body) ? { customFields: customFieldsWithUdfs({}, body) } : {})
    })
    return yield* answerCreated(detail, write.attributes)
  })

// ---------------------------------------------------------------------------------------------
// The dialect

export const crmComDialect = defineDialect({
  id: "crm-com",
  title: "CRM.COM Web API v4",
  vendorDocs: [
    {
      title: "CRM.COM Web API V4: payments",
      url: "https://crmdevelopment.atlassian.net/wiki/pages/viewpage.action?pageId=522625"
    },
    {
      title: "CRM.COM Web API V4: authentication",
      url: "https://crmdevelopment.atlassian.net/wiki/pages/viewpage.action?pageId=494531"
    }
  ],
  description:
    "CRM.COM's RPC-style payments methods. Log in with `authentication/token` (e-mail, password, organisation, optional unit) or `authentication/web_api_key/token` (a Paybridge API key as the HTTP Basic user name, empty password) and send the token as the `token` parameter: query string for GET, JSON body for POST. Tokens expire two hours after issue. Every answer is `{status:{message,description,code},data}`; refusals use HTTP 200 with a non-OK `status.code`. Identifiers are objects with exactly one field (`param=field=value` in GET query strings); amounts are JSON numbers in major units (decimal strings accepted); datetimes `yyyy-MM-ddTHH:mm:ss` (UTC).",
  version: "v4",
  defaultBasePath: "/crmapi/rest/v4",
  authenticate: crmComAuthentication,
  sessions: crmComSessions,
  renderError: crmComErrors,
  errorSchema: CrmComError,
  // The admin console's "what does a CRM.COM client see": the `data` of payments/show.
  renderPayment: (detail) => fullPayment(detail, makeLoader()),
  endpoints: [
    publicEndpoint({
      method: "POST",
      path: "/authentication/token",
      operationId: "authentication/token",
      summary: "Log in: a token for a user's e-mail, password and organisation",
      tags: ["authentication"],
      request: { body: LoginBody },
      responses: { 200: { description: "The token", schema: TokenResponse } },
      tests: [
        `${suite} › issues a token for a user's e-mail, password and organisation and accepts it as the token parameter`,
        `${suite} › refuses a wrong password and a token two hours after issue in CRM.COM's error envelope`
      ],
      implemented: true,
      handler: ({ body, sessions }) =>
        Effect.gen(function* () {
          const grant = yield* Authenticator.use((auth) => auth.sessionForPassword(body.username, body.password))
          return okEnvelope({ token: yield* issueToken(sessions, grant, body.unit) })
        })
    }),
    endpoint({
      method: "POST",
      path: "/authentication/token/release",
      operationId: "authentication/token/release",
      summary: "Release (invalidate) a token",
      tags: ["authentication"],
      request: { body: ReleaseBody },
      responses: { 200: { description: "Released", schema: ReleaseResponse } },
      tests: [`${suite} › refuses a released token and every later call made with it`],
      implemented: true,
      handler: ({ body, sessions }) =>
        Effect.gen(function* () {
          yield* releaseToken(sessions, body.token)
          return okEnvelope(null)
        })
    }),
    publicEndpoint({
      method: "POST",
      path: "/authentication/web_api_key/token",
      operationId: "authentication/web_api_key/token",
      summary: "A token for a web API key (HTTP Basic user name, empty password)",
      tags: ["authentication"],
      request: { body: WebApiKeyBody, bodyRequired: false },
      responses: { 200: { description: "The token", schema: TokenResponse } },
      tests: [`${suite} › issues a token for a web API key sent as the HTTP Basic user name with an empty password`],
      implemented: true,
      handler: ({ body, header, sessions }) =>
        Effect.gen(function* () {
          const key = yield* webApiKeyOf(header("authorization"))
          const grant = yield* Authenticator.use((auth) => auth.sessionForApiKey(key))
          return okEnvelope({ token: yield* issueToken(sessions, grant, body?.unit) })
        })
    }),
    endpoint({
      method: "GET",
      path: "/payments/show",
      operationId: "payments/show",
      summary: "One payment",
      tags: ["payments"],
      request: { query: ShowQuery },
      responses: { 200: { description: "The payment (or the fields named in fields_set)", schema: ShowResponse } },
      tests: [
        `${examples} › replays the payments/show example field by field`,
        `${suite} › trims nested fields with fields_set and refuses an unknown field`,
        `${suite} › refuses an identifier with no field, two fields or an unknown field, and names an unknown value`
      ],
      implemented: true,
      handler: ({ query }) =>
        Effect.gen(function* () {
          const detail = yield* resolvePayment(query.payment_identifier)
          const payment = yield* fullPayment(detail, makeLoader())
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
      handler: ({ query }) => Effect.map(listPayments(query, "id", null), okEnvelope)
    }),
    endpoint({
      method: "GET",
      path: "/payments/get_latest",
      operationId: "payments/get_latest",
      summary: "The latest payments of an accounts receivable, newest first",
      tags: ["payments"],
      request: { query: LatestQuery },
      responses: { 200: { description: "The payments", schema: ListResponse } },
      tests: [`${examples} › replays the payments/get_latest example newest first`],
      implemented: true,
      handler: ({ query }) => Effect.map(listPayments(query, "newest", query.number), okEnvelope)
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
        asSessionUnit("payments/create", request, sessions, (unit) =>
          Effect.gen(function* () {
            const ledger = yield* Ledger
            const customer = yield* resolveCustomer(request.accounts_receivable_identifier)
            const write = yield* resolveWrite(request, unit)
            const invoices = yield* Effect.forEach(request.invoices_to_pay_set ?? [], (item) =>
              resolveDocument(customer, "invoice", item.invoice_identifier)
            )
            const bills = yield* Effect.forEach(request.bills_to_pay_set ?? [], (item) =>
              resolveDocument(customer, "bill", item.bill_identifier)
            )
            const allocations = yield* allocationsFor(customer, request.payment_amount, [...invoices, ...bills])
            const detail = yield* ledger.createPayment({
              customerId: customer.id,
              amount: request.payment_amount,
              initialState: request.life_cycle_state === "DRAFT" ? "draft" : "posted",
              ...write.ledgerFields,
              ...(allocations.length === 0 ? {} : { allocations }),
              ...(hasUdfs(request) ? { customFields: customFieldsWithUdfs({}, request) } : {})
            })
            return yield* answerCreated(detail, write.attributes)
          })
        )
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
            const ledger = yield* Ledger
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
            const type =
              body.type_identifier === undefined ? undefined : yield* resolvePaymentType(body.type_identifier)
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
              ...(body.received_on === undefined ? {} : { paymentDate: DateFormats.businessDateOf(body.received_on) }),
              ...(body.description === undefined ? {} : { description: body.description }),
              ...(body.notes === undefined ? {} : { notes: body.notes }),
              ...(hasUdfs(body) ? { customFields: customFieldsWithUdfs(payment.customFields, body) } : {})
            }
            const updated =
              Object.keys(changes).length === 0
                ? payment
                : yield* ledger.updatePayment({ paymentId: payment.id, ...changes })
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
            const ledger = yield* Ledger
            const { payment } = yield* resolvePayment(body.payment_identifier)
            // CRM.COM posts DRAFT payments only (the ledger would also post a pending one).
            yield* requireState(payment, "DRAFT", "posted")
            const posted = yield* ledger.postPayment({ paymentId: payment.id })
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
            const ledger = yield* Ledger
            const { payment } = yield* resolvePayment(body.payment_identifier)
            const reason = yield* resolveNamed("rejection-reason", body.rejection_reason_identifier, "rejection reason")
            yield* requireState(payment, "DRAFT", "rejected")
            const rejected = yield* ledger.rejectPayment({ paymentId: payment.id, reason: reason.name })
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
            const ledger = yield* Ledger
            const { payment } = yield* resolvePayment(body.payment_identifier)
            const type = yield* resolveNamed("cancellation-type", body.type_identifier, "payment cancellation type")
            const category =
              body.category_identifier === undefined
                ? null
                : yield* resolveNamed("category", body.category_identifier, "financial transaction category")
            yield* requireState(payment, "POSTED", "cancelled")
            const reversed = yield* ledger.reversePayment({
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
            yield* ledger.saveDialectRecord({
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
})

/**
 * `payments/list` and `payments/get_latest`: the accounts receivable's payments filtered by type,
 * payment method and category, oldest first (list) or newest first up to `limit` (get_latest).
 */
function listPayments(
  query: typeof ListQuery.Type,
  order: "id" | "newest",
  limit: number | null
): Program<Array<Record<string, unknown>>> {
  return Effect.gen(function* () {
    const ledger = yield* Ledger
    const customer = yield* resolveCustomer(query.accounts_receivable_identifier)
    const type = query.type_identifier === undefined ? undefined : yield* resolvePaymentType(query.type_identifier)
    const method =
      query.payment_method_identifier === undefined
        ? undefined
        : yield* resolvePreset("method", query.payment_method_identifier)
    const category =
      query.category_identifier === undefined
        ? undefined
        : yield* resolveNamed("category", query.category_identifier, "financial transaction category")
    const loader = makeLoader()
    const out: Array<Record<string, unknown>> = []
    let cursor: string | null = null
    do {
      const page: Page<Payment> = yield* ledger.listPayments({
        customerId: customer.id,
        ...(type === undefined ? {} : { typeId: type.id }),
        ...(method === undefined ? {} : { methodId: method.id }),
        order,
        cursor,
        limit: limit === null ? 1000 : Math.min(1000, Math.max(limit, 100))
      })
      for (const payment of page.items) {
        if (limit !== null && out.length >= limit) break
        if (category !== undefined && (yield* attributesOf(payment)).category_id !== category.id) continue
        const detail = yield* ledger.getPayment({ id: payment.id })
        out.push(yield* applyFieldsSet(yield* fullPayment(detail, loader), query.fields_set))
      }
      cursor = limit !== null && out.length >= limit ? null : page.nextCursor
    } while (cursor !== null)
    return out
  })
}
