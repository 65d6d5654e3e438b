/**
 * The LogiSense `Payment` resource itself: `GET Payment/` (every listed row), `Paged` and
 * `Paged/Detail` (the `Pagination` header), `GET Payment/{id}` and `{id}/Detail` (payments and
 * reversal rows by identity), `POST Payment/` (an offline payment, or with `reversePaymentId` a
 * reversal row), `PUT Payment/{id}`, `PATCH Payment/{id}` (payment items and their
 * `paymentInvoiceDisbursement` children, all or nothing) and `DELETE Payment/{id}`. Writes run as
 * one atomic ledger unit each (`atomic`); the ledger commands are in `payment-record.transformers.ts`,
 * `payment-writes.transformers.ts` and `payment-invoice-disbursements.transformers.ts`, the rows in
 * `payment-rows.transformers.ts`
 * and the list engine in `payment-search.transformers.ts`.
 */
import { type DialectServices, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import type { FieldIssue, LedgerError } from "@paybridge/core"
import { Effect } from "effect"
import { invalid, trackingIdOf, withoutInvalid } from "./logisense.errors.ts"
import {
  isInvalidField,
  LogisenseChange,
  LogisenseDeleteResult,
  LogisenseInstance,
  LogisenseList,
  LogisensePaged,
  LogisensePatchBody,
  LogisensePatchResult,
  LogisensePayment,
  LogisensePaymentCreate,
  LogisensePaymentDetail,
  LogisensePaymentPath,
  LogisensePaymentWrite,
  paymentIdPath,
  paymentPath
} from "./logisense.schemas.ts"
import { atomic, change, contractSuite, proven, provenByFidelity } from "./logisense.transformers.ts"
import { disbursementInstance, patchDisbursement } from "./payment-invoice-disbursements.transformers.ts"
import { recordPayment } from "./payment-record.transformers.ts"
import { makeResolver } from "./payment-resolver.transformers.ts"
import { findRow, paymentDetailRow, paymentRow, reversalRow } from "./payment-rows.transformers.ts"
import { listRows, paginationHeader } from "./payment-search.transformers.ts"
import type { ListRequest } from "./payment-search-terms.transformers.ts"
import { deletePayment, reversalRowOf, reversePayment, rowOf, updatePayment } from "./payment-writes.transformers.ts"

/** A list without search terms, order, projection or `top` (GET Payment/ and the Paged endpoints). */
const plainList: Omit<ListRequest, "page" | "withDetail" | "excludeTotalCount"> = {
  search: [],
  orderBy: [],
  fields: null,
  top: null
}

/** GET Payment/Paged and Paged/Detail: one page as the `Pagination` header asks, echoing it. */
const pagedHandler =
  (withDetail: boolean) =>
  ({ header, requestId }: { header: (name: string) => string | undefined; requestId: string }) =>
    Effect.gen(function* () {
      const pagination = yield* paginationHeader(header("pagination"))
      const resolver = yield* makeResolver
      const result = yield* listRows(resolver, {
        ...plainList,
        page: pagination,
        excludeTotalCount: pagination.excludeTotalCount,
        withDetail
      })
      return ok({
        trackingId: trackingIdOf(requestId),
        pagination,
        pagedResults: { totalCount: result.totalCount, items: result.items }
      })
    })

/** A row as it is now (after every item of a PATCH), found by identity. */
const renderIdentity = (identity: number): Effect.Effect<unknown, LedgerError, DialectServices> =>
  Effect.gen(function* () {
    const resolver = yield* makeResolver
    const found = yield* findRow(resolver, identity)
    return found.kind === "payment"
      ? yield* rowOf(resolver, found.detail)
      : yield* reversalRow(resolver, found.detail.payment, found.reversal)
  })

export const paymentEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: `${paymentPath}/`,
    operationId: "listPayments",
    summary: "Retrieve all of the Payment objects",
    tags: ["Payment"],
    responses: {
      200: { description: "Every listed payment and reversal row", schema: LogisenseList(LogisensePayment) }
    },
    tests: proven(
      "records",
      "GET Payment/ replays the vendor sample field by field",
      "lists reversal rows after their payment"
    ),
    implemented: true,
    handler: ({ requestId }) =>
      Effect.gen(function* () {
        const resolver = yield* makeResolver
        const result = yield* listRows(resolver, {
          ...plainList,
          page: null,
          excludeTotalCount: false,
          withDetail: false
        })
        return ok({ trackingId: trackingIdOf(requestId), totalCount: result.totalCount, items: result.items })
      })
  }),
  endpoint({
    method: "GET",
    path: `${paymentPath}/Paged`,
    operationId: "listPaymentsPaged",
    summary: "Retrieve the Payment objects page by page (Pagination header)",
    tags: ["Payment"],
    responses: { 200: { description: "One page", schema: LogisensePaged(LogisensePayment) } },
    tests: proven(
      "records",
      "GET Payment/Paged replays the vendor sample field by field",
      "pages through the Pagination header and can skip the total count",
      "refuses a malformed Pagination header"
    ),
    implemented: true,
    handler: pagedHandler(false)
  }),
  endpoint({
    method: "GET",
    path: `${paymentPath}/Paged/Detail`,
    operationId: "listPaymentsPagedDetail",
    summary: "Retrieve the Payment objects page by page with their details",
    tags: ["Payment"],
    responses: { 200: { description: "One page with details", schema: LogisensePaged(LogisensePaymentDetail) } },
    tests: proven("records", "GET Payment/Paged/Detail replays the vendor sample field by field"),
    implemented: true,
    handler: pagedHandler(true)
  }),
  endpoint({
    method: "GET",
    path: paymentIdPath,
    operationId: "getPayment",
    summary: "Retrieve a Payment (or a reversal row) by identity",
    tags: ["Payment"],
    request: { params: LogisensePaymentPath },
    responses: { 200: { description: "The payment", schema: LogisenseInstance(LogisensePayment) } },
    tests: proven(
      "records",
      "GET Payment/{id} replays the vendor sample field by field",
      "reads a reversal row by its negative identity and answers 404 for unknown ones"
    ),
    implemented: true,
    handler: ({ params, requestId }) =>
      Effect.gen(function* () {
        const resolver = yield* makeResolver
        const found = yield* findRow(resolver, params.id)
        const instance =
          found.kind === "payment"
            ? yield* paymentRow(resolver, found.detail.payment, "full", found.detail)
            : yield* reversalRow(resolver, found.detail.payment, found.reversal)
        return ok({ trackingId: trackingIdOf(requestId), instance })
      })
  }),
  endpoint({
    method: "GET",
    path: `${paymentIdPath}/Detail`,
    operationId: "getPaymentDetail",
    summary: "Retrieve a Payment with its invoice disbursements and reversal rows",
    tags: ["Payment"],
    request: { params: LogisensePaymentPath },
    responses: {
      200: { description: "The payment and its details", schema: LogisenseInstance(LogisensePaymentDetail) }
    },
    tests: proven("records", "GET Payment/{id}/Detail replays the vendor sample field by field"),
    implemented: true,
    handler: ({ params, requestId }) =>
      Effect.gen(function* () {
        const resolver = yield* makeResolver
        const found = yield* findRow(resolver, params.id)
        const instance =
          found.kind === "payment"
            ? yield* paymentDetailRow(resolver, found.detail)
            : {
                ...(yield* reversalRow(resolver, found.detail.payment, found.reversal)),
                details: { invoiceDisbursements: [], paymentReversals: [] }
              }
        return ok({ trackingId: trackingIdOf(requestId), instance })
      })
  }),
  endpoint({
    method: "POST",
    path: `${paymentPath}/`,
    operationId: "createPayment",
    summary: "Record a Payment (offline); with reversePaymentId, a reversal row",
    tags: ["Payment"],
    request: { body: LogisensePaymentCreate },
    responses: { 200: { description: "The created payment", schema: LogisenseChange("create", LogisensePayment) } },
    tests: [
      `${contractSuite} › creates exactly one payment and answers with a body matching the declared response schema`,
      `${contractSuite} › returns the same result for a create retried with the same idempotency key and creates one payment`,
      ...proven(
        "records",
        "POST Payment/ replays the vendor sample field by field",
        "lists every validation error at once with LogiSense codes",
        "records an exact amount and shows baseAmount in the owner currency"
      ),
      provenByFidelity(
        "times of date and posting (17.1)",
        "keeps the instant the client sent for date and posting, and renders it back exactly"
      ),
      provenByFidelity(
        "every ISO 8601 form (17.2)",
        "accepts a date only, a time without offset, with an offset, with or without fractions"
      ),
      provenByFidelity(
        "every ISO 8601 form (17.2)",
        "answers one clear error with the field and the accepted forms for an invalid date"
      ),
      provenByFidelity(
        "every validation error at once (17.3)",
        "reports an invalid amount and date together with every unknown reference"
      )
    ],
    implemented: true,
    handler: ({ body, requestId }) =>
      atomic(
        "createPayment",
        body,
        Effect.gen(function* () {
          const trackingId = trackingIdOf(requestId)
          if (body.reversePaymentId != null && !isInvalidField(body.reversePaymentId)) {
            const { body: clean, issues } = withoutInvalid(body)
            const booked = yield* reversePayment(
              yield* makeResolver,
              {
                paymentId: body.reversePaymentId,
                ...(clean.amount === undefined ? {} : { amount: clean.amount }),
                ...(clean.date == null ? {} : { date: clean.date }),
                ...(clean.detail === undefined ? {} : { detail: clean.detail })
              },
              false,
              [],
              clean,
              issues
            )
            return change(trackingId, "create", [yield* reversalRowOf(yield* makeResolver, booked)])
          }
          // One resolver: the create seeds it with what its unit wrote, so the answer reads nothing again.
          const resolver = yield* makeResolver
          const detail = yield* recordPayment(resolver, body)
          return change(trackingId, "create", [yield* rowOf(resolver, detail)])
        })
      )
  }),
  endpoint({
    method: "PUT",
    path: paymentIdPath,
    operationId: "updatePayment",
    summary: "Update a Payment",
    tags: ["Payment"],
    request: { params: LogisensePaymentPath, body: LogisensePaymentWrite },
    responses: { 200: { description: "The updated payment", schema: LogisenseChange("update", LogisensePayment) } },
    tests: proven(
      "changes",
      "PUT Payment/{id} replays the vendor sample field by field",
      "PUT changes references of a posted payment but refuses a new amount"
    ),
    implemented: true,
    handler: ({ params, body, requestId }) =>
      atomic(
        "updatePayment",
        { params, body },
        Effect.gen(function* () {
          const detail = yield* updatePayment(yield* makeResolver, params.id, body)
          return change(trackingIdOf(requestId), "update", [yield* rowOf(yield* makeResolver, detail)])
        })
      )
  }),
  endpoint({
    method: "PATCH",
    path: paymentIdPath,
    operationId: "patchPayment",
    summary: "Create, update or delete payments and their invoice disbursements, all or nothing",
    tags: ["Payment"],
    request: { params: LogisensePaymentPath, body: LogisensePatchBody },
    responses: { 200: { description: "What each item did", schema: LogisensePatchResult } },
    tests: [
      ...proven(
        "changes",
        "PATCH Payment/{id} replays the vendor sample field by field",
        "PATCH mixes create, update and delete items and disbursements",
        "PATCH with one bad item rolls back every item"
      ),
      provenByFidelity(
        "a PATCH update of an invoice disbursement keeps its identity (17.4)",
        "adjusts the allocation in place: same identity in the answer, in Detail and for the next update"
      ),
      provenByFidelity(
        "every validation error at once (17.3)",
        "reports the problems of every PATCH item together, and keeps none of the valid items"
      )
    ],
    implemented: true,
    handler: ({ params, body, requestId }) =>
      atomic(
        "patchPayment",
        { params, body },
        Effect.gen(function* () {
          const results: Array<{
            identity: number
            action: "created" | "updated" | "deleted"
            dtoTypeKey: string
            render: Effect.Effect<unknown, LedgerError, DialectServices> | null
          }> = []
          // LogiSense answers every error of a request at once: each item is checked (and, if valid, written in
          // this all-or-nothing unit); a refused item's problems are collected and the next item is still
          // checked; any problem rolls the whole request back and answers them all together.
          const problems: Array<FieldIssue> = []
          const checked = <A>(step: Effect.Effect<A, LedgerError, DialectServices>) =>
            Effect.catchTag(step, "ValidationFailed", (error) =>
              Effect.sync(() => {
                problems.push(...(error.issues.length > 0 ? error.issues : [{ path: [], message: error.message }]))
                return null
              })
            )
          const payments = body.payments?.items ?? []
          for (const [index, item] of payments.entries()) {
            const path = ["payments", "items", index]
            const resolver = yield* makeResolver
            const result = yield* checked(
              Effect.gen(function* () {
                if (item.patchType === "create") {
                  if (item.reversePaymentId != null && !isInvalidField(item.reversePaymentId)) {
                    const { body: clean, issues } = withoutInvalid(item, path)
                    const booked = yield* reversePayment(
                      resolver,
                      {
                        paymentId: item.reversePaymentId,
                        ...(clean.amount === undefined ? {} : { amount: clean.amount }),
                        ...(clean.date == null ? {} : { date: clean.date }),
                        ...(clean.detail === undefined ? {} : { detail: clean.detail })
                      },
                      false,
                      path,
                      clean,
                      issues
                    )
                    return {
                      identity: -booked.reversal.id,
                      action: "created" as const,
                      dtoTypeKey: "payment",
                      render: renderIdentity(-booked.reversal.id)
                    }
                  }
                  const detail = yield* recordPayment(resolver, item, path)
                  return {
                    identity: detail.payment.id,
                    action: "created" as const,
                    dtoTypeKey: "payment",
                    render: renderIdentity(detail.payment.id)
                  }
                }
                if (isInvalidField(item.identity)) return yield* invalid(withoutInvalid(item, path).issues)
                const identity = item.identity ?? params.id
                if (item.patchType === "update") {
                  const detail = yield* updatePayment(resolver, identity, item, path)
                  return {
                    identity: detail.payment.id,
                    action: "updated" as const,
                    dtoTypeKey: "payment",
                    render: renderIdentity(detail.payment.id)
                  }
                }
                yield* deletePayment(resolver, identity, path)
                return { identity, action: "deleted" as const, dtoTypeKey: "payment", render: null }
              })
            )
            if (result !== null) results.push(result)
          }
          const disbursements = [
            ...(body.details?.paymentInvoiceDisbursements?.items ?? []).map((item, index) => ({
              item,
              path: ["details", "paymentInvoiceDisbursements", "items", index]
            })),
            ...(body.paymentInvoiceDisbursements?.items ?? []).map((item, index) => ({
              item,
              path: ["paymentInvoiceDisbursements", "items", index]
            }))
          ]
          for (const { item, path } of disbursements) {
            const resolver = yield* makeResolver
            const done = yield* checked(patchDisbursement(resolver, params.id, item, path))
            if (done === null) continue
            results.push({
              identity: done.allocation.id,
              action: done.action,
              dtoTypeKey: "paymentInvoiceDisbursement",
              render:
                done.action === "deleted"
                  ? null
                  : Effect.flatMap(makeResolver, (fresh) => disbursementInstance(fresh, done.detail, done.allocation))
            })
          }
          if (problems.length > 0) return yield* invalid(problems)
          const items = yield* Effect.forEach(results, (result) =>
            Effect.map(result.render ?? Effect.succeed(null), (instance) => ({
              identity: result.identity,
              action: result.action,
              dtoTypeKey: result.dtoTypeKey,
              ...(instance === null ? {} : { instance })
            }))
          )
          return {
            status: 200,
            body: { trackingId: trackingIdOf(requestId), type: "patch", results: { totalCount: items.length, items } }
          }
        })
      )
  }),
  endpoint({
    method: "DELETE",
    path: paymentIdPath,
    operationId: "deletePayment",
    summary:
      "Delete a recorded payment (cancel a draft; hide a posted, undisbursed offline payment behind a full reversal)",
    tags: ["Payment"],
    request: { params: LogisensePaymentPath },
    responses: { 200: { description: "The deleted and detached objects", schema: LogisenseDeleteResult } },
    tests: proven(
      "changes",
      "DELETE Payment/{id} replays the vendor sample field by field",
      "DELETE refuses gateway payments and payments issued to an invoice",
      "DELETE cancels a draft and detaches its invoices"
    ),
    implemented: true,
    handler: ({ params, requestId }) =>
      atomic(
        "deletePayment",
        params,
        Effect.gen(function* () {
          const items = yield* deletePayment(yield* makeResolver, params.id)
          return {
            status: 200,
            body: {
              trackingId: trackingIdOf(requestId),
              type: "delete",
              results: { totalCount: items.length, items }
            }
          }
        })
      )
  })
]
