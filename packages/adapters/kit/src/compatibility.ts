/**
 * The compatibility table (`docs/compatibility.md` at the repository root): every endpoint of
 * every dialect with its method, full path, operation id, whether Paybridge implements it and
 * the tests that prove it. It is rendered from the endpoint registries, never written by hand:
 * `scripts/generate-compatibility.ts` writes it, and a test fails when the checked-in file is
 * stale. Dialects are discovered as the packages under `packages/adapters/` (other than the kit)
 * whose entry module exports a value made by `defineDialect`.
 */
import { readdir, readFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { type Dialect, isDialect } from "./dialect.ts"
import { joinPath } from "./endpoint-registry.ts"

const cell = (text: string): string => text.replace(/\|/gu, "\\|").replace(/\r?\n/gu, " ")

const code = (text: string): string => `\`${text.replace(/`/gu, "'")}\``

/** Start and end markers around one dialect's section (what per-dialect checks look for). */
export const sectionMarkers = (dialectId: string) => ({
  start: `<!-- dialect:${dialectId} -->`,
  end: `<!-- /dialect:${dialectId} -->`
})

const counts = (dialect: Dialect) => {
  const implemented = dialect.endpoints.filter((route) => route.implemented).length
  return { implemented, total: dialect.endpoints.length, missing: dialect.endpoints.length - implemented }
}

/** One dialect's section: a heading, a summary line and one row per endpoint, between markers. */
export const compatibilitySection = (dialect: Dialect): string => {
  const { start, end } = sectionMarkers(dialect.id)
  const { implemented, total } = counts(dialect)
  const docs = dialect.vendorDocLinks.map((link) => `[${link.title}](${link.url})`).join(", ")
  const rows = dialect.endpoints.map((route) => {
    const tests = route.tests.length === 0 ? "—" : route.tests.map((name) => code(name)).join("<br>")
    return `| ${route.method} | ${code(joinPath(dialect.defaultBasePath, route.path))} | ${code(route.operationId)} | ${route.implemented ? "implemented" : "not implemented"} | ${cell(tests)} |`
  })
  const deviations = dialect.deviations ?? []
  const deviationLines =
    deviations.length === 0
      ? []
      : [
          "",
          "Deliberate differences from the vendor:",
          "",
          "| Difference | Why |",
          "| --- | --- |",
          ...deviations.map((deviation) => `| ${cell(deviation.what)} | ${cell(deviation.why)} |`)
        ]
  return [
    start,
    `## ${cell(dialect.title)} (${code(dialect.id)})`,
    "",
    `Base path ${code(dialect.defaultBasePath)} · ${implemented} of ${total} documented endpoints implemented${docs === "" ? "" : ` · vendor docs: ${docs}`}`,
    "",
    "| Method | Path | Operation | Status | Proving tests |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    ...deviationLines,
    end
  ].join("\n")
}

/** The whole `docs/compatibility.md`: a summary table, then one section per dialect (sorted by id). */
export const renderCompatibilityDocument = (dialects: ReadonlyArray<Dialect>): string => {
  const sorted = [...dialects].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const summary =
    sorted.length === 0
      ? ["No dialect package exists yet."]
      : [
          "| Dialect | Base path | Endpoints | Implemented | Not implemented |",
          "| --- | --- | --- | --- | --- |",
          ...sorted.map((dialect) => {
            const { implemented, total, missing } = counts(dialect)
            return `| [${cell(dialect.title)}](#${dialect.id}) | ${code(dialect.defaultBasePath)} | ${total} | ${implemented} | ${missing} |`
          })
        ]
  return `${[
    "# Vendor API compatibility",
    "",
    "Generated from each dialect's endpoint registry by `node packages/adapters/kit/scripts/generate-compatibility.ts`;",
    "do not edit by hand. The adapter kit's tests fail when this file is stale. Every endpoint a vendor documents is",
    "listed: implemented ones name the tests that prove them, the others are routed and answer `NotImplemented`",
    "(HTTP 501 unless the dialect's error table says otherwise) in the vendor's error shape.",
    "",
    ...summary,
    ...sorted.flatMap((dialect) => ["", `<a id="${dialect.id}"></a>`, "", compatibilitySection(dialect)])
  ].join("\n")}\n`
}

/** The repository root, found from this file (`packages/adapters/kit/src`). */
export const repositoryRoot = (): string => resolve(import.meta.dirname, "../../../..")

/** Where the generated table lives. */
export const compatibilityDocumentPath = (root = repositoryRoot()): string => join(root, "docs", "compatibility.md")

interface PackageManifest {
  readonly name?: string
  readonly exports?: string | { readonly "."?: string | { readonly import?: string; readonly default?: string } }
}

const entryOf = (manifest: PackageManifest): string | undefined => {
  const main = typeof manifest.exports === "string" ? manifest.exports : manifest.exports?.["."]
  if (typeof main === "string") return main
  return main?.import ?? main?.default
}

/**
 * Imports every dialect package under `<root>/packages/adapters/` (each directory with a
 * `package.json` other than the kit) and returns the dialects its entry module exports.
 */
export const discoverDialects = async (root = repositoryRoot()): Promise<ReadonlyArray<Dialect>> => {
  const adaptersDir = join(root, "packages", "adapters")
  const found = new Map<string, Dialect>()
  const entries = await readdir(adaptersDir, { withFileTypes: true })
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || entry.name === "kit") continue
    const manifestText = await readFile(join(adaptersDir, entry.name, "package.json"), "utf8").catch(() => null)
    if (manifestText === null) continue
    const manifest = JSON.parse(manifestText) as PackageManifest
    const entryPath = entryOf(manifest)
    if (entryPath === undefined) continue
    const module = (await import(pathToFileURL(join(adaptersDir, entry.name, entryPath)).href)) as Record<
      string,
      unknown
    >
    for (const value of Object.values(module)) {
      if (!isDialect(value)) continue
      const existing = found.get(value.id)
      if (existing !== undefined && existing !== value) throw new Error(`two dialects with the id ${value.id}`)
      found.set(value.id, value)
    }
  }
  return [...found.values()]
}
