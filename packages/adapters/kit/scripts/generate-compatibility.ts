/**
 * Writes `docs/compatibility.md` from the endpoint registries of every dialect package under
 * `packages/adapters/` (`pnpm --filter @paybridge/adapter-kit docs:compat`). With `--check` it
 * writes nothing and exits 1 when the checked-in file differs from what it would write.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import { compatibilityDocumentPath, discoverDialects, renderCompatibilityDocument } from "../src/compatibility.ts"

const path = compatibilityDocumentPath()
const dialects = await discoverDialects()
const text = renderCompatibilityDocument(dialects)

if (process.argv.includes("--check")) {
  const current = await readFile(path, "utf8").catch(() => "")
  if (current !== text) {
    console.error(`${path} is stale: run node packages/adapters/kit/scripts/generate-compatibility.ts`)
    process.exit(1)
  }
  console.log(`${path} is up to date (${dialects.length} dialects)`)
} else {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
  console.log(`wrote ${path} (${dialects.length} dialects)`)
}
