/**
 * For tests that run the server as a process: the admin CLI (`src/cli/create-admin.ts`) run on a
 * data directory, returning the API key it prints; and waiting for a process to end (by a signal or
 * on its own).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const createAdminScript = fileURLToPath(new URL("../../src/cli/create-admin.ts", import.meta.url))

export const createAdminKey = (env: Readonly<Record<string, string>>): Promise<string> =>
  new Promise((resolve, reject) => {
    const merged: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: "warn", ...env }
    delete merged.DATABASE_URL
    const child = spawn(process.execPath, [createAdminScript, "--email", "ops@test.invalid", "--name", "Ops"], {
      env: merged,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once("exit", (code) => {
      const key = /API key[^:]*:\s+(pbk_\S+)/.exec(output)?.[1]
      if (code === 0 && key !== undefined) resolve(key)
      else reject(new Error(`admin:create exited ${code}:\n${output}`))
    })
  })

/** Resolves with the signal (or exit code) once the process has ended. */
export const exited = (child: ChildProcess): Promise<string | number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.signalCode ?? child.exitCode)
    : new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)))
