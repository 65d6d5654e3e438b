/**
 * Every example of the vendor document (`vendor-docs/crm-com.payments.txt`) replayed against the
 * dialect over the real ledger, each answer compared field by field with the documented one,
 * ignoring only what a new tenant cannot reproduce: ids (32-hex), sequence numbers (`number`,
 * `reference_number`, as numeric strings), gateway references and timestamps (checked for their
 * `yyyy-MM-ddTHH:mm:ss` form). The example bodies are the document's text; its trailing commas
 * (invalid JSON) are removed, the token is ours, and where an example names a record by a value
 * our ledger assigns (an invoice's reference number) the replay names the record we made.
 * Known deviation, asserted below: a user's `username` is their e-mail address.
 */
import { type CustomerId, Documents, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { asSystem, dataOf, exampleOwner, jack, makeTenant, plain, type Tenant } from "./crm-com.fixtures.ts"

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/u
const hexId = /^[0-9A-F]{32}$/u
const numeric = /^\d+$/u
const ignoredIds = new Set(["id"])
const sequenceNumbers = new Set(["number", "reference_number"])

/**
 * Compares `actual` with the documented `expected` at every level: same keys (plus `extra`
 * top-level keys), same values, except ids, sequence numbers and timestamps, which only need the
 * documented form.
 */
const expectLikeExample = (actual: unknown, expected: unknown, path = "data", extra: ReadonlyArray<string> = []) => {
  if (expected === null || typeof expected !== "object") {
    expect(actual, path).toEqual(expected)
    return
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true)
    expect((actual as Array<unknown>).length, `${path}.length`).toBe(expected.length)
    expected.forEach((item, index) => {
      expectLikeExample((actual as Array<unknown>)[index], item, `${path}[${index}]`)
    })
    return
  }
  const actualObject = actual as Record<string, unknown>
  expect(Object.keys(actualObject).sort(), `${path} keys`).toEqual(
    [...new Set([...Object.keys(expected), ...extra])].sort()
  )
  for (const [key, value] of Object.entries(expected)) {
    const at = `${path}.${key}`
    const got = actualObject[key]
    if (typeof value === "string" && dateTime.test(value)) expect(got, at).toMatch(dateTime)
    else if (ignoredIds.has(key) && typeof value === "string" && hexId.test(value)) expect(got, at).toMatch(hexId)
    else if (sequenceNumbers.has(key) && typeof value === "string" && numeric.test(value))
      expect(got, at).toMatch(numeric)
    else if (key === "payment_gateway_reference_number") expect(typeof got, at).toBe("string")
    else expectLikeExample(got, value, at)
  }
}

/** The document's example bodies are JSON with trailing commas; JSON has none. */
const exampleBody = (text: string, token: string): Record<string, unknown> => {
  const body = JSON.parse(text.replace(/,(\s*[}\]])/gu, "$1")) as Record<string, unknown>
  return { ...body, token }
}

const ok = { message: null, description: null, code: "OK" }

let tenant: Tenant
beforeEach(async () => {
  tenant = await makeTenant()
})
afterEach(() => tenant.dispose())

const issue = (kind: "invoice" | "bill", customerId: CustomerId, total: string, number: string) =>
  asSystem(
    tenant,
    Documents.use((documents) => documents.issueDocument({ kind, customerId, total, number, dueDate: "2014-08-17" }))
  )

const createPosted = (amount: string, state: "POSTED" | "DRAFT" = "POSTED") =>
  tenant.post("/payments/create", {
    accounts_receivable_identifier: { number: "192" },
    type_identifier: { name: "Invoices Balance Payment" },
    life_cycle_state: state,
    payment_method_identifier: { name: "Bank Transfer" },
    payment_amount: amount
  })

