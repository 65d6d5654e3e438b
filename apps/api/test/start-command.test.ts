/**
 * The start command as a user runs it: `node apps/api/src/main.ts --demo` with a fresh data
 * directory and a free port prints its URL and a demo API key; that key lists demo payments in
 * every lifecycle state through `@paybridge/client`; SIGTERM stops accepting connections, lets the
 * request in flight finish and exits 0; a second start on the same data keeps the data and explains
 * how to get a key instead of seeding again.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtemp, rm } from "node:fs/promises"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Readable } from "node:stream"
import { fileURLToPath } from "node:url"
import { createPaybridgeClient, type RouterOutputs } from "@paybridge/client"
import { afterAll, beforeAll, describe, expect, test } from "vitest"

const mainScript = fileURLToPath(new URL("../src/main.ts", import.meta.url))

type Child = ChildProcessByStdio<null, Readable, Readable>

interface Started {
  readonly child: Child
  readonly output: () => string
  readonly url: string
}

const start = async (dataDir: string): Promise<Started> => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PAYBRIDGE_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn"
  }
  delete env.DATABASE_URL
  delete env.PUBLIC_URL
  const child = spawn(process.execPath, [mainScript, "--demo"], { env, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s; output:\n${output}`)), 60_000)
    const check = () => {
      const match = /URL:\s+(http:\/\/\S+)/.exec(output)
      // The banner is printed in one write; wait for its closing rule so the key line is in.
      if (match?.[1] !== undefined && /─{20,}\s*$/.test(output)) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.on("data", check)
    child.stderr.on("data", check)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening; output:\n${output}`))
    })
  })
  return { child, output: () => output, url }
}

const stop = (child: Child): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    child.once("exit", (code) => resolve(code))
    child.kill("SIGTERM")
  })

describe("start command with --demo", () => {
  let dataDir: string
  let first: Started

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "paybridge-start-"))
    first = await start(dataDir)
  }, 90_000)
  afterAll(async () => {
    if (first !== undefined) await stop(first.child)
    await rm(dataDir, { recursive: true, force: true })
  })

  test("prints the URL and a demo API key that lists payments in every lifecycle state", async () => {
    const apiKey = /API key:\s+(pbk_\S+)/.exec(first.output())?.[1]
    expect(apiKey).toBeDefined()
    const client = createPaybridgeClient(first.url, { apiKey: apiKey ?? "" })

    const payments: Array<RouterOutputs["payments"]["list"]["items"][number]> = []
    let cursor: string | null = null
    do {
      const page: RouterOutputs["payments"]["list"] = await client.payments.list.query({ limit: 10, cursor })
      payments.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)

    expect(new Set(payments.map((payment) => payment.state))).toEqual(
      new Set(["draft", "pending", "posted", "rejected", "cancelled"])
    )
    const posted = payments.filter((payment) => payment.state === "posted")
    expect(posted.some((payment) => BigInt(payment.reversedAmount) > 0n)).toBe(true)
    expect(posted.some((payment) => BigInt(payment.refundedAmount) > 0n)).toBe(true)
    expect(posted.some((payment) => BigInt(payment.allocatedAmount) > 0n)).toBe(true)
    expect(new Set(payments.map((payment) => payment.currency))).toEqual(new Set(["EUR", "GBP", "USD", "JPY", "BHD"]))

    const pending = payments.find((payment) => payment.state === "pending")
    const detail = await client.payments.get.query({ id: pending?.id ?? 0 })
    expect(detail.collections.map((collection) => collection.state)).toContain("requested")

    const reinstated = await client.events.feed.query({ types: ["payment.reinstated"] })
    expect(reinstated.items.length).toBeGreaterThan(0)
  })

  test("on SIGTERM stops accepting, finishes the request in flight, then exits 0", async () => {
    const apiKey = /API key:\s+(pbk_\S+)/.exec(first.output())?.[1] ?? ""
    const { hostname, port } = new URL(first.url)
    const body = JSON.stringify({ name: "Late Customer Ltd", currency: "EUR" })
    const socket = connect(Number(port), hostname)
    await once(socket, "connect")
    let response = ""
    socket.on("data", (chunk: Buffer) => {
      response += chunk.toString()
    })
    // Headers and half the body: the request is in flight when the signal arrives.
    socket.write(
      [
        "POST /trpc/customers.create HTTP/1.1",
        `Host: ${hostname}:${port}`,
        "Content-Type: application/json",
        `Authorization: Bearer ${apiKey}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body.slice(0, 10)
      ].join("\r\n")
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    const exited = new Promise<number | null>((resolve) => first.child.once("exit", (code) => resolve(code)))
    first.child.kill("SIGTERM")
    await new Promise((resolve) => setTimeout(resolve, 500))

    expect(first.child.exitCode).toBeNull()
    // No new connection is accepted (a request on a kept-alive one would be answered, with Connection: close).
    const refused = connect(Number(port), hostname)
    const [error] = (await once(refused, "error")) as [NodeJS.ErrnoException]
    expect(error.code).toBe("ECONNREFUSED")

    socket.end(body.slice(10))
    await once(socket, "close")
    expect(response).toMatch(/^HTTP\/1\.1 200/)
    expect(response).toContain("Late Customer Ltd")
    expect(await exited).toBe(0)
  })

  test("started again on the same data, keeps it and explains how to get a key", async () => {
    expect(await stop(first.child)).toBe(0)

    const second = await start(dataDir)
    try {
      expect(second.output()).toContain("Existing data found")
      expect(second.output()).toContain("admin:create")
      expect(second.output()).not.toMatch(/API key:\s+pbk_/)
      const health = await fetch(`${second.url}/health`)
      expect(health.status).toBe(200)
    } finally {
      expect(await stop(second.child)).toBe(0)
    }
  }, 90_000)
})
