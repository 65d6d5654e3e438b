/**
 * The adapter kit's shared contract suite for the LogiSense dialect: credentials on every route,
 * the vendor's error shape for unknown routes and malformed JSON, rejected creates change
 * nothing, a valid create matches its declared schema, idempotent retries, and the dialect's
 * section of docs/compatibility.md; and every proving test the registry names exists.
 */

import { fileURLToPath } from "node:url"
import { JsonDecimal } from "@paybridge/adapter-kit"
import { dialectContractSuite, provingTestProblems } from "@paybridge/adapter-kit/testing"
import { describe, expect, it } from "vitest"
import { logisenseDialect } from "../src/index.ts"
import { authorize, type LogisenseSeed, seed, v6 } from "./logisense.fixtures.ts"

dialectContractSuite<LogisenseSeed>({
  dialect: logisenseDialect,
  expectations: {
    seed: (testbed) => seed(testbed),
    authorize,
    authorizeWrongly: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: "Bearer not-a-session-token" }
    }),
    create: {
      operationId: "createPayment",
      valid: ({ accountId }) => ({
        method: "POST",
        path: `${v6}/`,
        body: { accountId, amount: new JsonDecimal("12.50"), detail: "INV-1" }
      }),
      variant: ({ accountId }) => ({
        method: "POST",
        path: `${v6}/`,
        body: { accountId, amount: new JsonDecimal("99.99"), detail: "INV-2" }
      }),
      invalid: ({ accountId }) => ({ method: "POST", path: `${v6}/`, body: { accountId, amount: "twelve" } })
    }
  }
})

describe("LogiSense registry", () => {
  it("names only proving tests that exist", async () => {
    expect(await provingTestProblems(logisenseDialect, fileURLToPath(new URL(".", import.meta.url)))).toEqual([])
  })
})
