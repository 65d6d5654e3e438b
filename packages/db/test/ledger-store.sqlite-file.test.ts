/**
 * The store conformance suite on a SQLite file, plus what only a file shows: two OS processes on
 * one file serialise their read-modify-write transactions through `BEGIN IMMEDIATE`, so no update
 * is lost, and the data outlives the connection.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CustomerId, LedgerStore, StorageUnavailable } from "@paybridge/core"
import { Cause, Effect, Exit, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Database, openDatabase } from "../src/index.ts"
import { ImmediateSqliteDialect } from "../src/sqlite/immediate-sqlite-dialect.ts"
import { useDatabase } from "./support/database-harness.ts"
import { describeLedgerStoreConformance } from "./support/ledger-store-conformance.ts"
import { newCustomer } from "./support/store-fixtures.ts"

const directory = mkdtempSync(join(tmpdir(), "paybridge-db-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe("LedgerStore on a SQLite file", () => {
  const db = useDatabase(async () => ({
    url: `sqlite:${join(directory, "nested", "dir", "ledger.db")}`,
    remove: async () => {}
  }))
  describeLedgerStoreConformance(db)
})

describe("two processes on one SQLite file", () => {
  const open = (file: string) => ManagedRuntime.make(openDatabase({ url: `file:${file}` }))
  const worker = join(import.meta.dirname, "support", "sqlite-increment.worker.ts")

  const runWorker = (file: string, customerId: CustomerId, count: number) =>
    new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [worker, file, String(customerId), String(count)],
        { timeout: 60_000 },
        (error, _out, stderr) =>
          error === null ? resolve() : reject(new Error(`worker failed: ${stderr}`, { cause: error }))
      )
    })

  it("serialise their concurrent read-modify-write transactions (BEGIN IMMEDIATE): no lost update", async () => {
    const file = join(directory, "shared.db")
    const runtime = open(file)
    try {
      const customer = await runtime.runPromise(Effect.flatMap(LedgerStore, (s) => s.customers.insert(newCustomer())))
      await Promise.all([runWorker(file, customer.id, 12), runWorker(file, customer.id, 12)])
      const after = await runtime.runPromise(Effect.flatMap(LedgerStore, (s) => s.customers.get(customer.id)))
      expect(after?.balance).toBe(24n)
      expect(after?.version).toBe(25)
    } finally {
      await runtime.dispose()
    }
  })

  it("reports StorageUnavailable, not a defect, when another process holds the write lock past the busy timeout", async () => {
    const file = join(directory, "busy.db")
    const runtime = ManagedRuntime.make(openDatabase({ url: `sqlite:${file}`, busyTimeoutMs: 150 }))
    try {
      await runtime.runPromise(Effect.flatMap(LedgerStore, (s) => s.ping))
      // Another connection (as another process would) takes the write lock and keeps it.
      const other = new ImmediateSqliteDialect({ filename: file, busyTimeoutMs: 0 }).native
      other.prepare("begin immediate").run()
      try {
        const exit = await runtime.runPromiseExit(
          Effect.flatMap(LedgerStore, (s) => s.transaction(s.customers.insert(newCustomer())))
        )
        expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBeInstanceOf(StorageUnavailable)
      } finally {
        other.prepare("rollback").run()
        other.close()
      }
      // Once the lock is released the same store works again.
      const customer = await runtime.runPromise(
        Effect.flatMap(LedgerStore, (s) => s.transaction(s.customers.insert(newCustomer())))
      )
      expect(customer.id).toBeGreaterThan(0)
    } finally {
      await runtime.dispose()
    }
  })

  it("keeps committed data after the connection closes and migrates an existing file only once", async () => {
    const file = join(directory, "reopen.db")
    const runtime = open(file)
    const customer = await runtime.runPromise(Effect.flatMap(LedgerStore, (s) => s.customers.insert(newCustomer())))
    await runtime.dispose()
    const reopened = open(file)
    try {
      const back = await reopened.runPromise(Effect.flatMap(LedgerStore, (s) => s.customers.get(customer.id)))
      const applied = await reopened.runPromise(Effect.map(Database, (database) => database.appliedMigrations))
      expect(back).toEqual(customer)
      expect(applied).toEqual([])
    } finally {
      await reopened.dispose()
    }
  })
})
