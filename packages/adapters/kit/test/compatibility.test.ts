/**
 * The compatibility table: rendered from the registries (every endpoint, its status and its
 * proving tests), dialect packages discovered under `packages/adapters/`, the checked-in
 * `docs/compatibility.md` kept current, and proving-test names that point at real tests.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import {
  compatibilityDocumentPath,
  compatibilitySection,
  discoverDialects,
  renderCompatibilityDocument
} from "@paybridge/adapter-kit"
import { provingTestProblems } from "@paybridge/adapter-kit/testing"
import { describe, expect, it } from "vitest"
import { acmePay } from "./example-dialect/acme-pay.dialect.ts"

describe("compatibility table", () => {
  it("lists every endpoint with its full path, status and proving tests", () => {
    const section = compatibilitySection(acmePay)
    const rows = section.split("\n").filter((line) => line.startsWith("| GET") || line.startsWith("| POST"))
    expect(rows).toHaveLength(4)
    expect(rows[0]).toBe(
      "| GET | `/acme/v1/payments/:id` | `getPayment` | implemented | `acme-pay.test.ts › reads back a created payment with its amount and dates in Acme's formats` |"
    )
    expect(rows[3]).toBe("| POST | `/acme/v1/payments/:id/refunds` | `refundPayment` | not implemented | — |")
    expect(section).toContain("3 of 4 documented endpoints implemented")
    expect(section.startsWith("<!-- dialect:acme-pay -->")).toBe(true)
  })

  it("lists a dialect's deliberate differences from the vendor, each with its reason", () => {
    const section = compatibilitySection({
      ...acmePay,
      deviations: [{ what: "One currency per customer", why: "the ledger keeps one running balance per customer" }]
    })
    expect(section).toContain("Deliberate differences from the vendor:")
    expect(section).toContain("| One currency per customer | the ledger keeps one running balance per customer |")
    expect(compatibilitySection(acmePay)).not.toContain("Deliberate differences")
  })

  it("summarises every dialect at the top of the document", () => {
    const document = renderCompatibilityDocument([acmePay])
    expect(document).toContain("| [Acme Pay](#acme-pay) | `/acme/v1` | 4 | 3 | 1 |")
    expect(document.endsWith("<!-- /dialect:acme-pay -->\n")).toBe(true)
  })

  it("discovers the dialects exported by the packages under packages/adapters", async () => {
    const root = await mkdtemp(join(tmpdir(), "pb-compat-"))
    try {
      const pkg = join(root, "packages", "adapters", "acme-pay")
      await mkdir(join(pkg, "src"), { recursive: true })
      await mkdir(join(root, "packages", "adapters", "kit"), { recursive: true })
      await writeFile(join(pkg, "package.json"), JSON.stringify({ name: "acme", exports: { ".": "./src/index.ts" } }))
      const example = resolve(import.meta.dirname, "example-dialect", "acme-pay.dialect.ts")
      await writeFile(join(pkg, "src", "index.ts"), `export { acmePay } from ${JSON.stringify(example)}\n`)
      const found = await discoverDialects(root)
      expect(found.map((dialect) => dialect.id)).toEqual(["acme-pay"])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it("keeps the checked-in docs/compatibility.md current (regenerate with scripts/generate-compatibility.ts)", async () => {
    const expected = renderCompatibilityDocument(await discoverDialects())
    expect(await readFile(compatibilityDocumentPath(), "utf8")).toBe(expected)
  })

  it("names only proving tests that exist", async () => {
    expect(await provingTestProblems(acmePay, import.meta.dirname)).toEqual([])
    const [first] = acmePay.endpoints
    if (first === undefined) throw new Error("Acme Pay has endpoints")
    const renamed = { ...acmePay, endpoints: [{ ...first, tests: ["acme-pay.test.ts › a test nobody wrote"] }] }
    expect(await provingTestProblems(renamed, import.meta.dirname)).toEqual([
      'getPayment: acme-pay.test.ts has no test "a test nobody wrote"'
    ])
  })
})
