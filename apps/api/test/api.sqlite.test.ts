/** The API scenarios on a SQLite file in a temporary directory. */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { registerApiScenarios } from "./support/api-scenarios.ts"

registerApiScenarios("API over HTTP on SQLite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "paybridge-api-"))
  return { url: `sqlite:${join(dir, "paybridge.db")}`, dispose: () => rm(dir, { recursive: true, force: true }) }
})
