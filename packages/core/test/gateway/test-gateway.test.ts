/**
 * The built-in deterministic test gateway, as documented in `ports/payment-gateway.ts`: the
 * card-network test tokens decide first (approve, card declined, insufficient funds, pending);
 * without a known token the last two digits of the amount in minor units decide (51 declined,
 * 52 insufficient funds, 53 pending, anything else approved). Also the service layer's charge
 * outcomes and payment links.
 */
import { Effect } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Gateway, GatewayId, PaymentGateways, testGatewayDecision, testGatewayTokens } from "../../src/index.ts"

const gateway: Gateway = {
  id: GatewayId.make(7),
  publicId: "0123456789ABCDEF0123456789ABCDEF",
  code: "test-cards",
  name: "Test cards",
  driver: "test",
  enabled: true,
  createdAt: new Date("2026-01-01T00:00:00Z")
}

const declined = (message: string) => ({ declined: message })

describe("testGatewayDecision by token", () => {
  it("documents the four card-network test numbers", () => {
    expect(testGatewayTokens).toEqual({
      approve: "4242424242424242",
      decline: "4000000000000002",
      insufficientFunds: "4000000000009995",
      pending: "4000000000000259"
    })
  })

  it.each([
    ["4242424242424242", "approved"],
    ["4000000000000002", declined("card declined")],
    ["4000000000009995", declined("insufficient funds")],
    ["4000000000000259", "pending"]
  ] as const)("token %s → %j whatever the amount", (token, outcome) => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (amount) => {
        expect(testGatewayDecision(token, amount)).toEqual(outcome)
      })
    )
  })

  it("reads card numbers written with spaces or dashes", () => {
    expect(testGatewayDecision("4000 0000 0000 0002", 1000n)).toEqual(declined("card declined"))
    expect(testGatewayDecision("4000-0000-0000-9995", 1000n)).toEqual(declined("insufficient funds"))
    expect(testGatewayDecision("4000 0000-0000 0259", 1000n)).toBe("pending")
    expect(testGatewayDecision("4242 4242 4242 4242", 1051n)).toBe("approved")
  })
})

describe("testGatewayDecision by amount (no token, or an unknown one)", () => {
  it.each([
    [1000n, "approved"],
    [1050n, "approved"],
    [1n, "approved"],
    [0n, "approved"],
    [1051n, declined("card declined")],
    [51n, declined("card declined")],
    [1052n, declined("insufficient funds")],
    [1053n, "pending"],
    [1054n, "approved"],
    [1099n, "approved"],
    [-1051n, declined("card declined")],
    [-53n, "pending"]
  ] as const)("%d minor units → %j", (amount, outcome) => {
    expect(testGatewayDecision(null, amount)).toEqual(outcome)
    expect(testGatewayDecision("5555555555554444", amount)).toEqual(outcome)
  })

  it("depends only on the last two digits of the amount's magnitude", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.boolean(), (magnitude, negative) => {
        const lastTwo = Number(magnitude % 100n)
        const expectedOutcome =
          lastTwo === 51
            ? declined("card declined")
            : lastTwo === 52
              ? declined("insufficient funds")
              : lastTwo === 53
                ? "pending"
                : "approved"
        expect(testGatewayDecision(null, negative ? -magnitude : magnitude)).toEqual(expectedOutcome)
      }),
      { numRuns: 2000 }
    )
  })
})

describe("PaymentGateways.layerTest", () => {
  const run = <A>(effect: Effect.Effect<A, never, PaymentGateways>) =>
    Effect.runPromise(Effect.provide(effect, PaymentGateways.layerTest))

  it("turns decisions into charge outcomes with distinct gateway references", async () => {
    const outcomes = await run(
      Effect.gen(function* () {
        const gateways = yield* PaymentGateways
        let attempt = 0
        const charge = (amount: bigint, token: string | null) => {
          attempt += 1
          return gateways.charge({
            gateway,
            attemptKey: `k${attempt}`,
            amount,
            currency: "EUR",
            token,
            reference: "PAY-1"
          })
        }
        return [
          yield* charge(1000n, null),
          yield* charge(1051n, null),
          yield* charge(1000n, testGatewayTokens.insufficientFunds),
          yield* charge(1000n, testGatewayTokens.pending)
        ]
      })
    )
    expect(outcomes.map(({ status }) => status)).toEqual(["approved", "declined", "declined", "pending"])
    expect(outcomes[1]).toMatchObject({ status: "declined", message: "card declined" })
    expect(outcomes[2]).toMatchObject({ status: "declined", message: "insufficient funds" })
    const references = outcomes.map((outcome) => ("gatewayReference" in outcome ? outcome.gatewayReference : null))
    for (const reference of references) expect(reference).toMatch(/^TGW_[0-9A-Z]+$/)
    expect(new Set(references).size).toBe(references.length)
  })

  it("answers an attempt key once: a re-sent charge repeats the first answer and lookup finds it", async () => {
    const [first, again, found, missing] = await run(
      Effect.gen(function* () {
        const gateways = yield* PaymentGateways
        const request = {
          gateway,
          attemptKey: "pb_ch_1",
          amount: 1000n,
          currency: "EUR" as const,
          token: null,
          reference: "P"
        }
        return [
          yield* gateways.charge(request),
          yield* gateways.charge({ ...request, amount: 1051n }),
          yield* gateways.lookup({ gateway, attemptKey: "pb_ch_1", kind: "charge", chargeReference: null }),
          yield* gateways.lookup({ gateway, attemptKey: "pb_ch_2", kind: "charge", chargeReference: null })
        ] as const
      })
    )
    expect(first.status).toBe("approved")
    expect(again).toEqual(first)
    expect(found).toEqual(first)
    expect(missing).toEqual({ status: "not-found" })
  })

  it("creates payment links on the gateway's code, one per attempt key", async () => {
    const [first, second, repeated] = await run(
      Effect.gen(function* () {
        const gateways = yield* PaymentGateways
        const link = (attemptKey: string) =>
          gateways.createPaymentLink({ gateway, attemptKey, amount: 2500n, currency: "USD", reference: "INV-9" })
        return [yield* link("a"), yield* link("b"), yield* link("a")] as const
      })
    )
    if ("refused" in first || "refused" in second) throw new Error("the test gateway refused a link")
    expect(first.gatewayReference).toMatch(/^TGL_[0-9A-Z]+$/)
    expect(first.url).toBe(`https://pay.test-gateway.invalid/test-cards/${first.gatewayReference}`)
    expect(second.gatewayReference).not.toBe(first.gatewayReference)
    expect(repeated).toEqual(first)
  })
})
