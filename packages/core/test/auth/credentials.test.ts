/**
 * The credential cryptography on its own: scrypt hashes carry their parameters, verify only the
 * right secret, never contain the secret, and API keys have the documented `pbk_<prefix>_<secret>`
 * shape that parsing accepts and everything else is refused.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  apiKeyFingerprint,
  costOfStoredHash,
  formatApiKey,
  generateApiKeyPrefix,
  generateApiKeySecret,
  hashSecret,
  parseApiKey,
  productionKdfCost,
  testKdfCost,
  verifySecret
} from "../../src/auth/credentials.ts"

describe("scrypt secret hashes", () => {
  it("store the parameters, a salt and a hash, never the secret", async () => {
    const stored = await hashSecret("correct horse battery staple", testKdfCost)
    const parts = stored.split("$")
    expect(parts).toHaveLength(6)
    expect(parts.slice(0, 4)).toEqual(["scrypt", "256", "8", "1"])
    expect(stored).not.toContain("correct horse")
    expect(costOfStoredHash(stored)).toEqual(testKdfCost)
  })

  it("verify the right secret and refuse a wrong one", async () => {
    const stored = await hashSecret("s3cret-value", testKdfCost)
    expect(await verifySecret("s3cret-value", stored)).toBe(true)
    expect(await verifySecret("s3cret-valuE", stored)).toBe(false)
    expect(await verifySecret("", stored)).toBe(false)
  })

  it("salt every hash, so equal secrets hash differently", async () => {
    const first = await hashSecret("same", testKdfCost)
    const second = await hashSecret("same", testKdfCost)
    expect(first).not.toBe(second)
    expect(await verifySecret("same", first)).toBe(true)
    expect(await verifySecret("same", second)).toBe(true)
  })

  it("verify with the stored parameters, so the configured cost can change later", async () => {
    const cheap = await hashSecret("rotate-me", { N: 2 ** 4, r: 1, p: 1 })
    expect(cheap.startsWith("scrypt$16$1$1$")).toBe(true)
    expect(await verifySecret("rotate-me", cheap)).toBe(true)
  })

  it("use the production cost N=2^15, r=8, p=1 by default", async () => {
    const started = performance.now()
    const stored = await hashSecret("production")
    const elapsed = performance.now() - started
    expect(stored.startsWith("scrypt$32768$8$1$")).toBe(true)
    expect(costOfStoredHash(stored)).toEqual(productionKdfCost)
    // A slow KDF: even a fast machine spends milliseconds, not microseconds.
    expect(elapsed).toBeGreaterThan(5)
  })

  it("never match a malformed or tampered stored hash", async () => {
    const stored = await hashSecret("value", testKdfCost)
    const [, n, r, p, salt, hash] = stored.split("$")
    const tampered = [
      "",
      "value",
      "bcrypt$256$8$1$abc$def",
      `scrypt$$${n}$${r}$${p}$${salt}$${hash}`, // empty field
      `scrypt$${n}$${r}$${p}$${salt}`,
      `scrypt$3$${r}$${p}$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`, // N beyond the accepted bound
      `scrypt$${n}$${r}$${p}$${salt}$${hash?.slice(0, 10)}`, // truncated hash
      `scrypt$${n}$${r}$${p}$${salt}$${hash}!`,
      `scrypt$${n}$${r}$${p}$${salt}$${hash?.startsWith("A") ? "B" : "A"}${hash?.slice(1)}` // one character of the hash changed
    ]
    for (const candidate of tampered) {
      expect(await verifySecret("value", candidate), candidate).toBe(false)
    }
  })

  it("refuse to hash with an unsupported cost", async () => {
    await expect(hashSecret("x", { N: 1000, r: 8, p: 1 })).rejects.toThrow(/unsupported scrypt cost/)
  })
})

describe("API key shape", () => {
  it("is pbk_ + 12 lowercase letters/digits + _ + 43 base64url characters", () => {
    const prefix = generateApiKeyPrefix()
    const secret = generateApiKeySecret()
    const key = formatApiKey({ prefix, secret })
    expect(key).toMatch(/^pbk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(secret, "base64url")).toHaveLength(32)
    expect(parseApiKey(key)).toEqual({ prefix, secret })
  })

  it("generates distinct prefixes and secrets", () => {
    const prefixes = new Set(Array.from({ length: 1000 }, generateApiKeyPrefix))
    const secrets = new Set(Array.from({ length: 1000 }, generateApiKeySecret))
    expect(prefixes.size).toBe(1000)
    expect(secrets.size).toBe(1000)
  })

  it("parses every generated key back into its parts", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (prefix, bytes) => {
          const secret = Buffer.from(bytes).toString("base64url")
          expect(parseApiKey(formatApiKey({ prefix, secret }))).toEqual({ prefix, secret })
        }
      )
    )
  })

  it("rejects anything that is not exactly a key", () => {
    const good = formatApiKey({ prefix: "abcdefghij12", secret: "A".repeat(43) })
    expect(parseApiKey(good)).not.toBeNull()
    const bad = [
      "",
      "pbk_",
      "pbk__",
      good.replace("pbk_", "pbx_"),
      good.replace("pbk_", "PBK_"),
      `${good}A`,
      good.slice(0, -1),
      good.replace("abcdefghij12", "abcdefghij1"),
      good.replace("abcdefghij12", "ABCDEFGHIJ12"),
      good.replace("abcdefghij12", "abcdefghij1_"),
      `${good.slice(0, -1)}=`,
      `${good.slice(0, -1)}+`,
      ` ${good}`,
      `Bearer ${good}`
    ]
    for (const candidate of bad) expect(parseApiKey(candidate), candidate).toBeNull()
  })

  it("fingerprints the whole key with SHA-256, so keys differing anywhere differ", () => {
    const key = formatApiKey({ prefix: "abcdefghij12", secret: "A".repeat(43) })
    expect(apiKeyFingerprint(key)).toMatch(/^[0-9a-f]{64}$/)
    expect(apiKeyFingerprint(key)).toBe(apiKeyFingerprint(key))
    expect(apiKeyFingerprint(key)).not.toBe(apiKeyFingerprint(`${key.slice(0, -1)}B`))
    expect(apiKeyFingerprint(key)).not.toContain("AAAA")
  })
})
