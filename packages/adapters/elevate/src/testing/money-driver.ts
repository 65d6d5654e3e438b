/**
 * The Elevate money driver of the model test (issue 12): what Elevate's clients do to a customer's
 * money — pay an invoice (`POST /invoice-payments`, a bill through `/adhoc-invoice-payments`),
 * refund against an invoice (`POST /refunds` with `invoiceId`; the ledger picks the payment),
 * cancel or bounce a refund (`PATCH /refunds/{id}` replacing `/thirdPartyRefundStatus`), adjust the
 * balance (`POST /customer-balances`) — and how they sum it: every row of `GET /customer-payments`
 * (posted payments, and the balance movements: reversals, reinstatements, refunds, voided refunds,
 * adjustments, signed) adds up to the customer's payments, refunds and adjustments, which is
 * `GET /customer-balances`' balance less the invoices. Logs in with a password user's e-mail and
 * password (Elevate has no API keys), again when the 15-minute token runs out.
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
  readonly id: string
  readonly amountInMajorCurrency: string
  readonly txnType: string
}

export const elevateMoneyDriver = (
  credentials: { readonly username: string; readonly password: string },
  basePath = "/elevate/v1"
): MoneyDriver => {
  let token = ""
  // A payment to a document is in the customer's currency: the one this driver last read.
  let currency = "GBP"
  const login = async (http: MoneyHttp) => {
    const response = await http.send({
      method: "POST",
      url: `${http.baseUrl}${basePath}/authenticate`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ brand: "paybridge", ...credentials })
    })
    if (response.status !== 200) throw new Error(`Elevate login: ${response.status} ${response.text}`)
    token = (JSON.parse(response.text) as { token: string }).token
  }
  const call = async (http: MoneyHttp, method: string, path: string, body?: string) => {
    const once = () =>
      http.send({
        method,
        url: `${http.baseUrl}${basePath}${path}`,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" })
        },
        ...(body === undefined ? {} : { body })
      })
    const first = await once()
    if (first.status !== 401) return first
    await login(http)
    return once()
  }
  const outcome = (
    response: { readonly status: number; readonly text: string },
    done: (body: unknown) => MoneyOutcome = () => ({ kind: "done" })
  ): MoneyOutcome =>
    response.status === 200 || response.status === 201
      ? done(parseExactJson(response.text))
      : { kind: "refused", status: response.status, body: response.text }
  const patchStatus = (http: MoneyHttp, refundId: number, status: string) =>
    call(
      http,
      "PATCH",
      `/refunds/${refundId}`,
      JSON.stringify([{ op: "replace", path: "/thirdPartyRefundStatus", value: status }])
    )
  const send = async (http: MoneyHttp, command: MoneyCommand): Promise<MoneyOutcome> => {
    switch (command.kind) {
      case "payDocument": {
        const body = `{"invoiceId": ${command.documentId}, "amountInMajorCurrency": ${majorText(command.amount, currency)}}`
        const normal = await call(http, "POST", "/invoice-payments", body)
        // A bill is Elevate's adhoc invoice: its own endpoint.
        const adhoc = normal.status === 201 ? normal : await call(http, "POST", "/adhoc-invoice-payments", body)
        const response = adhoc.status === 201 ? adhoc : normal
        return outcome(response, (created) => ({
          kind: "done",
          paymentId: Number((created as { customerPaymentId: string }).customerPaymentId)
        }))
      }
      case "refund": {
        const response = await call(
          http,
          "POST",
          "/refunds",
          `{"invoiceId": ${command.documentId}, "amountInMajorCurrency": ${majorText(command.amount, command.customer.currency)}}`
        )
        return outcome(response, (created) => ({ kind: "done", refundIds: [Number((created as { id: string }).id)] }))
      }
      case "cancelRefund":
        return outcome(await patchStatus(http, command.refundId, "CANCELLED"))
      case "bounceRefund": {
        // Only a submitted refund can bounce: submit it first (refused when it already moved on).
        await patchStatus(http, command.refundId, "SUBMITTED")
        return outcome(await patchStatus(http, command.refundId, "BOUNCED"))
      }
      case "adjustBalance":
        return outcome(
          await call(
            http,
            "POST",
            "/customer-balances",
            `{"customerId": ${command.customer.id}, "amountInMajorCurrency": ${majorText(command.amount, command.customer.currency)}, "description": "model test"}`
          )
        )
      default:
        return { kind: "refused", status: 501, body: `${command.kind} is not an Elevate operation` }
    }
  }
  const reconcile = async (http: MoneyHttp, customer: MoneyCustomer): Promise<DialectReconciliation> => {
    currency = customer.currency
    const shown: Array<Row> = []
    for (let page = 1; ; page++) {
      const response = await call(
        http,
        "GET",
        `/customer-payments?customer_id=${customer.id}&page=${page}&pageSize=1000`
      )
      if (response.status !== 200) throw new Error(`Elevate customer-payments: ${response.status} ${response.text}`)
      const rows = parseExactJson(response.text) as ReadonlyArray<Row>
      shown.push(...rows)
      if (rows.length < 1000) break
    }
    const rows = shown.map((row) => ({
      label: `${row.id} ${row.txnType} ${row.amountInMajorCurrency}`,
      amount: minorOf(row.amountInMajorCurrency, customer.currency)
    }))
    return {
      balance: rows.reduce((total, row) => total + row.amount, 0n),
      covers: ["payments", "refunds", "adjustments"],
      rows
    }
  }
  return {
    protocol: "elevate",
    prepare: async (http) => {
      await login(http)
    },
    supports: (command) =>
      command.kind === "payDocument" ||
      (command.kind === "refund" && command.paymentId === null && command.documentId !== null) ||
      command.kind === "cancelRefund" ||
      command.kind === "bounceRefund" ||
      command.kind === "adjustBalance",
    send,
    reconcile
  }
}
