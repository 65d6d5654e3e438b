/**
 * The LogiSense money driver of the model test (issue 12): what LogiSense clients do to a
 * customer's money — reverse part or all of a payment (`POST Payment/Reverse {paymentId, amount}`)
 * — and how they sum it: `POST Payment/Search` for the account lists its posted payments and the
 * reversal rows (`reversePaymentId` set, the reversed amount positive); a client adds the payments
 * and subtracts the reversal rows. That is the customer's payments; LogiSense's Payment API shows
 * no invoices, refunds or adjustments. Logs in with the API key as `client_secret`.
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
  parseExactJson
} from "@paybridge/adapter-kit/testing/money"

interface Row {
  readonly identity: string
  readonly amount: string
  readonly reversePaymentId: string | null
}

export const logisenseMoneyDriver = (basePath = "/logisense"): MoneyDriver => {
  let apiKey = ""
  let token = ""
  let currency = "GBP"
  const login = async (http: MoneyHttp) => {
    const response = await http.send({
      method: "POST",
      url: `${http.baseUrl}${basePath}/AuthorizationServer/api/v6/Access/Login`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", client_id: "money-model", client_secret: apiKey }).toString()
    })
    if (response.status !== 200) throw new Error(`LogiSense login: ${response.status} ${response.text}`)
    token = (JSON.parse(response.text) as { access_token: string }).access_token
  }
  const call = async (http: MoneyHttp, path: string, body: string) => {
    const once = () =>
      http.send({
        method: "POST",
        url: `${http.baseUrl}${basePath}/api/v6/${path}`,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body
      })
    const first = await once()
    if (first.status !== 401) return first
    await login(http)
    return once()
  }
  const send = async (http: MoneyHttp, command: MoneyCommand): Promise<MoneyOutcome> => {
    if (command.kind !== "reverse" || command.amount === null)
      return { kind: "refused", status: 501, body: `${command.kind} is not a LogiSense operation` }
    const response = await call(
      http,
      "Payment/Reverse",
      `{"paymentId": ${command.paymentId}, "amount": ${majorText(command.amount, currency)}}`
    )
    return response.status === 200 || response.status === 201
      ? { kind: "done" }
      : { kind: "refused", status: response.status, body: response.text }
  }
  const reconcile = async (http: MoneyHttp, customer: MoneyCustomer): Promise<DialectReconciliation> => {
    currency = customer.currency
    const response = await call(
      http,
      "Payment/Search",
      JSON.stringify({ query: { top: 10000, search: [{ name: "accountId", operator: "eq", value: customer.id }] } })
    )
    if (response.status !== 200) throw new Error(`LogiSense search: ${response.status} ${response.text}`)
    const items = (parseExactJson(response.text) as { items: ReadonlyArray<Row> }).items
    const rows = items.map((row) => {
      const amount = minorOf(row.amount, customer.currency)
      return row.reversePaymentId === null
        ? { label: `payment ${row.identity} ${row.amount}`, amount }
        : { label: `reversal ${row.identity} of ${row.reversePaymentId} ${row.amount}`, amount: -amount }
    })
    return { balance: rows.reduce((total, row) => total + row.amount, 0n), covers: ["payments"], rows }
  }
  return {
    protocol: "logisense",
    prepare: async (http, key) => {
      apiKey = key
      await login(http)
    },
    supports: (command) => command.kind === "reverse" && command.amount !== null && command.documentId === null,
    send,
    reconcile
  }
}
