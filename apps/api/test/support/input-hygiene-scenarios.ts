/**
 * Input hygiene over real HTTP, one suite for every database (`input-hygiene.sqlite.test.ts`,
 * `input-hygiene.postgres.test.ts`): ill-formed text and impossible dates refused in every
 * protocol's shape without effect (`invalid-text-scenarios.ts`), and card numbers masked in every
 * protocol's free text, every view and every table (`card-number-scenarios.ts`), on one server
 * signed in to every protocol (`protocol-harness.ts`).
 */
import { describe } from "vitest"
import type { ScenarioDatabase } from "./api-scenarios.ts"
import { registerCardNumberScenarios } from "./card-number-scenarios.ts"
import { registerInvalidTextScenarios } from "./invalid-text-scenarios.ts"
import { useProtocolHarness } from "./protocol-harness.ts"

export const registerInputHygieneScenarios = (name: string, openDatabase: () => Promise<ScenarioDatabase>) => {
  describe(name, () => {
    const harness = useProtocolHarness(openDatabase)
    registerInvalidTextScenarios(harness)
    registerCardNumberScenarios(harness)
  })
}
