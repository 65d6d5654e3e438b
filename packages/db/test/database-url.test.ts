/** Which database a URL opens, and that a SQLite file URL creates the file's directory. */
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Database, ledgerMigrations, openDatabase, parseDatabaseUrl } from "../src/index.ts"

describe("database URLs", () => {
  it("accepts the documented SQLite and PostgreSQL forms", () => {
    expect(parseDatabaseUrl("sqlite::memory:")).toEqual({ driver: "sqlite", filename: ":memory:" })
    expect(parseDatabaseUrl("sqlite:data/ledger.db")).toEqual({ driver: "sqlite", filename: resolve("data/ledger.db") })
    expect(parseDatabaseUrl("sqlite:/var/lib/pb.db")).toEqual({ driver: "sqlite", filename: "/var/lib/pb.db" })
    expect(parseDatabaseUrl("file:/tmp/x.db")).toEqual({ driver: "sqlite", filename: "/tmp/x.db" })
    expect(parseDatabaseUrl("postgresql://u:p@db:5432/pb")).toEqual({
      driver: "postgresql",
      url: "postgresql://u:p@db:5432/pb"
    })
    expect(parseDatabaseUrl("postgres://db/pb")).toEqual({ driver: "postgresql", url: "postgres://db/pb" })
  })

  it("rejects a URL no driver understands, naming the accepted forms", () => {
    expect(() => parseDatabaseUrl("mysql://db/pb")).toThrow(/sqlite::memory:.*postgresql:\/\//)
  })

  it("creates the directory of a new SQLite file and migrates it", async () => {
    const directory = mkdtempSync(join(tmpdir(), "paybridge-url-"))
    try {
      const file = join(directory, "a", "b", "ledger.db")
      const opened = await Effect.runPromise(
        Effect.gen(function* () {
          const database = yield* Database
          yield* database.ping
          return { driver: database.driver, applied: database.appliedMigrations }
        }).pipe(Effect.provide(openDatabase({ url: `file:${file}` })))
      )
      expect(opened).toEqual({
        driver: "sqlite",
        applied: ledgerMigrations.map((migration) => migration.name)
      })
      expect(existsSync(file)).toBe(true)
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
