/**
 * The trusted domain → JSON converters (`trusted-json-encoder.ts`) write exactly what the record
 * schemas' JSON codecs write — same keys in the same order, bigints as strings, dates as ISO
 * strings — for values generated from every record schema a procedure returns, and they give up
 * (so the schema encodes) on shapes and values they cannot vouch for.
 */
import {
  Allocation,
  BalanceEntry,
  BillingEntity,
  Customer,
  Document,
  Gateway,
  GatewayAttempt,
  GatewaySecretSummary,
  LedgerEvent,
  Page,
  Payment,
  PaymentDetail,
  PaymentOverview,
  PaymentPreset,
  Refund
} from "@paybridge/core"
import { Arbitrary, Effect, Schema } from "effect"
import { describe, expect, test } from "vitest"
import { jsonOutput } from "../src/json-codec.ts"
import { compileTrustedEncoder } from "../src/trusted-json-encoder.ts"

const recordSchemas = {
  PaymentDetail,
  Payment,
  "Page(Payment)": Page(Payment),
  Allocation,
  Refund,
  Customer,
  "Page(Customer)": Page(Customer),
  BalanceEntry,
  BillingEntity,
  Document,
  Gateway,
  GatewaySecretSummary,
  "GatewayAttempt without token": GatewayAttempt.mapFields(({ token: _token, ...fields }) => fields),
  "Page(LedgerEvent)": Page(LedgerEvent),
  PaymentOverview,
  PaymentPreset
} satisfies Record<string, Schema.Top>

const sample = <S extends Schema.Top>(schema: S, count: number) =>
  Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(schema as never), { count, seed: 14 })) as ReadonlyArray<
    S["Type"]
  >

describe("compileTrustedEncoder", () => {
  for (const [name, schema] of Object.entries(recordSchemas)) {
    test(`${name}: the same JSON as the schema's codec`, () => {
      const trusted = compileTrustedEncoder(schema)
      const encode = Schema.encodeSync(Schema.toCodecJson(schema as Schema.Codec<unknown, unknown>))
      const values = sample(schema, 60)
      let vouched = 0
      for (const value of values) {
        const expected = JSON.stringify(encode(value))
        const fast = trusted?.(value)
        if (fast !== undefined) vouched += 1
        if (fast !== undefined) expect(JSON.stringify(fast)).toBe(expected)
        expect(JSON.stringify(jsonOutput(schema as never)(value as never))).toBe(expected)
      }
      // The hot records are converted without the schema (a whole schema falling back would show here).
      if (name === "PaymentDetail" || name === "Payment" || name === "Page(Payment)") {
        expect(vouched).toBeGreaterThan(values.length / 2)
      }
    })
  }

  test("gives up on values it cannot vouch for, so the schema answers (and refuses)", () => {
    const trusted = compileTrustedEncoder(Allocation)
    const [allocation] = sample(Allocation, 1)
    expect(trusted?.({ ...allocation, createdAt: new Date(Number.NaN) })).toBeUndefined()
    expect(trusted?.({ ...allocation, amount: 12 })).toBeUndefined()
    const { booked: _booked, ...missing } = allocation as Allocation
    expect(trusted?.(missing)).toBeUndefined()
    expect(() => jsonOutput(Allocation)(missing as Allocation)).toThrow()
  })

  test("does not compile shapes it does not understand", () => {
    expect(compileTrustedEncoder(Schema.NumberFromString)).toBeNull()
    expect(compileTrustedEncoder(Schema.Tuple([Schema.String, Schema.BigInt]))).toBeNull()
    expect(compileTrustedEncoder(Schema.Union([Schema.BigInt, Schema.String]))).toBeNull()
  })
})
