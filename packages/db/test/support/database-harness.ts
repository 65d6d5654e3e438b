/**
 * Opens a real database for a test file: `useDatabase(open)` registers hooks that open the
 * database (migrating it, or copying the migrated SQLite template when the location brings its
 * own layer) before the file's tests and close and remove it afterwards, and returns `run`, which
 * executes an Effect against that database's storage ports and `Database`.
 */
import { type Effect, type Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll } from "vitest"
import { type Database, openDatabase, type StorePorts } from "../../src/index.ts"

export interface DatabaseLocation {
  readonly url: string
  /** Removes the database (drop it, delete the file); called after the runtime is closed. */
  readonly remove: () => Promise<void>
  /** How to open it, when not `openDatabase({ url })` (e.g. a copy of the migrated SQLite template). */
  readonly layer?: Layer.Layer<StorePorts | Database> | undefined
}

export interface DatabaseHarness {
  readonly run: <A, E>(effect: Effect.Effect<A, E, StorePorts | Database>) => Promise<A>
  readonly url: () => string
}

export const useDatabase = (open: () => Promise<DatabaseLocation>): DatabaseHarness => {
  let location: DatabaseLocation | undefined
  let runtime: ManagedRuntime.ManagedRuntime<StorePorts | Database, unknown> | undefined
  beforeAll(async () => {
    location = await open()
    runtime = ManagedRuntime.make(location.layer ?? openDatabase({ url: location.url }))
    await runtime.context()
  })
  afterAll(async () => {
    await runtime?.dispose()
    await location?.remove()
  })
  return {
    run: (effect) => {
      if (runtime === undefined) throw new Error("the database is not open yet")
      return runtime.runPromise(effect)
    },
    url: () => {
      if (location === undefined) throw new Error("the database is not open yet")
      return location.url
    }
  }
}
