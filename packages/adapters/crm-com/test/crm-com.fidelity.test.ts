/**
 * CRM.COM rules a migrating client notices (issue 17.5–17.7), over HTTP through the testbed: the
 * full payment's `life_cycle_state` is one of DRAFT, POSTED, REJECTED, CANCELLED (a gateway payment
 * awaiting verification is DRAFT there, PENDING_VERIFICATION only in the short payment the write
 * methods answer); `payments/get_latest` orders by submission time, newest first; an unknown
 * `unit` is refused at login in CRM.COM's envelope; a migrated payment shows the gateway attempt
 * CRM.COM showed (issue 16.5).
 */
import { DialectRecords, Documents, Parties, Payments, testGatewayTokens } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { asSystem, dataOf, jack, makeTenant, plain, type Tenant } from "./crm-com.fixtures.ts"

let tenant: Tenant
beforeEach(async () => {
  tenant = await makeTenant()
})
afterEach(() => tenant.dispose())

const statusOf = (response: { json: unknown }) =>
  (response.json as { status: { code: string; message: string } }).status

const create = (fields: Record<string, unknown> = {}) =>
  tenant.post("/payments/create", {
    accounts_receivable_identifier: { number: "192" },
    type_identifier: { name: "Invoices Balance Payment" },
    life_cycle_state: "POSTED",
    payment_method_identifier: { name: "Bank Transfer" },
    payment_amount: "50",
    ...fields
  })

type Short = { life_cycle_state: string; reference_number: string; number: string | null }

describe("life_cycle_state of the full and the short payment (17.5)", () => {
  it("shows a gateway payment awaiting verification as PENDING_VERIFICATION in the short payment and DRAFT in the full one", async () => {
    const made = dataOf<Short>(
      await create({
        payment_method_identifier: { name: "Stripe Payment Gateway" },
        card_identifier: { id: testGatewayTokens.pending }
      })
    )
    expect(made).toMatchObject({ life_cycle_state: "PENDING_VERIFICATION", number: null })
    const full = dataOf<{ life_cycle_state: string }>(
      await tenant.get("/payments/show", { payment_identifier: `reference_number=${made.reference_number}` })
    )
    expect(full.life_cycle_state).toBe("DRAFT")
    const listed = dataOf<Array<{ life_cycle_state: string }>>(
      await tenant.get("/payments/list", { accounts_receivable_identifier: "number=192" })
    )
    expect(listed.map((payment) => payment.life_cycle_state)).toEqual(["DRAFT"])
  })

  it("uses only DRAFT, POSTED, REJECTED and CANCELLED in every full payment", async () => {
    const references = [
      dataOf<Short>(await create({ life_cycle_state: "DRAFT" })).reference_number,
      dataOf<Short>(await create()).reference_number,
      dataOf<Short>(
        await create({
          payment_method_identifier: { name: "Stripe Payment Gateway" },
          card_identifier: { id: testGatewayTokens.decline }
        })
      ).reference_number,
      dataOf<Short>(
        await create({
          payment_method_identifier: { name: "Stripe Payment Gateway" },
          card_identifier: { id: testGatewayTokens.pending }
        })
      ).reference_number
    ]
    const states = await Promise.all(
      references.map(
        async (reference) =>
          dataOf<{ life_cycle_state: string }>(
            await tenant.get("/payments/show", { payment_identifier: `reference_number=${reference}` })
          ).life_cycle_state
      )
    )
    expect(states).toEqual(["DRAFT", "POSTED", "REJECTED", "DRAFT"])
  })

  it("does not post a payment awaiting verification as if it were a draft", async () => {
    const made = dataOf<Short>(
      await create({
        payment_method_identifier: { name: "Stripe Payment Gateway" },
        card_identifier: { id: testGatewayTokens.pending }
      })
    )
    const post = await tenant.post("/payments/post", {
      payment_identifier: { reference_number: made.reference_number }
    })
    expect(statusOf(post)).toMatchObject({
      code: "INVALID_LIFE_CYCLE_STATE",
      message: `Only DRAFT payments can be posted; payment ${made.reference_number} is PENDING_VERIFICATION`
    })
  })
})

