/**
 * "Acme Pay": a small example dialect that exercises the adapter kit end to end — bearer API
 * key authentication, its own error shape, exact JSON money, three implemented endpoints over the
 * real Ledger and one documented endpoint Paybridge does not implement. It lives in the kit's
 * tests only; real dialects have the same file set in `packages/adapters/<vendor>/src`.
 */
import { bearerApiKey, created, defineDialect, endpoint, ok } from "@paybridge/adapter-kit"
import { Payments } from "@paybridge/core"
import { Effect } from "effect"
import { acmeErrors } from "./acme-pay.errors.ts"
import {
  AcmeCreatePayment,
  AcmeError,
  AcmeListQuery,
  AcmePayment,
  AcmePaymentList,
  AcmePaymentPath,
  AcmeRefund
} from "./acme-pay.schemas.ts"
import { fromAcmeCreatePayment, toAcmePayment } from "./acme-pay.transformers.ts"

const suite = "acme-pay.test.ts"

export const acmePay = defineDialect({
  id: "acme-pay",
  title: "Acme Pay",
  vendorDocs: "https://docs.acme-pay.example/api",
  description: "Bearer API keys, `{ error: { code, message } }` errors, amounts as exact JSON numbers in major units.",
  version: "2024-01",
  defaultBasePath: "/acme/v1",
  authenticate: bearerApiKey(),
  renderError: acmeErrors,
  errorSchema: AcmeError,
  endpoints: [
    endpoint({
      method: "GET",
      path: "/payments/:id",
      operationId: "getPayment",
      summary: "Retrieve a payment",
      tags: ["payments"],
      request: { params: AcmePaymentPath },
      responses: { 200: { description: "The payment", schema: AcmePayment } },
      tests: [`${suite} › reads back a created payment with its amount and dates in Acme's formats`],
      implemented: true,
      handler: ({ params }) =>
        Payments.use((payments) => payments.getPayment({ id: params.id })).pipe(
          Effect.map((detail) => ok(toAcmePayment(detail.payment)))
        )
    }),
    endpoint({
      method: "POST",
      path: "/payments",
      operationId: "createPayment",
      summary: "Record a payment",
      tags: ["payments"],
      request: { body: AcmeCreatePayment },
      responses: { 201: { description: "The payment was recorded", schema: AcmePayment } },
      tests: [
        `${suite} › Acme Pay: dialect contract › creates exactly one payment and answers with a body matching the declared response schema`,
        `${suite} › Acme Pay: dialect contract › returns the same result for a create retried with the same idempotency key and creates one payment`,
        `${suite} › records the exact amount the client sent and attributes it to the dialect`
      ],
      implemented: true,
      handler: ({ body }) =>
        Payments.use((payments) => payments.createPayment(fromAcmeCreatePayment(body))).pipe(
          Effect.map((detail) => created(toAcmePayment(detail.payment)))
        )
    }),
    endpoint({
      method: "GET",
      path: "/payments",
      operationId: "listPayments",
      summary: "List payments, newest first",
      tags: ["payments"],
      request: { query: AcmeListQuery },
      responses: { 200: { description: "A page of payments", schema: AcmePaymentList } },
      tests: [`${suite} › lists payments page by page`],
      implemented: true,
      handler: ({ query }) =>
        Payments.use((payments) =>
          payments.listPayments({
            ...(query.customer_id === undefined ? {} : { customerId: query.customer_id }),
            ...(query.limit === undefined ? {} : { limit: query.limit }),
            cursor: query.cursor ?? null
          })
        ).pipe(Effect.map((page) => ok({ data: page.items.map(toAcmePayment), next_cursor: page.nextCursor })))
    }),
    endpoint({
      method: "POST",
      path: "/payments/:id/refunds",
      operationId: "refundPayment",
      summary: "Refund a payment",
      tags: ["refunds"],
      request: { params: AcmePaymentPath, body: AcmeRefund },
      responses: { 201: { description: "The refund" } },
      tests: [],
      implemented: false
    })
  ]
})
