/**
 * Issues a new API key for an existing user and prints it once. The user's previous key is
 * revoked at the same moment (a user has one key at a time).
 *
 *   pnpm --filter @paybridge/api admin:issue-key -- --email ops@example.com [--label laptop]
 */
import { Authenticator, IdentityStore, normalizeEmail, notFound } from "@paybridge/core"
import { Effect } from "effect"
import { exitWithError, parseCliArgs } from "../startup.ts"
import { withRuntime } from "./cli-support.ts"

const args = parseCliArgs({ email: { type: "string" }, label: { type: "string", default: "cli" } })
const email = args.email ?? exitWithError("--email is required")

await withRuntime(async (runtime) => {
  const { user, key } = await runtime.runPromise(
    Effect.gen(function* () {
      const store = yield* IdentityStore
      const user = yield* store.users.getByEmail(normalizeEmail(email))
      if (user === null) return yield* notFound("user", email)
      const key = yield* (yield* Authenticator).issueApiKey({ userId: user.id, label: args.label })
      return { user, key }
    })
  )
  process.stdout.write(
    [
      `Issued a new API key for ${user.email} (id ${user.id}); the previous key no longer works.`,
      `API key (shown once; store it now): ${key.apiKey}`,
      ""
    ].join("\n")
  )
})
