/**
 * What the admin CLI scripts share: the same configuration and runtime as the server (so they act
 * on the same database), closed again whatever happens, and failures reported as a `paybridge:`
 * line on stderr with exit code 1.
 */
import type { AppRuntime } from "../app-runtime.ts"
import { openRuntime } from "../runtime.ts"
import { describeError, exitWithError, loadConfigOrExit } from "../startup.ts"

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
