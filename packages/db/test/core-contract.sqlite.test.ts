/** Core's runner-agnostic `ledgerStoreContract`, each case on a fresh in-memory SQLite database. */
import { ledgerStoreContract } from "@paybridge/core/testing"
import { Effect } from "effect"
import { describe, it } from "vitest"
import { openDatabase } from "../src/index.ts"

describe("core LedgerStore contract on SQLite", () => {
  for (const check of ledgerStoreContract) {
    it(check.name, () => Effect.runPromise(Effect.provide(check.run, openDatabase({ url: "sqlite::memory:" }))))
  }
})
