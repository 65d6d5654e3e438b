/**
 * Input hygiene on SQLite (a fresh database file): ill-formed text and impossible dates refused in
 * every protocol's shape, card numbers masked everywhere (see `support/input-hygiene-scenarios.ts`).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { registerInputHygieneScenarios } from "./support/input-hygiene-scenarios.ts"

registerInputHygieneScenarios("input hygiene on SQLite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "paybridge-hygiene-"))
  return { url: `sqlite:${join(dir, "paybridge.db")}`, dispose: () => rm(dir, { recursive: true, force: true }) }
})