describe("the vendor document's examples", () => {
  it("replays the payments/show example field by field", async () => {
    const invoice = await issue("invoice", tenant.customer.id, "138", "I00000294")
    await asSystem(
      tenant,
      Payments.use((payments) =>
        payments.createPayment({
          customerId: tenant.customer.id,
          amount: "78",
          allocations: [{ documentId: invoice.id, amount: "78" }]
        })
      )
    )
    const created = dataOf<{ reference_number: string }>(
      await tenant.post("/payments/create", {
        accounts_receivable_identifier: { number: "192" },
        type_identifier: { name: "Invoices Balance Payment" },
        life_cycle_state: "POSTED",
        payment_method_identifier: { alternative_code: "BT" },
        payment_amount: 60,
        received_on: "2014-07-14T10:40:29",
        received_by_user_identifier: { username: jack.email },
        received_by_unit_identifier: { name: "Admin Unit" },
        invoices_to_pay_set: [{ invoice_identifier: { number: "I00000294" } }]
      })
    )
    const response = await tenant.get("/payments/show", {
      payment_identifier: `reference_number=${created.reference_number}`
    })
    expect(response.status).toBe(200)
    const body = plain(response.json) as { status: unknown; data: Record<string, unknown> }
    expect(body.status).toEqual(ok)
    const unit = {
      community_name: "Main Community",
      group_name: "Main Group",
      name: "Admin Unit",
      id: "48305F8849E3C18B227C5BE3A27BA6DF",
      description: "r1",
      alternative_code: "MG"
    }
    // The example's user JackH; a Paybridge user name is the user's e-mail (documented deviation).
    const user = {
      person_name: "JackH",
      username: jack.email,
      id: "B8650C555C4EA8C741103961276E7773",
      email: jack.email
    }
    const expected = {
      invoices_to_pay_set: [
        {
          total_amount: 138,
          issued_on: "2014-07-14T10:31:15",
          life_cycle_state: "POSTED",
          number: "I00000294",
          due_on: "2014-08-17T10:35:57",
          id: "176AB06AE6DBFDB103182C67C68A2A8B",
          outstanding_amount: 0,
          reference_number: "322",
          posted_on: "2014-07-14T10:35:57"
        }
      ],
      udf_float_1: null,
      udf_float_2: null,
      udf_float_3: null,
      udf_float_4: null,
      number: "96",
      udf_string_1: null,
      udf_string_2: null,
      udf_string_3: null,
      received_by_unit: unit,
      udf_string_4: null,
      udf_string_5: null,
      udf_string_6: null,
      udf_string_7: null,
      udf_string_8: null,
      accounts_receivable: {
        account_owner: { ...exampleOwner, id: "C73D1572FEA76C37A08945ECE4DECC98" },
        life_cycle_state: "ACTIVE",
        number: "192",
        name: "Peter Johnson Premium",
        id: "2C5FC6F615FA9E798487AC0C293ECCE6"
      },
      received_by_user: user,
      bills_to_pay_set: [],
      id: "830C6B800A1EAB42EA8D670ED6871E41",
      posted_on: "2014-07-14T10:41:13",
      udf_date_1: null,
      udf_date_2: null,
      udf_date_3: null,
      udf_date_4: null,
      log_information: {
        updated_date: "2014-07-14T10:41:14",
        created_by_unit: unit,
        created_date: "2014-07-14T10:40:29",
        updated_by_unit: unit,
        created_by_user: user,
        updated_by_user: user
      },
      payment_amount: 60,
      issued_on: "2014-07-14T10:40:29",
      life_cycle_state: "POSTED",
      type: {
        classification: "PAYMENT",
        name: "Invoices Balance Payment",
        id: "9CC46F8C0A203CCA7A40B58825E74704",
        description: null,
        alternative_code: "INVBALPAY"
      },
      payment_method: { name: "Bank Transfer", id: "PM7", description: "Bank Transfer", alternative_code: "BT" },
      rejection_reason: null,
      received_on: "2014-07-14T10:40:29",
      reference_number: "111",
      category: null
    }
    // payment_method.id "PM7" in the example is not 32-hex; ours is the preset's public id.
    const data = { ...body.data, payment_method: { ...(body.data.payment_method as object), id: "PM7" } }
    expectLikeExample(data, expected, "data", ["notes"])
    expect(body.data.received_on).toBe("2014-07-14T10:40:29")
  })

  it("replays the payments/list example with fields_set", async () => {
    const first = dataOf<{ reference_number: string }>(await createPosted("60"))
    const second = dataOf<{ reference_number: string }>(await createPosted("40"))
    const response = await tenant.get("/payments/list", {
      accounts_receivable_identifier: "number=192",
      fields_set: "life_cycle_state,id,reference_number"
    })
    const body = plain(response.json) as { status: unknown; data: Array<Record<string, unknown>> }
    expect(body.status).toEqual(ok)
    expectLikeExample(body.data, [
      { life_cycle_state: "POSTED", id: "830C6B800A1EAB42EA8D670ED6871E41", reference_number: "111" },
      { life_cycle_state: "POSTED", id: "F29426EFD767C7F35AC5BB179B8F7669", reference_number: "113" }
    ])
    expect(body.data.map((payment) => payment.reference_number)).toEqual([
      first.reference_number,
      second.reference_number
    ])
  })

  it("replays the payments/get_latest example newest first", async () => {
    await createPosted("10")
    const older = dataOf<{ number: string }>(await createPosted("60"))
    const newer = dataOf<{ number: string }>(await createPosted("40"))
    // The vendor's own query string, as documented.
    const url =
      "/payments/get_latest?accounts_receivable_identifier=number=192&type_identifier=name=Invoices%20Balance%20Payment&number=2&fields_set=id,number,reference_number"
    const response = await tenant.send({ method: "GET", path: `${url}&token=${encodeURIComponent(tenant.token)}` })
    const body = plain(response.json) as { status: unknown; data: Array<Record<string, unknown>> }
    expect(body.status).toEqual(ok)
    expectLikeExample(body.data, [
      { number: "98", id: "F29426EFD767C7F35AC5BB179B8F7669", reference_number: "113" },
      { number: "96", id: "830C6B800A1EAB42EA8D670ED6871E41", reference_number: "111" }
    ])
    expect(body.data.map((payment) => payment.number)).toEqual([newer.number, older.number])
  })

  it("replays the payments/create example through a gateway with the card identifier", async () => {
    const customer = await asSystem(
      tenant,
      Parties.use((parties) => parties.createCustomer({ name: "Gateway Account", number: "200", currency: "EUR" }))
    )
    await issue("bill", customer.id, "80", "163")
    const text = `{
    "token": "825D7B5BB7F62E043A7C73B0FFBF124F",
    "accounts_receivable_identifier":{"number":"200"},
    "type_identifier":{"name":"Payment 1"},
    "life_cycle_state":"POSTED",
    "payment_method_identifier":{"name":"Stripe Payment Gateway"},
    "card_identifier":{"payment_gateway_reference_number":"card_15S0w0E0IcJRGs11e6ffmDXK"},
    "payment_amount":"50",
    "received_on":"2015-03-02T09:12:54",
    "received_by_user_identifier":{"username":"mpadministrator"},
    "received_by_unit_identifier":{"name":"Admin Unit"},
    "description":"Payment",
    "notes":"Payment note",
    "udf_string_1":"udf string 1",
   "udf_string_2":"udf string 2",
   "udf_string_3":"udf string 3",
   "udf_string_4":"udf string 4",
   "udf_string_5":"udf string 5",
   "udf_string_6":"udf string 6",
   "udf_string_7":"udf string 7",
   "udf_string_8":"udf string 8",
   "udf_float_1":10,
   "udf_float_2":20,
   "udf_float_3":30,
   "udf_float_4":40,
   "udf_date_1":"2014-05-05T15:49:59",
   "udf_date_2":"2014-06-05T15:49:59",
   "udf_date_3":"2014-07-05T15:49:59",
   "udf_date_4":"2014-08-05T15:49:59",
    "bills_to_pay_set": [
    {
       "bill_identifier":{"number":"163"},
    }]
}`
    const body = exampleBody(text, tenant.token)
    // The example's user "mpadministrator": our user names are e-mail addresses.
    body.received_by_user_identifier = { username: jack.email }
    const response = await tenant.post("/payments/create", body)
    const answer = plain(response.json) as { status: unknown; data: Record<string, unknown> }
    expect(answer.status).toEqual(ok)
    expectLikeExample(answer.data, {
      payment_gateway_reference_number: "ch_15S1nyE0IcJRGs11wD2c3TUn",
      payment_amount: 50,
      issued_on: "2015-02-03T10:12:48",
      processed_by_payment_gateway: "STRIPE",
      life_cycle_state: "POSTED",
      number: "245",
      id: "BF2392E94DB88F496656F6AFE860A673",
      reference_number: "277",
      posted_on: "2015-02-03T10:12:52"
    })
    const shown = dataOf(
      await tenant.get("/payments/show", {
        payment_identifier: `id=${answer.data.id as string}`,
        fields_set: "udf_string_1,udf_float_4,udf_date_1,notes,bills_to_pay_set.outstanding_amount,received_on"
      })
    )
    expect(plain(shown)).toEqual({
      udf_string_1: "udf string 1",
      udf_float_4: 40,
      udf_date_1: "2014-05-05T15:49:59",
      notes: "Payment note",
      bills_to_pay_set: [{ outstanding_amount: 30 }],
      received_on: "2015-03-02T09:12:54"
    })
  })

  it("replays the payments/pay_invoice example for the whole outstanding amount", async () => {
    const invoice = await issue("invoice", tenant.customer.id, "225", "I00000328")
    const text = ` {
	"token": "B8D7A12E9F91AFADE914B7330AFD08CB",
	"accounts_receivable_identifier":{"number":"192"},
	"life_cycle_state":"POSTED",
	"type_identifier":{"name":"Invoices Balance Payment"},
	"payment_method_identifier":{"name":"Direct Debit"},
	"category_identifier":{"name":"Invoice Payments"},
	"invoice_identifier":{"reference_number":"328"},
	"received_on":"2014-07-14T09:12:54",
	"received_by_user_identifier":{"username":"JackH"},
	"received_by_unit_identifier":{"name":"Admin Unit"},
}`
    const body = exampleBody(text, tenant.token)
    body.invoice_identifier = { reference_number: String(invoice.id) }
    body.received_by_user_identifier = { username: jack.email }
    const response = await tenant.post("/payments/pay_invoice", body)
    const answer = plain(response.json) as { status: unknown; data: Record<string, unknown> }
    expect(answer.status).toEqual(ok)
    expectLikeExample(answer.data, {
      payment_amount: 225,
      issued_on: "2014-07-14T16:49:11",
      life_cycle_state: "POSTED",
      number: "100",
      id: "83DFE781350877933A6FA2A51EF0F102",
      reference_number: "115",
      posted_on: "2014-07-14T16:49:11"
    })
    const paid = await asSystem(
      tenant,
      Documents.use((documents) => documents.getDocument(invoice.id))
    )
    expect(paid.outstanding).toBe(0n)
  })

  it("replays the payments/pay_bill example for the whole outstanding amount", async () => {
    const bill = await issue("bill", tenant.otherCustomer.id, "100", "128")
    const text = ` {
	"token": "B8D7A12E9F91AFADE914B7330AFD08CB",
	"accounts_receivable_identifier":{"number":"186"},
	"life_cycle_state":"POSTED",
	"type_identifier":{"name":"Invoices Balance Payment"},
	"payment_method_identifier":{"name":"Direct Debit"},
	"category_identifier":{"name":"Bill Payments"},
	"bill_identifier":{"number":"128"},
	"received_on":"2014-07-14T09:12:54",
	"received_by_user_identifier":{"username":"JackH"},
	"received_by_unit_identifier":{"name":"Admin Unit"},
}`
    const body = exampleBody(text, tenant.token)
    body.received_by_user_identifier = { username: jack.email }
    const answer = plain((await tenant.post("/payments/pay_bill", body)).json) as {
      status: unknown
      data: Record<string, unknown>
    }
    expect(answer.status).toEqual(ok)
    expectLikeExample(answer.data, {
      payment_amount: 100,
      issued_on: "2014-07-14T17:01:43",
      life_cycle_state: "POSTED",
      number: "101",
      id: "B88388BA9E05BCBBB4579A2D2EBB22DC",
      reference_number: "116",
      posted_on: "2014-07-14T17:01:44"
    })
    const paid = await asSystem(
      tenant,
      Documents.use((documents) => documents.getDocument(bill.id))
    )
    expect(paid.outstanding).toBe(0n)
  })

  it("replays the payments/post example: DRAFT to POSTED with a number", async () => {
    const draft = dataOf<{ reference_number: string; number: string | null; life_cycle_state: string }>(
      await createPosted("50", "DRAFT")
    )
    expect(draft).toMatchObject({ number: null, life_cycle_state: "DRAFT" })
    const text = `{
	"token": "B8D7A12E9F91AFADE914B7330AFD08CB",
	"payment_identifier":{"reference_number":"117"},
}`
    const body = exampleBody(text, tenant.token)
    body.payment_identifier = { reference_number: draft.reference_number }
    const answer = plain((await tenant.post("/payments/post", body)).json) as { status: unknown; data: unknown }
    expect(answer.status).toEqual(ok)
    expectLikeExample(answer.data, {
      payment_amount: 50,
      issued_on: "2014-07-14T17:06:14",
      life_cycle_state: "POSTED",
      number: "102",
      id: "4653BEFC9239043011096B329DFEF3F7",
      reference_number: "117",
      posted_on: "2014-07-14T17:07:13"
    })
  })

  it("replays the payments/reject example: DRAFT to REJECTED without a number", async () => {
    const draft = dataOf<{ reference_number: string }>(await createPosted("50", "DRAFT"))
    const text = `{
	"token": "B8D7A12E9F91AFADE914B7330AFD08CB",
	"payment_identifier":{"reference_number":"118"},
	"rejection_reason_identifier":{"name":"Reject Due to Business Request"},
}`
    const body = exampleBody(text, tenant.token)
    body.payment_identifier = { reference_number: draft.reference_number }
    const answer = plain((await tenant.post("/payments/reject", body)).json) as { status: unknown; data: unknown }
    expect(answer.status).toEqual(ok)
    expectLikeExample(answer.data, {
      payment_amount: 50,
      issued_on: "2014-07-14T17:06:28",
      life_cycle_state: "REJECTED",
      number: null,
      id: "0ACCC72477BA606EE3B409400069F1BB",
      reference_number: "118",
      posted_on: null
    })
    const shown = dataOf(
      await tenant.get("/payments/show", {
        payment_identifier: `reference_number=${draft.reference_number}`,
        fields_set: "rejection_reason.name,rejection_reason.alternative_code,life_cycle_state"
      })
    )
    expect(shown).toEqual({
      rejection_reason: { name: "Reject Due to Business Request", alternative_code: "BUSREQ" },
      life_cycle_state: "REJECTED"
    })
  })

  it("replays the payments/cancel example: the payment as it was and a posted payment cancellation", async () => {
    const posted = dataOf<{ reference_number: string; number: string; id: string }>(await createPosted("50"))
    const text = `{
	"token": "B8D7A12E9F91AFADE914B7330AFD08CB",
	"payment_identifier":{"reference_number":"117"},
	"type_identifier":{"name":"Payment Cancellation"},
	"category_identifier":{"name":"Cancellation Because of Mistake"},
}`
    const body = exampleBody(text, tenant.token)
    body.payment_identifier = { reference_number: posted.reference_number }
    const answer = plain((await tenant.post("/payments/cancel", body)).json) as {
      status: unknown
      data: { payment: Record<string, unknown>; payment_cancellation: Record<string, unknown> }
    }
    expect(answer.status).toEqual(ok)
    expectLikeExample(answer.data, {
      payment: {
        payment_amount: 50,
        issued_on: "2014-07-14T17:06:14",
        life_cycle_state: "POSTED",
        number: "102",
        id: "4653BEFC9239043011096B329DFEF3F7",
        reference_number: "117",
        posted_on: "2014-07-14T17:07:13"
      },
      payment_cancellation: {
        payment_amount: 50,
        issued_on: "2014-07-14T17:21:06",
        life_cycle_state: "POSTED",
        number: "35",
        id: "8F3613168562A73556CECA0FEA772AFE",
        reference_number: "26",
        posted_on: "2014-07-14T17:21:06"
      }
    })
    expect(answer.data.payment).toMatchObject({ id: posted.id, number: posted.number })
    expect(answer.data.payment_cancellation.id).not.toBe(posted.id)
    const ledgerView = await asSystem(
      tenant,
      Effect.flatMap(Payments, (payments) => payments.getPayment({ publicId: posted.id }))
    )
    expect(ledgerView.payment.reversedAmount).toBe(5000n)
  })
})
