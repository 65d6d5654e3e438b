/**
 * Card numbers over real HTTP: a PAN typed into the free-text fields of every protocol (tRPC's payment
 * references, custom fields, names, reasons and adjustment descriptions; Billing Platform (UK)'s
 * references; CRM.COM's notes, description and UDFs; Elevate's payment description and reference
 * and balance-adjustment description;
 * LogiSense's detail and check number; Silver's customer details) is answered, replayed, shown by
 * tRPC and every dialect, and stored in every table of the database only masked (first six / last four).
 */
import { Database } from "@paybridge/db"
import { Effect, type ManagedRuntime } from "effect"
import { describe, expect, it } from "vitest"
import { renderedByEveryDialect } from "./cross-protocol.ts"
import type { ProtocolHarness } from "./protocol-harness.ts"

/** The card numbers the card tests type, and how each must come back. */
const pans = {
  visa: { typed: "4111111111111111", masked: "411111******1111" },
  grouped: { typed: "4111 1111 1111 1111", masked: "4111 11** **** 1111" },
  dashed: { typed: "5500-0000-0000-0004", masked: "5500-00**-****-0004" }
} as const

/** True when `text` holds any of the test PANs in the clear (in whatever grouping, JSON-escaped or not). */
const holdsClearPan = (text: string): boolean => {
  const digits = text.replace(/[ -]|\\u002d/gu, "")
  return digits.includes("4111111111111111") || digits.includes("5500000000000004")
}

/** Every table of the ledger's database, for the "no PAN in the clear anywhere" scan. */
const tables = [
  "customers",
  "billing_entities",
  "gateways",
  "payment_presets",
  "documents",
  "payments",
  "allocations",
  "reversals",
  "refunds",
  "collections",
  "balance_entries",
  "ledger_events",
  "dialect_records",
  "idempotency_keys"
] as const

