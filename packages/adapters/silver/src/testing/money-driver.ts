/**
 * The Silver money driver of the model test (issue 12): what Silver's clients can do to a
 * customer's money through its payment transitions — mark an unpaid payment paid (`PATCH status:
 * paid`, the ledger posts it) or cancel it (`PATCH status: canceled`) — and how they sum it. A
 * Silver client adds up the `paid` payments (a partly reversed payment shows what still stands; a
 * fully reversed one is `canceled`): that is the customer's payments. What is due is the sum of
 * the `unpaid` payments that stand for open documents (issue 12.8), which equals the outstanding
 * amounts of the customer's open invoices and proformas. Silver shows no refunds or adjustments.
 */
import {
  type DialectReconciliation,
  type MoneyCommand,
  type MoneyCustomer,
  type MoneyDriver,
  type MoneyHttp,
  type MoneyOutcome,
  minorOf,
  parseExactJson
} from "@paybridge/adapter-kit/testing/money"
import { unpaidPaymentIdOffset } from "../unpaid-payments.transformers.ts"

interface Shown {
  readonly id: number
  readonly amount: string
  readonly status: string
}

export const silverMoneyDriver = (basePath = "/silver"): MoneyDriver => {
  let key = ""
  const call = (http: MoneyHttp, method: string, path: string, body?: unknown) =>
    http.send({
      method,
      url: `${http.baseUrl}${basePath}${path}`,
      headers: {
        authorization: `Token ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
  // Silver addresses a payment under its customer; one model sequence works on one customer, the
  // one this driver last read or was given.
  let customerId: number | null = null
  const send = async (http: MoneyHttp, command: MoneyCommand): Promise<MoneyOutcome> => {
    if ((command.kind !== "postPayment" && command.kind !== "cancelPayment") || customerId === null)
      return { kind: "refused", status: 501, body: `${command.kind} is not a Silver transition` }
    const response = await call(http, "PATCH", `/customers/${customerId}/payments/${command.paymentId}/`, {
      status: command.kind === "postPayment" ? "paid" : "canceled"
    })
    return response.status === 200
      ? { kind: "done" }
      : { kind: "refused", status: response.status, body: response.text }
  }
  const reconcile = async (http: MoneyHttp, customer: MoneyCustomer): Promise<DialectReconciliation> => {
    customerId = customer.id
    const shown: Array<Shown> = []
    for (let page = 1; ; page++) {
      const response = await call(http, "GET", `/customers/${customer.id}/payments/?page_size=100&page=${page}`)
      if (response.status !== 200) throw new Error(`Silver list: ${response.status} ${response.text}`)
      const rows = parseExactJson(response.text) as ReadonlyArray<Shown>
      shown.push(...rows)
      if (rows.length < 100) break
    }
    const rows = shown.map((row) => ({
      label: `${row.id} ${row.amount} ${row.status}`,
      amount: row.status === "paid" ? minorOf(row.amount, customer.currency) : 0n
    }))
    const due = shown
      .filter((row) => row.status === "unpaid" && row.id > unpaidPaymentIdOffset)
      .reduce((total, row) => total + minorOf(row.amount, customer.currency), 0n)
    return {
      balance: rows.reduce((total, row) => total + row.amount, 0n),
      covers: ["payments"],
      due: { amount: due, kinds: ["invoice", "proforma"] },
      rows
    }
  }
  return {
    protocol: "silver",
    prepare: async (_http, apiKey) => {
      key = apiKey
    },
    supports: (command) => command.kind === "postPayment" || command.kind === "cancelPayment",
    send,
    reconcile
  }
}