describe("payments/get_latest orders by submission (17.6)", () => {
  it("answers the latest submitted payments first, whatever their payment dates", async () => {
    const first = dataOf<Short>(await create({ received_on: "2014-07-20T09:00:00" })).reference_number
    const second = dataOf<Short>(await create({ received_on: "2014-07-01T09:00:00" })).reference_number
    const third = dataOf<Short>(await create({ received_on: "2014-07-10T09:00:00" })).reference_number
    const latest = dataOf<Array<{ reference_number: string }>>(
      await tenant.get("/payments/get_latest", {
        accounts_receivable_identifier: "number=192",
        number: "2",
        fields_set: "reference_number"
      })
    )
    expect(latest.map((payment) => payment.reference_number)).toEqual([third, second])
    const all = dataOf<Array<{ reference_number: string }>>(
      await tenant.get("/payments/get_latest", {
        accounts_receivable_identifier: "number=192",
        number: "10",
        fields_set: "reference_number"
      })
    )
    expect(all.map((payment) => payment.reference_number)).toEqual([third, second, first])
    const payments = await asSystem(
      tenant,
      Payments.use((service) => service.listPayments({ customerId: tenant.customer.id, order: "id" }))
    )
    expect(payments.items.map((payment) => payment.paymentDate)).toEqual(["2014-07-20", "2014-07-01", "2014-07-10"])
  })
})

describe("payments/list and get_latest show each payment as payments/show does", () => {
  it("renders attributes, documents, owner and who made and last changed each payment alike (read with the page)", async () => {
    const invoice = await asSystem(
      tenant,
      Documents.use((documents) =>
        documents.issueDocument({ kind: "invoice", customerId: tenant.customer.id, total: "30", number: "INV-7" })
      )
    )
    await create({
      payment_amount: "50",
      category_identifier: { name: "Invoice Payments" },
      invoices_to_pay_set: [{ invoice_identifier: { id: invoice.publicId } }],
      notes: "pays INV-7",
      udf_string_1: "first"
    })
    // A draft posted by someone else: made by JackH, last changed by the system.
    const draft = dataOf<Short>(await create({ life_cycle_state: "DRAFT" }))
    const ledgerPayment = await asSystem(
      tenant,
      Payments.use((service) => service.getPayment({ referenceNumber: draft.reference_number }))
    )
    await asSystem(
      tenant,
      Payments.use((service) => service.postPayment({ paymentId: ledgerPayment.payment.id }))
    )
    const rejected = dataOf<Short>(await create({ life_cycle_state: "DRAFT" }))
    await tenant.post("/payments/reject", {
      payment_identifier: { reference_number: rejected.reference_number },
      rejection_reason_identifier: { name: "Reject Due to Business Request" }
    })
    const cancelled = dataOf<Short & { id: string }>(await create({ payment_amount: "12.5" }))
    await tenant.post("/payments/cancel", {
      payment_identifier: { id: cancelled.id },
      type_identifier: { alternative_code: "PAYCANC" }
    })

    const listed = dataOf<Array<{ id: string }>>(
      await tenant.get("/payments/list", { accounts_receivable_identifier: "number=192" })
    )
    expect(listed).toHaveLength(4)
    const shown = await Promise.all(
      listed.map(async (payment) =>
        plain(dataOf(await tenant.get("/payments/show", { payment_identifier: `id=${payment.id}` })))
      )
    )
    expect(plain(listed)).toEqual(shown)
    const updatedBy = shown.map(
      (payment) => (payment as { log_information: { updated_by_user: { username: string } } }).log_information
    )
    expect(updatedBy.map((log) => log.updated_by_user.username)).toEqual([jack.email, "system", jack.email, jack.email])
    const latest = dataOf<Array<unknown>>(
      await tenant.get("/payments/get_latest", { accounts_receivable_identifier: "number=192", number: "3" })
    )
    expect(plain(latest)).toEqual(shown.slice(1).reverse())
  })
})

