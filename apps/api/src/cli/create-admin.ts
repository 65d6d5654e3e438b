/**
 * Creates an admin user and prints its API key once (only a hash is stored, so this is the only
 * time it can be read). With `--password` the user can also sign in to the admin console (`/admin`).
 *
 *   pnpm --filter @paybridge/api admin:create -- --email ops@example.com --name "Ops" [--role admin|finance|read-only] [--password …]
 */
import { Authenticator, Role } from "@paybridge/core"
import { Effect, Schema } from "effect"
import { exitWithError, parseCliArgs } from "../startup.ts"
import { withRuntime } from "./cli-support.ts"

const args = parseCliArgs({
  email: { type: "string" },
  name: { type: "string" },
  role: { type: "string", default: "admin" },
  password: { type: "string" }
})
const email = args.email ?? exitWithError("--email is required")
const name = args.name ?? exitWithError("--name is required")
const role = Schema.is(Role)(args.role) ? args.role : exitWithError("--role must be admin, finance or read-only")

await withRuntime(async (runtime) => {
  const { user, key } = await runtime.runPromise(
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({ email, name, role, password: args.password ?? null })
      const key = yield* auth.issueApiKey({ userId: user.id, label: "cli" })
      return { user, key }
    })
  )
  process.stdout.write(
    [
      `Created ${user.role} user ${user.email} (id ${user.id}).`,
      `API key (shown once; store it now): ${key.apiKey}`,
      ""
    ].join("\n")
  )
})
