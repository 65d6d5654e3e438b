/**
 * What every entry point (the server and the admin scripts) does before its real work, and how
 * it gives up: read its flags (tolerating the `--` pnpm forwards) and load the configuration, or
 * stop with a `paybridge: <what is wrong>` line on stderr and exit code 1.
 */
import { type ParseArgsConfig, parseArgs } from "node:util"
import { Effect } from "effect"
import { type AppConfig, loadConfig } from "./config.ts"

export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Prints `paybridge: <message>` on stderr and exits with code 1. */
export const exitWithError = (message: string): never => {
  process.stderr.write(`paybridge: ${message}\n`)
  process.exit(1)
}

/** The configuration from the process environment, or exit with the reason it is invalid. */
export const loadConfigOrExit = async (): Promise<AppConfig> => {
  const result = await Effect.runPromise(Effect.result(loadConfig()))
  return result._tag === "Success" ? result.success : exitWithError(result.failure.message)
}

/** The flags of this process; an unknown or malformed flag ends it with a `paybridge:` line. */
export const parseCliArgs = <const O extends NonNullable<ParseArgsConfig["options"]>>(options: O) => {
  try {
    return parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options, strict: true }).values
  } catch (error) {
    return exitWithError(describeError(error))
  }
}
