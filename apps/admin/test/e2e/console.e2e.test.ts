/**
 * The console end to end: the real API (fresh SQLite file, free port) serving the built app, and
 * Debian's Chromium driven by playwright-core. A finance user signs in, creates a customer and an
 * invoice, records a draft payment, posts it, allocates it to the invoice, reverses part of it and
 * reinstates the reversal, and sees the balance, the timeline and the dialect view follow each step;
 * a read-only user sees the same payment with no action to take; an admin issues and revokes a
 * key. Screenshots of the main pages land in `test-artifacts/`.
 */
import { readFile } from "node:fs/promises"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Browser, launchChromium } from "./support/browser.ts"
import { type ConsoleServer, startConsoleServer } from "./support/console-server.ts"

let server: ConsoleServer
let browser: Browser

beforeAll(async () => {
  server = await startConsoleServer()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const signIn = async (page: Page, role: "admin" | "finance" | "read-only") => {
  await page.goto(`${server.url}/admin/`)
  await page.getByLabel("Email").fill(server.users[role].email)
  await page.getByLabel("Password").fill(server.users[role].password)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("heading", { name: "Overview" }).waitFor()
}

const confirm = async (page: Page, label: string) => {
  const dialog = page.getByRole("dialog")
  await dialog.getByRole("button", { name: label, exact: true }).click()
  await dialog.waitFor({ state: "detached" })
}

const legacyView = (page: Page) => page.locator('figure[data-dialect="legacy-pay"] pre')

describe("the admin console in Chromium", () => {
  let paymentPath = ""

  it("refuses a wrong password in words", async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/admin/`)
    await browser.screenshot(page, "01-sign-in")
    await page.getByLabel("Email").fill(server.users.finance.email)
    await page.getByLabel("Password").fill("not the password")
    await page.getByRole("button", { name: "Sign in" }).click()
    await expect(page.getByRole("alert").textContent()).resolves.toContain("signed out or your session has expired")
    await page.close()
  })

  it("takes a payment through its life: create, post, allocate, reverse part, reinstate", async () => {
    const page = await browser.newPage()
    await signIn(page, "finance")

    // A customer and an invoice of 150.00 EUR.
    await page.getByRole("link", { name: "Customers" }).click()
    await page.getByRole("button", { name: "New customer" }).click()
    await page.getByRole("dialog").getByLabel("Name").fill("Northwind Traders")
    await confirm(page, "Create customer")
    await page.getByRole("link", { name: "Northwind Traders" }).click()
    await page.getByRole("button", { name: "Issue invoice" }).click()
    await page.getByRole("dialog").getByLabel("Total (EUR)").fill("150.00")
    await confirm(page, "Issue invoice")
    await expect(page.getByTestId("customer-balance").textContent()).resolves.toBe("-150.00 EUR")
    const customerUrl = page.url()

    // A draft payment of 100.00 EUR.
    await page.getByRole("link", { name: "Payments", exact: true }).click()
    await page.getByRole("button", { name: "New payment" }).click()
    const newPayment = page.getByRole("dialog")
    await newPayment.getByLabel("Customer").selectOption({ label: "Northwind Traders (#1, EUR)" })
    await newPayment.getByLabel("Amount").fill("100.00")
    await newPayment.getByLabel("Our reference").fill("BANK-LINE-42")
    await confirm(page, "Create payment")
    await page.getByRole("heading", { name: /^Payment \d+/ }).waitFor()
    paymentPath = new URL(page.url()).pathname
    await expect(page.locator(".page-header .badge").textContent()).resolves.toBe("draft")
    await expect(legacyView(page).textContent()).resolves.toContain('"status": "DRAFT"')
    // The view is the dialect's JSON text: a two-decimal JSON number keeps its zeros.
    await expect(legacyView(page).textContent()).resolves.toContain('"amount_value": 100.00,')

    // Post it: the balance moves by 100.00.
    await page.getByRole("button", { name: "Post", exact: true }).click()
    await confirm(page, "Post")
    await page.locator(".page-header .badge", { hasText: "posted" }).waitFor()
    await expect(legacyView(page).textContent()).resolves.toContain('"status": "POSTED"')

    // Allocate 50.00 to the invoice.
    await page.getByRole("button", { name: "Allocate", exact: true }).click()
    const allocate = page.getByRole("dialog")
    await allocate.getByLabel("Invoice").selectOption({ index: 1 })
    await allocate.getByLabel(/^Amount/).fill("50.00")
    await confirm(page, "Allocate")
    await page.getByRole("region", { name: "Allocations" }).getByText("document #1").waitFor()
    await expect(legacyView(page).textContent()).resolves.toContain('"amount_allocated": "50.00"')

    // Reverse 30.00 of it, then reinstate.
    await page.getByRole("button", { name: "Reverse", exact: true }).click()
    const reverse = page.getByRole("dialog")
    await reverse.getByLabel(/^Amount/).fill("30.00")
    await reverse.getByLabel(/^Reason/).fill("chargeback")
    await confirm(page, "Reverse")
    await page.getByRole("region", { name: "Reversals" }).getByText("chargeback").waitFor()
    await expect(legacyView(page).textContent()).resolves.toContain('"amount_reversed": "30.00"')
    await browser.screenshot(page, "05-payment-reversed")

    await page.getByRole("button", { name: "Reinstate", exact: true }).click()
    await confirm(page, "Reinstate")
    await page.getByRole("region", { name: "Reversals" }).getByText("reinstated").waitFor()
    await expect(legacyView(page).textContent()).resolves.toContain('"amount_reversed": "0.00"')

    // The timeline tells the whole story, with who and through which protocol.
    const timeline = page.getByRole("region", { name: "Timeline" })
    for (const type of [
      "payment.created",
      "payment.posted",
      "payment.allocated",
      "payment.reversed",
      "payment.reinstated"
    ]) {
      await timeline.getByText(type, { exact: true }).waitFor()
    }
    await expect(timeline.textContent()).resolves.toContain("by E2E finance")
    await expect(timeline.textContent()).resolves.toContain("via trpc")
    await browser.screenshot(page, "04-payment-detail")

    // The allocation survived the partial reversal (70.00 still covers 50.00).
    await expect(page.getByRole("region", { name: "Allocations" }).textContent()).resolves.toContain("50.00 EUR")

    // The customer's balance: -150.00 invoice + 100.00 payment; the invoice still owes 100.00.
    await page.goto(customerUrl)
    await expect(page.getByTestId("customer-balance").textContent()).resolves.toBe("-50.00 EUR")
    const invoiceRow = page.getByRole("region", { name: "Invoices" }).getByRole("row", { name: /invoice/ })
    await expect(invoiceRow.getByRole("cell").nth(5).textContent()).resolves.toBe("100.00 EUR")
    await page.getByRole("region", { name: "Balance history" }).getByText("payment-reinstated").waitFor()
    await browser.screenshot(page, "06-customer")

    // The payments list finds it by reference text, and the overview counts it.
    await page.getByRole("link", { name: "Payments", exact: true }).click()
    await page.getByLabel("Reference contains").fill("line-42")
    await page.getByRole("button", { name: "Apply filters" }).click()
    await page.getByRole("cell", { name: "BANK-LINE-42" }).waitFor()
    await browser.screenshot(page, "03-payments")
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click()
    ])
    const csv = await readFile((await download.path()) ?? "", "utf8")
    expect(csv.split("\r\n").filter((line) => line !== "")).toHaveLength(2)
    expect(csv).toContain(",EUR,100.00,posted,50.00,0.00,0.00,,BANK-LINE-42,")
    await page.getByRole("link", { name: "Overview" }).click()
    await page.getByText("EUR by method").waitFor()
    await page.getByRole("link", { name: /Northwind Traders/ }).waitFor()
    await browser.screenshot(page, "02-overview")
    await page.getByRole("link", { name: "Invoices" }).click()
    await page.getByRole("cell", { name: "issued" }).waitFor()
    await browser.screenshot(page, "07-invoices")
    await page.close()
  })

  it("shows a read-only user the payment with no action buttons", async () => {
    const page = await browser.newPage({ width: 820, height: 1100 })
    await signIn(page, "read-only")
    await page.goto(`${server.url}${paymentPath}`)
    await page.getByRole("heading", { name: /^Payment \d+/ }).waitFor()
    await page.getByRole("region", { name: "Timeline" }).getByText("payment.reinstated").waitFor()
    await expect(page.getByRole("button", { name: "Reverse" }).count()).resolves.toBe(0)
    await expect(page.locator("fieldset.actions").count()).resolves.toBe(0)
    await expect(page.getByRole("link", { name: "Access" }).count()).resolves.toBe(0)
    await browser.screenshot(page, "08-read-only-payment-tablet")
    await page.getByRole("link", { name: "Payments", exact: true }).click()
    await page.getByRole("heading", { name: "Payments" }).waitFor()
    await expect(page.getByRole("button", { name: "New payment" }).count()).resolves.toBe(0)
    await page.close()
  })

  it("lets an admin issue a key that is shown once, see it used, and revoke it", async () => {
    const page = await browser.newPage()
    await signIn(page, "admin")
    await page.getByRole("link", { name: "Access" }).click()
    const row = page.getByRole("row", { name: /E2E read-only/ })
    await row.getByRole("button", { name: "Issue key" }).click()
    await page
      .getByRole("dialog")
      .getByLabel(/^Label/)
      .fill("legacy client")
    await confirm(page, "Issue key")
    const apiKey = (await page.getByTestId("new-api-key").textContent()) ?? ""
    expect(apiKey).toMatch(/^pbk_[a-z0-9]{12}_/)
    const used = await fetch(`${server.url}/trpc/session.whoami`, { headers: { Authorization: `Bearer ${apiKey}` } })
    expect(used.status).toBe(200)
    await page.getByRole("button", { name: "I have stored it" }).click()
    await page.reload()
    await row.getByText("legacy client").waitFor()
    await expect(row.textContent()).resolves.not.toContain("last used never")
    await browser.screenshot(page, "09-access")
    await row.getByRole("button", { name: "Revoke" }).click()
    await confirm(page, "Revoke key")
    await row.getByText("revoked").waitFor()
    const refused = await fetch(`${server.url}/trpc/session.whoami`, { headers: { Authorization: `Bearer ${apiKey}` } })
    expect(refused.status).toBe(401)
    await page.getByRole("link", { name: "Compatibility" }).click()
    await page.getByRole("heading", { name: "Vendor API compatibility" }).waitFor()
    await browser.screenshot(page, "10-compatibility")
    await page.close()
  })
  it("keeps the session token out of page scripts and runs under a strict Content Security Policy", async () => {
    const page = await browser.newPage()
    const violations: Array<string> = []
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
    })
    page.on("pageerror", (error) => violations.push(String(error)))
    const shell = await page.goto(`${server.url}/admin/`)
    const headers = shell?.headers() ?? {}
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'")
    expect(headers["content-security-policy"]).toContain("script-src 'self'")
    expect(headers["x-content-type-options"]).toBe("nosniff")
    expect(headers["referrer-policy"]).toBe("no-referrer")
    expect(headers["x-frame-options"]).toBe("DENY")

    await signIn(page, "finance")
    const session = (await browser.context.cookies()).find((cookie) => cookie.name === "paybridge_session")
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/trpc" })
    const seen = await page.evaluate(() => ({
      cookies: document.cookie,
      stored: JSON.stringify({ ...sessionStorage })
    }))
    expect(seen.cookies).toContain("paybridge_csrf=")
    expect(seen.cookies).not.toContain("paybridge_session")
    expect(seen.stored).not.toContain(session?.value ?? "no session cookie")
    // A script that calls the API with the cookie alone (no CSRF header) is refused.
    const bare = await page.evaluate(async () => (await fetch("/trpc/session.whoami")).status)
    expect(bare).toBe(403)

    // The charts, tables, dialogs and JSON views all render under the policy.
    await page.getByText("EUR by method").waitFor()
    await page.goto(`${server.url}${paymentPath}`)
    await legacyView(page).waitFor()
    await page.getByRole("link", { name: "Customers" }).click()
    await page.getByRole("button", { name: "New customer" }).click()
    await page.getByRole("dialog").waitFor()
    expect(violations).toEqual([])
    await page.close()
  })

  it("lists migration runs with their reconciliation reports", async () => {
    // A run as `pnpm migrate` keeps it: summary, report and its Markdown (packages/migrate, ledger.checkpoint.ts).
    const summary = {
      id: "run-e2e-1",
      vendor: "silver",
      source: "https://billing.example.com",
      mode: "full",
      status: "completed",
      startedAt: "2026-12-01T10:00:00.000Z",
      finishedAt: "2026-12-01T10:02:00.000Z",
      resumes: 1,
      counts: {
        customer: { read: 2, new: 2, changed: 0, unchanged: 0 },
        payment: { read: 40, new: 40, changed: 0, unchanged: 0 }
      },
      duplicates: 0,
      notices: [],
      timings: { sourceMs: 80_000, sinkMs: 30_000, checkpointMs: 1_000, totalMs: 120_000 },
      error: null
    }
    await server.saveRecord({
      dialect: "migrate",
      kind: "run",
      key: summary.id,
      data: {
        vendor: "silver",
        source: summary.source,
        summary,
        report: { matched: false, differences: [{ customerSourceId: "7", field: "postedSum" }] },
        reportMarkdown:
          "# Reconciliation: silver → Paybridge\n\n## Differences\n\n| Customer | Currency | Figure | Source | Paybridge |\n| --- | --- | --- | ---: | ---: |\n| 7 | EUR | postedSum | 120.00 | 110.00 |\n"
      }
    })
    const page = await browser.newPage()
    await signIn(page, "read-only")
    await page.getByRole("link", { name: "Migrations" }).click()
    await page.getByRole("heading", { name: "Migrations" }).waitFor()
    const run = page.getByRole("article", { name: "Migration run run-e2e-1" })
    await expect(run.textContent()).resolves.toContain("1 difference(s)")
    await expect(run.textContent()).resolves.toContain("resumed 1×")
    await run.getByText("Reconciliation report").click()
    await expect(run.getByRole("cell", { name: "postedSum" }).isVisible()).resolves.toBe(true)
    await expect(run.getByRole("cell", { name: "110.00" }).isVisible()).resolves.toBe(true)
    await browser.screenshot(page, "09-migrations")
    await page.close()
  })
})
