/**
 * The requests the query budgets (`query-budgets.test.ts`) count, by name: a get by id, a create of a posted
 * payment and a list page through tRPC and every dialect, on the fixtures of `query-budget-app.ts`, and every
 * Billing Platform (UK) list filter alone and after an `idAfter` row on both of its list endpoints.
 */

import {
  activityCustomer,
  bearer,
  bigCustomer,
  crm,
  foreignOwned,
  invoiced,
  key,
  nextOther,
  otherForeignOwned,
  pageSize,
  type Request,
  reversedCustomer,
  reversedLastCustomer,
  samplePayment,
  sessions,
  silverProvider,
  today,
  trpcPath
} from "./query-budget-app.ts"

/** LogiSense's `POST Payment/Search` of a page of `pageSize` rows: its search terms, page number and order. */
const logisenseSearch = (
  search: ReadonlyArray<{ readonly name: string; readonly operator: string; readonly value: unknown }>,
  pageNumber: number,
  orderBy?: ReadonlyArray<{ readonly name: string; readonly direction: "asc" | "desc" }>
) => ({
  method: "POST",
  path: "/logisense/api/v6/Payment/Search",
  headers: bearer(sessions.logisenseToken),
  body: JSON.stringify({
    query: { search, ...(orderBy === undefined ? {} : { orderBy }), pagination: { pageNumber, pageSize } }
  })
})

export const gets: ReadonlyArray<readonly [string, Request]> = [
  [
    "tRPC payments.get",
    () => ({
      method: "GET",
      path: trpcPath("payments.get", { id: samplePayment.id }),
      headers: bearer(sessions.apiKey)
    })
  ],
  [
    "Billing Platform (UK) GET payments/ID",
    () => ({ method: "GET", path: `/backend/api/v1/payments/${samplePayment.id}`, headers: bearer(sessions.apiKey) })
  ],
  [
    "CRM.COM GET payments/show",
    () => ({ method: "GET", path: crm("payments/show", { payment_identifier: `id=${samplePayment.publicId}` }) })
  ],
  [
    "LogiSense GET Payment/{id}",
    () => ({
      method: "GET",
      path: `/logisense/api/v6/Payment/${samplePayment.id}`,
      headers: bearer(sessions.logisenseToken)
    })
  ],
  [
    "Elevate GET customer-payments/{id}",
    () => ({
      method: "GET",
      path: `/elevate/v1/customer-payments/${samplePayment.id}`,
      headers: bearer(sessions.elevateToken)
    })
  ],
  [
    "Silver GET customers/C/payments/ID/",
    () => ({
      method: "GET",
      path: `/silver/customers/${samplePayment.customerId}/payments/${samplePayment.id}/`,
      headers: { authorization: `Token ${sessions.apiKey}` }
    })
  ],
  [
    "Elevate GET customer-balances (the customer with the most payments)",
    () => ({
      method: "GET",
      path: `/elevate/v1/customer-balances?customer_id=${bigCustomer.id}`,
      headers: bearer(sessions.elevateToken)
    })
  ]
]

