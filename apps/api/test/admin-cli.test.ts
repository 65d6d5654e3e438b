/**
 * The admin scripts as an operator runs them: `create-admin` prints a working key once;
 * `issue-key` prints a new key and the old one stops working at once; mistakes (a duplicate
 * email, an unknown user, a missing flag) end with a `paybridge:` line and exit code 1.
 */
import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { Authenticator } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { loadConfig } from "../src/config.ts"
import { openRuntime } from "../src/runtime.ts"

const run = promisify(execFile)
const script = (name: string) => fileURLToPath(new URL(`../src/cli/${name}.ts`, import.meta.url))

let dir: string
let databaseUrl: string

const cli = async (name: string, args: ReadonlyArray<string>) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [script(name), "--", ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl }
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const keyIn = (stdout: string): string => {
  const key = /API key \(shown once; store it now\): (pbk_\S+)/.exec(stdout)?.[1]
  if (key === undefined) throw new Error(`no API key in output:\n${stdout}`)
  return key
}

/** Which of these keys the server would accept right now. */
const accepted = async (keys: ReadonlyArray<string>) => {
  const config = await Effect.runPromise(loadConfig({ DATABASE_URL: databaseUrl }))
  const runtime = await openRuntime(config)
  try {
    return await runtime.runPromise(
      Effect.forEach(keys, (key) =>
        Authenticator.use((auth) => auth.authenticateApiKey(key)).pipe(
          Effect.map((principal) => principal.role),
          Effect.catchTag("Unauthorized", () => Effect.succeed("rejected"))
        )
      )
    )
  } finally {
    await runtime.dispose()
  }
}

describe("admin CLI", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "paybridge-cli-"))
    databaseUrl = `sqlite:${join(dir, "paybridge.db")}`
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  test("create-admin prints a working admin key; issue-key replaces it and the old key stops working", async () => {
    const created = await cli("create-admin", ["--email", "Ops@Example.com", "--name", "Ops Person"])
    expect(created.code).toBe(0)
    expect(created.stdout).toContain("Created admin user ops@example.com")
    const firstKey = keyIn(created.stdout)
    expect(await accepted([firstKey])).toEqual(["admin"])

    const reissued = await cli("issue-key", ["--email", "ops@example.com"])
    expect(reissued.code).toBe(0)
    const secondKey = keyIn(reissued.stdout)
    expect(secondKey).not.toBe(firstKey)
    expect(await accepted([firstKey, secondKey])).toEqual(["rejected", "admin"])
  })

  test("mistakes end with a paybridge: line and exit code 1", async () => {
    const duplicate = await cli("create-admin", ["--email", "ops@example.com", "--name", "Again"])
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toMatch(/^paybridge: .*already exists/m)

    const unknown = await cli("issue-key", ["--email", "nobody@example.com"])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^paybridge: user nobody@example.com does not exist/m)

    const missing = await cli("create-admin", ["--name", "No Email"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("paybridge: --email is required")

    const badRole = await cli("create-admin", ["--email", "x@example.com", "--name", "X", "--role", "root"])
    expect(badRole.code).toBe(1)
    expect(badRole.stderr).toContain("--role must be admin, finance or read-only")
  })
})
