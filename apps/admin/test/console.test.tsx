// @vitest-environment happy-dom
/**
 * Component tests of the console in happy-dom against the real API (SQLite in a temp dir): what
 * a user sees and can do — sign-in errors in words, navigation by role, the actions the lifecycle
 * table offers (none for read-only users), validation before anything is sent, errors from the
 * ledger in words, idempotent submits, and keyboard use of the confirmation dialog.
 */
import { cleanup, configure, screen, waitFor, within } from "@testing-library/react"
import { userEvent } from "@testing-library/user-event"
import { afterEach, describe, expect, inject, it } from "vitest"
import { pointAt, renderConsole, signInAs } from "./support/render-console.tsx"

// Every `findBy…` waits on the real API; a password sign-in alone costs a production scrypt, and CI
// runs all packages' suites at once on two cores, so the library's default 1 s is too tight.
configure({ asyncUtilTimeout: 10_000 })

const server = inject("consoleServer")
const client = pointAt(server)

afterEach(() => {
  cleanup()
  sessionStorage.clear()
})

/** A customer with a draft payment of 40.00 EUR, made through the API as the finance user. */
const draftPayment = async () => {
  const session = await signInAs(client, server, "finance")
  sessionStorage.setItem("paybridge.admin.session", JSON.stringify(session))
  const customer = await client.customers.create.mutate({ name: `Cust ${Math.random()}`, currency: "EUR" })
  const detail = await client.payments.create.mutate({
    customerId: customer.id,
    amount: "40.00",
    initialState: "draft"
  })
  sessionStorage.clear()
  return { customer, payment: detail.payment }
}

describe("sign-in", () => {
  it("says in words when the password is wrong, and opens the overview when it is right", async () => {
    const user = userEvent.setup()
    renderConsole(client, "/overview")
    await user.type(screen.getByLabelText("Email"), server.users.finance.email)
    await user.type(screen.getByLabelText("Password"), "wrong password")
    await user.click(screen.getByRole("button", { name: "Sign in" }))
    expect((await screen.findByRole("alert")).textContent).toContain("invalid email or password")

    await user.clear(screen.getByLabelText("Password"))
    await user.type(screen.getByLabelText("Password"), server.users.finance.password)
    await user.click(screen.getByRole("button", { name: "Sign in" }))
    expect(await screen.findByRole("heading", { name: "Overview" })).toBeTruthy()
    expect(screen.queryByRole("link", { name: "Access" })).toBeNull()
    expect(screen.getByText("finance")).toBeTruthy()
  })

  it("asks for the missing fields before sending anything", async () => {
    const user = userEvent.setup()
    renderConsole(client, "/overview")
    await user.click(screen.getByRole("button", { name: "Sign in" }))
    expect(await screen.findByText("Enter your email address")).toBeTruthy()
    expect(screen.getByText("Enter your password")).toBeTruthy()
  })
})

