/**
 * The Gateways page end to end: the real API (fresh SQLite file, a secrets key) serving the built
 * console, driven in Debian's Chromium. An admin creates a Stripe gateway with its secrets (the row
 * shows the last four characters, who set them, and turns live once the server's drivers have
 * loaded them), rotates its secret key (the new last four, version picked up), is shown the
 * server's refusal of a rotation with nothing to replace, and disables then re-enables the gateway
 * (not live while disabled). The page never shows a secret. A finance user sees the list with no
 * action to take.
 */
import { randomBytes } from "node:crypto"
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

const signIn = async (page: Page, role: "admin" | "finance") => {
  await page.goto(`${server.url}/admin/`)
  await page.getByLabel("Email").fill(server.users[role].email)
  await page.getByLabel("Password").fill(server.users[role].password)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("heading", { name: "Overview" }).waitFor()
}

const openGateways = async (page: Page) => {
  await page.getByRole("link", { name: "Gateways" }).click()
  await page.getByRole("heading", { name: "Gateways" }).waitFor()
}

const confirm = async (page: Page, label: string) => {
  const dialog = page.getByRole("dialog")
  await dialog.getByRole("button", { name: label, exact: true }).click()
  await dialog.waitFor({ state: "detached" })
}

const secretKey = `sk_test_${randomBytes(12).toString("hex")}`
const webhookSecret = `whsec_${randomBytes(12).toString("hex")}`
const rotatedKey = `sk_test_${randomBytes(12).toString("hex")}`

describe("the Gateways page in Chromium", () => {
  it("creates a Stripe gateway with secrets, rotates its secret, refuses an empty rotation, disables and enables it", async () => {
    const page = await browser.newPage()
    await signIn(page, "admin")
    await openGateways(page)
    await page.getByText("No gateways yet.").waitFor()

    await page.getByRole("button", { name: "New gateway" }).click()
    const create = page.getByRole("dialog")
    await create.getByLabel("Code").fill("stripe-console")
    await create.getByLabel("Name", { exact: true }).fill("Stripe (console)")
    await create.getByLabel("Secret key").fill(secretKey)
    await create.getByLabel("Webhook secret").fill(webhookSecret)
    await confirm(page, "Create gateway")

    const row = page.getByRole("row", { name: /stripe-console/ })
    await row.getByText(`key ····${secretKey.slice(-4)}, webhook ····${webhookSecret.slice(-4)}`).waitFor()
    await expect(row.getByText("stripe", { exact: true }).isVisible()).resolves.toBe(true)
    await expect(row.getByText("by E2E admin").isVisible()).resolves.toBe(true)
    await row.getByRole("cell", { name: "live", exact: true }).waitFor({ timeout: 15_000 })

    await row.getByRole("button", { name: "Rotate secret" }).click()
    await page.getByRole("dialog").getByLabel("New secret key").fill(rotatedKey)
    await confirm(page, "Rotate secret")
    await row.getByText(`key ····${rotatedKey.slice(-4)}`).waitFor()

    // Nothing to replace: the server's refusal is shown in the dialog, nothing changes.
    await row.getByRole("button", { name: "Rotate secret" }).click()
    const empty = page.getByRole("dialog")
    await empty.getByRole("button", { name: "Rotate secret", exact: true }).click()
    await expect(empty.getByRole("alert").textContent()).resolves.toContain("give a new secret key")
    await empty.getByRole("button", { name: "Cancel" }).click()

    await row.getByRole("button", { name: "Disable" }).click()
    await confirm(page, "Disable gateway")
    await row.getByText("disabled").waitFor()
    await row.getByRole("cell", { name: "not live", exact: true }).waitFor({ timeout: 15_000 })
    await row.getByRole("button", { name: "Enable" }).click()
    await confirm(page, "Enable gateway")
    await row.getByText("enabled").waitFor()
    await row.getByRole("cell", { name: "live", exact: true }).waitFor({ timeout: 15_000 })

    const html = await page.content()
    for (const secret of [secretKey, webhookSecret, rotatedKey]) expect(html).not.toContain(secret)
    await browser.screenshot(page, "11-gateways")
    await page.close()
  })

  it("shows a finance user the gateways with no action to take", async () => {
    const page = await browser.newPage()
    await signIn(page, "finance")
    await openGateways(page)
    const row = page.getByRole("row", { name: /stripe-console/ })
    await row.waitFor()
    await expect(row.getByRole("button").count()).resolves.toBe(0)
    await expect(page.getByRole("button", { name: "New gateway" }).count()).resolves.toBe(0)
    await page.close()
  })
})
