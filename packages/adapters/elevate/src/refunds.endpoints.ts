/**
 * Elevate's `refunds` resource on the ledger's refund lifecycle: `POST` refunds the newest payment
 * that paid the invoice and has something left (`refundPayment`), `PATCH` with JSON Patch `replace
 * /thirdPartyRefundStatus` moves the refund through the ledger's states (`transitionRefund`; the
 * ledger's table decides what is allowed, 409 otherwise). Where Elevate has several names for one
 * state, the name last set is kept in a dialect record and shown while the state still matches.
 */
import { allPages, created, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import {
  type DialectRecord,
  Documents,
  InvalidTransition,
  type Refund as LedgerRefund,
  RefundId,
  Refunds,
  ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import {
  type BillRunType,
  CreateRefund,
  paymentMethods,
  Refund,
  RefundList,
  RefundPatch,
  RefundPath,
  type RefundStatus,
  RefundsQuery,
  refundStatuses
} from "./elevate.schemas.ts"
import {
  billRunTypeOf,
  formatPositiveAmount,
  isPaymentMethod,
  kinds,
  paymentMethodOf,
  recordOf,
  refundActionTo,
  refundStateOf,
  refundStatusOf,
  saveRecord,
  unit
} from "./elevate.transformers.ts"
import { type FieldSpecs, parseListQuery, type WireRow, wirePage } from "./list-grammar.transformers.ts"

/** A refund status change the ledger's refund lifecycle does not allow. */
const refusedRefund = (refund: LedgerRefund, message: string) =>
  new InvalidTransition({ entity: "refund", id: String(refund.id), from: refund.state, action: "update", message })

/** A ledger refund as an Elevate refund: the status name the client last chose while it still names the state. */
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

/** The refund fields, as the list grammar sees them. */
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

/** The bill run type of the refunded invoice (`NORMAL` for a refund without one). */
const billRunTypeOfRefund = (refund: LedgerRefund) => {
  const documentId = refund.documentId
  return documentId === null
    ? Effect.succeed<BillRunType>("NORMAL")
    : Effect.map(
        Effect.flatMap(Documents, (documents) => documents.getDocument(documentId)),
        billRunTypeOf
      )
}

/** A ledger refund with its Elevate record, as Elevate shows it. */
const refundBody = (refund: LedgerRefund) =>
  Effect.gen(function* () {
    const record = yield* recordOf(kinds.refund, String(refund.id))
    return refundWire(refund, yield* billRunTypeOfRefund(refund), record)
  })

const suite = "elevate.invoice-payments.test.ts"

export const refundsEndpoints: ReadonlyArray<Endpoint> = [
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
        const refundsService = yield* Refunds
        const list = yield* parseListQuery(query, refundFields)
        const refunds = yield* allPages((cursor) =>
          refundsService.listRefunds({
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
        const documents = yield* Documents
        const refunds = yield* Refunds
        const document = yield* documents.getDocument(body.invoiceId)
        const billRunType = billRunTypeOf(document)
        if (body.billRunType !== undefined && body.billRunType !== billRunType) {
          return yield* validationFailed(
            ["billRunType"],
            `invoice ${document.id} is ${billRunType}, not ${body.billRunType}`
          )
        }
        const refundId = yield* unit(
          "createRefund",
          body,
          RefundId,
          Effect.gen(function* () {
            // The ledger chooses the payment (the newest that paid the invoice) and releases the
            // invoice's allocation first, partially (docs/money-model.md).
            const refund = yield* refunds
              .refundDocument({
                documentId: document.id,
                ...(body.amountInMajorCurrency === undefined ? {} : { amount: body.amountInMajorCurrency }),
                reason: body.description ?? null
              })
              .pipe(
                Effect.mapError((error) =>
                  error instanceof ValidationFailed
                    ? new ValidationFailed({
                        message: error.message,
                        issues: error.issues.map((issue) => ({
                          ...issue,
                          path: issue.path.map((segment) => (segment === "documentId" ? "invoiceId" : segment))
                        }))
                      })
                    : error
                )
              )
            const paymentMethod =
              body.paymentMethod ?? (refund.paymentId === null ? null : yield* paymentMethodOf(refund.paymentId))
            yield* saveRecord(
              kinds.refund,
              String(refund.id),
              { paymentMethod, status: null },
              { customerId: refund.customerId, paymentId: refund.paymentId }
            )
            return refund.id
          })
        )
        return created(yield* refundBody(yield* refunds.getRefund(refundId)))
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
        const refunds = yield* Refunds
        return ok(yield* refundBody(yield* refunds.getRefund(params.refund_id)))
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
        const refunds = yield* Refunds
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
        const current = yield* refunds.getRefund(params.refund_id)
        const chosen = status
        if (chosen !== null) {
          yield* unit(
            "updateRefund",
            { refundId: current.id, body },
            RefundId,
            Effect.gen(function* () {
              const refund = yield* refunds.getRefund(current.id)
              const target = refundStateOf[chosen]
              if (target !== refund.state) {
                const action = refundActionTo[target]
                if (action === null) {
                  return yield* Effect.fail(
                    refusedRefund(refund, `a ${refund.state} refund cannot go back to ${chosen}`)
                  )
                }
                yield* refunds.transitionRefund({ refundId: refund.id, action })
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
        return ok(yield* refundBody(yield* refunds.getRefund(current.id)))
      })
  })
]
