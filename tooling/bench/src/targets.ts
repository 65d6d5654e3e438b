/**
 * The benchmark's targets as data: one row per (operation, protocol) with the server it runs on,
 * a request factory and an answer check. Adding a target — another dialect endpoint, another
 * list shape — is adding a row here; the runner, the report and the floor ratio need nothing else.
 *
 * Operations (every protocol's answer is compared with the floor's for the same operation):
 * - `get`: one posted payment by id, round robin over a fixed sample;
 * - `list-first` / `list-deep`: 50 rows of a list, its first page and page 90 (rows 4,451–4,500)
 *   of the big customer's payments through the protocol's own paging (cursor, page number); a
 *   dialect without paging lists a typical customer's whole list (≈ one page) as its first page
 *   and has no deep page, except Billing Platform (UK) whose `idAfter` sync is its keyset paging;
 * - `balance`: a customer's balance (round robin over typical customers);
 * - `create`: a posted payment for a typical customer (round robin, so no single customer lock is
 *   measured), a distinct body and a unique `Idempotency-Key` per request.
 */

import type { AnswerCheck, HttpRequest } from "./load-run.ts"
import type { Fixtures } from "./paybridge-fixtures.ts"
import { pageSize, trpcPath } from "./paybridge-fixtures.ts"

export const operations = ["get", "list-first", "list-deep", "balance", "create"] as const
export type Operation = (typeof operations)[number]

export type Protocol = "floor" | "trpc" | "billing-platform-uk" | "crm-com" | "logisense" | "elevate" | "silver"

export interface Target {
  readonly operation: Operation
  readonly protocol: Protocol
  /** The endpoint, as shown in the report. */
  readonly endpoint: string
  readonly server: "floor" | "paybridge"
  readonly request: (n: number) => HttpRequest
  readonly check: AnswerCheck
}

const success: AnswerCheck = (status) => (status >= 200 && status <= 299 ? null : `HTTP ${status}`)

/** A list answer must carry rows: an empty page answered fast is not a fast page. */
const rows =
  (minimumBytes: number): AnswerCheck =>
  (status, body) =>
    success(status, body) ?? (body.length >= minimumBytes ? null : `short list (${body.length} bytes)`)

/** CRM.COM answers refusals with HTTP 200 and a non-OK `status.code`. */
const crmComOk: AnswerCheck = (status, body) => {
  const failed = success(status, body)
  if (failed !== null) return failed
  const code = /"code":"([A-Z_]+)"/.exec(body)?.[1]
  return code === "OK" ? null : `status.code ${code ?? "missing"}`
}

const both =
  (first: AnswerCheck, second: AnswerCheck): AnswerCheck =>
  (status, body) =>
    first(status, body) ?? second(status, body)

/** 50 rows of any protocol are well above this; an empty or error page is well below. */
const listBytes = 4_000

