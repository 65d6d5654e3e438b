/**
 * The CRM.COM money driver of the model test (issue 12): what CRM.COM clients do to a customer's
 * money — post a DRAFT payment (`payments/post`), cancel a POSTED one
 * (`payments/cancel`, a whole reversal) — and how they sum it: `payments/list` for the accounts
 * receivable, adding `payment_amount` of the POSTED payments (a partly reversed payment shows the
 * amount that stands; a wholly reversed one is CANCELLED). That is the customer's payments; this
 * payments API shows no refunds, invoices or adjustments. Logs in with the API key
 * (`authentication/web_api_key/token`). CRM.COM names payments and accounts by their public ids,
 * which no CRM.COM answer relates to the ledger ids the model uses: the driver looks them up through
 * tRPC with the same key (not part of what it sums).
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

interface Envelope {
  readonly status: { readonly code: string; readonly message?: string }
  readonly data: unknown
}

interface Shown {
  readonly id: string
  readonly payment_amount: string
  readonly life_cycle_state: string
}

export const crmComMoneyDriver = (basePath = "/crmapi/rest/v4"): MoneyDriver => {
  let apiKey = ""
  let token = ""
  const login = async (http: MoneyHttp) => {
    const response = await http.send({
      method: "POST",
      url: `${http.baseUrl}${basePath}/authentication/web_api_key/token`,
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`,
        "content-type": "application/json"
      },
      body: "{}"
    })
    const answer = JSON.parse(response.text) as Envelope
    if (answer.status.code !== "OK") throw new Error(`CRM.COM login: ${response.text}`)
    token = (answer.data as { token: string }).token
  }
  /** A CRM.COM call; an expired token (INVALID_TOKEN) logs in again once. */
  const call = async (http: MoneyHttp, method: "GET" | "POST", path: string, params: Record<string, unknown>) => {
    const once = async () => {
      const url = new URL(`${http.baseUrl}${basePath}/${path}`)
      if (method === "GET")
        for (const [key, value] of Object.entries({ token, ...params })) url.searchParams.set(key, String(value))
      const response = await http.send({
        method,
        url: url.toString(),
        headers: method === "POST" ? { "content-type": "application/json" } : {},
        ...(method === "POST" ? { body: JSON.stringify({ token, ...params }) } : {})
      })
      return { ...response, answer: parseExactJson(response.text) as Envelope }
    }
    const first = await once()
    if (first.answer.status?.code !== "INVALID_TOKEN") return first
    await login(http)
    return once()
  }
  /** The public id of a ledger record, read through tRPC (CRM.COM shows no ledger ids). */
  const publicIdOf = async (http: MoneyHttp, procedure: string, id: number): Promise<string | null> => {
    const response = await http.send({
      method: "GET",
      url: `${http.baseUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ id }))}`,
      headers: { authorization: `Bearer ${apiKey}` }
    })
    if (response.status !== 200) return null
    const data = (
      JSON.parse(response.text) as { result: { data: { publicId?: string; payment?: { publicId: string } } } }
    ).result.data
    return data.payment?.publicId ?? data.publicId ?? null
  }
  const send = async (http: MoneyHttp, command: MoneyCommand): Promise<MoneyOutcome> => {
    const method =
      command.kind === "postPayment"
        ? "payments/post"
        : command.kind === "rejectPayment"
          ? "payments/reject"
          : command.kind === "reverse"
            ? "payments/cancel"
            : null
    if (method === null || !("paymentId" in command) || command.paymentId === null)
      return { kind: "refused", status: 501, body: `${command.kind} is not a CRM.COM method` }
    const id = await publicIdOf(http, "payments.get", command.paymentId)
    if (id === null) return { kind: "refused", status: 404, body: `payment ${command.paymentId} is not shown` }
    const response = await call(http, "POST", method, {
      payment_identifier: { id },
      ...(command.kind === "reverse" ? { type_identifier: { name: "Payment Cancellation" } } : {})
    })
    return response.answer.status.code === "OK"
      ? { kind: "done" }
      : { kind: "refused", status: response.status, body: response.text }
  }
  const reconcile = async (http: MoneyHttp, customer: MoneyCustomer): Promise<DialectReconciliation> => {
    const account = await publicIdOf(http, "customers.get", customer.id)
    const listed = await call(http, "GET", "payments/list", { accounts_receivable_identifier: `id=${account}` })
    if (listed.answer.status.code !== "OK") throw new Error(`CRM.COM payments/list: ${listed.text}`)
    const rows = (listed.answer.data as ReadonlyArray<Shown>).map((row) => ({
      label: `${row.id} ${row.life_cycle_state} ${row.payment_amount}`,
      amount: row.life_cycle_state === "POSTED" ? minorOf(row.payment_amount, customer.currency) : 0n
    }))
    return { balance: rows.reduce((total, row) => total + row.amount, 0n), covers: ["payments"], rows }
  }
  return {
    protocol: "crm-com",
    prepare: async (http, key) => {
      apiKey = key
      await login(http)
    },
    supports: (command) =>
      command.kind === "postPayment" ||
      (command.kind === "reverse" && command.amount === null && command.documentId === null),
    send,
    reconcile
  }
}
