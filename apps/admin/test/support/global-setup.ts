/**
 * Vitest global setup: one real API server (fresh SQLite, free port, a password user per role)
 * for the component tests, started in Node before the happy-dom test files run and handed to them
 * with `inject("consoleServer")`.
 */
import type { TestProject } from "vitest/node"
import { startConsoleServer } from "../e2e/support/console-server.ts"

export default async function setup(project: TestProject) {
  const server = await startConsoleServer({ requireBuild: false })
  project.provide("consoleServer", { url: server.url, users: server.users })
  return () => server.close()
}

declare module "vitest" {
  export interface ProvidedContext {
    consoleServer: {
      url: string
      users: Record<"admin" | "finance" | "read-only", { email: string; password: string }>
    }
  }
}
