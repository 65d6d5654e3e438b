/**
 * Elevate's `invoice-payments` resource (invoices of NORMAL bill runs, ledger invoices), and
 * `invoicePaymentEndpointsOf`, the endpoints of one bill run type that `adhoc-invoice-payments`
 * shares. `POST` pays one document (`payDocument`, through a payment provider when one is named);
 * lists and gets show every payment of the documents, whatever protocol made it (see
 * `invoice-payments.transformers.ts`).
 */
import { allPages, created, type Endpoint, endpoint, ok, paymentByVendorId } from "@paybridge/adapter-kit"
import {
  AllocationId,
  type CustomerId,
  DialectRecords,
  type Document,
  Documents,
  type LedgerError,
  PaymentId,
  Payments,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import {
  type BillRunType,
  CreateInvoicePayment,
  InvoicePayment,
  InvoicePaymentList,
  InvoicePaymentPath,
  InvoicePaymentsQuery
} from "./elevate.schemas.ts"
import {
  dialectId,
  kinds,
  ledgerIdOf,
  methodPresetId,
  missing,
  recordOf,
  saveRecord,
  unit
} from "./elevate.transformers.ts"
import {
  allocationEventBody,
  elevateEventDocumentOf,
  elevateInvoicePayment,
  invoicePaymentEventIdBase,
  invoicePaymentEventsOf,
  invoicePaymentFields
} from "./invoice-payments.transformers.ts"
import { parseListQuery, type WireRow, wirePage } from "./list-grammar.transformers.ts"

/**
 * Elevate invoice payments of one bill run type: every payment of the documents of that kind,
 * whatever protocol made it (see `invoicePaymentEventsOf`), with the events created through these
 * endpoints shown exactly as they were created.
 */
export const invoicePaymentEndpointsOf = (options: {
  readonly billRunType: BillRunType
  readonly path: string
  readonly operation: string
  readonly label: string
}): ReadonlyArray<Endpoint> => {
  const documentKind: Document["kind"] = options.billRunType === "ADHOC" ? "bill" : "invoice"
  const suite = "elevate.invoice-payments.test.ts"
  const crossProtocolTest =
    "shows payments made through other protocols and Elevate's customer payments as events of the invoice"
  const bodyOf = (id: number) =>
    Effect.map(elevateInvoicePayment(id, options.billRunType, options.label), ({ body }) => body)
  /** An event made outside the endpoints: `invoicePaymentEventIdBase + allocation id`. */
  const allocationBodyOf = (id: number) =>
    Effect.gen(function* () {
      const documents = yield* Documents
      const payments = yield* Payments
      const allocation = yield* documents
        .getAllocation(ledgerIdOf(AllocationId, id - invoicePaymentEventIdBase))
        .pipe(Effect.catchTag("NotFound", () => Effect.fail(missing(options.label, id))))
      const document = yield* documents.getDocument(allocation.documentId)
      const record = yield* recordOf(kinds.payment, String(allocation.paymentId))
      // An allocation of an Elevate-created event for this document is that event (its payment's id).
      if (document.kind !== documentKind || elevateEventDocumentOf(record, options.billRunType) === document.id) {
        return yield* Effect.fail(missing(options.label, id))
      }
      return allocationEventBody(yield* payments.getPayment({ id: allocation.paymentId }), allocation, document, record)
    })
  const eventOf = (id: number) =>
    Effect.gen(function* () {
      return id > invoicePaymentEventIdBase ? yield* allocationBodyOf(id) : yield* bodyOf(id)
    })
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
          const dialectRecords = yield* DialectRecords
          const documentsService = yield* Documents
          const list = yield* parseListQuery(query, invoicePaymentFields, {
            fieldFilters: { customerPaymentType: query.customerPaymentType }
          })
          // Paybridge has no bill runs: a billRunId filter matches nothing.
          if (query.billRunId !== undefined) return ok([])
          const customerRecords = (customerId: CustomerId) =>
            allPages((cursor) =>
              dialectRecords.listDialectRecords({
                dialect: dialectId,
                kind: kinds.payment,
                customerId,
                cursor,
                limit: 1000
              })
            )
          let rows: Array<WireRow>
          if (query.generatedInvoiceId !== undefined) {
            // One invoice: its allocations and its customer's Elevate records.
            const documents = ofKind(yield* orNone(documentsService.getDocument(query.generatedInvoiceId)))
            const records = documents[0] === undefined ? [] : yield* customerRecords(documents[0].customerId)
            rows = yield* invoicePaymentEventsOf(documents, records, options.billRunType)
          } else if (query.customerPaymentId !== undefined) {
            // One payment (by the id Elevate shows it under: a migrated one's Elevate id): the documents it
            // paid, or the one its Elevate record names.
            const detail = yield* orNone(
              paymentByVendorId(dialectId, String(query.customerPaymentId), query.customerPaymentId)
            )
            const record = detail === null ? null : yield* recordOf(kinds.payment, String(detail.payment.id))
            const documentIds = new Set(detail?.allocations.map((allocation) => allocation.documentId) ?? [])
            const recorded = elevateEventDocumentOf(record, options.billRunType)
            if (recorded !== null) documentIds.add(recorded)
            const documents: Array<Document> = []
            for (const documentId of documentIds)
              documents.push(...ofKind(yield* orNone(documentsService.getDocument(documentId))))
            const records = detail === null ? [] : yield* customerRecords(detail.payment.customerId)
            rows = yield* invoicePaymentEventsOf(documents, records, options.billRunType)
          } else {
            // Everything: a bounded scan of the documents of this kind and the Elevate payment records.
            const documents = yield* allPages((cursor) =>
              documentsService.listDocuments({ kinds: [documentKind], cursor, limit: 1000 })
            )
            const records = yield* allPages((cursor) =>
              dialectRecords.listDialectRecords({ dialect: dialectId, kind: kinds.payment, cursor, limit: 1000 })
            )
            rows = yield* invoicePaymentEventsOf(documents, records, options.billRunType)
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
          const documents = yield* Documents
          const document = yield* documents.getDocument(body.invoiceId)
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
            PaymentId,
            Effect.gen(function* () {
              const detail = yield* documents.payDocument({
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
                  mandateReference: body.mandateReference ?? null,
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

export const invoicePaymentsEndpoints: ReadonlyArray<Endpoint> = invoicePaymentEndpointsOf({
  billRunType: "NORMAL",
  path: "/invoice-payments",
  operation: "InvoicePayment",
  label: "invoice payment"
})
