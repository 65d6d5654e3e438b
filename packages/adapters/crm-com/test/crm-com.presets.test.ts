/**
 * Retired presets as a CRM.COM client meets them over HTTP: once a category, rejection reason,
 * cancellation type or unit is retired (the write the console's `dialectPresets.retire` makes:
 * `retired: true` merged into its dialect record), a new write naming it is refused with
 * INVALID_PARAMETERS and changes nothing, while the payments that already name it still show it
 * and a list can still filter by it. A renamed preset answers to its new name only.
 */
import { DialectRecords } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { crmComDialect, type NamedKind } from "../src/index.ts"
import { asSystem, dataOf, jack, makeTenant, type Tenant } from "./crm-com.fixtures.ts"

let tenant: Tenant
beforeEach(async () => {
  tenant = await makeTenant()
})
afterEach(() => tenant.dispose())

const statusOf = (response: { json: unknown }) =>
  (response.json as { status: { code: string; message: string; description: string } }).status

const create = (fields: Record<string, unknown> = {}) =>
  tenant.post("/payments/create", {
    accounts_receivable_identifier: { number: "192" },
    type_identifier: { name: "Invoices Balance Payment" },
    life_cycle_state: "POSTED",
    payment_method_identifier: { name: "Bank Transfer" },
    payment_amount: "50",
    ...fields
  })

/** The key of the preset of `kind` named `name`. */
const keyOf = async (kind: NamedKind, name: string) => {
  const page = await asSystem(
    tenant,
    DialectRecords.use((records) => records.listDialectRecords({ dialect: "crm-com", kind, limit: 1000 }))
  )
  const found = page.items.find((record) => record.data.name === name)
  if (found === undefined) throw new Error(`no ${kind} named ${name}`)
  return found.key
}

const change = async (kind: NamedKind, name: string, data: Record<string, unknown>) => {
  const key = await keyOf(kind, name)
  await asSystem(
    tenant,
    DialectRecords.use((records) => records.saveDialectRecord({ dialect: "crm-com", kind, key, data, merge: true }))
  )
}

