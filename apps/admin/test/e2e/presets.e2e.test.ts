/**
 * The Presets page end to end: the real API (fresh SQLite file, the server's dialects) serving the
 * built console, driven in Debian's Chromium. A finance user picks CRM.COM's financial transaction
 * categories, creates one, renames it, is refused a second active preset of the same name, and
 * retires it (it stays listed as retired, with no actions left); a read-only user sees the list with
 * no action to take. The preset records the page writes are the ones the CRM.COM dialect resolves.
 */
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

const signIn = async (page: Page, role: "finance" | "read-only") => {
  await page.goto(`${server.url}/admin/`)
  await page.getByLabel("Email").fill(server.users[role].email)
  await page.getByLabel("Password").fill(server.users[role].password)
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("heading", { name: "Overview" }).waitFor()
}

const openCategories = async (page: Page) => {
  await page.getByRole("link", { name: "Presets" }).click()
  await page.getByRole("heading", { name: "Presets" }).waitFor()
  await page.getByLabel("Kind").selectOption({ label: "CRM.COM Web API v4: Financial transaction categories" })
  return page.getByRole("region", { name: "Financial transaction categories" })
}

const confirm = async (page: Page, label: string) => {
  const dialog = page.getByRole("dialog")
  await dialog.getByRole("button", { name: label, exact: true }).click()
  await dialog.waitFor({ state: "detached" })
}

describe("the Presets page in Chromium", () => {
  it("creates, renames and retires a CRM.COM category; refuses a duplicate active name", async () => {
    const page = await browser.newPage()
    await signIn(page, "finance")
    const categories = await openCategories(page)
    await categories.getByText("None yet.").waitFor()

    await categories.getByRole("button", { name: "New preset" }).click()
    await page.getByRole("dialog").getByLabel("Name").fill("Walk-in Payments")
    await confirm(page, "Create preset")
    const row = categories.getByRole("row", { name: /Walk-in Payments/ })
    await expect(row.getByText("active").isVisible()).resolves.toBe(true)

    await row.getByRole("button", { name: "Rename" }).click()
    await page.getByRole("dialog").getByLabel("Name").fill("Counter Payments")
    await confirm(page, "Rename preset")
    const renamed = categories.getByRole("row", { name: /Counter Payments/ })
    await renamed.waitFor()
    await expect(categories.getByRole("row", { name: /Walk-in Payments/ }).count()).resolves.toBe(0)

    // A second active category of the same name is refused in words; nothing is added.
    await categories.getByRole("button", { name: "New preset" }).click()
    const duplicate = page.getByRole("dialog")
    await duplicate.getByLabel("Name").fill("Counter Payments")
    await duplicate.getByRole("button", { name: "Create preset", exact: true }).click()
    await expect(duplicate.getByRole("alert").textContent()).resolves.toContain('named "Counter Payments"')
    await duplicate.getByRole("button", { name: "Cancel" }).click()
    await expect(categories.getByRole("row", { name: /Counter Payments/ }).count()).resolves.toBe(1)

    await renamed.getByRole("button", { name: "Retire" }).click()
    await confirm(page, "Retire preset")
    await renamed.getByText("retired").waitFor()
    await expect(renamed.getByRole("button").count()).resolves.toBe(0)
    await browser.screenshot(page, "10-presets")
    await page.close()
  })

  it("shows a read-only user the presets with no action to take", async () => {
    const page = await browser.newPage()
    await signIn(page, "read-only")
    const categories = await openCategories(page)
    await categories.getByRole("row", { name: /Counter Payments/ }).waitFor()
    await expect(categories.getByRole("button").count()).resolves.toBe(0)
    await page.close()
  })
})
