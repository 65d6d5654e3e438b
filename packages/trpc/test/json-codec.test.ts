/**
 * The wire format of the internal API: what a client sends is decoded with the core command
 * schemas (ISO timestamps become dates, every bad field is reported with its path), and what it
 * receives has bigint minor units as strings and dates as ISO strings — never a float.
 */
import { CreatePaymentInput, Customer, CustomerId, PaymentQueryInput } from "@paybridge/core"
import type { StandardSchema } from "effect"
import { describe, expect, test } from "vitest"
import { jsonInput, jsonOutput } from "../src/json-codec.ts"

const validate = <O>(schema: StandardSchema.StandardSchemaV1<unknown, O>, value: unknown) => {
  const result = schema["~standard"].validate(value)
  if (result instanceof Promise) throw new Error("expected synchronous validation")
  return { value: result.issues === undefined ? result.value : undefined, issues: result.issues }
}

describe("jsonInput", () => {
  test("decodes an ISO timestamp into a Date and keeps the other filters", () => {
    const result = validate(jsonInput(PaymentQueryInput), {
      createdSince: "2026-11-01T10:00:00.000Z",
      states: ["posted", "draft"],
      limit: 25
    })
    expect(result.issues).toBeUndefined()
    expect(result.value).toEqual({
      createdSince: new Date("2026-11-01T10:00:00.000Z"),
      states: ["posted", "draft"],
      limit: 25
    })
  })

  test("reports every invalid field with its path", () => {
    const result = validate(jsonInput(CreatePaymentInput), {
      customerId: 0,
      amount: "12.50",
      paymentDate: "2026-13-01",
      allocations: [{ documentId: -1, amount: "1" }]
    })
    const paths = (result.issues ?? []).map((issue) => issue.path)
    expect(paths).toEqual(expect.arrayContaining([["customerId"], ["paymentDate"], ["allocations", 0, "documentId"]]))
    expect(result.issues?.find((issue) => issue.path?.[0] === "paymentDate")?.message).toBe(
      "expected a date as YYYY-MM-DD"
    )
  })
})

describe("jsonOutput", () => {
  test("writes bigint minor units as strings and dates as ISO strings", () => {
    const at = new Date("2026-11-21T08:30:00.000Z")
    const encoded = jsonOutput(Customer)({
      id: CustomerId.make(7),
      publicId: "0123456789ABCDEF0123456789ABCDEF",
      number: "1007",
      name: "Tanaka Shoji KK",
      email: null,
      currency: "JPY",
      balance: -150000n,
      creditLimit: 9007199254740993n,
      billingEntityId: null,
      externalRef: null,
      customFields: { region: "kanto" },
      createdAt: at,
      updatedAt: at,
      version: 3
    })
    expect(encoded.balance).toBe("-150000")
    expect(encoded.creditLimit).toBe("9007199254740993")
    expect(encoded.createdAt).toBe("2026-11-21T08:30:00.000Z")
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(encoded)
  })
})
