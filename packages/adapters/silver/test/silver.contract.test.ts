/**
 * The kit's shared contract suite for the Silver dialect: every route refuses anonymous calls
 * with Silver's 403, unknown routes and malformed JSON answer in DRF's shape, a rejected create
 * changes nothing, a valid create matches its schema, idempotent retries and key reuse.
 */
import { fileURLToPath } from "node:url"
import { dialectContractSuite, provingTestProblems } from "@paybridge/adapter-kit/testing"
import { describe, expect, it } from "vitest"
import { silverDialect } from "../src/index.ts"
import { type SilverSeed, seedSilver, withAuth } from "./silver.fixtures.ts"

dialectContractSuite<SilverSeed>({
  dialect: silverDialect,
  expectations: {
    seed: seedSilver,
    authorize: (request, seed) => withAuth(request, seed.basic),
    authorizeWrongly: (request, seed) =>
      withAuth(request, `Basic ${Buffer.from(`${seed.email}:wrong password`).toString("base64")}`),
    create: {
      operationId: "createPayment",
      valid: (seed) => ({
        method: "POST",
        path: `/customers/${seed.customer.id}/payments/`,
        body: { provider: `http://paybridge.test/silver/providers/${seed.provider.id}/`, amount: "12.50" }
      }),
      variant: (seed) => ({
        method: "POST",
        path: `/customers/${seed.customer.id}/payments/`,
        body: { provider: `http://paybridge.test/silver/providers/${seed.provider.id}/`, amount: "99.99" }
      }),
      invalid: (seed) => ({
        method: "POST",
        path: `/customers/${seed.customer.id}/payments/`,
        body: { provider: `http://paybridge.test/silver/providers/${seed.provider.id}/`, amount: "twelve" }
      })
    }
  }
})

describe("Silver's endpoint registry", () => {
  it("names only proving tests that exist", async () => {
    expect(await provingTestProblems(silverDialect, fileURLToPath(new URL(".", import.meta.url)))).toEqual([])
  })
})
