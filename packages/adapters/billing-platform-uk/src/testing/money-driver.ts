/**
 * The Billing Platform (UK) money driver of the model test (issue 12): what this vendor's clients
 * can do to a customer's money — record a payment (`POST customers/ID/payments/`), delete one not
 * posted yet (`DELETE payments/ID`), reverse the rest of a payment (`PATCH` with a
 * `paymentReversedDate`), pay credit back (a negative `paymentAmount`, optionally naming the payment
 * with `refundOfPaymentID`) — and how they sum it: every row of `?includeReversed` whose `status`
 * names neither Reversed, Draft nor Collection Pending, refund rows (negative) included. That is the
 * customer's payments and refunds; this vendor's payments API shows no invoices or adjustments.
 */
import {
  type DialectReconciliation,
  type MoneyCommand,
  type MoneyCustomer,
  type MoneyDriver,
  type MoneyHttp,
  type MoneyOutcome,
  majorText,
  minorOf,
  parseExactJson,
  todayText
} from "@paybridge/adapter-kit/testing/money"
import { defaultStatusPresets } from "../billing-platform-uk.transformers.ts"

interface Row {
  readonly id: string
  readonly paymentAmount: string
  readonly status: ReadonlyArray<string>
}

/** Statuses of rows that hold no money: reversed, not posted yet, or awaiting collection. */
const notMoney = new Set([
  defaultStatusPresets.reversed,
  defaultStatusPresets.draft,
  defaultStatusPresets.collectionPending
])

export const billingPlatformUkMoneyDriver = (basePath = "/backend/api/v1"): MoneyDriver => {
  let key = ""
  const call = (http: MoneyHttp, method: string, path: string, body?: unknown) =>
    http.send({
      method,
      url: `${http.baseUrl}${basePath}${path}`,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
  const refused = (response: { readonly status: number; readonly text: string }): MoneyOutcome => ({
    kind: "refused",
    status: response.status,
    body: response.text
  })
  const send = async (http: MoneyHttp, command: MoneyCommand): Promise<MoneyOutcome> => {
    switch (command.kind) {
      case "createPayment": {
        const response = await call(
          http,
          "POST",
          `/customers/${command.customer.id}/payments/`,
          `{"paymentAmount": ${majorText(command.amount, command.customer.currency)}, "paymentDate": "${todayText()}"}`
        )
        if (response.status !== 201) return refused(response)
        return { kind: "done", paymentId: Number((parseExactJson(response.text) as Row).id) }
      }
      case "cancelPayment": {
        const response = await call(http, "DELETE", `/payments/${command.paymentId}`)
        return response.status === 204 ? { kind: "done" } : refused(response)
      }
      case "reverse": {
        const response = await call(http, "PATCH", `/payments/${command.paymentId}`, {
          paymentReversedDate: todayText()
        })
        return response.status === 200 ? { kind: "done" } : refused(response)
      }
      case "refund": {
        const named = command.paymentId === null ? "" : `, "refundOfPaymentID": "${command.paymentId}"`
        const response = await call(
          http,
          "POST",
          `/customers/${command.customer.id}/payments/`,
          `{"paymentAmount": -${majorText(command.amount, command.customer.currency)}${named}}`
        )
        if (response.status !== 201) return refused(response)
        return { kind: "done", refundIds: [Number((parseExactJson(response.text) as Row).id.slice(1))] }
      }
      default:
        return { kind: "refused", status: 501, body: `${command.kind} is not a Billing Platform (UK) operation` }
    }
  }
  const reconcile = async (http: MoneyHttp, customer: MoneyCustomer): Promise<DialectReconciliation> => {
    const response = await call(http, "GET", `/customers/${customer.id}/payments/?includeReversed`)
    if (response.status !== 200) throw new Error(`Billing Platform (UK) list: ${response.status} ${response.text}`)
    const rows = (parseExactJson(response.text) as ReadonlyArray<Row>).map((row) => ({
      label: `${row.id} ${row.paymentAmount} [${row.status.join(", ")}]`,
      amount: row.status.some((status) => notMoney.has(status)) ? 0n : minorOf(row.paymentAmount, customer.currency)
    }))
    return { balance: rows.reduce((sum, row) => sum + row.amount, 0n), covers: ["payments", "refunds"], rows }
  }
  return {
    protocol: "billing-platform-uk",
    prepare: async (_http, apiKey) => {
      key = apiKey
    },
    supports: (command) =>
      (command.kind === "createPayment" && command.state === "posted" && command.allocations.length === 0) ||
      command.kind === "cancelPayment" ||
      (command.kind === "reverse" && command.amount === null && command.documentId === null) ||
      (command.kind === "refund" && command.documentId === null),
    send,
    reconcile
  }
}
