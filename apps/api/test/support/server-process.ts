/**
 * The server as a real process (`node apps/api/src/main.ts [--demo]`) on a data directory and a
 * free port, with stdout (the JSON log) and stderr (the terminal: banner, credentials) captured
 * separately; the URL and, after `--demo`, the demo credentials are read from the banner.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process"
import type { Readable } from "node:stream"
import { fileURLToPath } from "node:url"

const mainScript = fileURLToPath(new URL("../../src/main.ts", import.meta.url))

export interface ServerProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly url: string
  readonly stdout: () => string
  readonly stderr: () => string
  /** The demo credentials from the banner (`--demo` on fresh data), else `null`. */
  readonly demo: { readonly email: string; readonly password: string; readonly apiKey: string } | null
  /**
   * Sends SIGTERM and resolves with the exit code and the milliseconds until the process exited; a
   * process still running 60 s later is killed (SIGKILL, so no test leaves one behind) and the call
   * fails with its output.
   */
  readonly stop: () => Promise<{ readonly code: number | null; readonly exitMs: number }>
}

export const startServerProcess = async (options: {
  readonly dataDir: string
  readonly demo?: boolean
  readonly env?: Readonly<Record<string, string>>
}): Promise<ServerProcess> => {
  const env: Record<string, string | undefined> = { ...process.env }
  // Only what the test passes: never the caller's own database or public URL.
  delete env.DATABASE_URL
  delete env.PUBLIC_URL
  Object.assign(env, { PAYBRIDGE_DATA_DIR: options.dataDir, PORT: "0", LOG_LEVEL: "info", ...options.env })
  const args = options.demo === true ? [mainScript, "--demo"] : [mainScript]
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s; stderr:\n${stderr}`)), 60_000)
    const check = () => {
      const match = /URL:\s+(http:\/\/\S+)/.exec(stderr)
      if (match?.[1] !== undefined && /─{20,}\s*$/.test(stderr)) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stderr.on("data", check)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening; stderr:\n${stderr}`))
    })
  })
  const email = /User:\s+(\S+@\S+)/.exec(stderr)?.[1]
  const password = /Password:\s+(\S+)/.exec(stderr)?.[1]
  const apiKey = /API key:\s+(pbk_\S+)/.exec(stderr)?.[1]
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    demo: email !== undefined && password !== undefined && apiKey !== undefined ? { email, password, apiKey } : null,
    stop: () =>
      new Promise((resolve, reject) => {
        const signalled = performance.now()
        if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, exitMs: 0 })
        const timer = setTimeout(() => {
          child.kill("SIGKILL")
          reject(
            new Error(
              `still running 60 s after SIGTERM (killed); stderr:\n${stderr}\nstdout (end):\n${stdout.slice(-4000)}`
            )
          )
        }, 60_000)
        child.once("exit", (code) => {
          clearTimeout(timer)
          resolve({ code, exitMs: performance.now() - signalled })
        })
        child.kill("SIGTERM")
      })
  }
}