export const creates: ReadonlyArray<readonly [string, Request]> = [
  [
    "tRPC payments.create",
    () => ({
      method: "POST",
      path: "/trpc/payments.create",
      headers: { ...bearer(sessions.apiKey), ...key() },
      body: JSON.stringify({ customerId: nextOther().id, amount: "12.34", reference: "budget" })
    })
  ],
  [
    "Billing Platform (UK) POST customers/ID/payments/",
    () => ({
      method: "POST",
      path: `/backend/api/v1/customers/${nextOther().id}/payments/`,
      headers: { ...bearer(sessions.apiKey), ...key() },
      body: `{"paymentAmount":12.34,"paymentDate":"${today()}","ourReference":"budget","invoiceID":"INV-1"}`
    })
  ],
  [
    "CRM.COM POST payments/create",
    () => ({
      method: "POST",
      path: "/crmapi/rest/v4/payments/create",
      headers: key(),
      body: `{"token":${JSON.stringify(sessions.crmComToken)},"accounts_receivable_identifier":{"number":"${nextOther().number}"},"type_identifier":{"name":"Payment"},"payment_method_identifier":{"alternative_code":"CASH"},"life_cycle_state":"POSTED","payment_amount":12.34}`
    })
  ],
  [
    "CRM.COM POST payments/create (a login with a unit: the attributes record too)",
    () => ({
      method: "POST",
      path: "/crmapi/rest/v4/payments/create",
      headers: key(),
      body: `{"token":${JSON.stringify(sessions.crmComUnitToken)},"accounts_receivable_identifier":{"number":"${nextOther().number}"},"type_identifier":{"name":"Payment"},"payment_method_identifier":{"alternative_code":"CASH"},"life_cycle_state":"POSTED","payment_amount":12.34}`
    })
  ],
  [
    "LogiSense POST Payment/",
    () => ({
      method: "POST",
      path: "/logisense/api/v6/Payment/",
      headers: { ...bearer(sessions.logisenseToken), ...key() },
      body: `{"accountId":${nextOther().id},"amount":12.34,"detail":"budget","posting":"${today()}T00:00:00.000Z"}`
    })
  ],
  [
    "Elevate POST customer-payments",
    () => ({
      method: "POST",
      path: "/elevate/v1/customer-payments",
      headers: { ...bearer(sessions.elevateToken), ...key() },
      body: `{"customerId":${nextOther().id},"amountInMajorCurrency":12.34,"type":"CHEQUE","reference":"budget"}`
    })
  ],
  [
    "Silver POST customers/C/payments/",
    () => ({
      method: "POST",
      path: `/silver/customers/${nextOther().id}/payments/`,
      headers: { authorization: `Token ${sessions.apiKey}`, ...key() },
      body: JSON.stringify({
        provider: `http://paybridge.test/silver/providers/${silverProvider}/`,
        amount: "12.34",
        currency: "EUR",
        status: "paid"
      })
    })
  ],
  [
    "Silver POST customers/C/payments/ (stating a due date and visible: its attributes record too)",
    () => ({
      method: "POST",
      path: `/silver/customers/${nextOther().id}/payments/`,
      headers: { authorization: `Token ${sessions.apiKey}`, ...key() },
      body: JSON.stringify({
        provider: `http://paybridge.test/silver/providers/${silverProvider}/`,
        amount: "12.34",
        currency: "EUR",
        status: "paid",
        due_date: "2026-12-31",
        visible: false
      })
    })
  ]
]

/**
 * Creates whose payments carry what LogiSense's unpaged list (`GET Payment/`, which shows every
 * payment) looks up beside its statement — vendor reference names, billing entities in another
 * currency (one read each for all of them) — so they run after the lists are measured, and that list
 * is measured again after them (`lateLists`).
 */
export const lateCreates: ReadonlyArray<readonly [string, Request]> = [
  [
    "LogiSense POST Payment/ with baseAmount",
    () => ({
      method: "POST",
      path: "/logisense/api/v6/Payment/",
      headers: { ...bearer(sessions.logisenseToken), ...key() },
      body: `{"accountId":${nextOther().id},"amount":12.34,"baseAmount":12.34,"detail":"budget","posting":"${today()}T00:00:00.000Z"}`
    })
  ],
  [
    "LogiSense POST Payment/ with baseAmount in the owner's other currency",
    () => ({
      method: "POST",
      path: "/logisense/api/v6/Payment/",
      headers: { ...bearer(sessions.logisenseToken), ...key() },
      body: `{"accountId":${foreignOwned.id},"amount":12.34,"baseAmount":13.57,"detail":"budget"}`
    })
  ],
  [
    "LogiSense POST Payment/ naming vendor references",
    () => ({
      method: "POST",
      path: "/logisense/api/v6/Payment/",
      headers: { ...bearer(sessions.logisenseToken), ...key() },
      body: `{"accountId":${nextOther().id},"amount":12.34,"cardTypeId":7,"billRunHistoryId":9,"detail":"budget"}`
    })
  ],
  [
    "LogiSense POST Payment/ naming other vendor references, owned by another billing entity",
    () => ({
      method: "POST",
      path: "/logisense/api/v6/Payment/",
      headers: { ...bearer(sessions.logisenseToken), ...key() },
      body: `{"accountId":${otherForeignOwned.id},"amount":12.34,"baseAmount":10.5,"cardTypeId":8,"billRunHistoryId":4,"paymentPreAuthorizeId":11,"detail":"budget"}`
    })
  ],
  [
    "LogiSense POST Payment/ naming an invoice",
    () => ({
      method: "POST",
      path: "/logisense/api/v6/Payment/",
      headers: { ...bearer(sessions.logisenseToken), ...key() },
      body: `{"accountId":${invoiced.id},"amount":12.34,"invoiceId":${invoiced.invoiceId},"detail":"budget"}`
    })
  ],
  [
    "tRPC payments.create with allocations",
    () => ({
      method: "POST",
      path: "/trpc/payments.create",
      headers: { ...bearer(sessions.apiKey), ...key() },
      body: JSON.stringify({
        customerId: invoiced.id,
        amount: "12.34",
        allocations: [{ documentId: invoiced.invoiceId, amount: "10.00" }],
        reference: "budget"
      })
    })
  ],
  [
    "tRPC payments.create with allocations to three invoices",
    () => ({
      method: "POST",
      path: "/trpc/payments.create",
      headers: { ...bearer(sessions.apiKey), ...key() },
      body: JSON.stringify({
        customerId: invoiced.id,
        amount: "12.34",
        allocations: invoiced.invoiceIds.map((documentId, index) => ({ documentId, amount: `${index + 1}.00` })),
        reference: "budget"
      })
    })
  ]
]

