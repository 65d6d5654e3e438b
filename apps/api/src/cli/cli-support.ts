/**
 * What the admin CLI scripts share: argument parsing that tolerates the `--` pnpm forwards, the
 * same configuration and runtime as the server (so they act on the same database), and one way
 * to report failure (a `paybridge:` line on stderr, exit code 1).
 */
import { type ParseArgsConfig, parseArgs } from "node:util"
import type { AppRuntime } from "../app.ts"
import { openRuntime } from "../runtime.ts"
import { describeError, exitWithError, loadConfigOrExit } from "../startup.ts"

export const parseCliArgs = <const O extends NonNullable<ParseArgsConfig["options"]>>(options: O) =>
  parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options, strict: true }).values

/** Opens the runtime on the configured database, runs `task`, and always closes the database. */
export const withRuntime = async (task: (runtime: AppRuntime) => Promise<void>): Promise<void> => {
  const config = await loadConfigOrExit()
  const runtime = await openRuntime(config).catch((error: unknown) =>
    exitWithError(`cannot open the database: ${describeError(error)}`)
  )
  try {
    await task(runtime)
  } catch (error) {
    await runtime.dispose()
    exitWithError(describeError(error))
  }
  await runtime.dispose()
}