describe("payment actions", () => {
  it("offers exactly the draft actions of the lifecycle table to finance users", async () => {
    const { payment } = await draftPayment()
    const session = await signInAs(client, server, "finance")
    renderConsole(client, `/payments/${payment.id}`, session)
    const actions = await screen.findByRole("group", { name: "Payment actions" })
    const labels = within(actions)
      .getAllByRole("button")
      .map((button) => button.textContent)
    expect(labels).toEqual(["Post", "Reject", "Cancel payment", "Request collection", "Allocate"])
  })

  it("shows read-only users the payment without any action button", async () => {
    const { payment } = await draftPayment()
    const session = await signInAs(client, server, "read-only")
    renderConsole(client, `/payments/${payment.id}`, session)
    expect(await screen.findByRole("heading", { name: `Payment ${payment.referenceNumber}` })).toBeTruthy()
    expect(screen.queryByRole("group", { name: "Payment actions" })).toBeNull()
    expect(screen.queryByRole("button", { name: "Post" })).toBeNull()
  })

  it("requires a reason to reject, then rejects under the dialog's idempotency key and offers nothing more", async () => {
    const { payment } = await draftPayment()
    const session = await signInAs(client, server, "finance")
    const user = userEvent.setup()
    renderConsole(client, `/payments/${payment.id}`, session)
    await user.click(await screen.findByRole("button", { name: "Reject" }))
    const dialog = screen.getByRole("dialog")
    await user.click(within(dialog).getByRole("button", { name: "Reject" }))
    expect(await within(dialog).findByText("Say why the payment is rejected")).toBeTruthy()
    await user.type(within(dialog).getByLabelText("Reason"), "duplicate of a bank line")
    await user.click(within(dialog).getByRole("button", { name: "Reject" }))
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull())
    expect(await screen.findByText("rejected", { selector: ".page-header .badge" })).toBeTruthy()
    const events = await client.events.feed.query({ paymentId: payment.id })
    expect(events.items.filter((event) => event.type === "payment.rejected")).toHaveLength(1)
    expect(events.items.find((event) => event.type === "payment.rejected")?.idempotencyKey).toMatch(/^admin-/)
    expect(screen.queryByRole("group", { name: "Payment actions" })).toBeNull()
  })

  it("shows the ledger's refusal in words (allocating more than the invoice's total)", async () => {
    const { customer, payment } = await draftPayment()
    const session = await signInAs(client, server, "finance")
    sessionStorage.setItem("paybridge.admin.session", JSON.stringify(session))
    await client.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "10.00" })
    const user = userEvent.setup()
    renderConsole(client, `/payments/${payment.id}`, session)
    await user.click(await screen.findByRole("button", { name: "Allocate" }))
    const dialog = screen.getByRole("dialog")
    const invoice = within(dialog).getByLabelText("Invoice")
    await waitFor(() => expect(invoice.querySelectorAll("option").length).toBe(2))
    await user.selectOptions(invoice, invoice.querySelectorAll("option")[1]?.getAttribute("value") ?? "")
    await user.type(within(dialog).getByLabelText(/^Amount/), "25.00")
    await user.click(within(dialog).getByRole("button", { name: "Allocate" }))
    const alert = await within(dialog).findByRole("alert")
    expect(alert.textContent).toMatch(/conflicts|not valid/)
    expect(alert.textContent).toMatch(/exceed|outstanding|more than/i)
  })

  it("closes the confirmation with Escape and puts focus back on the button that opened it", async () => {
    const { payment } = await draftPayment()
    const session = await signInAs(client, server, "finance")
    const user = userEvent.setup()
    renderConsole(client, `/payments/${payment.id}`, session)
    const post = await screen.findByRole("button", { name: "Post" })
    post.focus()
    await user.keyboard("{Enter}")
    const dialog = screen.getByRole("dialog")
    expect(dialog.contains(document.activeElement)).toBe(true)
    await user.keyboard("{Escape}")
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull())
    expect(document.activeElement).toBe(post)
  })
})

describe("payments list", () => {
  it("explains that an amount filter needs a currency", async () => {
    const session = await signInAs(client, server, "read-only")
    const user = userEvent.setup()
    renderConsole(client, "/payments", session)
    await user.type(await screen.findByLabelText("Amount from"), "10")
    await user.click(screen.getByRole("button", { name: "Apply filters" }))
    const alert = await screen.findByRole("alert")
    expect(alert.textContent).toContain("choose a currency to filter by amount")
    expect(screen.queryByRole("button", { name: "New payment" })).toBeNull()
  })
})

describe("money in the ledger's decimals (issue 12)", () => {
  it("shows HUF with ISO 4217's two decimals (not the browser's none) and checks typed amounts against them", async () => {
    const session = await signInAs(client, server, "finance")
    sessionStorage.setItem("paybridge.admin.session", JSON.stringify(session))
    const customer = await client.customers.create.mutate({ name: `Forint ${Math.random()}`, currency: "HUF" })
    const { payment } = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "1250.00",
      initialState: "draft"
    })
    expect(payment.amount).toBe("125000")
    sessionStorage.clear()
    const user = userEvent.setup()
    renderConsole(client, `/payments/${payment.id}`, session)
    expect((await screen.findAllByText("1,250.00 HUF")).length).toBeGreaterThan(0)
    expect(screen.queryByText("125,000 HUF")).toBeNull()
    await user.click(await screen.findByRole("button", { name: "Allocate" }))
    const dialog = screen.getByRole("dialog")
    await user.type(within(dialog).getByLabelText(/^Amount/), "1.555")
    await user.click(within(dialog).getByRole("button", { name: "Allocate" }))
    expect(await within(dialog).findByText("HUF amounts have at most 2 decimal places")).toBeTruthy()
  })

  it("checks an amount filter against the chosen currency before asking the API", async () => {
    const session = await signInAs(client, server, "read-only")
    const user = userEvent.setup()
    renderConsole(client, "/payments", session)
    await user.type(await screen.findByLabelText("Currency"), "huf")
    await user.type(screen.getByLabelText("Amount from"), "0.001")
    await user.click(screen.getByRole("button", { name: "Apply filters" }))
    expect(await screen.findByText("HUF amounts have at most 2 decimal places")).toBeTruthy()
  })
})
