import { paybridgeVitestConfig } from "@paybridge/vitest-config"

// Test files share a process per worker (no module isolation): the real store's start-up (MikroORM's
// modules, their JIT warm-up, the migrated SQLite template) is paid once per worker, not once per file.
export default paybridgeVitestConfig({ isolate: false })
