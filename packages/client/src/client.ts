/**
 * The typed Paybridge client: a tRPC client over HTTP for internal apps, authenticated with an
 * API key. Calls are batched into one HTTP request, except calls that carry an idempotency key,
 * which go alone so the `Idempotency-Key` header names exactly one command. Server types come from
 * `@paybridge/trpc` as types only; nothing of the server is bundled.
 */
import type { AppRouter, RouterInputs, RouterOutputs } from "@paybridge/trpc"
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  type Operation,
  splitLink,
  type TRPCClient,
  TRPCClientError
} from "@trpc/client"

export type { AppRouter, RouterInputs, RouterOutputs }

export type PaybridgeCredentials = {
  /** A Paybridge API key, `pbk_<prefix>_<secret>`. */
  readonly apiKey: string
}

export type PaybridgeClient = TRPCClient<AppRouter>

/** A failed call: `error.data.code` (tRPC code), `.httpStatus`, `.tag` (core error), `.issues` (per field). */
export type PaybridgeClientError = TRPCClientError<AppRouter>

export const isPaybridgeClientError = (error: unknown): error is PaybridgeClientError =>
  error instanceof TRPCClientError

/** Per-call options that make a mutation idempotent: `client.payments.create.mutate(input, withIdempotencyKey(key))`. */
export const withIdempotencyKey = (
  idempotencyKey: string
): { readonly context: { readonly idempotencyKey: string } } => ({
  context: { idempotencyKey }
})

const idempotencyKeyOf = (op: Operation): string | null =>
  typeof op.context.idempotencyKey === "string" ? op.context.idempotencyKey : null

/** `url` is the server's base URL (`http://127.0.0.1:3000`) or its tRPC endpoint (`…/trpc`). */
export const createPaybridgeClient = (url: string, credentials: PaybridgeCredentials): PaybridgeClient => {
  const endpoint = url.replace(/\/+$/, "").replace(/(\/trpc)?$/, "/trpc")
  const authorization = { Authorization: `Bearer ${credentials.apiKey}` }
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => idempotencyKeyOf(op) !== null,
        true: httpLink({
          url: endpoint,
          headers: ({ op }) => ({ ...authorization, "Idempotency-Key": idempotencyKeyOf(op) ?? "" })
        }),
        false: httpBatchLink({ url: endpoint, headers: authorization })
      })
    ]
  })
}
