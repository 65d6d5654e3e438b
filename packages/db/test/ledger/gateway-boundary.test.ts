/**
 * The gateway boundary on SQLite (a fresh in-memory copy of the migrated database per test): the
 * scenarios of `support/gateway-boundary-scenarios.ts`; the same run on PostgreSQL in
 * `gateway-boundary.postgres.test.ts`.
 */
import { testLedgerLayerWith } from "../../src/testing/index.ts"
import { gatewayBoundaryScenarios } from "../support/gateway-boundary-scenarios.ts"

gatewayBoundaryScenarios((options) => testLedgerLayerWith(options))
