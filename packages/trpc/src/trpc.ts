/**
 * The tRPC foundation of Paybridge's internal API: the request context, `initTRPC`, the error
 * formatter and the procedure builders every router uses.
 *
 * Wire format decision — no transformer. Procedures validate input with the core command schemas
 * through `Schema.toStandardSchemaV1(Schema.toCodecJson(schema))` (see `json-codec.ts`) and return
 * their result encoded with `Schema.toCodecJson(<record schema>)`: bigint minor units become
 * decimal strings (`"1250"`), dates ISO-8601 strings, everything else plain JSON. The client's
 * output types are the `Json<…>` image of the record types, so any JSON client (not only
 * `@paybridge/client`) reads the same shapes, and no float ever carries money.
 *
 * Errors: core tagged errors become tRPC errors through the one table in `error-table.ts`; the
 * formatter adds `data.tag`, `data.issues` (per-field problems, also for rejected input) and
 * `data.ledgerError` (the encoded error), plus the request id. Internal errors keep their
 * message private.
 */
import type { CommandContextShape, LedgerError, LedgerServices, Origin, Principal } from "@paybridge/core"
import { CommandContext } from "@paybridge/core"
import { initTRPC, TRPCError } from "@trpc/server"
import { Effect, type ManagedRuntime } from "effect"
import type { ConsoleHost } from "./console-host.ts"
import { asLedgerError, encodeLedgerErrorJson, fieldIssuesOf, toTrpcError } from "./error-table.ts"

/**
 * One ledger command or query on the services it uses (`Payments.use((payments) => …)`); it runs
 * inside the request's `CommandContext`.
 */
export type LedgerCommand<A> = Effect.Effect<A, LedgerError, LedgerServices | CommandContext>

/** What every procedure sees. */
export type TrpcContext = {
  /** The authenticated principal, or `null` for anonymous calls. */
  readonly principal: Principal | null
  readonly requestId: string
  /** From the `Idempotency-Key` header; the ledger replays the first result for a repeated key. */
  readonly idempotencyKey: string | null
  /**
   * Runs one ledger command through the app's runtime with this request's `CommandContext`;
   * a core error rejects as the `TRPCError` the error table prescribes.
   */
  readonly runLedger: <A>(command: LedgerCommand<A>) => Promise<A>
  /** The bearer credential the request carried (an API key or a console session token), or `null`. */
  readonly credential: string | null
  /** The admin console's host services; `null` when the server offers no console. */
  readonly console: ConsoleHost | null
}

export interface CreateTrpcContextOptions {
  /** The app's runtime; it must provide the ledger's services (`ledgerLayer`). */
  readonly runtime: ManagedRuntime.ManagedRuntime<LedgerServices, unknown>
  readonly principal: Principal | null
  readonly requestId: string
  readonly idempotencyKey: string | null
  readonly origin?: Origin
  readonly credential?: string | null
  readonly console?: ConsoleHost | null
}

/** Builds the per-request context from the app's runtime and what the HTTP layer learnt. */
export const createTrpcContext = (options: CreateTrpcContextOptions): TrpcContext => {
  const { runtime, principal, requestId, idempotencyKey } = options
  const runLedger = <A>(command: LedgerCommand<A>): Promise<A> => {
    if (principal === null) return Promise.reject(new TRPCError({ code: "UNAUTHORIZED", message: "missing API key" }))
    const commandContext: CommandContextShape = {
      principal,
      origin: options.origin ?? "trpc",
      requestId,
      idempotencyKey
    }
    return runtime.runPromise(
      command.pipe(
        Effect.provideService(CommandContext, CommandContext.of(commandContext)),
        Effect.mapError(toTrpcError)
      )
    )
  }
  return {
    principal,
    requestId,
    idempotencyKey,
    runLedger,
    credential: options.credential ?? null,
    console: options.console ?? null
  }
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter: ({ shape, error, ctx }) => {
    const ledgerError = asLedgerError(error.cause)
    const internal = error.code === "INTERNAL_SERVER_ERROR"
    const { stack: _stack, ...data } = shape.data
    return {
      ...shape,
      message: internal ? "Internal server error" : shape.message,
      data: {
        ...data,
        requestId: ctx?.requestId ?? null,
        tag: ledgerError?._tag ?? null,
        issues: fieldIssuesOf(error.cause),
        ledgerError: ledgerError === null ? null : encodeLedgerErrorJson(ledgerError)
      }
    }
  }
})

export const router = t.router
export const createCallerFactory = t.createCallerFactory

/** For procedures anyone may call (none touch the ledger). */
export const publicProcedure = t.procedure

/** Requires an authenticated principal (→ `UNAUTHORIZED`); narrows `ctx.principal`. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.principal === null) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "an API key is required (Authorization: Bearer <key>)" })
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } })
})

/** Requires the server's console host (→ `NOT_IMPLEMENTED` without one); narrows `ctx.console`. */
export const consoleProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.console === null) {
    throw new TRPCError({ code: "NOT_IMPLEMENTED", message: "this server offers no admin console" })
  }
  return next({ ctx: { ...ctx, console: ctx.console } })
})

/** Console procedures only the `admin` role may call (user and API key management). */
export const adminProcedure = consoleProcedure.use(({ ctx, next }) => {
  if (ctx.principal.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: `role ${ctx.principal.role} may not manage users and API keys` })
  }
  return next()
})
