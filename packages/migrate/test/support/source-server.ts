/**
 * The "vendor" of the migration tests: a real Paybridge server process (`apps/api/src/main.ts`) on
 * a fresh SQLite file, serving every vendor dialect at its default base path. Before it starts, the
 * admin CLI (`create-admin.ts --password …`) creates the admin whose API key and password the tests
 * use, exactly as an operator would. Tests talk to it over HTTP only: tRPC (`@paybridge/client`)
 * to seed it, the dialects to read it.
 */
import { type ChildProcessByStdio, execFile, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Readable } from "node:stream"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { createPaybridgeClient, type PaybridgeClient } from "@paybridge/client"

const apiSource = (file: string) => fileURLToPath(new URL(`../../../../apps/api/src/${file}`, import.meta.url))

export interface SourceServer {
  readonly url: string
  readonly apiKey: string
  readonly email: string
  readonly password: string
  readonly client: PaybridgeClient
  /** The base URL of a dialect on this server. */
  readonly dialectUrl: (vendor: string) => string
  readonly stop: () => Promise<void>
}

export const dialectPaths: Readonly<Record<string, string>> = {
  "billing-platform-uk": "/backend/api/v1",
  "crm-com": "/crmapi/rest/v4",
  logisense: "/logisense",
  elevate: "/elevate/v1",
  silver: "/silver"
}

type Child = ChildProcessByStdio<null, Readable, Readable>

/** Starts a server on a fresh SQLite file, or on `options.databaseUrl` (a migration's target ledger). */
export const startSourceServer = async (
  options: {
    readonly databaseUrl?: string
    /** Runs on the server's database before the server starts (e.g. seeds its ledger directly). */
    readonly prepare?: (databaseUrl: string) => Promise<void>
  } = {}
): Promise<SourceServer> => {
  const dataDir = await mkdtemp(join(tmpdir(), "paybridge-migrate-source-"))
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: options.databaseUrl ?? `sqlite:${join(dataDir, "ledger.sqlite")}`,
    PAYBRIDGE_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    // The tenant's gateway payments (approved, declined) go through the built-in test gateway.
    PAYBRIDGE_TEST_GATEWAY: "1",
    // …and nothing settles its pending attempts behind the tests' back (the source changes only when a test changes it).
    GATEWAY_RECONCILE_INTERVAL: "1 day"
  }
  delete env.PUBLIC_URL
  delete env.DIALECT_BASE_PATHS
  const email = "admin@source.test"
  const password = "source-password-1"
  const created = await promisify(execFile)(
    process.execPath,
    [apiSource("cli/create-admin.ts"), "--email", email, "--name", "Source admin", "--password", password],
    { env }
  )
  const apiKey = /API key \(shown once; store it now\): (\S+)/u.exec(created.stdout)?.[1]
  if (apiKey === undefined) throw new Error(`create-admin printed no key:\n${created.stdout}${created.stderr}`)

  await options.prepare?.(env.DATABASE_URL as string)

  const child: Child = spawn(process.execPath, [apiSource("main.ts")], { env, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000)
    const check = () => {
      const match = /URL:\s+(http:\/\/\S+)/u.exec(output)
      if (match?.[1] !== undefined && /─{20,}\s*$/u.test(output)) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    // The banner goes to stderr (stdout carries the JSON log only), so both streams are watched.
    child.stdout.on("data", check)
    child.stderr.on("data", check)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`source server exited with ${code}:\n${output}`))
    })
  })

  return {
    url,
    apiKey,
    email,
    password,
    client: createPaybridgeClient(url, { apiKey }),
    dialectUrl: (vendor) => `${url}${dialectPaths[vendor] ?? ""}`,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve())
          child.kill("SIGTERM")
        })
      }
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
