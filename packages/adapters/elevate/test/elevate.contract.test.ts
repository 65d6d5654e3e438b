/**
 * The adapter kit's shared contract suite for the Elevate dialect: every route refuses requests
 * without a valid JWT in Elevate's error shape, unimplemented endpoints answer 501, unknown
 * routes and malformed JSON are rendered as Elevate errors, a rejected create changes nothing,
 * a create matches its schema and is idempotent per key, and docs/compatibility.md is current.
 */
import { fileURLToPath } from "node:url"
import { dialectContractSuite, provingTestProblems } from "@paybridge/adapter-kit/testing"
import { describe, expect, it } from "vitest"
import { elevateDialect } from "../src/index.ts"
import { authorize, type ElevateSeed, money, seed } from "./elevate-fixtures.ts"

dialectContractSuite<ElevateSeed>({
  dialect: elevateDialect,
  expectations: {
    seed,
    authorize,
    authorizeWrongly: (request) => ({
      ...request,
      headers: {
        ...request.headers,
        authorization:
          "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLWZyb20tbm93aGVyZQ"
      }
    }),
    create: {
      operationId: "createCustomerPayment",
      valid: ({ customerId }) => ({
        method: "POST",
        path: "/customer-payments",
        body: {
          customerId,
          amountInMajorCurrency: money("10.5"),
          description: "string",
          reference: "string",
          type: "CHEQUE",
          billRunType: "NORMAL"
        }
      }),
      variant: ({ customerId }) => ({
        method: "POST",
        path: "/customer-payments",
        body: { customerId, amountInMajorCurrency: money("99.99"), type: "BACS" }
      }),
      invalid: ({ customerId }) => ({
        method: "POST",
        path: "/customer-payments",
        body: { customerId, amountInMajorCurrency: "ten pounds", type: "CHEQUE" }
      })
    }
  }
})

describe("Elevate registry", () => {
  it("names only proving tests that exist", async () => {
    expect(await provingTestProblems(elevateDialect, fileURLToPath(new URL(".", import.meta.url)))).toEqual([])
  })
})
