/**
 * The reconciliation contract against the stand-in: a charge whose answer never arrived is
 * `unknown`; `lookup` (Stripe's search on the attempt-key tag) tells what Stripe holds; a re-send
 * with the same attempt key within Stripe's 24-hour idempotency window never charges twice; a 500
 * is replayed as a 500 (only lookup can settle it); and after the window a re-send would charge
 * again, which is why the reconciler looks up before it re-sends.
 */
import { describe, expect, it } from "vitest"
import { cardCharge, run, runFailure, testTimeoutMs, useStandIn } from "./support/driver-fixture.ts"

describe("a charge that timed out", () => {
  const t = useStandIn()

  it("after creating the charge: unknown, lookup finds it approved, a re-send does not charge again", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "hang", commit: true })
    const started = Date.now()
    const first = await run(t.driver.charge(cardCharge()))
    expect(first).toMatchObject({ status: "unknown", reason: "timeout" })
    expect(Date.now() - started).toBeGreaterThanOrEqual(testTimeoutMs - 20)
    expect(t.standIn.paymentIntentCount).toBe(1)

    const found = await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))
    expect(found).toEqual({
      status: "approved",
      reference: "pi_standin00000001",
      amount: 1050n,
      currency: "EUR",
      alsoFound: []
    })

    const retried = await run(t.driver.charge(cardCharge()))
    expect(retried).toEqual({ status: "approved", reference: "pi_standin00000001" })
    expect(t.standIn.paymentIntentCount).toBe(1)
    const creates = t.standIn.requestsTo("POST /v1/payment_intents")
    expect(creates.map((request) => request.idempotencyKey)).toEqual(["pay_0001:attempt:1", "pay_0001:attempt:1"])
  })

  it("before creating the charge: unknown, lookup says not-found, the re-send charges once", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "hang" })
    expect((await run(t.driver.charge(cardCharge()))).status).toBe("unknown")
    expect(await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))).toEqual({
      status: "not-found"
    })
    expect((await run(t.driver.charge(cardCharge()))).status).toBe("approved")
    expect(t.standIn.paymentIntentCount).toBe(1)
  })

  it("finds a declined attempt as declined, with Stripe's reason", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "decline", declineCode: "stolen_card", message: "Stolen." })
    await run(t.driver.charge(cardCharge()))
    expect(await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))).toMatchObject({
      status: "declined",
      code: "stolen_card",
      message: "Stolen."
    })
  })
})

describe("a charge answered with a 500", () => {
  const t = useStandIn()

  it("stays unknown on re-send (Stripe replays the 500) and only lookup settles it", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "server-error", commit: true })
    expect((await run(t.driver.charge(cardCharge()))).status).toBe("unknown")
    expect(await run(t.driver.charge(cardCharge()))).toMatchObject({ status: "unknown", reason: "gateway-error" })
    expect(await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))).toMatchObject({
      status: "approved",
      reference: "pi_standin00000001"
    })
    expect(t.standIn.paymentIntentCount).toBe(1)
  })
})

describe("lookup", () => {
  const t = useStandIn()

  it("still finds an attempt after Stripe forgot its idempotency key; a blind re-send then would charge twice", async () => {
    await run(t.driver.charge(cardCharge()))
    t.standIn.passIdempotencyWindow()
    expect(await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))).toMatchObject({
      status: "approved",
      alsoFound: []
    })
    // What the reconciler must never do: re-send after 24 hours without looking up first.
    await run(t.driver.charge(cardCharge()))
    expect(t.standIn.paymentIntentCount).toBe(2)
    const lookedUp = await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))
    expect(lookedUp.status !== "not-found" && lookedUp.alsoFound).toHaveLength(1)
  })

  it("quotes the attempt key in Stripe's search language", async () => {
    const attemptKey = "pay:1'x\\y"
    await run(t.driver.charge(cardCharge({ attemptKey })))
    await run(t.driver.charge(cardCharge({ attemptKey: "pay:1" })))
    const found = await run(t.driver.lookup({ attemptKey, kind: "charge" }))
    expect(found).toMatchObject({ status: "approved", reference: "pi_standin00000001", alsoFound: [] })
    expect(t.standIn.requestsTo("GET /v1/payment_intents/search")[0]?.query.query).toBe(
      "metadata['paybridge_attempt']:'pay:1\\'x\\\\y'"
    )
  })

  it("converts the found amount back to ledger minor units", async () => {
    await run(t.driver.charge(cardCharge({ currency: "ISK", amount: 1234n })))
    expect(await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))).toMatchObject({
      amount: 1234n,
      currency: "ISK"
    })
  })

  it("fails with GatewayUnreachable when the search times out (a read never settles anything)", async () => {
    t.standIn.script("GET /v1/payment_intents/search", { kind: "hang" })
    const error = await runFailure(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))
    expect(error).toMatchObject({ _tag: "GatewayUnreachable", reason: "timeout" })
  })
})

describe("lookup while Stripe's search index lags", () => {
  const t = useStandIn({ searchLagSeconds: 60 })

  it("does not see a fresh charge yet: not-found is conclusive only for attempts older than the lag", async () => {
    await run(t.driver.charge(cardCharge()))
    expect(await run(t.driver.lookup({ attemptKey: "pay_0001:attempt:1", kind: "charge" }))).toEqual({
      status: "not-found"
    })
    // The README's rule: within 24 h, settle a not-found by re-sending the identical request.
    expect(await run(t.driver.charge(cardCharge()))).toEqual({ status: "approved", reference: "pi_standin00000001" })
    expect(t.standIn.paymentIntentCount).toBe(1)
  })
})

describe("attempt keys", () => {
  const t = useStandIn()

  it("must be 1-255 printable characters: anything else is a defect, nothing is sent", async () => {
    for (const attemptKey of ["", "has space", "x".repeat(256)]) {
      await expect(run(t.driver.charge(cardCharge({ attemptKey })))).rejects.toThrow(/attempt keys are 1-255/)
    }
    expect(t.standIn.requests).toHaveLength(0)
  })
})
