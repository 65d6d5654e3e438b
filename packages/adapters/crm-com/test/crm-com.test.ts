/**
 * The CRM.COM dialect as a CRM.COM client sees it, over the real ledger: tokens (login, expiry
 * two hours after issue, release, web API keys), identifier rules, `fields_set` on nested fields,
 * list filters, gateway payments and their card identifier, invoices and bills paid, the
 * DRAFT/POSTED/REJECTED/CANCELLED transitions and their refusals, and what a cancellation leaves
 * in the ledger.
 */
import { fileURLToPath } from "node:url"
import { JsonDecimal } from "@paybridge/adapter-kit"
import { provingTestProblems } from "@paybridge/adapter-kit/testing"
import { DialectRecords, Documents, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { crmComDialect } from "../src/index.ts"
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

const show = (reference: string, fieldsSet?: string) =>
  tenant.get("/payments/show", {
    payment_identifier: `reference_number=${reference}`,
    ...(fieldsSet === undefined ? {} : { fields_set: fieldsSet })
  })

describe("tokens", () => {
  it("issues a token for a user's e-mail, password and organisation and accepts it as the token parameter", async () => {
    const login = await tenant.send({
      method: "POST",
      path: "/authentication/token",
      body: { username: jack.email.toUpperCase(), password: jack.password, organisation: "CRM.COM" }
    })
    expect(login.status).toBe(200)
    const token = dataOf<{ token: string }>(login).token
    expect(token.length).toBeGreaterThan(32)
    const made = await tenant.send({
      method: "POST",
      path: "/payments/create",
      body: {
        token,
        accounts_receivable_identifier: { number: "192" },
        type_identifier: { name: "Invoices Balance Payment" },
        life_cycle_state: "DRAFT",
        payment_method_identifier: { name: "Bank Transfer" },
        payment_amount: 20
      }
    })
    const reference = dataOf<{ reference_number: string }>(made).reference_number
    const read = await tenant.send({
      method: "GET",
      path: "/payments/show",
      query: {
        token,
        payment_identifier: `reference_number=${reference}`,
        fields_set: "log_information.created_by_user"
      }
    })
    expect(dataOf(read)).toEqual({
      log_information: {
        created_by_user: {
          person_name: "JackH",
          username: jack.email,
          id: tenant.jackId.toString(16).toUpperCase().padStart(32, "0"),
          email: jack.email
        }
      }
    })
  })

  it("refuses a wrong password and a token two hours after issue in CRM.COM's error envelope", async () => {
    const wrong = await tenant.send({
      method: "POST",
      path: "/authentication/token",
      body: { username: jack.email, password: "not the password", organisation: "CRM.COM" }
    })
    expect(wrong.status).toBe(200)
    expect(wrong.json).toEqual({
      status: { code: "AUTHENTICATION_FAILED", message: "invalid email or password", description: null },
      data: null
    })
    tenant.clock.now += 2 * 60 * 60 * 1000 - 1000
    expect(statusOf(await show("1")).code).toBe("NOT_FOUND")
    tenant.clock.now += 1000
    const expired = await show("1")
    expect(expired.status).toBe(200)
    expect(statusOf(expired)).toEqual({
      code: "INVALID_TOKEN",
      message: "The session token is invalid or has expired",
      description: null
    })
  })

  it("refuses a released token and every later call made with it", async () => {
    const released = await tenant.post("/authentication/token/release", {})
    expect(released.json).toEqual({ status: { message: null, description: null, code: "OK" }, data: null })
    const before = await tenant.testbed.countPayments()
    const after = await create()
    expect(statusOf(after).code).toBe("INVALID_TOKEN")
    expect(await tenant.testbed.countPayments()).toBe(before)
    expect(statusOf(await tenant.post("/authentication/token/release", {})).code).toBe("INVALID_TOKEN")
  })

  it("issues a token for a web API key sent as the HTTP Basic user name with an empty password", async () => {
    const { apiKey } = await tenant.testbed.createApiKey({ role: "finance" })
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
    const issued = await tenant.send({
      method: "POST",
      path: "/authentication/web_api_key/token",
      headers: { authorization: basic(apiKey, "") }
    })
    const token = dataOf<{ token: string }>(issued).token
    const made = await tenant.send({
      method: "POST",
      path: "/payments/create",
      body: {
        token,
        accounts_receivable_identifier: { number: "192" },
        type_identifier: { name: "Invoices Balance Payment" },
        life_cycle_state: "POSTED",
        payment_method_identifier: { name: "Bank Transfer" },
        payment_amount: 5
      }
    })
    expect(dataOf<{ life_cycle_state: string }>(made).life_cycle_state).toBe("POSTED")
    const withPassword = await tenant.send({
      method: "POST",
      path: "/authentication/web_api_key/token",
      headers: { authorization: basic(apiKey, "secret") }
    })
    expect(statusOf(withPassword).code).toBe("AUTHENTICATION_FAILED")
    const wrongKey = await tenant.send({
      method: "POST",
      path: "/authentication/web_api_key/token",
      headers: { authorization: basic("pbk_nosuchkey000_wrongwrongwrongwrongwrongwrong", "") }
    })
    expect(statusOf(wrongKey).code).toBe("AUTHENTICATION_FAILED")
  })
})

describe("identifiers and fields_set", () => {
  it("refuses an identifier with no field, two fields or an unknown field, and names an unknown value", async () => {
    const before = await tenant.testbed.countPayments()
    const none = await create({ accounts_receivable_identifier: {} })
    expect(statusOf(none)).toMatchObject({ code: "INVALID_PARAMETERS" })
    expect(statusOf(none).message).toContain(
      "accounts_receivable_identifier: exactly one of the semi-optional fields id, number, name must be specified (got none)"
    )
    const two = await create({ type_identifier: { name: "Invoices Balance Payment", alternative_code: "INVBALPAY" } })
    expect(statusOf(two).message).toContain("(got name and alternative_code)")
    const unknownField = await create({ payment_method_identifier: { code: "BT" } })
    expect(statusOf(unknownField).message).toContain(
      "unknown field code: the allowed payment_method_identifier fields are id, name, alternative_code"
    )
    const unknownValue = await create({ accounts_receivable_identifier: { number: "999" } })
    expect(statusOf(unknownValue)).toEqual({
      code: "NOT_FOUND",
      message: 'No accounts receivable with number "999" exists',
      description: null
    })
    expect(await tenant.testbed.countPayments()).toBe(before)
    const queryTwo = await tenant.get("/payments/show", { payment_identifier: "reference_number" })
    expect(statusOf(queryTwo).message).toContain("expected field=value")
    const queryUnknown = await tenant.get("/payments/show", { payment_identifier: "code=1" })
    expect(statusOf(queryUnknown).message).toContain("unknown field code")
    const missing = await tenant.get("/payments/show", {})
    expect(statusOf(missing).code).toBe("INVALID_PARAMETERS")
    const unknownPayment = await tenant.get("/payments/show", { payment_identifier: "number=424242" })
    expect(statusOf(unknownPayment).message).toBe('No payment with number "424242" exists')
  })

  it("trims nested fields with fields_set and refuses an unknown field", async () => {
    const made = dataOf<{ reference_number: string }>(await create({ payment_amount: "12.10" }))
    const trimmed = await show(
      made.reference_number,
      "payment_amount,accounts_receivable.number,accounts_receivable.account_owner.demographics.date_of_birth.year,type.name,log_information.created_by_unit.name"
    )
    expect(trimmed.text).toContain('"payment_amount":12.1')
    expect(plain(dataOf(trimmed))).toEqual({
      payment_amount: 12.1,
      accounts_receivable: { number: "192", account_owner: { demographics: { date_of_birth: { year: 1985 } } } },
      type: { name: "Invoices Balance Payment" },
      log_information: { created_by_unit: { name: "Admin Unit" } }
    })
    const unknown = await show(made.reference_number, "id,amount,accounts_receivable.nmae")
    expect(statusOf(unknown)).toMatchObject({
      code: "INVALID_PARAMETERS",
      message: "fields_set names unknown fields: amount, accounts_receivable.nmae"
    })
  })

  it("filters payments/list by type, payment method and category", async () => {
    const plainOne = dataOf<{ id: string }>(await create())
    const categorised = dataOf<{ id: string }>(await create({ category_identifier: { alternative_code: "INVPAY" } }))
    const directDebit = dataOf<{ id: string }>(await create({ payment_method_identifier: { alternative_code: "DD" } }))
    const otherType = dataOf<{ id: string }>(await create({ type_identifier: { name: "Payment 1" } }))
    const ids = async (query: Record<string, string>) =>
      dataOf<Array<{ id: string }>>(
        await tenant.get("/payments/list", {
          accounts_receivable_identifier: "name=Peter Johnson Premium",
          fields_set: "id",
          ...query
        })
      ).map((payment) => payment.id)
    expect(await ids({})).toEqual([plainOne.id, categorised.id, directDebit.id, otherType.id])
    expect(await ids({ category_identifier: "name=Invoice Payments" })).toEqual([categorised.id])
    expect(await ids({ payment_method_identifier: "name=Direct Debit" })).toEqual([directDebit.id])
    expect(await ids({ type_identifier: "alternative_code=PAY1" })).toEqual([otherType.id])
    expect(await ids({ accounts_receivable_identifier: `id=${tenant.customer.publicId}` })).toHaveLength(4)
    expect(await ids({ accounts_receivable_identifier: "number=186" })).toEqual([])
  })
})

describe("creating and paying", () => {
  it("requires the card identifier when the payment method is linked with a gateway", async () => {
    const before = await tenant.testbed.countPayments()
    const withoutCard = await create({ payment_method_identifier: { name: "Stripe Payment Gateway" } })
    expect(statusOf(withoutCard)).toMatchObject({
      code: "INVALID_PARAMETERS",
      message: 'card_identifier is mandatory: payment method "Stripe Payment Gateway" is linked with a payment gateway'
    })
    const cardOnCash = await create({ card_identifier: { payment_gateway_reference_number: "4242424242424242" } })
    expect(statusOf(cardOnCash).code).toBe("INVALID_PARAMETERS")
    expect(await tenant.testbed.countPayments()).toBe(before)
    const declined = dataOf<{ life_cycle_state: string; processed_by_payment_gateway: string }>(
      await create({
        payment_method_identifier: { name: "Stripe Payment Gateway" },
        card_identifier: { id: "4000000000000002" }
      })
    )
    expect(declined).toMatchObject({ life_cycle_state: "REJECTED", processed_by_payment_gateway: "STRIPE" })
  })

  it("creates a payment that pays invoices and bills and shows them with their outstanding amounts", async () => {
    const invoice = await asSystem(
      tenant,
      Documents.use((documents) =>
        documents.issueDocument({ kind: "invoice", customerId: tenant.customer.id, total: "30", number: "INV-1" })
      )
    )
    await asSystem(
      tenant,
      Documents.use((documents) =>
        documents.issueDocument({ kind: "bill", customerId: tenant.customer.id, total: "40", number: "BILL-1" })
      )
    )
    const made = dataOf<{ reference_number: string }>(
      await create({
        payment_amount: 50,
        invoices_to_pay_set: [{ invoice_identifier: { id: invoice.publicId } }],
        bills_to_pay_set: [{ bill_identifier: { number: "BILL-1" } }]
      })
    )
    const shown = plain(
      dataOf(
        await show(
          made.reference_number,
          "invoices_to_pay_set.number,invoices_to_pay_set.outstanding_amount,bills_to_pay_set.number,bills_to_pay_set.outstanding_amount"
        )
      )
    )
    expect(shown).toEqual({
      invoices_to_pay_set: [{ number: "INV-1", outstanding_amount: 0 }],
      bills_to_pay_set: [{ number: "BILL-1", outstanding_amount: 20 }]
    })
  })

  it("refuses to pay an invoice with nothing outstanding or of another accounts receivable", async () => {
    const invoice = await asSystem(
      tenant,
      Documents.use((documents) =>
        documents.issueDocument({ kind: "invoice", customerId: tenant.customer.id, total: "30", number: "INV-9" })
      )
    )
    const pay = (accountNumber: string) =>
      tenant.post("/payments/pay_invoice", {
        accounts_receivable_identifier: { number: accountNumber },
        type_identifier: { name: "Invoices Balance Payment" },
        payment_method_identifier: { name: "Bank Transfer" },
        invoice_identifier: { number: "INV-9" }
      })
    expect(statusOf(await pay("186"))).toMatchObject({ code: "NOT_FOUND" })
    expect(dataOf<{ payment_amount: unknown }>(await pay("192")).payment_amount).toBe(30)
    expect(statusOf(await pay("192"))).toMatchObject({
      code: "INVALID_PARAMETERS",
      message: "invoice INV-9 has no outstanding amount"
    })
    expect(
      (
        await asSystem(
          tenant,
          Documents.use((documents) => documents.getDocument(invoice.id))
        )
      ).allocated
    ).toBe(3000n)
  })

  it("books a JSON amount in exponent notation exactly: 1.05e1 is 10.50, 1e-3 is refused like 0.001 (issue 12)", async () => {
    for (const json of ["1.05e1", "1050E-2"]) {
      const made = dataOf<{ reference_number: string }>(await create({ payment_amount: new JsonDecimal(json) }))
      expect((await show(made.reference_number, "payment_amount")).text).toContain('"payment_amount":10.5')
    }
    const booked = await asSystem(
      tenant,
      Payments.use((payments) => payments.listPayments({ customerId: tenant.customer.id }))
    )
    expect(booked.items.map((payment) => payment.amount)).toEqual([1050n, 1050n])
    const tooFine = await create({ payment_amount: new JsonDecimal("1e-3") })
    const plainTooFine = await create({ payment_amount: new JsonDecimal("0.001") })
    expect(statusOf(tooFine)).toMatchObject({ code: "INVALID_PARAMETERS" })
    expect(statusOf(tooFine).message).toContain("EUR amounts have at most 2 decimal places")
    expect(statusOf(tooFine)).toEqual(statusOf(plainTooFine))
    expect(statusOf(await create({ payment_amount: new JsonDecimal("1e-400") })).code).toBe("INVALID_PARAMETERS")
  })
})

describe("life cycle", () => {
  it("updates a DRAFT payment and refuses to update a POSTED one", async () => {
    const draft = dataOf<{ reference_number: string }>(await create({ life_cycle_state: "DRAFT" }))
    const updated = await tenant.post("/payments/update", {
      payment_identifier: { reference_number: draft.reference_number },
      payment_amount: 75.5,
      category_identifier: { name: "Invoice Payments" },
      notes: "corrected",
      udf_string_2: "two"
    })
    expect(plain(dataOf(updated))).toMatchObject({
      payment_amount: 75.5,
      life_cycle_state: "DRAFT"
    })
    expect(
      plain(dataOf(await show(draft.reference_number, "category.name,notes,udf_string_2,payment_amount")))
    ).toEqual({
      category: { name: "Invoice Payments" },
      notes: "corrected",
      udf_string_2: "two",
      payment_amount: 75.5
    })
    const posted = dataOf<{ reference_number: string }>(await create())
    const refused = await tenant.post("/payments/update", {
      payment_identifier: { reference_number: posted.reference_number },
      payment_amount: 1
    })
    expect(statusOf(refused)).toEqual({
      code: "INVALID_LIFE_CYCLE_STATE",
      message: `Only DRAFT payments can be updated; payment ${posted.reference_number} is POSTED`,
      description: null
    })
  })

  it("leaves a DRAFT payment unchanged when an update names an unknown category, user or unit", async () => {
    const draft = dataOf<{ reference_number: string }>(await create({ life_cycle_state: "DRAFT" }))
    const events = await tenant.testbed.countEvents()
    for (const unknown of [
      { category_identifier: { name: "No Such Category" } },
      { received_by_user_identifier: { username: "nobody@example.invalid" } },
      { received_by_unit_identifier: { name: "No Such Unit" } }
    ]) {
      const refused = await tenant.post("/payments/update", {
        payment_identifier: { reference_number: draft.reference_number },
        payment_amount: 99,
        notes: "should not stick",
        ...unknown
      })
      expect(statusOf(refused).code).not.toBe("OK")
    }
    expect(plain(dataOf(await show(draft.reference_number, "payment_amount,notes")))).toEqual({
      payment_amount: 50,
      notes: null
    })
    expect(await tenant.testbed.countEvents()).toBe(events)
  })

  it("refuses to post, reject or cancel a payment in the wrong life cycle state", async () => {
    const posted = dataOf<{ reference_number: string }>(await create())
    const draft = dataOf<{ reference_number: string }>(await create({ life_cycle_state: "DRAFT" }))
    const id = (reference: string) => ({ reference_number: reference })
    const reason = { name: "Reject Due to Business Request" }
    const cancelType = { name: "Payment Cancellation" }
    const events = await tenant.testbed.countEvents()
    const codes = [
      await tenant.post("/payments/post", { payment_identifier: id(posted.reference_number) }),
      await tenant.post("/payments/reject", {
        payment_identifier: id(posted.reference_number),
        rejection_reason_identifier: reason
      }),
      await tenant.post("/payments/cancel", {
        payment_identifier: id(draft.reference_number),
        type_identifier: cancelType
      }),
      await tenant.post("/payments/cancel", {
        payment_identifier: id(posted.reference_number),
        type_identifier: { name: "Invoices Balance Payment" }
      }),
      await tenant.post("/payments/reject", { payment_identifier: id(draft.reference_number) })
    ].map((response) => statusOf(response).code)
    expect(codes).toEqual([
      "INVALID_LIFE_CYCLE_STATE",
      "INVALID_LIFE_CYCLE_STATE",
      "INVALID_LIFE_CYCLE_STATE",
      "NOT_FOUND",
      "INVALID_PARAMETERS"
    ])
    expect(await tenant.testbed.countEvents()).toBe(events)
    // DRAFT → REJECTED is final: neither post nor cancel afterwards.
    await tenant.post("/payments/reject", {
      payment_identifier: id(draft.reference_number),
      rejection_reason_identifier: reason
    })
    expect(
      statusOf(await tenant.post("/payments/post", { payment_identifier: id(draft.reference_number) }))
    ).toMatchObject({
      code: "INVALID_LIFE_CYCLE_STATE",
      message: `Only DRAFT payments can be posted; payment ${draft.reference_number} is REJECTED`
    })
    // POSTED → CANCELLED is final too: a second cancel is refused.
    await tenant.post("/payments/cancel", {
      payment_identifier: id(posted.reference_number),
      type_identifier: cancelType
    })
    expect(
      statusOf(
        await tenant.post("/payments/cancel", {
          payment_identifier: id(posted.reference_number),
          type_identifier: cancelType
        })
      )
    ).toMatchObject({
      code: "INVALID_LIFE_CYCLE_STATE",
      message: `Only POSTED payments can be cancelled; payment ${posted.reference_number} is CANCELLED`
    })
  })

  it("shows a cancelled payment as CANCELLED afterwards, reversed in the ledger", async () => {
    const posted = dataOf<{ reference_number: string; id: string }>(await create({ payment_amount: "80" }))
    const balanceBefore = (
      await asSystem(
        tenant,
        Parties.use((parties) => parties.getCustomer(tenant.customer.id))
      )
    ).balance
    const cancelled = dataOf<{ payment: { life_cycle_state: string }; payment_cancellation: { id: string } }>(
      await tenant.post("/payments/cancel", {
        payment_identifier: { id: posted.id },
        type_identifier: { alternative_code: "PAYCANC" },
        issue_reason: "entered twice"
      })
    )
    // The cancel answer shows the payment as it was when cancelled (the vendor's example) …
    expect(cancelled.payment.life_cycle_state).toBe("POSTED")
    // … every later read shows it CANCELLED.
    expect(dataOf(await show(posted.reference_number, "life_cycle_state"))).toEqual({ life_cycle_state: "CANCELLED" })
    const listed = dataOf<Array<{ life_cycle_state: string }>>(
      await tenant.get("/payments/get_latest", {
        accounts_receivable_identifier: "number=192",
        number: "1",
        fields_set: "life_cycle_state"
      })
    )
    expect(listed).toEqual([{ life_cycle_state: "CANCELLED" }])
    const ledgerView = await asSystem(
      tenant,
      Effect.flatMap(Payments, (payments) => payments.getPayment({ publicId: posted.id }))
    )
    expect(ledgerView.payment.state).toBe("posted")
    expect(ledgerView.payment.reversedAmount).toBe(8000n)
    expect(ledgerView.reversals).toHaveLength(1)
    expect(ledgerView.reversals[0]?.reason).toBe("entered twice")
    const balanceAfter = (
      await asSystem(
        tenant,
        Parties.use((parties) => parties.getCustomer(tenant.customer.id))
      )
    ).balance
    expect(balanceAfter).toBe(balanceBefore - 8000n)
  })
})

describe("retries and the registry", () => {
  it("replays a cancel retried with the same Idempotency-Key: one reversal, one cancellation, the same answer", async () => {
    const posted = dataOf<{ id: string }>(await create({ category_identifier: { name: "Invoice Payments" } }))
    const cancel = () =>
      tenant.send({
        method: "POST",
        path: "/payments/cancel",
        headers: { "idempotency-key": "cancel-once" },
        body: {
          token: tenant.token,
          payment_identifier: { id: posted.id },
          type_identifier: { name: "Payment Cancellation" },
          category_identifier: { name: "Cancellation Because of Mistake" }
        }
      })
    const first = await cancel()
    const events = await tenant.testbed.countEvents()
    const second = await cancel()
    expect(second.text).toBe(first.text)
    expect(await tenant.testbed.countEvents()).toBe(events)
    const detail = await asSystem(
      tenant,
      Payments.use((payments) => payments.getPayment({ publicId: posted.id }))
    )
    expect(detail.reversals).toHaveLength(1)
    const cancellations = await asSystem(
      tenant,
      DialectRecords.use((dialectRecords) =>
        dialectRecords.listDialectRecords({
          dialect: "crm-com",
          kind: "payment-cancellation",
          paymentId: detail.payment.id
        })
      )
    )
    expect(cancellations.items).toHaveLength(1)
  })

  it("names only proving tests that exist", async () => {
    expect(await provingTestProblems(crmComDialect, fileURLToPath(new URL(".", import.meta.url)))).toEqual([])
  })
})
