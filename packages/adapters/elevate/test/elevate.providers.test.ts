/**
 * Elevate's payment providers, mandates and provider payments over ledger gateways: creating,
 * listing, reading and JSON-Patching payment providers (admins only), site payment mandates found
 * by id and by site, payment links made through the gateway port for an invoice, an adhoc invoice
 * or a balance, and instant bank payments charged on a mandate through a provider that offers them.
 */
import type { DialectTestbed, TestRequest } from "@paybridge/adapter-kit/testing"
import { Documents, type GatewayId, Parties } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  authorize,
  type ElevateSeed,
  elevateClient,
  expectError,
  issue,
  money,
  newTestbed,
  plain,
  rows,
  seed
} from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed
const { send, get, post, balanceOf } = elevateClient(() => ({ testbed, elevate }))

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

describe("payment providers", () => {
  it("creates, lists and reads payment providers as ledger gateways", async () => {
    const admin = await seed(testbed, "admin")
    const asAdmin = (request: TestRequest) => testbed.request(authorize(request, admin))
    const created = await asAdmin({
      method: "POST",
      path: "/payment-providers",
      body: {
        type: "GO_CARDLESS",
        name: "GoCardless UK",
        status: "ACTIVE",
        creditorIdentifier: "GB12ZZZ",
        instantBankPayments: true,
        contractOwnerIds: [1]
      }
    })
    expect(created.status, created.text).toBe(201)
    const provider = plain(created) as Record<string, unknown>
    expect(provider).toMatchObject({
      type: "GO_CARDLESS",
      name: "GoCardless UK",
      status: "ACTIVE",
      creditorIdentifier: "GB12ZZZ",
      instantBankPayments: true,
      retryIfPossible: false,
      contractOwnerIds: [1]
    })
    const gateway = await testbed.runAsSystem(Parties.use((parties) => parties.getGateway(provider.id as GatewayId)))
    expect([gateway.name, gateway.enabled]).toEqual(["GoCardless UK", true])
    await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: "stripe", name: "Stripe", enabled: false }))
    )

    expect(plain(await get(`/payment-providers/${provider.id}`))).toEqual(provider)
    const all = await get("/payment-providers", { page: "1", pageSize: "10" })
    expect(rows(all).map((row) => [row.name, row.type, row.status])).toEqual([
      ["GoCardless UK", "GO_CARDLESS", "ACTIVE"],
      ["Stripe", "OTHER", "INACTIVE"]
    ])
    expect(rows(await get("/payment-providers", { page: "1", pageSize: "10", type: "GO_CARDLESS" }))).toHaveLength(1)
    expectError(await get("/payment-providers/999999"), 404)
    // Creating a provider configures the platform: a finance user may not.
    expectError(await post("/payment-providers", { type: "STRIPE", name: "Nope", status: "ACTIVE" }), 403)
    expectError(await post("/payment-providers", { type: "NOT_A_METHOD", name: "Nope", status: "ACTIVE" }), 400, "type")
  })
})

