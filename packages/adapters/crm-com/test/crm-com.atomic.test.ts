/**
 * Every CRM.COM write is all or nothing: a write whose CRM.COM record (the payment's attributes,
 * a payment cancellation) cannot be saved leaves the ledger exactly as it was — no payment, no
 * amount change, no reversal, no event — and succeeds once the storage is back; and concurrent
 * updates of one payment's attributes each keep what they changed.
 */
import { DialectRecords, type PaymentId, Payments } from "@paybridge/core"
import { afterEach, describe, expect, it } from "vitest"
import { asSystem, dataOf, makeTenant, type Tenant } from "./crm-com.fixtures.ts"

let tenant: Tenant
/** Which store operation fails (with `StorageUnavailable`) until the test clears it. */
let failing: string | null = null
/**
 * A payment's record is inserted by `insertOfOwnPayment` (one statement), a new payment's attributes
 * record by the statement that appends its events (attached to its creation event; a posted
 * payment's events are appended with its balance movement, `balance.moveWithEvents`): failing "the
 * insert" fails all of them.
 */
const faulty = () =>
  makeTenant({
    faults: (operation) =>
      operation === failing ||
      (failing === "dialectRecords.insert" &&
        (operation === "dialectRecords.insertOfOwnPayment" ||
          operation === "events.appendAll" ||
          operation === "balance.moveWithEvents"))
  })
afterEach(async () => {
  failing = null
  await tenant.dispose()
})

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

const ledgerPayment = (publicId: string) =>
  asSystem(
    tenant,
    Payments.use((payments) => payments.getPayment({ publicId }))
  )

const cancellationsOf = (paymentId: PaymentId) =>
  asSystem(
    tenant,
    DialectRecords.use((dialectRecords) =>
      dialectRecords.listDialectRecords({ dialect: "crm-com", kind: "payment-cancellation", paymentId })
    )
  )

describe("all or nothing", () => {
  it("creates no payment when its CRM.COM attributes cannot be saved, and creates it on the retry", async () => {
    tenant = await faulty()
    const payments = await tenant.testbed.countPayments()
    const events = await tenant.testbed.countEvents()
    failing = "dialectRecords.insert"
    const down = await create({ category_identifier: { name: "Invoice Payments" } })
    expect(down.status).toBe(503)
    expect(statusOf(down).code).toBe("SERVICE_UNAVAILABLE")
    expect(await tenant.testbed.countPayments()).toBe(payments)
    expect(await tenant.testbed.countEvents()).toBe(events)
    failing = null
    const made = dataOf<{ id: string }>(await create({ category_identifier: { name: "Invoice Payments" } }))
    expect(await tenant.testbed.countPayments()).toBe(payments + 1)
    const shown = dataOf<{ category: { name: string } }>(
      await tenant.get("/payments/show", { payment_identifier: `id=${made.id}` })
    )
    expect(shown.category.name).toBe("Invoice Payments")
  })

  it("leaves a DRAFT payment's amount unchanged when the update's attributes cannot be saved", async () => {
    tenant = await faulty()
    const draft = dataOf<{ id: string }>(
      await create({ life_cycle_state: "DRAFT", category_identifier: { name: "Invoice Payments" } })
    )
    const events = await tenant.testbed.countEvents()
    failing = "dialectRecords.update"
    const down = await tenant.post("/payments/update", {
      payment_identifier: { id: draft.id },
      payment_amount: "75",
      category_identifier: { name: "Bill Payments" }
    })
    expect(statusOf(down).code).toBe("SERVICE_UNAVAILABLE")
    const detail = await ledgerPayment(draft.id)
    expect(detail.payment.amount).toBe(5000n)
    expect(await tenant.testbed.countEvents()).toBe(events)
  })

  it("reverses nothing when the payment cancellation cannot be recorded, and cancels on the retry", async () => {
    tenant = await faulty()
    const posted = dataOf<{ id: string }>(await create())
    const events = await tenant.testbed.countEvents()
    const cancel = () =>
      tenant.post("/payments/cancel", {
        payment_identifier: { id: posted.id },
        type_identifier: { name: "Payment Cancellation" },
        notes: "entered twice"
      })
    failing = "dialectRecords.insert"
    const down = await cancel()
    expect(down.status).toBe(503)
    expect(statusOf(down).code).toBe("SERVICE_UNAVAILABLE")
    const untouched = await ledgerPayment(posted.id)
    expect(untouched.reversals).toHaveLength(0)
    expect(untouched.payment.reversedAmount).toBe(0n)
    expect((await cancellationsOf(untouched.payment.id)).items).toHaveLength(0)
    expect(await tenant.testbed.countEvents()).toBe(events)
    const stillPosted = await tenant.get("/payments/show", { payment_identifier: `id=${posted.id}` })
    expect(dataOf<{ life_cycle_state: string }>(stillPosted).life_cycle_state).toBe("POSTED")

    failing = null
    const cancelled = dataOf<{ payment_cancellation: { life_cycle_state: string } }>(await cancel())
    expect(cancelled.payment_cancellation.life_cycle_state).toBe("POSTED")
    const reversed = await ledgerPayment(posted.id)
    expect(reversed.reversals).toHaveLength(1)
    expect((await cancellationsOf(reversed.payment.id)).items).toHaveLength(1)
  })

  it("keeps every attribute of concurrent updates of one DRAFT payment", async () => {
    tenant = await makeTenant()
    const draft = dataOf<{ id: string }>(await create({ life_cycle_state: "DRAFT" }))
    const update = (fields: Record<string, unknown>) =>
      tenant.post("/payments/update", { payment_identifier: { id: draft.id }, ...fields })
    const answers = await Promise.all([
      update({ category_identifier: { name: "Invoice Payments" } }),
      update({ received_by_user_identifier: { username: "j_hadjicosti@crm.com" } }),
      update({ notes: "checked" }),
      update({ payment_amount: "60" })
    ])
    for (const answer of answers) expect(statusOf(answer).code).toBe("OK")
    const shown = dataOf<{
      category: { name: string } | null
      received_by_user: { username: string }
      payment_amount: unknown
      notes: string | null
    }>(await tenant.get("/payments/show", { payment_identifier: `id=${draft.id}` }))
    expect(shown.category?.name).toBe("Invoice Payments")
    expect(shown.received_by_user.username).toBe("j_hadjicosti@crm.com")
    expect(String(shown.payment_amount)).toBe("60")
    expect(shown.notes).toBe("checked")
  })
})
