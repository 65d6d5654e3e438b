import { paybridgeVitestConfig } from "@paybridge/vitest-config"

export default paybridgeVitestConfig()