/** An amount in 1.00–99.99, varied per request. */
const major = (n: number): string => {
  const minor = 100 + (n % 9_900)
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`
}

const today = () => new Date().toISOString().slice(0, 10)

const json = (value: unknown) => JSON.stringify(value)

/** `paybridgeBaseUrl` is read per request: Silver's provider hyperlink names the running server. */
export const buildTargets = (fx: Fixtures, paybridgeBaseUrl: () => string): ReadonlyArray<Target> => {
  const sample = (n: number) => fx.samples[n % fx.samples.length] ?? fx.samples[0]
  const s = fx.sessions
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const key = (protocol: Protocol, n: number) => ({ "idempotency-key": `bench-${fx.runId}-${protocol}-${n}` })
  const big = fx.bigCustomerId
  const crm = (path: string, params: Record<string, string>) =>
    `/crmapi/rest/v4/${path}?${new URLSearchParams({ ...params, token: s.crmComToken }).toString()}`
  // LogiSense's GET Payment/Paged cannot filter: a client lists an account's payments with Search.
  const logisenseSearch = (pageNumber: number): HttpRequest => ({
    method: "POST",
    path: "/logisense/api/v6/Payment/Search",
    headers: bearer(s.logisenseToken),
    body: json({
      query: {
        search: [{ name: "accountId", operator: "eq", value: big }],
        pagination: { pageNumber, pageSize }
      }
    })
  })
  const id = (n: number) => sample(n)?.id ?? 1

  return [
    // ---- get: one payment by id ------------------------------------------------------------
    {
      operation: "get",
      protocol: "floor",
      endpoint: "GET /payments/:id",
      server: "floor",
      request: (n) => ({ method: "GET", path: `/payments/${id(n)}` }),
      check: success
    },
    {
      operation: "get",
      protocol: "trpc",
      endpoint: "payments.get",
      server: "paybridge",
      request: (n) => ({ method: "GET", path: trpcPath("payments.get", { id: id(n) }), headers: bearer(s.apiKey) }),
      check: success
    },
    {
      operation: "get",
      protocol: "billing-platform-uk",
      endpoint: "GET payments/ID",
      server: "paybridge",
      request: (n) => ({ method: "GET", path: `/backend/api/v1/payments/${id(n)}`, headers: bearer(s.apiKey) }),
      check: success
    },
    {
      operation: "get",
      protocol: "crm-com",
      endpoint: "GET payments/show",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: crm("payments/show", { payment_identifier: `id=${sample(n)?.publicId ?? ""}` })
      }),
      check: crmComOk
    },
    {
      operation: "get",
      protocol: "logisense",
      endpoint: "GET Payment/{id}",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: `/logisense/api/v6/Payment/${id(n)}`,
        headers: bearer(s.logisenseToken)
      }),
      check: success
    },
    {
      operation: "get",
      protocol: "elevate",
      endpoint: "GET customer-payments/{id}",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: `/elevate/v1/customer-payments/${id(n)}`,
        headers: bearer(s.elevateToken)
      }),
      check: success
    },
    {
      operation: "get",
      protocol: "silver",
      endpoint: "GET customers/C/payments/ID/",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: `/silver/customers/${sample(n)?.customerId ?? 1}/payments/${id(n)}/`,
        headers: { authorization: `Token ${s.apiKey}` }
      }),
      check: success
    },

    // ---- list-first: the first 50 rows ---------------------------------------------------------
    {
      operation: "list-first",
      protocol: "floor",
      endpoint: `GET /customers/${big}/payments?limit=50`,
      server: "floor",
      request: () => ({ method: "GET", path: `/customers/${big}/payments?limit=${pageSize}` }),
      check: rows(listBytes)
    },
    {
      operation: "list-first",
      protocol: "trpc",
      endpoint: `payments.list {customerId: ${big}, limit: 50}`,
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: trpcPath("payments.list", { customerId: big, limit: pageSize }),
        headers: bearer(s.apiKey)
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-first",
      protocol: "billing-platform-uk",
      endpoint: "GET customers/ID/payments/ (a typical customer: whole list, no paging)",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: `/backend/api/v1/customers/${fx.typicalCustomer(n)}/payments/`,
        headers: bearer(s.apiKey)
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-first",
      protocol: "crm-com",
      endpoint: "GET payments/list (a typical customer: whole list, no paging)",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: crm("payments/list", { accounts_receivable_identifier: `number=${fx.typicalCustomer(n)}` })
      }),
      check: both(crmComOk, rows(listBytes))
    },
    {
      operation: "list-first",
      protocol: "logisense",
      endpoint: `POST Payment/Search {accountId eq ${big}, pageNumber 1, pageSize 50}`,
      server: "paybridge",
      request: () => logisenseSearch(1),
      check: rows(listBytes)
    },
    {
      operation: "list-first",
      protocol: "elevate",
      endpoint: `GET customer-payments?customer_id=${big}&page=1&pageSize=50`,
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: `/elevate/v1/customer-payments?customer_id=${big}&page=1&pageSize=${pageSize}`,
        headers: bearer(s.elevateToken)
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-first",
      protocol: "silver",
      endpoint: `GET customers/${big}/payments/?page=1&page_size=50`,
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: `/silver/customers/${big}/payments/?page=1&page_size=${pageSize}`,
        headers: { authorization: `Token ${s.apiKey}` }
      }),
      check: rows(listBytes)
    },

    // ---- list-deep: page 90 (rows 4,451–4,500; inside lists that show posted payments only) ------
    {
      operation: "list-deep",
      protocol: "floor",
      endpoint: `GET /customers/${big}/payments?limit=50&afterDate=…&afterId=… (keyset, page ${fx.deepPage})`,
      server: "floor",
      request: () => ({
        method: "GET",
        path: `/customers/${big}/payments?limit=${pageSize}&afterDate=${fx.deepAfter.paymentDate}&afterId=${fx.deepAfter.id}`
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-deep",
      protocol: "trpc",
      endpoint: `payments.list {customerId: ${big}, limit: 50, cursor of page ${fx.deepPage}}`,
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: trpcPath("payments.list", { customerId: big, limit: pageSize, cursor: fx.deepCursor }),
        headers: bearer(s.apiKey)
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-deep",
      protocol: "billing-platform-uk",
      endpoint: "GET payments/?idAfter=N−50 (the sync's last 50 ids)",
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: `/backend/api/v1/payments/?idAfter=${fx.plan.payments - pageSize}`,
        headers: bearer(s.apiKey)
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-deep",
      protocol: "logisense",
      endpoint: `POST Payment/Search {accountId eq ${big}, pageNumber ${fx.deepPage}, pageSize 50}`,
      server: "paybridge",
      request: () => logisenseSearch(fx.deepPage),
      check: rows(listBytes)
    },
    {
      operation: "list-deep",
      protocol: "elevate",
      endpoint: `GET customer-payments?customer_id=${big}&page=${fx.deepPage}&pageSize=50`,
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: `/elevate/v1/customer-payments?customer_id=${big}&page=${fx.deepPage}&pageSize=${pageSize}`,
        headers: bearer(s.elevateToken)
      }),
      check: rows(listBytes)
    },
    {
      operation: "list-deep",
      protocol: "silver",
      endpoint: `GET customers/${big}/payments/?page=${fx.deepPage}&page_size=50`,
      server: "paybridge",
      request: () => ({
        method: "GET",
        path: `/silver/customers/${big}/payments/?page=${fx.deepPage}&page_size=${pageSize}`,
        headers: { authorization: `Token ${s.apiKey}` }
      }),
      check: rows(listBytes)
    },

    // ---- balance: one customer's balance -------------------------------------------------------
    {
      operation: "balance",
      protocol: "floor",
      endpoint: "GET /customers/:id/balance",
      server: "floor",
      request: (n) => ({ method: "GET", path: `/customers/${fx.typicalCustomer(n)}/balance` }),
      check: success
    },
    {
      operation: "balance",
      protocol: "trpc",
      endpoint: "customers.get",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: trpcPath("customers.get", { id: fx.typicalCustomer(n) }),
        headers: bearer(s.apiKey)
      }),
      check: success
    },
    {
      operation: "balance",
      protocol: "elevate",
      endpoint: "GET customer-balances?customer_id=",
      server: "paybridge",
      request: (n) => ({
        method: "GET",
        path: `/elevate/v1/customer-balances?customer_id=${fx.typicalCustomer(n)}`,
        headers: bearer(s.elevateToken)
      }),
      check: success
    },

    // ---- create: a posted payment, a typical customer round robin, a unique key each -----------
    {
      operation: "create",
      protocol: "floor",
      endpoint: "POST /payments",
      server: "floor",
      request: (n) => ({
        method: "POST",
        path: "/payments",
        headers: key("floor", n),
        body: json({ customerId: fx.typicalCustomer(n), amount: Number(major(n).replace(".", "")) })
      }),
      check: success
    },
    {
      operation: "create",
      protocol: "trpc",
      endpoint: "payments.create",
      server: "paybridge",
      request: (n) => ({
        method: "POST",
        path: "/trpc/payments.create",
        headers: { ...bearer(s.apiKey), ...key("trpc", n) },
        body: json({ customerId: fx.typicalCustomer(n), amount: major(n), reference: `bench ${n}` })
      }),
      check: success
    },
    {
      operation: "create",
      protocol: "billing-platform-uk",
      endpoint: "POST customers/ID/payments/",
      server: "paybridge",
      request: (n) => ({
        method: "POST",
        path: `/backend/api/v1/customers/${fx.typicalCustomer(n)}/payments/`,
        headers: { ...bearer(s.apiKey), ...key("billing-platform-uk", n) },
        body: `{"paymentAmount":${major(n)},"paymentDate":"${today()}","ourReference":"bench ${n}"}`
      }),
      check: success
    },
    {
      operation: "create",
      protocol: "crm-com",
      endpoint: "POST payments/create (POSTED)",
      server: "paybridge",
      request: (n) => ({
        method: "POST",
        path: "/crmapi/rest/v4/payments/create",
        headers: key("crm-com", n),
        body:
          `{"token":${json(s.crmComToken)},"accounts_receivable_identifier":{"number":"${fx.typicalCustomer(n)}"},` +
          `"type_identifier":{"name":"Payment"},"payment_method_identifier":{"alternative_code":"CASH"},` +
          `"life_cycle_state":"POSTED","payment_amount":${major(n)}}`
      }),
      check: crmComOk
    },
    {
      operation: "create",
      protocol: "logisense",
      endpoint: "POST Payment/ (posting today)",
      server: "paybridge",
      request: (n) => ({
        method: "POST",
        path: "/logisense/api/v6/Payment/",
        headers: { ...bearer(s.logisenseToken), ...key("logisense", n) },
        body: `{"accountId":${fx.typicalCustomer(n)},"amount":${major(n)},"detail":"bench ${n}","posting":"${today()}T00:00:00.000Z"}`
      }),
      check: success
    },
    {
      operation: "create",
      protocol: "elevate",
      endpoint: "POST customer-payments",
      server: "paybridge",
      request: (n) => ({
        method: "POST",
        path: "/elevate/v1/customer-payments",
        headers: { ...bearer(s.elevateToken), ...key("elevate", n) },
        body: `{"customerId":${fx.typicalCustomer(n)},"amountInMajorCurrency":${major(n)},"type":"CHEQUE","reference":"bench ${n}"}`
      }),
      check: success
    },
    {
      operation: "create",
      protocol: "silver",
      endpoint: "POST customers/C/payments/ (status paid)",
      server: "paybridge",
      request: (n) => ({
        method: "POST",
        path: `/silver/customers/${fx.typicalCustomer(n)}/payments/`,
        headers: { authorization: `Token ${s.apiKey}`, ...key("silver", n) },
        body: json({
          provider: `${paybridgeBaseUrl()}/silver/providers/${fx.silverProviderId}/`,
          amount: major(n),
          currency: "EUR",
          status: "paid"
        })
      }),
      check: success
    }
  ]
}
