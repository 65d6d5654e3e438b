/** Core's runner-agnostic `ledgerStoreContract`, each case on a fresh throwaway PostgreSQL database. */
import { ledgerStoreContract } from "@paybridge/core/testing"
import { Effect } from "effect"
import { describe, it } from "vitest"
import { openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"

describe("core LedgerStore contract on PostgreSQL", () => {
  for (const check of ledgerStoreContract) {
    it(check.name, async () => {
      const database = await createPostgresTestDatabase()
      try {
        await Effect.runPromise(Effect.provide(check.run, openDatabase({ url: database.url })))
      } finally {
        await database.drop()
      }
    })
  }
})
