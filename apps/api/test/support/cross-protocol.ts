/**
 * Shared set-up of the dialects' cross-protocol tests: a real test server on a fresh SQLite file
 * in its own temporary folder (removed again on close), and a payment as every mounted dialect
 * renders it for the admin console, so each suite asserts what it expects of each rendering.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CommandContext, PaymentId, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { dialects } from "../../src/dialects.ts"
import { startTestServer, type TestServer, type TestServerOptions } from "./test-server.ts"

/** A test server on `<tmp>/<prefix>…/paybridge.db`; its `close` also removes the folder. */
export const startSqliteTestServer = async (prefix: string, options: TestServerOptions = {}): Promise<TestServer> => {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const removeDir = () => rm(dir, { recursive: true, force: true })
  try {
    const server = await startTestServer(`sqlite:${join(dir, "paybridge.db")}`, options)
    return {
      ...server,
      close: async () => {
        await server.close()
        await removeDir()
      }
    }
  } catch (error) {
    await removeDir()
    throw error
  }
}

/** The payment as the ledger holds it, rendered by every mounted dialect that renders payments. */
export const renderedByEveryDialect = async (
  server: TestServer,
  id: number
): Promise<ReadonlyArray<{ readonly dialectId: string; readonly rendered: unknown }>> => {
  const detail = await server.runtime.runPromise(
    Payments.use((payments) => payments.getPayment({ id: PaymentId.make(id) })).pipe(
      Effect.provide(CommandContext.system())
    )
  )
  const renderings: Array<{ readonly dialectId: string; readonly rendered: unknown }> = []
  for (const dialect of dialects) {
    if (dialect.renderPayment === undefined) continue
    const rendered = await server.runtime.runPromise(
      dialect.renderPayment(detail, { basePath: dialect.defaultBasePath }).pipe(Effect.provide(CommandContext.system()))
    )
    renderings.push({ dialectId: dialect.id, rendered })
  }
  return renderings
}
