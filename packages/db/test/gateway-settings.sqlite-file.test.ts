/** Stored gateway settings on a SQLite file: sealed at rest (the file and its WAL grepped for each secret), see the scenarios. */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe } from "vitest"
import { describeGatewaySettings } from "./support/gateway-settings-scenarios.ts"

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-gateway-settings-"))
})
afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true })
})

describe("gateway settings on a SQLite file", () => {
  describeGatewaySettings(() => ({
    url: `sqlite:${join(dir, "ledger.db")}`,
    dumpDatabase: async () => {
      const files = await readdir(dir)
      const contents = await Promise.all(files.map((file) => readFile(join(dir, file))))
      return contents.map((bytes) => bytes.toString("latin1")).join("\n")
    }
  }))
})
