/**
 * What the admin CLI scripts share: argument parsing that tolerates the `--` pnpm forwards, the
 * same configuration and runtime as the server (so they act on the same database), and one way
 * to report failure (a `paybridge:` line on stderr, exit code 1).
 */
import { type ParseArgsConfig, parseArgs } from "node:util"
import { Effect } from "effect"
import type { AppRuntime } from "../app.ts"
import { loadConfig } from "../config.ts"
import { openRuntime } from "../runtime.ts"

export const fail = (message: string): never => {
  process.stderr.write(`paybridge: ${message}\n`)
  process.exit(1)
}

export const parseCliArgs = <const O extends NonNullable<ParseArgsConfig["options"]>>(options: O) =>
  parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options, strict: true }).values

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Opens the runtime on the configured database, runs `task`, and always closes the database. */
export const withRuntime = async (task: (runtime: AppRuntime) => Promise<void>): Promise<void> => {
  const config = await Effect.runPromise(Effect.result(loadConfig())).then((result) =>
    result._tag === "Success" ? result.success : fail(result.failure.message)
  )
  const runtime = await openRuntime(config).catch((error: unknown) =>
    fail(`cannot open the database: ${describe(error)}`)
  )
  try {
    await task(runtime)
  } catch (error) {
    await runtime.dispose()
    fail(describe(error))
  }
  await runtime.dispose()
}
