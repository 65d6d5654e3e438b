/**
 * What `--demo` does at startup: on an empty database (no users), load the demo dataset and then
 * create an admin user with an API key and a random password for the admin console (in that order,
 * so "there are users" also means "the demo data is complete"); on a database that already has
 * users, do nothing and say so.
 */
import { randomBytes } from "node:crypto"
import { Authenticator, CommandContext, type IssuedApiKey, type LedgerError } from "@paybridge/core"
import { Effect } from "effect"
import type { AppServices } from "../app-runtime.ts"
import { type DemoSummary, seedDemoData } from "./demo-seed.ts"

export const demoAdminEmail = "admin@demo.paybridge.invalid"

export type DemoOutcome =
  | {
      readonly kind: "seeded"
      readonly email: string
      /** The admin console password, shown once in the start banner. */
      readonly password: string
      readonly key: IssuedApiKey
      readonly summary: DemoSummary
    }
  | { readonly kind: "existing-data"; readonly users: number }

export const prepareDemo: Effect.Effect<DemoOutcome, LedgerError, AppServices> = Effect.gen(function* () {
  const auth = yield* Authenticator
  const users = yield* auth.countUsers
  if (users > 0) return { kind: "existing-data", users }
  const summary = yield* seedDemoData.pipe(Effect.provide(CommandContext.system("seed")))
  const password = randomBytes(12).toString("base64url")
  const admin = yield* auth.createUser({ email: demoAdminEmail, name: "Demo admin", role: "admin", password })
  const key = yield* auth.issueApiKey({ userId: admin.id, label: "demo" })
  return { kind: "seeded", email: admin.email, password, key, summary }
})