describe("payment provider updates", () => {
  it("updates a provider's name, status and settings with JSON Patch", async () => {
    const admin = await seed(testbed, "admin")
    const asAdmin = (request: TestRequest) => testbed.request(authorize(request, admin))
    const provider = plain(
      await asAdmin({
        method: "POST",
        path: "/payment-providers",
        body: { type: "GO_CARDLESS", name: "GoCardless", status: "ACTIVE" }
      })
    ) as { id: number }
    const patch = (body: unknown, as = asAdmin) =>
      as({ method: "PATCH", path: `/payment-providers/${provider.id}`, body })
    const updated = await patch([
      { op: "replace", path: "/name", value: "GoCardless EU" },
      { op: "replace", path: "/status", value: "INACTIVE" },
      { op: "replace", path: "/instantBankPayments", value: true },
      { op: "replace", path: "/creditorIdentifier", value: "DE98ZZZ" }
    ])
    expect(updated.status, updated.text).toBe(200)
    expect(plain(updated)).toMatchObject({
      id: provider.id,
      type: "GO_CARDLESS",
      name: "GoCardless EU",
      status: "INACTIVE",
      instantBankPayments: true,
      creditorIdentifier: "DE98ZZZ"
    })
    expect(plain(await get(`/payment-providers/${provider.id}`))).toEqual(plain(updated))
    const gateway = await testbed.runAsSystem(Parties.use((parties) => parties.getGateway(provider.id as GatewayId)))
    expect([gateway.name, gateway.enabled]).toEqual(["GoCardless EU", false])
    // A disabled provider takes no payments.
    const refused = await post("/instant-bank-payment-for-mandate", {
      customerId: elevate.customerId,
      paymentProviderId: provider.id,
      mandateReference: "MD-1",
      amountInMajorCurrency: money("5.00")
    })
    expectError(refused, 400, "disabled")
    // Bad operations change nothing; only admins may patch.
    expectError(await patch([{ op: "replace", path: "/type", value: "STRIPE" }]), 400, "/name")
    expectError(await patch([{ op: "remove", path: "/name" }]), 400, "replace")
    expectError(await patch([{ op: "replace", path: "/status", value: "PAUSED" }]), 400, "status")
    expectError(await patch([{ op: "replace", path: "/name", value: "X" }], send), 403)
    expect(plain(await get(`/payment-providers/${provider.id}`))).toEqual(plain(updated))
    expectError(
      await asAdmin({
        method: "PATCH",
        path: "/payment-providers/999999",
        body: [{ op: "replace", path: "/name", value: "N" }]
      }),
      404
    )
  })
})

describe("site payment mandates", () => {
  it("records a mandate per site and finds it by id and by site", async () => {
    const made = await post("/site-payment-mandates", {
      siteId: elevate.customerId,
      returnURL: "https://example.test/return",
      redirectURL: "https://provider.test/flow",
      mandateReference: "MD0001"
    })
    expect(made.status, made.text).toBe(201)
    const mandate = plain(made) as Record<string, unknown>
    expect(mandate).toMatchObject({
      siteId: elevate.customerId,
      returnURL: "https://example.test/return",
      redirectURL: "https://provider.test/flow",
      mandateReference: "MD0001",
      exitURL: null,
      flowToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/)
    })
    expect(plain(await get(`/site-payment-mandates/${mandate.id}`))).toEqual(mandate)
    const bySite = await get("/site-payment-mandates", {
      page: "1",
      pageSize: "10",
      siteId: String(elevate.customerId)
    })
    expect(rows(bySite)).toEqual([mandate])
    expectError(await get("/site-payment-mandates/999999"), 404)
    expectError(await post("/site-payment-mandates", { siteId: 999999, returnURL: "https://x.test" }), 404)
    expectError(await post("/site-payment-mandates", { siteId: elevate.customerId }), 400, "returnURL")
    // Retried with the same idempotency key, the same mandate comes back.
    const again = await post(
      "/site-payment-mandates",
      { siteId: elevate.customerId, returnURL: "https://example.test/r2" },
      { "idempotency-key": "mandate-1" }
    )
    const replay = await post(
      "/site-payment-mandates",
      { siteId: elevate.customerId, returnURL: "https://example.test/r2" },
      { "idempotency-key": "mandate-1" }
    )
    expect(replay.text).toBe(again.text)
  })
})

