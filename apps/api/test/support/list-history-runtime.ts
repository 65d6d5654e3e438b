/**
 * The production app over a ledger whose statements are counted, on SQLite or PostgreSQL, for the
 * tests that check a dialect's list reads a page and not the customer's history
 * (`*-list-history.test.ts`): the runtime (ledger, test gateways, an authenticator with a fast key
 * derivation), the database's `StatementLog`, `createApp` on it, a runner of system commands, and on
 * PostgreSQL a way to run a statement as sent (for its `EXPLAIN ANALYZE`, read by `paymentsTableRows`) and to
 * drop the database.
 */
import {
  type Authenticator,
  authenticatorLayerWith,
  CommandContext,
  ledgerLayer,
  PaymentGateways,
  testKdfCost
} from "@paybridge/core"
import { Database, openDatabase } from "@paybridge/db"
import { attachStatementLog, createPostgresTestDatabase, StatementLog, testLedgerLayer } from "@paybridge/db/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { createApp } from "../../src/app.ts"
import { loadConfig } from "../../src/config.ts"

export type HistoryServices = Layer.Success<typeof testLedgerLayer> | Authenticator

export interface HistoryRuntime {
  readonly runtime: ManagedRuntime.ManagedRuntime<HistoryServices, never>
  readonly log: StatementLog["Service"]
  readonly app: ReturnType<typeof createApp>
  /** Runs `effect` as the system (no principal's permissions asked). */
  readonly system: <A, E>(effect: Effect.Effect<A, E, HistoryServices | CommandContext>) => Promise<A>
  /** Runs a statement as sent (PostgreSQL only: the `EXPLAIN ANALYZE` of a list statement). */
  readonly execute: (sql: string, parameters: ReadonlyArray<unknown>) => Promise<ReadonlyArray<Record<string, unknown>>>
  readonly drop: () => Promise<void>
}

export const openHistoryRuntime = async (driver: "sqlite" | "postgresql"): Promise<HistoryRuntime> => {
  const authenticator = authenticatorLayerWith({ kdfCost: testKdfCost, principalCacheTtlMillis: 10 * 60_000 })
  let runtime: HistoryRuntime["runtime"]
  let log: StatementLog["Service"]
  let drop = async () => {}
  let execute: HistoryRuntime["execute"] = () => Promise.reject(new Error("EXPLAIN ANALYZE is read on PostgreSQL only"))
  if (driver === "sqlite") {
    runtime = ManagedRuntime.make(Layer.provideMerge(authenticator, testLedgerLayer))
    log = await runtime.runPromise(Effect.service(StatementLog))
  } else {
    const database = await createPostgresTestDatabase()
    drop = database.drop
    const stores = Layer.merge(openDatabase({ url: database.url }), PaymentGateways.layerTest)
    const pgRuntime = ManagedRuntime.make(
      Layer.provideMerge(authenticator, ledgerLayer.pipe(Layer.provideMerge(stores)))
    )
    const orm = (await pgRuntime.runPromise(Effect.service(Database))).orm
    log = attachStatementLog(orm)
    execute = async (sql, parameters) =>
      (await orm.em
        .fork()
        .getConnection()
        .execute(sql, [...parameters])) as ReadonlyArray<Record<string, unknown>>
    runtime = pgRuntime as unknown as typeof runtime
  }
  const app = createApp({ runtime, config: await Effect.runPromise(loadConfig({})) })
  const system = <A, E>(effect: Effect.Effect<A, E, HistoryServices | CommandContext>) =>
    runtime.runPromise(effect.pipe(Effect.provide(CommandContext.system())) as Effect.Effect<A, E, HistoryServices>)
  return { runtime, log, app, system, execute, drop }
}

/** The rows a plan node and its children read from the `payments` table (index-only scans read none). */
export const paymentsTableRows = (node: Record<string, unknown>): number => {
  const own =
    node["Relation Name"] === "payments" && node["Node Type"] !== "Index Only Scan"
      ? Number(node["Actual Rows"]) * Number(node["Actual Loops"]) + Number(node["Rows Removed by Filter"] ?? 0)
      : 0
  const heapFetches = node["Relation Name"] === "payments" ? Number(node["Heap Fetches"] ?? 0) : 0
  const children = (node.Plans as ReadonlyArray<Record<string, unknown>> | undefined) ?? []
  return own + heapFetches + children.reduce((sum, child) => sum + paymentsTableRows(child), 0)
}
