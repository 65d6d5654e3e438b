/**
 * `@paybridge/trpc`: the internal API as a tRPC router over the ledger services. The server mounts
 * `appRouter` with a context from `createTrpcContext`; clients import `type AppRouter` only.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server"
import type { AppRouter } from "./root.ts"

export type {
  ConsoleDialect,
  ConsoleHost,
  ConsolePresetKind,
  ConsoleSession,
  CredentialStyle
} from "./console-host.ts"
export {
  asLedgerError,
  type EncodedLedgerError,
  type ErrorTableRow,
  encodeLedgerErrorJson,
  fieldIssuesOf,
  ledgerErrorTable,
  toTrpcError
} from "./error-table.ts"
export { type Json, jsonInput, jsonOutput } from "./json-codec.ts"
export { type AppRouter, appRouter } from "./root.ts"
export {
  type CreateTrpcContextOptions,
  createCallerFactory,
  createTrpcContext,
  type LedgerCommand,
  type TrpcContext
} from "./trpc.ts"

export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>
