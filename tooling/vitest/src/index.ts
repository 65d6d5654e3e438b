/**
 * Shared Vitest preset for every Paybridge package: tests live in `test/**\/*.test.ts`, run in
 * Node, and get a generous timeout because database suites create and migrate real databases.
 * Packages call `paybridgeVitestConfig()` from their `vitest.config.ts` and may extend it.
 */
import { defineConfig, type ViteUserConfig } from "vitest/config"

export const paybridgeVitestConfig = (overrides: ViteUserConfig["test"] = {}): ViteUserConfig =>
  defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides
    }
  })