/**
 * Lists measured after the late creates: LogiSense's unpaged list over payments that name several
 * vendor references (of several kinds, some registered) and several owning billing entities.
 */
export const lateLists: ReadonlyArray<readonly [string, Request]> = [
  [
    "LogiSense GET Payment/ (payments naming several vendor references and billing entities)",
    () => ({ method: "GET", path: "/logisense/api/v6/Payment/", headers: bearer(sessions.logisenseToken) })
  ]
]

export const bpukList =
  (query: () => string): Request =>
  () => ({
    method: "GET",
    path: `/backend/api/v1/customers/${bigCustomer.id}/payments/${query()}`,
    headers: bearer(sessions.apiKey)
  })
export const lists: ReadonlyArray<readonly [string, Request]> = [
  [
    "tRPC payments.list",
    () => ({
      method: "GET",
      path: trpcPath("payments.list", { customerId: bigCustomer.id, limit: pageSize }),
      headers: bearer(sessions.apiKey)
    })
  ],
  [
    "Billing Platform (UK) GET payments/?idAfter",
    () => ({
      method: "GET",
      path: `/backend/api/v1/payments/?idAfter=${samplePayment.id - pageSize}`,
      headers: bearer(sessions.apiKey)
    })
  ],
  ["Billing Platform (UK) GET customers/ID/payments/", bpukList(() => "")],
  [
    "CRM.COM GET payments/list",
    () => ({
      method: "GET",
      path: crm("payments/list", { accounts_receivable_identifier: `number=${bigCustomer.number}` })
    })
  ],
  [
    "LogiSense POST Payment/Search",
    () => logisenseSearch([{ name: "accountId", operator: "eq", value: bigCustomer.id }], 2)
  ],
  [
    "LogiSense POST Payment/Search, sorted, a deep page",
    () =>
      logisenseSearch(
        [
          { name: "accountId", operator: "eq", value: bigCustomer.id },
          { name: "disbursed", operator: "eq", value: false }
        ],
        3,
        [{ name: "created", direction: "desc" }]
      )
  ],
  [
    "LogiSense GET Payment/",
    () => ({ method: "GET", path: "/logisense/api/v6/Payment/", headers: bearer(sessions.logisenseToken) })
  ],
  [
    "LogiSense POST Payment/Search, a page with reversal rows",
    () => logisenseSearch([{ name: "accountId", operator: "eq", value: reversedCustomer.id }], 2)
  ],
  [
    "LogiSense POST Payment/Search, sorted, a page with reversal rows",
    () =>
      logisenseSearch(
        [
          { name: "accountId", operator: "eq", value: reversedCustomer.id },
          { name: "created", operator: "gtEq", value: "2000-01-01T00:00:00.000Z" }
        ],
        1,
        [{ name: "created", direction: "desc" }]
      )
  ],
  [
    "LogiSense GET Payment/Paged, a page with reversal rows",
    () => ({
      method: "GET",
      path: "/logisense/api/v6/Payment/Paged",
      headers: { ...bearer(sessions.logisenseToken), pagination: JSON.stringify({ pageNumber: 2, pageSize }) }
    })
  ],
  [
    "LogiSense GET Payment/Paged, a deep page",
    () => ({
      method: "GET",
      path: "/logisense/api/v6/Payment/Paged",
      headers: { ...bearer(sessions.logisenseToken), pagination: JSON.stringify({ pageNumber: 3, pageSize }) }
    })
  ],
  [
    "Elevate GET customer-payments",
    () => ({
      method: "GET",
      path: `/elevate/v1/customer-payments?customer_id=${bigCustomer.id}&page=2&pageSize=${pageSize}`,
      headers: bearer(sessions.elevateToken)
    })
  ],
  [
    "Elevate GET customer-payments, a deep page",
    () => ({
      method: "GET",
      path: `/elevate/v1/customer-payments?customer_id=${bigCustomer.id}&page=3&pageSize=${pageSize}`,
      headers: bearer(sessions.elevateToken)
    })
  ],
  [
    "Silver GET customers/C/payments/",
    () => ({
      method: "GET",
      path: `/silver/customers/${bigCustomer.id}/payments/?page=2&page_size=${pageSize}`,
      headers: { authorization: `Token ${sessions.apiKey}` }
    })
  ],
  [
    "Silver GET customers/C/payments/ (filtered, ordered, last page)",
    () => ({
      method: "GET",
      path: `/silver/customers/${bigCustomer.id}/payments/?status=paid&min_amount=20&ordering=-amount&page=3&page_size=${pageSize}`,
      headers: { authorization: `Token ${sessions.apiKey}` }
    })
  ],
  [
    "Silver GET customers/ (a page of one)",
    () => ({
      method: "GET",
      path: "/silver/customers/?page=2&page_size=1",
      headers: { authorization: `Token ${sessions.apiKey}` }
    })
  ],
  [
    "Silver GET providers/ (the last page of one)",
    () => ({
      method: "GET",
      path: "/silver/providers/?page=last&page_size=1",
      headers: { authorization: `Token ${sessions.apiKey}` }
    })
  ],
  [
    "CRM.COM GET payments/list (type and method filters)",
    () => ({
      method: "GET",
      path: crm("payments/list", {
        accounts_receivable_identifier: `number=${bigCustomer.number}`,
        type_identifier: "name=Payment",
        payment_method_identifier: "alternative_code=CASH"
      })
    })
  ],
  [
    "CRM.COM GET payments/get_latest",
    () => ({
      method: "GET",
      path: crm("payments/get_latest", {
        accounts_receivable_identifier: `number=${bigCustomer.number}`,
        number: String(pageSize)
      })
    })
  ],
  [
    "Billing Platform (UK) GET payments/?idAfter (date filters)",
    () => ({
      method: "GET",
      path: `/backend/api/v1/payments/?idAfter=${samplePayment.id - pageSize}&minDate=2026-03-01&maxDate=2026-06-30`,
      headers: bearer(sessions.apiKey)
    })
  ],
  [
    "Billing Platform (UK) GET customers/ID/payments/?idAfter",
    bpukList(() => `?idAfter=${samplePayment.id - pageSize}`)
  ],
  ["Billing Platform (UK) GET customers/ID/payments/?idAfter=last", bpukList(() => `?idAfter=${samplePayment.id}`)],
  [
    "Billing Platform (UK) customer list with idAfter naming the customer's wholly reversed last payment",
    () => ({
      method: "GET",
      path: `/backend/api/v1/customers/${reversedLastCustomer.id}/payments/?idAfter=${reversedLastCustomer.lastPayment}`,
      headers: bearer(sessions.apiKey)
    })
  ],
  [
    "Billing Platform (UK) GET customers/ID/payments/ (createdSince)",
    bpukList(() => `?createdSince=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`)
  ]
]

