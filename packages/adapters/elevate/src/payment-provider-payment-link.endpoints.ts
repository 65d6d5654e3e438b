/**
 * Elevate's `payment-provider-payment-link` resource: a payment link made by the gateway port
 * (`createPaymentLink`) for exactly one of an invoice, an adhoc invoice or a customer's balance,
 * 0.01 to 100000; it books nothing, and the link is kept in a dialect record.
 */
import { created, type Endpoint, endpoint } from "@paybridge/adapter-kit"
import {
  Collections,
  PaymentLink as CorePaymentLink,
  DialectRecord as DialectRecordSchema,
  Documents,
  validationFailed
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { CreatePaymentLink, PaymentLink } from "./elevate.schemas.ts"
import { currencyIdOf, formatPositiveAmount, kinds, saveRecord, unit } from "./elevate.transformers.ts"

const suite = "elevate.providers.test.ts"

export const paymentProviderPaymentLinkEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "POST",
    path: "/payment-provider-payment-link",
    operationId: "createPaymentProviderPaymentLink",
    summary: "Create a payment link through a payment provider for an invoice, an adhoc invoice or the balance",
    tags: ["payment-provider-payment-link"],
    request: { body: CreatePaymentLink },
    responses: { 201: { description: "The payment link", schema: PaymentLink } },
    tests: [`${suite} › payment links › creates a payment link through the gateway port for an invoice or a balance`],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const documents = yield* Documents
        const collections = yield* Collections
        const targets = [body.invoiceId, body.adhocInvoiceId, body.customerId].filter((value) => value != null)
        if (targets.length !== 1) {
          return yield* validationFailed([], "give exactly one of invoiceId, adhocInvoiceId and customerId")
        }
        const documentId = body.invoiceId ?? body.adhocInvoiceId ?? null
        if (documentId !== null) {
          const document = yield* documents.getDocument(documentId)
          const expected = body.invoiceId != null ? "invoice" : "bill"
          if (document.kind !== expected) {
            return yield* validationFailed(
              [body.invoiceId != null ? "invoiceId" : "adhocInvoiceId"],
              expected === "invoice"
                ? `document ${documentId} is an adhoc invoice; send it as adhocInvoiceId`
                : `document ${documentId} is a normal invoice; send it as invoiceId`
            )
          }
        }
        const [whole = "0"] = body.amountInMajorCurrency.split(".")
        if (
          BigInt(whole) > 100_000n ||
          (BigInt(whole) === 100_000n && !/^\d+(\.0*)?$/u.test(body.amountInMajorCurrency))
        ) {
          return yield* validationFailed(["amountInMajorCurrency"], "a payment link is for 0.01 to 100000")
        }
        const { link, record } = yield* unit(
          "createPaymentProviderPaymentLink",
          body,
          Schema.Struct({ link: CorePaymentLink, record: DialectRecordSchema }),
          Effect.gen(function* () {
            const link = yield* collections.createPaymentLink({
              gatewayId: body.paymentProviderId,
              ...(body.customerId == null ? {} : { customerId: body.customerId }),
              documentId,
              amount: body.amountInMajorCurrency,
              reference: body.description
            })
            const record = yield* saveRecord(
              kinds.link,
              link.gatewayReference,
              { url: link.url, description: body.description, emailAddress: body.emailAddress ?? null, documentId },
              { customerId: link.customerId }
            )
            return { link, record }
          })
        )
        return created({
          id: record.id,
          paymentProviderId: link.gatewayId,
          amountInMajorCurrency: formatPositiveAmount(link.amount, link.currency),
          currencyId: currencyIdOf(link.currency),
          // What the ledger stored (card numbers masked), never the text as sent.
          description: typeof record.data.description === "string" ? record.data.description : body.description,
          emailAddress: body.emailAddress ?? null,
          invoiceId: body.invoiceId ?? null,
          adhocInvoiceId: body.adhocInvoiceId ?? null,
          customerId: link.customerId,
          url: link.url
        })
      })
  })
]
