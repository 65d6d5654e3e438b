/**
 * The protocols of the money model test: tRPC first (the fallback for a command a dialect cannot
 * express), then one driver per mounted dialect, each from that dialect package's `./testing` entry.
 * Also the generated command kinds and how many runs a test file does (`MONEY_RUNS`, set by
 * `pnpm test:money --runs N`).
 */
import { billingPlatformUkMoneyDriver } from "@paybridge/adapter-billing-platform-uk/testing"
import { defineCancellationType } from "@paybridge/adapter-crm-com"
import { crmComMoneyDriver } from "@paybridge/adapter-crm-com/testing"
import { elevateMoneyDriver } from "@paybridge/adapter-elevate/testing"
import type { MoneyDriver } from "@paybridge/adapter-kit/testing"
import { logisenseMoneyDriver } from "@paybridge/adapter-logisense/testing"
import { silverMoneyDriver } from "@paybridge/adapter-silver/testing"
import { Authenticator, CommandContext, CustomerId } from "@paybridge/core"
import { checkCustomerMoney } from "@paybridge/db/testing"
import { Effect } from "effect"
import type { TestServer } from "../support/test-server.ts"
import { type CommandKind, commandKinds } from "./money-model.ts"
import { trpcMoneyDriver } from "./trpc.money-driver.ts"

/** A password user the dialects without API keys (Elevate) log in with. */
export interface MoneyLogin {
  readonly username: string
  readonly password: string
}

export const moneyDrivers = (login: MoneyLogin): ReadonlyArray<MoneyDriver> => [
  trpcMoneyDriver(),
  billingPlatformUkMoneyDriver(),
  silverMoneyDriver(),
  elevateMoneyDriver(login),
  crmComMoneyDriver(),
  logisenseMoneyDriver()
]

/**
 * Prepares the server for `moneyDrivers`: the password user the dialects without API keys
 * (Elevate) log in with, and the CRM.COM cancellation type `payments/cancel` names.
 */
export const createMoneyLogin = async (server: TestServer): Promise<MoneyLogin> => {
  const login = { username: "money-model@test.paybridge.invalid", password: "a long money model password" }
  await server.runtime.runPromise(
    Effect.gen(function* () {
      yield* Authenticator.use((auth) =>
        auth.createUser({ email: login.username, name: "Money model", role: "admin", password: login.password })
      )
      yield* defineCancellationType({ name: "Payment Cancellation" })
    }).pipe(Effect.provide(CommandContext.system()))
  )
  return login
}

/** Every command kind is generated. */
export const enabledKinds: ReadonlyArray<CommandKind> = commandKinds

/** Runs from `MONEY_RUNS` (the `test:money` script), else the file's default. */
export const moneyRuns = (fallback: number): number => {
  const runs = Number(process.env.MONEY_RUNS)
  return Number.isInteger(runs) && runs > 0 ? runs : fallback
}

/** A fixed seed from `MONEY_SEED`, to replay a reported run. */
export const moneySeed = (): number | undefined => {
  const seed = Number(process.env.MONEY_SEED)
  return process.env.MONEY_SEED === undefined || !Number.isInteger(seed) ? undefined : seed
}

/** Core's invariant checker (`checkCustomerMoney` over the server's store) for the model test. */
export const ledgerInvariantsOf =
  (server: TestServer) =>
  (customerId: number): Promise<ReadonlyArray<string>> =>
    server.runtime.runPromise(checkCustomerMoney(CustomerId.make(customerId)))