/**
 * Every Billing Platform (UK) list filter (vendor doc and vendor-notes §1.2: the documented ones and
 * `idAfter`, `createdSince`, `updatedSince`), alone and after an `idAfter` row, on both list endpoints.
 */
export const since = () => encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())
export const bpukFilters: ReadonlyArray<readonly [string, () => string]> = [
  ["", () => ""],
  ["reversed", () => "reversed"],
  ["includeReversed", () => "includeReversed"],
  ["minDate, maxDate", () => "minDate=2026-01-01&maxDate=2999-12-31"],
  ["minReversedDate, maxReversedDate", () => "minReversedDate=2026-01-01&maxReversedDate=2999-12-31"],
  ["reversedSince", () => `reversedSince=${since()}`],
  ["reinstatedSince", () => `reinstatedSince=${since()}`],
  ["collectedSince", () => `collectedSince=${since()}`],
  ["cancelledSince", () => `cancelledSince=${since()}`],
  ["createdSince", () => `createdSince=${since()}`],
  ["updatedSince", () => `updatedSince=${since()}`]
]
export const bpukFilterLists: ReadonlyArray<readonly [string, Request]> = bpukFilters.flatMap(([label, filter]) =>
  (["payments/", "customers/ID/payments/"] as const).flatMap((list) =>
    [false, true].map((afterRow): readonly [string, Request] => [
      `Billing Platform (UK) GET ${list === "payments/" ? list : `${list} of the activity customer`} (${label || "no filter"}${afterRow ? ", idAfter" : ""})`,
      () => {
        const query = [...(afterRow ? [`idAfter=${activityCustomer.firstPayment}`] : []), filter()].filter(Boolean)
        const path = list === "payments/" ? "payments/" : `customers/${activityCustomer.id}/payments/`
        return {
          method: "GET",
          path: `/backend/api/v1/${path}${query.length === 0 ? "" : `?${query.join("&")}`}`,
          headers: bearer(sessions.apiKey)
        }
      }
    ])
  )
)
export const bpukFilterNames = new Set(bpukFilterLists.map(([name]) => name))
