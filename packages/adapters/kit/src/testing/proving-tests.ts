/**
 * Keeps a registry's "proving tests" honest. Each endpoint names the tests that prove it as
 * `<test file> › <describe…> › <test title>`; this check finds the file under the dialect's test
 * folder and the title's text in its source (or, for the shared contract suite's tests, among the
 * suite's fixed titles), so a renamed or deleted test cannot stay listed in the compatibility
 * table. The per-route contract tests (`<METHOD> <path> (<operationId>)`) are accepted when the
 * route exists.
 */
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import type { Dialect } from "../dialect.ts"
import { contractTestTitles } from "./contract-suite.ts"

const separator = " › "

const listFiles = async (dir: string): Promise<ReadonlyArray<string>> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}

/**
 * Problems with `dialect`'s proving-test names, looking for test files under `testDir`; an empty
 * list means every named test exists.
 */
export const provingTestProblems = async (dialect: Dialect, testDir: string): Promise<ReadonlyArray<string>> => {
  const files = await listFiles(testDir)
  const sources = new Map<string, string>()
  const sourceOf = async (file: string) => {
    const cached = sources.get(file)
    if (cached !== undefined) return cached
    const text = await readFile(file, "utf8")
    sources.set(file, text)
    return text
  }
  const contractScope = `${dialect.title}: dialect contract`
  const fixedTitles = new Set<string>(Object.values(contractTestTitles))
  const routeTitles = new Set(dialect.endpoints.map((route) => `${route.method} ${route.path} (${route.operationId})`))
  const problems: Array<string> = []
  for (const route of dialect.endpoints) {
    for (const name of route.tests) {
      const parts = name.split(separator)
      const [fileName, ...rest] = parts
      const title = rest.at(-1)
      if (fileName === undefined || title === undefined) {
        problems.push(`${route.operationId}: "${name}" is not "<file> › … › <test title>"`)
        continue
      }
      const file = files.find(
        (candidate) => candidate === join(testDir, fileName) || candidate.endsWith(`/${fileName}`)
      )
      if (file === undefined) {
        problems.push(`${route.operationId}: no test file ${fileName} under ${testDir}`)
        continue
      }
      if (rest.includes(contractScope)) {
        if (!fixedTitles.has(title) && !routeTitles.has(title)) {
          problems.push(`${route.operationId}: the contract suite has no test "${title}"`)
        }
        continue
      }
      if (!(await sourceOf(file)).includes(title))
        problems.push(`${route.operationId}: ${fileName} has no test "${title}"`)
    }
  }
  return problems
}
