/**
 * The money model test on PostgreSQL (issue 12): the same sequences as on SQLite, fewer of them
 * (`MONEY_PG_RUNS`, default 20 × 30 steps), on one real server over a throwaway database created
 * from `TEST_DATABASE_URL`. An unreachable server fails the suite; it never skips.
 */
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { afterAll, beforeAll, test } from "vitest"
import { startTestServer, type TestServer } from "../support/test-server.ts"
import {
  createMoneyLogin,
  enabledKinds,
  ledgerInvariantsOf,
  type MoneyLogin,
  moneyDrivers,
  moneySeed
} from "./money-drivers.ts"
import { checkMoneyModel } from "./money-model.ts"

let database: PostgresTestDatabase
let server: TestServer
let login: MoneyLogin

beforeAll(async () => {
  database = await createPostgresTestDatabase()
  server = await startTestServer(database.url)
  login = await createMoneyLogin(server)
})
afterAll(async () => {
  await server?.close()
  await database?.drop()
})

const runs = (): number => {
  const runs = Number(process.env.MONEY_PG_RUNS)
  return Number.isInteger(runs) && runs > 0 ? runs : 20
}

test("money command sequences through every protocol keep the invariants and every dialect's sum on PostgreSQL", async () => {
  await checkMoneyModel(
    {
      drivers: moneyDrivers(login),
      baseUrl: server.url,
      apiKey: server.apiKeys.admin,
      ledgerInvariants: ledgerInvariantsOf(server)
    },
    { runs: runs(), steps: 30, kinds: enabledKinds, seed: moneySeed() }
  )
}, 3_600_000)
