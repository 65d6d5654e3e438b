/**
 * How a dialect reaches the ledger. A dialect app never builds layers: `apps/api` (or a test)
 * hands it a {@link LedgerRunner}, which runs a core program for one request's command context
 * (principal, origin `dialect:<id>`, request id, idempotency key), and an
 * {@link AuthenticationRunner}, which runs credential checks before any principal exists. Both
 * resolve to an `Exit`, so the kit decides how a failure is rendered. `runnersFromRuntime`
 * builds both from a `ManagedRuntime` that provides the ledger's services and the `Authenticator`.
 */
import { type Authenticator, CommandContext, type CommandContextShape, type LedgerServices } from "@paybridge/core"
import { Effect, type Exit, type ManagedRuntime } from "effect"

/** Services a dialect handler may use: the ledger's services, the authenticator, and its command context. */
export type DialectServices = LedgerServices | Authenticator | CommandContext

/**
 * Runs a core program as the given command context and resolves to its `Exit` (never rejects
 * for a typed failure). `apps/api` implements it with its `ManagedRuntime`.
 */
export type LedgerRunner = <A, E>(
  program: Effect.Effect<A, E, DialectServices>,
  context: CommandContextShape
) => Promise<Exit.Exit<A, E>>

/** Runs a program that needs only the `Authenticator` (credential checks, logins). */
export type AuthenticationRunner = <A, E>(program: Effect.Effect<A, E, Authenticator>) => Promise<Exit.Exit<A, E>>

/** The runners a dialect app needs; see `DialectDeps` for the rest of its dependencies. */
export interface DialectRunners {
  readonly runLedger: LedgerRunner
  readonly runAuthentication: AuthenticationRunner
}

/**
 * Both runners from one runtime that provides the ledger's services (`ledgerLayer`) and the
 * `Authenticator`: each ledger program
 * gets its `CommandContext` from the request, authentication programs get nothing else.
 */
export const runnersFromRuntime = (
  runtime: ManagedRuntime.ManagedRuntime<LedgerServices | Authenticator, never>
): DialectRunners => ({
  // `provideService`, not a `Layer`: nothing is built per request (issue 14).
  runLedger: (program, context) =>
    runtime.runPromiseExit(Effect.provideService(program, CommandContext, CommandContext.of(context))),
  runAuthentication: (program) => runtime.runPromiseExit(program)
})