describe("payment links", () => {
  it("creates a payment link through the gateway port for an invoice or a balance", async () => {
    const provider = await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: "paylink", name: "Pay Link" }))
    )
    const invoice = await issue(testbed, elevate.customerId, "80.00")
    const adhoc = await issue(testbed, elevate.customerId, "8.00", { kind: "bill" })
    const before = await balanceOf(elevate.customerId)
    const made = await post("/payment-provider-payment-link", {
      paymentProviderId: provider.id,
      amountInMajorCurrency: money("80.00"),
      description: "Invoice 1",
      emailAddress: "ada@example.test",
      invoiceId: invoice.id
    })
    expect(made.status, made.text).toBe(201)
    expect(plain(made)).toMatchObject({
      paymentProviderId: provider.id,
      amountInMajorCurrency: 80,
      currencyId: 826,
      description: "Invoice 1",
      emailAddress: "ada@example.test",
      invoiceId: invoice.id,
      adhocInvoiceId: null,
      customerId: elevate.customerId,
      url: expect.stringMatching(/^https:\/\/pay\.test-gateway\.invalid\/paylink\//)
    })
    expect(await balanceOf(elevate.customerId)).toBe(before)
    const forBalance = await post("/payment-provider-payment-link", {
      paymentProviderId: provider.id,
      amountInMajorCurrency: money("12.34"),
      description: "Top up",
      customerId: elevate.customerId
    })
    expect(plain(forBalance)).toMatchObject({
      customerId: elevate.customerId,
      invoiceId: null,
      amountInMajorCurrency: 12.34
    })
    const link = (body: Record<string, unknown>) =>
      post("/payment-provider-payment-link", { paymentProviderId: provider.id, description: "x", ...body })
    expectError(
      await link({ amountInMajorCurrency: money("1"), invoiceId: invoice.id, customerId: elevate.customerId }),
      400,
      "exactly one"
    )
    expectError(await link({ amountInMajorCurrency: money("1"), invoiceId: adhoc.id }), 400, "adhoc")
    expect((await link({ amountInMajorCurrency: money("1"), adhocInvoiceId: adhoc.id })).status).toBe(201)
    expectError(
      await link({ amountInMajorCurrency: money("100000.01"), customerId: elevate.customerId }),
      400,
      "100000"
    )
    expectError(await link({ amountInMajorCurrency: money("0"), customerId: elevate.customerId }), 400)
    expectError(
      await post("/payment-provider-payment-link", {
        paymentProviderId: 999999,
        amountInMajorCurrency: money("1"),
        description: "x",
        customerId: elevate.customerId
      }),
      404
    )
  })
})

describe("instant bank payments", () => {
  it("charges a mandate through a provider that offers instant bank payments", async () => {
    const admin = await seed(testbed, "admin")
    const asAdmin = (request: TestRequest) => testbed.request(authorize(request, admin))
    const providerOf = async (instantBankPayments: boolean) =>
      plain(
        await asAdmin({
          method: "POST",
          path: "/payment-providers",
          body: { type: "GO_CARDLESS", name: `GC ${instantBankPayments}`, status: "ACTIVE", instantBankPayments }
        })
      ) as { id: number }
    const instant = await providerOf(true)
    const slow = await providerOf(false)
    const invoice = await issue(testbed, elevate.customerId, "30.00", { issueDate: "2026-01-01" })
    const charge = (providerId: number, amount: string) =>
      post("/instant-bank-payment-for-mandate", {
        customerId: elevate.customerId,
        paymentProviderId: providerId,
        mandateReference: "MD-42",
        amountInMajorCurrency: money(amount),
        reference: "IBP-1"
      })
    const before = await balanceOf(elevate.customerId)

    const paid = await charge(instant.id, "30.00")
    expect(paid.status, paid.text).toBe(201)
    expect(plain(paid)).toMatchObject({ customerId: elevate.customerId, type: "DIRECT_DEBIT", invoiceId: invoice.id })
    expect(await balanceOf(elevate.customerId)).toBe(before + 3000n)
    const document = await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(invoice.id)))
    expect(document.state).toBe("paid")

    // The test gateway declines amounts ending in .51: the provider's message, nothing added to the balance.
    expectError(await charge(instant.id, "10.51"), 400, "card declined")
    expectError(await charge(slow.id, "10.00"), 400, "does not offer instant bank payments")
    expectError(await charge(999_999, "10.00"), 404)
    expect(await balanceOf(elevate.customerId)).toBe(before + 3000n)
  })
})