describe("retired presets", () => {
  it("the dialect declares its presets for the console", () => {
    expect(crmComDialect.presets?.map((kind) => [kind.id, kind.recordKind])).toEqual([
      ["unit", "unit"],
      ["category", "category"],
      ["rejection-reason", "rejection-reason"],
      ["cancellation-type", "cancellation-type"]
    ])
  })

  it("refuses a retired category in a new payment; old payments still show it and lists still filter by it", async () => {
    const old = dataOf<{ id: string }>(await create({ category_identifier: { name: "Invoice Payments" } }))
    await change("category", "Invoice Payments", { retired: true })
    const events = await tenant.testbed.countEvents()
    const refused = await create({ category_identifier: { alternative_code: "INVPAY" } })
    expect(statusOf(refused)).toMatchObject({ code: "INVALID_PARAMETERS" })
    expect(statusOf(refused).description ?? statusOf(refused).message).toContain(
      'The financial transaction category "Invoice Payments" is retired'
    )
    expect(await tenant.testbed.countEvents()).toBe(events)

    const shown = dataOf<{ category: { name: string } | null }>(
      await tenant.get("/payments/show", { payment_identifier: `id=${old.id}` })
    )
    expect(shown.category?.name).toBe("Invoice Payments")
    const listed = dataOf<Array<{ id: string }>>(
      await tenant.get("/payments/list", {
        accounts_receivable_identifier: "number=192",
        category_identifier: "name=Invoice Payments",
        fields_set: "id"
      })
    )
    expect(listed.map((payment) => payment.id)).toEqual([old.id])
    // Another category still works.
    dataOf(await create({ category_identifier: { name: "Bill Payments" } }))
  })

  it("refuses a retired rejection reason and cancellation type; a rejected payment still shows its reason", async () => {
    const first = dataOf<{ reference_number: string }>(await create({ life_cycle_state: "DRAFT" }))
    const second = dataOf<{ reference_number: string }>(await create({ life_cycle_state: "DRAFT" }))
    const posted = dataOf<{ reference_number: string }>(await create())
    dataOf(
      await tenant.post("/payments/reject", {
        payment_identifier: { reference_number: first.reference_number },
        rejection_reason_identifier: { name: "Reject Due to Business Request" }
      })
    )
    await change("rejection-reason", "Reject Due to Business Request", { retired: true })
    await change("cancellation-type", "Payment Cancellation", { retired: true })
    const events = await tenant.testbed.countEvents()
    const rejected = await tenant.post("/payments/reject", {
      payment_identifier: { reference_number: second.reference_number },
      rejection_reason_identifier: { alternative_code: "BUSREQ" }
    })
    expect(statusOf(rejected).code).toBe("INVALID_PARAMETERS")
    const cancelled = await tenant.post("/payments/cancel", {
      payment_identifier: { reference_number: posted.reference_number },
      type_identifier: { name: "Payment Cancellation" }
    })
    expect(statusOf(cancelled).code).toBe("INVALID_PARAMETERS")
    expect(await tenant.testbed.countEvents()).toBe(events)

    const shown = dataOf<{ life_cycle_state: string; rejection_reason: { name: string } | null }>(
      await tenant.get("/payments/show", { payment_identifier: `reference_number=${first.reference_number}` })
    )
    expect(shown).toMatchObject({
      life_cycle_state: "REJECTED",
      rejection_reason: { name: "Reject Due to Business Request" }
    })
    const still = dataOf<{ life_cycle_state: string }>(
      await tenant.get("/payments/show", { payment_identifier: `reference_number=${second.reference_number}` })
    )
    expect(still.life_cycle_state).toBe("DRAFT")
  })

  it("a renamed preset answers to its new name only", async () => {
    await change("category", "Invoice Payments", { name: "Invoice Receipts" })
    expect(statusOf(await create({ category_identifier: { name: "Invoice Payments" } })).code).toBe("NOT_FOUND")
    const made = dataOf<{ id: string }>(await create({ category_identifier: { name: "Invoice Receipts" } }))
    const shown = dataOf<{ category: { name: string } }>(
      await tenant.get("/payments/show", { payment_identifier: `id=${made.id}` })
    )
    expect(shown.category.name).toBe("Invoice Receipts")
  })

  it("refuses a login naming a retired unit, and requests on a token issued for a unit retired since", async () => {
    await change("unit", "Admin Unit", { retired: true })
    const login = await tenant.send({
      method: "POST",
      path: "/authentication/token",
      body: { username: jack.email, password: jack.password, organisation: "CRM.COM", unit: "Admin Unit" }
    })
    expect(statusOf(login).code).toBe("INVALID_PARAMETERS")
    expect(JSON.stringify(login.json)).not.toContain('"token"')
    const refused = await create()
    expect(statusOf(refused).code).toBe("INVALID_PARAMETERS")
    expect(JSON.stringify(statusOf(refused))).toContain('The unit \\"Admin Unit\\" is retired')
  })

  it("refuses a create on a token whose login unit has been renamed or removed since, and writes nothing", async () => {
    const payments = await tenant.testbed.countPayments()
    const events = await tenant.testbed.countEvents()
    await change("unit", "Admin Unit", { name: "Head Office" })
    const renamed = await create()
    expect(statusOf(renamed).code).toBe("INVALID_PARAMETERS")
    expect(statusOf(renamed).message).toContain('the unit "Admin Unit" this token was issued for does not exist')
    const key = await keyOf("unit", "Head Office")
    await asSystem(
      tenant,
      DialectRecords.use((records) => records.deleteDialectRecord({ dialect: "crm-com", kind: "unit", key }))
    )
    const removed = await create()
    expect(statusOf(removed)).toEqual(statusOf(renamed))
    expect(await tenant.testbed.countPayments()).toBe(payments)
    expect(await tenant.testbed.countEvents()).toBe(events)
  })

  it("creates with the login unit as the payment's creating and receiving unit", async () => {
    const made = dataOf<{ id: string }>(await create())
    const shown = dataOf<{
      received_by_unit: { name: string } | null
      log_information: { created_by_unit: { name: string } | null }
    }>(await tenant.get("/payments/show", { payment_identifier: `id=${made.id}` }))
    expect(shown.received_by_unit?.name).toBe("Admin Unit")
    expect(shown.log_information.created_by_unit?.name).toBe("Admin Unit")
  })
})
