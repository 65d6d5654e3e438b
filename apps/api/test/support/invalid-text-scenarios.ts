/**
 * Ill-formed text and impossible dates over real HTTP: a NUL or a lone surrogate in any text field —
 * the unauthenticated login fields of every protocol included (CRM.COM `authentication/token`,
 * Elevate `/authenticate`, LogiSense `Access/Login`, Silver's Basic credentials, tRPC
 * `session.signIn`) — and impossible calendar dates or out-of-range timestamps are refused with the
 * protocol's validation status in its own error shape, and change nothing in the ledger.
 */
import { describe, expect, it } from "vitest"
import { ledgerSnapshots } from "./fuzz/ledger-snapshot.ts"
import {
  type Answer,
  answer,
  dialectById,
  inErrorShape,
  inTrpcShape,
  type ProtocolHarness
} from "./protocol-harness.ts"

export const registerInvalidTextScenarios = (h: ProtocolHarness) => {
  describe("ill-formed text and impossible dates are a 400 in each protocol's shape and change nothing", () => {
    const basic = (user: string, secret: string) =>
      `Basic ${Buffer.from(`${user}:${secret}`, "utf8").toString("base64")}`

    const cases: ReadonlyArray<{
      readonly protocol: string
      readonly what: string
      readonly send: () => Promise<Answer>
    }> = [
      {
        protocol: "trpc",
        what: "session.signIn e-mail with a NUL (unauthenticated)",
        send: () =>
          h.post("/trpc/session.signIn", { email: "ops\u0000@example.com", password: "x" }, { origin: h.server.url })
      },
      {
        protocol: "trpc",
        what: "customers.create name with a lone surrogate",
        send: () =>
          h.post(
            "/trpc/customers.create",
            { name: "Bad \ud800", currency: "EUR" },
            { authorization: `Bearer ${h.server.apiKeys.admin}` }
          )
      },
      {
        protocol: "trpc",
        what: "customers.create custom field name with a NUL",
        send: () =>
          h.post(
            "/trpc/customers.create",
            { name: "Ok", currency: "EUR", customFields: { "k\u0000": "v" } },
            { authorization: `Bearer ${h.server.apiKeys.admin}` }
          )
      },
      {
        protocol: "trpc",
        what: "documents.issue on 2026-02-30",
        send: () =>
          h.post(
            "/trpc/documents.issue",
            { kind: "invoice", customerId: 1, total: "1.00", issueDate: "2026-02-30" },
            { authorization: `Bearer ${h.server.apiKeys.admin}` }
          )
      },
      {
        protocol: "trpc",
        what: "events.feed since 99999-01-01",
        send: () =>
          h.get(`/trpc/events.feed?input=${encodeURIComponent(JSON.stringify({ since: "99999-01-01" }))}`, {
            authorization: `Bearer ${h.server.apiKeys.admin}`
          })
      },
      {
        protocol: "crm-com",
        what: "authentication/token username with a NUL (unauthenticated)",
        send: () =>
          h.post("/crmapi/rest/v4/authentication/token", {
            username: "clerk\u0000",
            password: h.password,
            organisation: "Paybridge",
            unit: "Admin Unit"
          })
      },
      {
        protocol: "crm-com",
        what: "payments/create notes with a lone surrogate",
        send: () =>
          h.post("/crmapi/rest/v4/payments/create", { token: h.crmToken, notes: "\udc00", payment_amount: "1" })
      },
      {
        protocol: "elevate",
        what: "/authenticate username with a lone surrogate (unauthenticated)",
        send: () => h.post("/elevate/v1/authenticate", { brand: "paybridge", username: "\ud83d", password: h.password })
      },
      {
        protocol: "elevate",
        what: "customer-payments query with a NUL",
        send: () =>
          h.get("/elevate/v1/customer-payments?customer_id=%00", { authorization: `Bearer ${h.elevateToken}` })
      },
      {
        protocol: "logisense",
        what: "Access/Login client_id with a NUL (unauthenticated, form-encoded)",
        send: () =>
          fetch(`${h.server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "grant_type=password&client_id=%00&client_secret=x"
          }).then(answer)
      },
      {
        protocol: "logisense",
        what: "Payment/ detail with a NUL",
        send: () =>
          h.post("/logisense/api/v6/Payment/", '{"accountId":1,"amount":1,"detail":"a\\u0000b"}', {
            authorization: `Bearer ${h.logisenseToken}`
          })
      },
      {
        protocol: "silver",
        what: "HTTP Basic user name with a NUL",
        send: () => h.get("/silver/customers/", { authorization: basic("ops\u0000@example.com", "x") })
      },
      {
        protocol: "silver",
        what: "customers/ name with a lone surrogate",
        send: () =>
          h.post(
            "/silver/customers/",
            { name: "\udfff", address_1: "a", city: "b", country: "RO" },
            { authorization: `Token ${h.server.apiKeys.admin}` }
          )
      },
      {
        protocol: "billing-platform-uk",
        what: "payment body field name with a NUL",
        send: () =>
          h.post("/backend/api/v1/customers/1/payments/", '{"paymentAmount": 1.00, "\\u0000": 1}', {
            authorization: `Bearer ${h.server.apiKeys.admin}`
          })
      },
      {
        protocol: "billing-platform-uk",
        what: "payment ourReference with a lone surrogate",
        send: () =>
          h.post("/backend/api/v1/customers/1/payments/", '{"paymentAmount": 1.00, "ourReference": "\\ud800"}', {
            authorization: `Bearer ${h.server.apiKeys.admin}`
          })
      }
    ]

    for (const { protocol, what, send } of cases) {
      it(`${protocol}: ${what}`, async () => {
        const snapshot = ledgerSnapshots(h.server.runtime)
        const before = await snapshot()
        const refused = await send()
        // The status each protocol gives a validation failure (400; CRM.COM answers 200 with an error envelope).
        const status = protocol === "trpc" ? 400 : dialectById(protocol).renderError.ValidationFailed.status
        expect(refused.status, refused.text).toBe(status)
        expect(
          protocol === "trpc" ? inTrpcShape(refused.status, refused.json) : inErrorShape(protocol, refused.json),
          refused.text
        ).toBe(true)
        expect(await snapshot()).toEqual(before)
      })
    }
  })
}
