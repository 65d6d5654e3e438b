/**
 * Logging in to the Elevate dialect, as an Elevate client does: `POST /authenticate` issues a
 * 15-minute JWT for a user's password, accepted as a bearer token; wrong passwords, tampered,
 * unsigned, foreign and expired tokens are refused with 401 in Elevate's shape (with a pinned clock,
 * a remembered token stops working at its own exp).
 */
import type { DialectTestbed } from "@paybridge/adapter-kit/testing"
import { inMemoryTestbedLayer, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import { Layer } from "effect"
import { decodeJwt } from "jose"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { ElevateTokenSettings, elevateDialect } from "../src/index.ts"
import { type ElevateSeed, expectError, login, newTestbed, password, plain, seed } from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

describe("authentication", () => {
  it("issues a 15-minute JWT for a user's password and accepts it as a bearer token", async () => {
    const response = await testbed.request({
      method: "POST",
      path: "/authenticate",
      body: { brand: "acme", username: elevate.username, password }
    })
    expect(response.status).toBe(200)
    const { token, username } = plain(response) as { token: string; username: string }
    expect(username).toBe(elevate.username)
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ iss: "paybridge", aud: "elevate", brand: "acme", username: elevate.username })
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60)
    const read = await testbed.request({
      method: "GET",
      path: "/customer-balances",
      query: { customer_id: String(elevate.customerId) },
      headers: { authorization: `Bearer ${token}` }
    })
    expect(read.status).toBe(200)
  })

  it("refuses wrong passwords, tampered, foreign and expired tokens with 401 in Elevate's shape", async () => {
    const wrong = await testbed.request({
      method: "POST",
      path: "/authenticate",
      body: { brand: "acme", username: elevate.username, password: "not the password" }
    })
    expectError(wrong, 401)
    const missingField = await testbed.request({ method: "POST", path: "/authenticate", body: { username: "x" } })
    expectError(missingField, 400, "brand")

    const probe = (token: string) =>
      testbed.request({
        method: "GET",
        path: "/customer-balances",
        query: { customer_id: String(elevate.customerId) },
        headers: { authorization: `Bearer ${token}` }
      })
    const [header, payload, signature] = elevate.token.split(".")
    const claims = decodeJwt(elevate.token)
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: String(Number(claims.sub) + 1000) })).toString("base64url")}.${signature}`
    expectError(await probe(forged), 401)
    expectError(await probe(`${header}.${payload}.${"A".repeat(43)}`), 401)
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`
    expectError(await probe(unsigned), 401)
    expect((await probe(elevate.token)).status).toBe(200)

    // A token from another key (another deployment) and an expired one, with a pinned clock.
    let now = Date.parse("2026-03-14T09:00:00Z")
    const pinned = await makeDialectTestbed({
      dialect: elevateDialect,
      layer: Layer.merge(
        inMemoryTestbedLayer(),
        Layer.succeed(ElevateTokenSettings, { secret: new TextEncoder().encode("k".repeat(32)), now: () => now })
      )
    })
    try {
      await pinned.createUser({ email: "clock@paybridge.test", name: "Clock", role: "finance", password })
      const token = await login(pinned, "clock@paybridge.test")
      const at = (bearer: string) =>
        pinned.request({
          method: "GET",
          path: "/refunds",
          query: { page: "1", pageSize: "10" },
          headers: { authorization: `Bearer ${bearer}` }
        })
      expect((await at(token)).status).toBe(200)
      expectError(await at(elevate.token), 401)
      now += 14 * 60 * 1000
      expect((await at(token)).status).toBe(200)
      // A verified token is remembered, but only within its own exp: its last millisecond still
      // works, the first one past it does not (as jose decides: whole seconds, exp excluded).
      now += 60 * 1000 - 1
      expect((await at(token)).status).toBe(200)
      now += 1
      expectError(await at(token), 401)
      now += 61 * 1000
      expectError(await at(token), 401)
    } finally {
      await pinned.dispose()
    }
  })
})
