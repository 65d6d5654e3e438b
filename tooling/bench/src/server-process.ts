/**
 * Child processes of the benchmark: the servers under test (Paybridge's real `apps/api/src/main.ts`
 * and the floor) and Paybridge's own CLI scripts. Servers get a free loopback port, write their
 * output straight to a log file (the kernel does the writing, not the load generator's process),
 * and count as started when their health path answers 200. Every process started here is stopped
 * by its pid at the end, also after a failure or Ctrl-C.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { closeSync, openSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"

/** The repository root (`tooling/bench/src/` is three levels down). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))

export interface ServerProcess {
  readonly name: string
  readonly baseUrl: string
  readonly logFile: string
  readonly pid: number
  readonly stop: () => Promise<void>
}

const running = new Set<ChildProcess>()

/** Stops every child still running (SIGTERM, then SIGKILL after 10 s); used on failure and Ctrl-C. */
export const stopAllChildren = async (): Promise<void> => {
  await Promise.all([...running].map((child) => stopChild(child)))
}

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child)
      resolve()
      return
    }
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000)
    child.once("exit", () => {
      clearTimeout(kill)
      running.delete(child)
      resolve()
    })
    child.kill("SIGTERM")
  })

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

const tail = (file: string, lines = 30): string => {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n")
  } catch {
    return "(no output)"
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface StartServer {
  readonly name: string
  /** Script path relative to the repository root, run with this Node. */
  readonly script: string
  readonly env: Readonly<Record<string, string>>
  readonly logFile: string
  readonly healthPath: string
}

export const startServer = async (spec: StartServer): Promise<ServerProcess> => {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const output = openSync(spec.logFile, "a")
  const child = spawn(process.execPath, [spec.script], {
    cwd: repoRoot,
    env: { ...process.env, ...spec.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", output, output]
  })
  closeSync(output)
  running.add(child)
  let exited: string | null = null
  child.once("exit", (code, signal) => {
    exited = `exited with ${signal ?? code}`
  })
  const deadline = Date.now() + 120_000
  for (;;) {
    if (exited !== null) throw new Error(`${spec.name} ${exited} before it was ready:\n${tail(spec.logFile)}`)
    try {
      const response = await fetch(`${baseUrl}${spec.healthPath}`)
      await response.arrayBuffer()
      if (response.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child)
      throw new Error(`${spec.name} was not ready within 120 s:\n${tail(spec.logFile)}`)
    }
    await sleep(100)
  }
  return {
    name: spec.name,
    baseUrl,
    logFile: spec.logFile,
    pid: child.pid ?? -1,
    stop: () => stopChild(child)
  }
}

/** CPU time (user + system) of a process in clock ticks, from /proc; `null` where there is no /proc. */
const cpuTicks = (pid: number): number | null => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return null
  }
}

/**
 * Waits until the servers are idle: a load generator that stops closes its connections, but a
 * server still computes the answers it was asked for, and that backlog must not slow the next
 * measurement down. Idle = each process used under 10% of a core over half a second (Linux /proc;
 * elsewhere a fixed second), and `busy()` (e.g. active PostgreSQL queries) says false. Gives up
 * after `limitMs` and says so.
 */
export const quiesce = async (
  pids: ReadonlyArray<number>,
  busy: () => Promise<boolean> = async () => false,
  limitMs = 300_000
): Promise<{ readonly waitedMs: number; readonly idle: boolean }> => {
  const started = Date.now()
  const windowMs = 500
  for (;;) {
    const before = pids.map(cpuTicks)
    await sleep(windowMs)
    const after = pids.map(cpuTicks)
    const idleCpu = before.every((ticks, index) => {
      const later = after[index]
      // 100 ticks per second: under 10% of a core over the window.
      return ticks === null || later === null || later === undefined || later - ticks < windowMs / 100
    })
    if (idleCpu && !(await busy())) return { waitedMs: Date.now() - started, idle: true }
    if (Date.now() - started > limitMs) return { waitedMs: Date.now() - started, idle: false }
  }
}

/** Runs a Node script of the repository to completion and returns its stdout; fails with its stderr. */
export const runScript = (script: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${script} failed: ${stderr.trim() || error.message}`))
        else resolve(stdout)
      }
    )
  })
