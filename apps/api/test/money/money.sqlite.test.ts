/**
 * The money model test on SQLite (issue 12): one real server on SQLite (in memory), at least 200 random
 * sequences of 30 commands, each command through a randomly chosen protocol over HTTP, checking the
 * ledger's invariants and every protocol's reconciliation after every step (see `money-model.ts`).
 * `pnpm test:money --runs 5000` runs it longer.
 */
import { afterAll, beforeAll, test } from "vitest"
import { startTestServer, type TestServer } from "../support/test-server.ts"
import {
  createMoneyLogin,
  enabledKinds,
  ledgerInvariantsOf,
  type MoneyLogin,
  moneyDrivers,
  moneyRuns,
  moneySeed
} from "./money-drivers.ts"
import { checkMoneyModel } from "./money-model.ts"

let server: TestServer
let login: MoneyLogin

beforeAll(async () => {
  // In-memory SQLite: the same store and migrations as a file, without a disk sync per commit.
  server = await startTestServer("sqlite::memory:")
  login = await createMoneyLogin(server)
})
afterAll(async () => {
  await server?.close()
})

test("every sequence of money commands through any protocol keeps the ledger's invariants and every dialect's sum", async () => {
  await checkMoneyModel(
    {
      drivers: moneyDrivers(login),
      baseUrl: server.url,
      apiKey: server.apiKeys.admin,
      ledgerInvariants: ledgerInvariantsOf(server)
    },
    { runs: moneyRuns(200), steps: 30, kinds: enabledKinds, seed: moneySeed() }
  )
}, 3_600_000)
