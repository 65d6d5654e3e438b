/**
 * The edge fuzz suite on SQLite (a fresh database file): every dialect operation and tRPC procedure,
 * fuzzed from its schema, answers below 500, refuses in its protocol's shape and refuses without
 * effect (see `support/fuzz/fuzz-scenarios.ts`).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fuzzOptions, registerFuzzSuite } from "./support/fuzz/fuzz-scenarios.ts"

registerFuzzSuite(
  "edge fuzz on SQLite",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "paybridge-fuzz-"))
    return { url: `sqlite:${join(dir, "paybridge.db")}`, dispose: () => rm(dir, { recursive: true, force: true }) }
  },
  fuzzOptions(10)
)
