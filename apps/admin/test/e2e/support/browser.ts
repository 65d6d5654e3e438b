/**
 * Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`) driven by playwright-core, headless,
 * with a fresh profile directory per run and nothing that phones home; no browser is ever
 * downloaded. Screenshots go to `apps/admin/test-artifacts/` (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { type BrowserContext, chromium, type Page } from "playwright-core"

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
export const artifactsDir = resolve(import.meta.dirname, "../../../test-artifacts")

export interface Browser {
  readonly context: BrowserContext
  readonly newPage: (viewport?: { width: number; height: number }) => Promise<Page>
  readonly screenshot: (page: Page, name: string) => Promise<string>
  readonly close: () => Promise<void>
}

export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install Debian's package (apt-get install -y chromium)`)
  }
  const profile = mkdtempSync(join(tmpdir(), "paybridge-chromium-"))
  mkdirSync(artifactsDir, { recursive: true })
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage"
    ]
  })
  return {
    context,
    newPage: async (viewport) => {
      const page = await context.newPage()
      if (viewport) await page.setViewportSize(viewport)
      return page
    },
    screenshot: async (page, name) => {
      const path = join(artifactsDir, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}
