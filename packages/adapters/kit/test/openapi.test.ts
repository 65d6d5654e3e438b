/**
 * OpenAPI 3.1 documents generated from a dialect's registry and wire schemas, and the docs app
 * `apps/api` mounts under `/docs`: every documented endpoint appears with its implementation
 * status and proving tests, schemas land in `components`, every `$ref` resolves, and errors are
 * documented with the dialect's statuses and error shape.
 */
import { docsApp, openApiDocument } from "@paybridge/adapter-kit"
import { Hono } from "hono"
import { describe, expect, it } from "vitest"
import { acmePay } from "./example-dialect/acme-pay.dialect.ts"

const collectRefs = (node: unknown, found: Array<string> = []): Array<string> => {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, found)
  else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value)
      else collectRefs(value, found)
    }
  }
  return found
}

type Operation = {
  operationId: string
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>
  security?: Array<unknown>
  description?: string
  "x-paybridge-implemented": boolean
  "x-paybridge-tests": Array<string>
}

describe("openApiDocument", () => {
  const document = openApiDocument(acmePay)
  const operation = (path: string, method: string) => document.paths[path]?.[method] as unknown as Operation

  it("lists every documented endpoint, implemented or not, with its proving tests", () => {
    expect(document.openapi).toBe("3.1.0")
    expect(document.servers).toEqual([{ url: "/acme/v1" }])
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [
        method.toUpperCase(),
        path,
        (op as unknown as Operation)["x-paybridge-implemented"]
      ])
    )
    expect(operations).toEqual([
      ["GET", "/payments/{id}", true],
      ["POST", "/payments", true],
      ["GET", "/payments", true],
      ["POST", "/payments/{id}/refunds", false]
    ])
    expect(operation("/payments/{id}/refunds", "post").description).toMatch(/Not implemented by Paybridge/u)
    expect(operation("/payments", "post")["x-paybridge-tests"]).toHaveLength(3)
    expect(document.info.description).toMatch(/implements 3 of the 4 endpoints/u)
  })

  it("describes parameters, bodies and responses from the wire schemas", () => {
    const get = operation("/payments/{id}", "get")
    expect(get.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })])
    const list = operation("/payments", "get")
    expect(list.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ["customer_id", "query", false],
      ["limit", "query", false],
      ["cursor", "query", false]
    ])
    const create = operation("/payments", "post")
    expect(create.requestBody?.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/AcmeCreatePayment"
    })
    expect(create.responses["201"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/AcmePayment"
    })
    const payment = document.components.schemas.AcmePayment as { properties: Record<string, Record<string, unknown>> }
    expect(payment.properties.amount).toEqual({ type: "number", description: "amount in major units, e.g. 12.5" })
    expect(payment.properties.payment_date).toEqual({
      type: "string",
      pattern: "^(\\d{4})-(\\d{2})-(\\d{2})$",
      description: "YYYY-MM-DD"
    })
  })

  it("documents errors with the dialect's statuses and error schema", () => {
    const create = operation("/payments", "post")
    expect(Object.keys(create.responses).sort()).toEqual([
      "201",
      "401",
      "403",
      "404",
      "409",
      "413",
      "422",
      "429",
      "500",
      "503"
    ])
    expect(create.responses["409"]?.description).toBe("Error: InvalidTransition, Conflict")
    expect(create.responses["422"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/AcmeError"
    })
    const refund = operation("/payments/{id}/refunds", "post")
    expect(Object.keys(refund.responses).sort()).toEqual(["201", "401", "403", "500", "501"])
  })

  it("declares the dialect's security schemes and resolves every reference", () => {
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: "http", scheme: "bearer" })
    })
    expect(document.security).toEqual([{ bearerAuth: [] }])
    const refs = collectRefs(document)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//u)
      expect(document.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined()
    }
  })

  it("uses the base path the host mounts the dialect at", () => {
    expect(openApiDocument(acmePay, { basePath: "/compat/acme" }).servers).toEqual([{ url: "/compat/acme" }])
  })
})

describe("docsApp", () => {
  const app = new Hono()
  app.route("/docs", docsApp([acmePay], { basePaths: { "acme-pay": "/compat/acme" } }))

  it("lists the dialects with links to their documents", async () => {
    const response = await app.request("/docs")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/text\/html/u)
    const html = await response.text()
    expect(html).toContain("Acme Pay")
    expect(html).toContain('href="/docs/acme-pay/openapi.json"')
    expect(html).toContain("<code>/compat/acme</code>")
    expect(html).toContain("3 / 4")
  })

  it("serves each dialect's document and 404s unknown ones", async () => {
    const response = await app.request("/docs/acme-pay/openapi.json")
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
    expect(document.servers).toEqual([{ url: "/compat/acme" }])
    expect(Object.keys(document.paths)).toContain("/payments/{id}")
    expect((await app.request("/docs/nope/openapi.json")).status).toBe(404)
  })
})
