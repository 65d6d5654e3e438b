/**
 * The console's tRPC client and its TanStack Query integration, typed from the server's
 * `AppRouter` (a type-only import: nothing of the server reaches the bundle). Every call goes with
 * the browser's session cookie (HttpOnly, same origin) and echoes the session's CSRF token in
 * `X-CSRF-Token`, without which the server ignores the cookie. Mutations that carry an idempotency key in their
 * tRPC context go alone (not batched) with it in the `Idempotency-Key` header, so the ledger
 * applies a repeated submit once.
 */
import type { AppRouter, RouterInputs, RouterOutputs } from "@paybridge/trpc"
import { createTRPCClient, httpBatchLink, httpLink, type Operation, splitLink, type TRPCClient } from "@trpc/client"
import { createTRPCContext } from "@trpc/tanstack-react-query"

export type { AppRouter, RouterInputs, RouterOutputs }
export type ApiClient = TRPCClient<AppRouter>

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>()

const idempotencyKeyOf = (op: Operation): string | null =>
  typeof op.context.idempotencyKey === "string" ? op.context.idempotencyKey : null

/** The tRPC context that makes a mutation idempotent: `mutationOptions({ trpc: withIdempotencyKey(key) })`. */
export const withIdempotencyKey = (idempotencyKey: string) => ({ context: { idempotencyKey } })

export const newIdempotencyKey = (): string => `admin-${crypto.randomUUID()}`

export interface ApiClientOptions {
  /** The tRPC endpoint, e.g. `/trpc` (same origin) or `http://127.0.0.1:3000/trpc`. */
  readonly url: string
  /** The current session's CSRF token, read on every request. */
  readonly csrfToken: () => string | null
}

export const createApiClient = ({ url, csrfToken }: ApiClientOptions): ApiClient => {
  const csrfHeader = (): Record<string, string> => {
    const value = csrfToken()
    return value === null ? {} : { "X-CSRF-Token": value }
  }
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => idempotencyKeyOf(op) !== null,
        true: httpLink({
          url,
          headers: ({ op }) => ({ ...csrfHeader(), "Idempotency-Key": idempotencyKeyOf(op) ?? "" })
        }),
        false: httpBatchLink({ url, headers: csrfHeader })
      })
    ]
  })
}