describe("payments/create names the accounts receivable without a search", () => {
  it("finds an account by number, by id and by the CRM.COM id it was migrated under; an unknown one is NOT_FOUND", async () => {
    const crmId = "0123456789ABCDEF0123456789ABCDEF"
    const migrated = await asSystem(
      tenant,
      Effect.gen(function* () {
        const customer = yield* Parties.use((parties) =>
          parties.createCustomer({
            name: "Migrated Account",
            number: "777",
            currency: "EUR",
            externalRef: { system: "crm-com", id: crmId }
          })
        )
        yield* DialectRecords.use((records) =>
          records.saveDialectRecord({
            dialect: "crm-com",
            kind: "migrated",
            key: `customer/${crmId}`,
            data: { ledgerId: customer.id }
          })
        )
        return customer
      })
    )
    const accountOf = async (identifier: Record<string, string>) => {
      const made = dataOf<{ id: string }>(await create({ accounts_receivable_identifier: identifier }))
      const shown = dataOf<{ accounts_receivable: { id: string; number: string } }>(
        await tenant.get("/payments/show", { payment_identifier: `id=${made.id}` })
      )
      return shown.accounts_receivable
    }
    expect(await accountOf({ number: "192" })).toMatchObject({ number: "192", id: tenant.customer.publicId })
    expect(await accountOf({ id: tenant.customer.publicId.toLowerCase() })).toMatchObject({ number: "192" })
    expect(await accountOf({ id: crmId })).toEqual(expect.objectContaining({ number: "777", id: crmId }))
    expect(migrated.number).toBe("777")
    for (const identifier of [{ number: "999" }, { id: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" }]) {
      const refused = await create({ accounts_receivable_identifier: identifier })
      expect(statusOf(refused)).toMatchObject({
        code: "NOT_FOUND",
        message: `No accounts receivable with ${Object.keys(identifier)[0]} "${Object.values(identifier)[0]}" exists`
      })
    }
    const listed = dataOf<Array<unknown>>(
      await tenant.get("/payments/list", { accounts_receivable_identifier: "number=192" })
    )
    expect(listed).toHaveLength(2)
  })
})

describe("the unit of a login (17.7)", () => {
  const login = (unit: string) =>
    tenant.send({
      method: "POST",
      path: "/authentication/token",
      body: { username: jack.email, password: jack.password, organisation: "CRM.COM", unit }
    })

  it("refuses an unknown unit at authentication/token in CRM.COM's envelope and issues no token", async () => {
    const refused = await login("No Such Unit")
    expect(refused.json).toMatchObject({
      status: {
        code: "INVALID_PARAMETERS",
        message: expect.stringContaining('the unit "No Such Unit" does not exist')
      },
      data: null
    })
    expect(JSON.stringify(refused.json)).not.toContain('"token"')
  })

  it("accepts a unit by name, alternative code or id", async () => {
    for (const unit of ["Admin Unit", "MG", tenant.unitId]) {
      expect(dataOf<{ token: string }>(await login(unit)).token.length, unit).toBeGreaterThan(32)
    }
  })

  it("refuses an unknown unit with a web API key too", async () => {
    const { apiKey } = await tenant.testbed.createApiKey({ role: "finance" })
    const refused = await tenant.send({
      method: "POST",
      path: "/authentication/web_api_key/token",
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` },
      body: { unit: "Nowhere" }
    })
    expect(statusOf(refused).code).toBe("INVALID_PARAMETERS")
  })
})

describe("received_on keeps its time in the ledger (17.1 across protocols)", () => {
  it("keeps the receipt time as the payment's instant, so every protocol shows the same time", async () => {
    const made = dataOf<Short>(await create({ received_on: "2015-03-02T09:12:54" }))
    const payments = await asSystem(
      tenant,
      Payments.use((service) => service.listPayments({ customerId: tenant.customer.id, order: "id" }))
    )
    const payment = payments.items.find((row) => row.referenceNumber === made.reference_number)
    expect(payment?.receivedAt?.toISOString()).toBe("2015-03-02T09:12:54.000Z")
    expect(payment?.paymentDate).toBe("2015-03-02")
    const full = dataOf<{ received_on: string }>(
      await tenant.get("/payments/show", { payment_identifier: `reference_number=${made.reference_number}` })
    )
    expect(full.received_on).toBe("2015-03-02T09:12:54")
  })
})

describe("a migrated gateway payment's attempt (issue 16.5)", () => {
  it("shows the gateway fields CRM.COM showed, kept in the payment's attribute record by the migration", async () => {
    const made = dataOf<Short>(await create())
    const payment = (
      await asSystem(
        tenant,
        Payments.use((service) => service.listPayments({ customerId: tenant.customer.id, order: "id" }))
      )
    ).items.find((row) => row.referenceNumber === made.reference_number)
    if (payment === undefined) throw new Error("payment not found")
    const show = () => tenant.get("/payments/show", { payment_identifier: `reference_number=${made.reference_number}` })
    // Not charged through a gateway here: no gateway fields.
    expect(dataOf(await show())).not.toHaveProperty("processed_by_payment_gateway")
    // As `pnpm migrate` keeps a CRM.COM gateway attempt that stayed at the vendor (merged into the record).
    await asSystem(
      tenant,
      DialectRecords.use((records) =>
        records.saveDialectRecord({
          dialect: "crm-com",
          kind: "payment",
          key: payment.publicId,
          customerId: payment.customerId,
          paymentId: payment.id,
          data: { processed_by_payment_gateway: "stripe", payment_gateway_reference_number: "ch_1AB" },
          merge: true
        })
      )
    )
    expect(dataOf(await show())).toMatchObject({
      processed_by_payment_gateway: "stripe",
      payment_gateway_reference_number: "ch_1AB"
    })
    const listed = dataOf<Array<{ reference_number: string }>>(
      await tenant.get("/payments/list", { accounts_receivable_identifier: "number=192" })
    ).find((row) => row.reference_number === made.reference_number)
    expect(listed).toMatchObject({ processed_by_payment_gateway: "stripe", payment_gateway_reference_number: "ch_1AB" })
  })
})
