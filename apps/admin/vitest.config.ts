/**
 * Tests of the admin console: component tests (`test/*.test.tsx`, in happy-dom, declared per file)
 * and the end-to-end suite (`test/e2e/*.test.ts`, Node driving Debian's Chromium against the real
 * API serving the built app). The e2e suite needs `dist/`; turbo builds it first (see turbo.json).
 */
import { paybridgeVitestConfig } from "@paybridge/vitest-config"
import react from "@vitejs/plugin-react"
import { mergeConfig } from "vite"

export default mergeConfig(
  paybridgeVitestConfig({
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }),
  { plugins: [react()] }
)