export const registerCardNumberScenarios = (h: ProtocolHarness) => {
  describe("card numbers typed into free text are masked before anything is stored", () => {
    const writes: Array<{
      readonly protocol: string
      readonly fields: string
      readonly paymentId: number | null
      /** A rejected payment is not shown by the dialects (only by tRPC). */
      readonly rejected?: true
    }> = []

    it("every protocol's free-text fields answer the masked form", async () => {
      const admin = h.server.clientAs("admin")
      const trpcHeaders = { authorization: `Bearer ${h.server.apiKeys.admin}` }
      const customer = await admin.customers.create.mutate({
        name: `Card holder ${pans.grouped.typed}`,
        currency: "GBP",
        customFields: { card: pans.visa.typed }
      })
      expect(customer.name).toBe(`Card holder ${pans.grouped.masked}`)
      expect(customer.customFields).toEqual({ card: pans.visa.masked })
      const invoice = await admin.documents.issue.mutate({
        kind: "invoice",
        customerId: customer.id,
        total: "500.00"
      })

      // tRPC: every payment reference and custom field, with an idempotency key (its stored answer is checked below).
      const createWithPans = () =>
        h.post(
          "/trpc/payments.create",
          {
            customerId: customer.id,
            amount: "10.00",
            description: `desc ${pans.visa.typed}`,
            notes: `notes ${pans.grouped.typed}`,
            reference: pans.dashed.typed,
            customerReference: `cust ${pans.visa.typed}`,
            checkNumber: pans.visa.typed,
            thirdPartyReference: `3p ${pans.dashed.typed}`,
            customFields: { note: `pan ${pans.visa.typed}` }
          },
          { ...trpcHeaders, "idempotency-key": "pan-trpc-1" }
        )
      const viaTrpc = await createWithPans()
      expect(viaTrpc.status, viaTrpc.text).toBe(200)
      expect(holdsClearPan(viaTrpc.text), viaTrpc.text).toBe(false)
      const trpcPayment = (
        viaTrpc.json as { result: { data: { payment: { id: number; references: Record<string, string> } } } }
      ).result.data.payment
      expect(trpcPayment.references).toMatchObject({
        description: `desc ${pans.visa.masked}`,
        notes: `notes ${pans.grouped.masked}`,
        reference: pans.dashed.masked,
        checkNumber: pans.visa.masked
      })
      writes.push({
        protocol: "trpc",
        fields: "payment references, custom fields, customer name",
        paymentId: trpcPayment.id
      })
      // The same request again: the stored answer is replayed, masked.
      const replay = await createWithPans()
      expect(replay.status, replay.text).toBe(200)
      expect(holdsClearPan(replay.text)).toBe(false)
      const adjusted = await h.post(
        "/trpc/balances.adjust",
        { customerId: customer.id, amount: "1.00", description: `goodwill ${pans.visa.typed}` },
        trpcHeaders
      )
      expect(adjusted.status, adjusted.text).toBe(200)
      const draft = await admin.payments.create.mutate({
        customerId: customer.id,
        amount: "3.00",
        initialState: "draft"
      })
      const rejected = await h.post(
        "/trpc/payments.reject",
        { paymentId: draft.payment.id, reason: `declined ${pans.visa.typed}` },
        trpcHeaders
      )
      expect(rejected.status, rejected.text).toBe(200)
      expect(holdsClearPan(rejected.text)).toBe(false)
      writes.push({ protocol: "trpc", fields: "rejection reason", paymentId: draft.payment.id, rejected: true })

      // Billing Platform (UK): ourReference, customerReference.
      const bpuk = await h.post(
        `/backend/api/v1/customers/${customer.id}/payments/`,
        `{"paymentAmount": 20.00, "ourReference": "${pans.visa.typed}", "customerReference": "remit ${pans.grouped.typed}"}`,
        { authorization: `Bearer ${h.server.apiKeys.admin}`, "idempotency-key": "pan-bpuk-1" }
      )
      expect(bpuk.status, bpuk.text).toBe(201)
      expect(holdsClearPan(bpuk.text), bpuk.text).toBe(false)
      writes.push({
        protocol: "billing-platform-uk",
        fields: "ourReference, customerReference",
        paymentId: Number((bpuk.json as { id: string }).id)
      })

      // CRM.COM: notes, description and a UDF.
      const crm = await h.post("/crmapi/rest/v4/payments/create", {
        token: h.crmToken,
        accounts_receivable_identifier: { number: customer.number },
        type_identifier: { name: "Invoices Balance Payment" },
        payment_method_identifier: { alternative_code: "BT" },
        life_cycle_state: "POSTED",
        payment_amount: "30",
        notes: `notes ${pans.visa.typed}`,
        description: `desc ${pans.dashed.typed}`,
        udf_string_1: pans.grouped.typed
      })
      expect((crm.json as { status: { code: string } }).status.code, crm.text).toBe("OK")
      expect(holdsClearPan(crm.text), crm.text).toBe(false)
      const crmPublicId = (crm.json as { data: { id: string } }).data.id
      const crmPayment = await admin.payments.get.query({ publicId: crmPublicId })
      writes.push({
        protocol: "crm-com",
        fields: "notes, description, udf_string_1",
        paymentId: crmPayment.payment.id
      })

      // Elevate: description, reference.
      const elevate = await h.post(
        "/elevate/v1/customer-payments",
        {
          customerId: customer.id,
          amountInMajorCurrency: 40,
          description: `desc ${pans.visa.typed}`,
          reference: pans.dashed.typed,
          type: "CHEQUE"
        },
        { authorization: `Bearer ${h.elevateToken}` }
      )
      expect(elevate.status, elevate.text).toBe(201)
      expect(holdsClearPan(elevate.text), elevate.text).toBe(false)
      writes.push({
        protocol: "elevate",
        fields: "description, reference",
        paymentId: (elevate.json as { id: number }).id
      })
      const adjustment = await h.post(
        "/elevate/v1/customer-balances",
        { customerId: customer.id, amountInMajorCurrency: 5, description: `goodwill ${pans.visa.typed}` },
        { authorization: `Bearer ${h.elevateToken}` }
      )
      expect(adjustment.status, adjustment.text).toBe(200)
      expect((adjustment.json as { description: string }).description).toBe(`goodwill ${pans.visa.masked}`)

      // LogiSense: detail, checkNumber.
      const logisense = await h.post(
        "/logisense/api/v6/Payment/",
        `{"accountId":${customer.id},"amount":50.00,"invoiceId":${invoice.id},"detail":"paid by ${pans.grouped.typed}","checkNumber":"${pans.visa.typed}"}`,
        { authorization: `Bearer ${h.logisenseToken}` }
      )
      expect(logisense.status, logisense.text).toBe(200)
      expect(holdsClearPan(logisense.text), logisense.text).toBe(false)
      const logisenseId = (logisense.json as { results: { items: Array<{ identity: number }> } }).results.items[0]
        ?.identity
      writes.push({ protocol: "logisense", fields: "detail, checkNumber", paymentId: logisenseId ?? null })

      // Silver: a customer's text details (a dialect record) and its name.
      const silver = await h.post(
        "/silver/customers/",
        {
          name: `Silver ${pans.visa.typed}`,
          address_1: `card ${pans.grouped.typed}`,
          city: "Cluj",
          country: "RO",
          customer_reference: pans.dashed.typed,
          extra: `x ${pans.visa.typed}`,
          currency: "GBP"
        },
        { authorization: `Token ${h.server.apiKeys.admin}` }
      )
      expect(silver.status, silver.text).toBe(201)
      expect(holdsClearPan(silver.text), silver.text).toBe(false)
      const silverShown = await h.get(new URL((silver.json as { url: string }).url).pathname, {
        authorization: `Token ${h.server.apiKeys.admin}`
      })
      expect(silverShown.status).toBe(200)
      expect(holdsClearPan(silverShown.text), silverShown.text).toBe(false)
      expect(silverShown.json).toMatchObject({
        customer_reference: pans.dashed.masked,
        extra: `x ${pans.visa.masked}`
      })
      writes.push({ protocol: "silver", fields: "name, address, customer_reference, extra", paymentId: null })
    })

    it("every payment written reads back masked through tRPC and every dialect's view", async () => {
      const admin = h.server.clientAs("admin")
      const payments = writes.flatMap((write) => (write.paymentId === null ? [] : [write]))
      expect(payments.map((write) => write.protocol)).toEqual([
        "trpc",
        "trpc",
        "billing-platform-uk",
        "crm-com",
        "elevate",
        "logisense"
      ])
      for (const write of payments) {
        const id = write.paymentId as number
        const viaTrpc = await admin.payments.get.query({ id })
        expect(holdsClearPan(JSON.stringify(viaTrpc)), `${write.protocol} via tRPC`).toBe(false)
        if (write.rejected) continue
        for (const { dialectId, rendered } of await renderedByEveryDialect(h.server, id)) {
          expect(holdsClearPan(JSON.stringify(rendered)), `${write.protocol} shown by ${dialectId}`).toBe(false)
        }
      }
      const events = await admin.events.feed.query({ limit: 1000 })
      expect(holdsClearPan(JSON.stringify(events))).toBe(false)
    })

    it("no table of the database holds a card number in the clear (records, events, idempotency answers, dialect records)", async () => {
      const withDatabase = h.server.runtime as unknown as ManagedRuntime.ManagedRuntime<Database, never>
      for (const table of tables) {
        const rows = (await withDatabase.runPromise(
          Effect.flatMap(Effect.service(Database), (db) =>
            Effect.promise(() => db.orm.em.fork().execute(`select * from ${table}`))
          )
        )) as ReadonlyArray<unknown>
        const text = JSON.stringify(rows, (_key, value: unknown) =>
          typeof value === "bigint" ? value.toString() : value
        )
        expect(holdsClearPan(text), `${table}: ${text.slice(0, 400)}`).toBe(false)
      }
    })
  })
}
