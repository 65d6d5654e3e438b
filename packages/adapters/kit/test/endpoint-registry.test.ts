/**
 * Path handling of the endpoint registry: Hono paths become OpenAPI paths, parameters are found
 * and filled, base paths join without doubled or lost slashes.
 */
import { fillPath, joinPath, pathParameterNames, toOpenApiPath } from "@paybridge/adapter-kit"
import { describe, expect, it } from "vitest"

describe("endpoint paths", () => {
  it("turns Hono parameters (with or without a pattern) into OpenAPI ones", () => {
    expect(toOpenApiPath("/customers/:cid/payments/:id{[0-9]+}")).toBe("/customers/{cid}/payments/{id}")
    expect(toOpenApiPath("/payments/")).toBe("/payments/")
    expect(pathParameterNames("/customers/:cid/payments/:id{[0-9]+}")).toEqual(["cid", "id"])
  })

  it("fills parameters, encoding them, with 1 for any not given", () => {
    expect(fillPath("/customers/:cid/payments/:id", { id: "a b" })).toBe("/customers/1/payments/a%20b")
  })

  it("joins base paths and endpoint paths", () => {
    expect(joinPath("/backend/api/v1", "/payments/")).toBe("/backend/api/v1/payments/")
    expect(joinPath("/backend/api/v1/", "payments")).toBe("/backend/api/v1/payments")
    expect(joinPath("/", "/payments")).toBe("/payments")
    expect(joinPath("/v1", "/")).toBe("/v1/")
  })
})
